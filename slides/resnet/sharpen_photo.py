"""A network that sharpens a blurry photo, and the fact that it only learns what to add."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    UP,
    Arrow,
    FadeIn,
    FadeOut,
    Group,
    GrowArrow,
    Indicate,
    Text,
    VGroup,
    Write,
)

from model.experiments.sharpening import Sharpening, sharpening
from slides import theme
from slides.common.diagrams import LayerBox
from slides.common.images import PhotoSlide, framed, grey_image, signed_image
from slides.common.numbers import fixed, signed
from slides.common.spread import mean_range
from slides.common.text import label

IMAGE_HEIGHT = 2.7


def sharpening_data() -> Sharpening:
    """The sharpening experiment's canonical (cached) record."""
    return sharpening()


def _psnr_text(value: float) -> str:
    return f"PSNR {fixed(value, 1)} dB"


def psnr_range_text(value) -> str:
    """``PSNR 28.0 dB`` over ``(27.9-28.1 dB)``: the mean over seeds and the range of the runs."""
    return "PSNR " + mean_range(value, scale=1.0, unit=" dB", sep="\n")


def runs_notes(record: Sharpening) -> str:
    return (
        f"Both networks were trained {len(record.seeds)} times with different seeds; the photos are "
        "from the first run, the scores are the mean of the runs with the worst and best in brackets. "
        "A gap counts only when the means differ by more than twice the pooled standard deviation "
        "of the runs and the ranges do not overlap."
    )


def skip_verdict(record: Sharpening) -> str:
    difference = record.output_psnr.mean - record.plain_psnr.mean
    if record.skip_helps:
        return f"Without the skip: {fixed(difference, 1)} dB worse than with it"
    return "Here the plain net did not clearly do worse: no clear gain from the skip"


class SharpenPhoto(PhotoSlide):
    def construct(self) -> None:
        self.record = sharpening_data()
        self.next_slide(
            notes="A concrete function: a small convolutional network, trained on other photos, "
            "that takes a blurry photo and returns a sharper one. This cameraman was never seen in training."
        )
        self.show_pipeline()
        self.next_slide(
            notes="How much better is it? PSNR measures closeness to the sharp original in decibels; "
            "higher is closer. The network's output is closer than its input. " + runs_notes(self.record)
        )
        self.show_psnr()
        self.next_slide(
            notes="Here is the trick. The network does not redraw the photo: its layers compute only "
            "a correction, which brightens some pixels and darkens others as its legend shows, and the "
            "input is added back."
        )
        self.show_residual()
        self.next_slide(
            notes="Train the very same layers, same data and same steps, but without adding the input back: "
            "the network must redraw the whole photo itself, and does worse."
        )
        self.show_without_skip()

    def _panel(self, pixels, caption: str, color: str) -> Group:
        return framed(grey_image(pixels, height=IMAGE_HEIGHT, smooth=True), caption, color=color)

    def show_pipeline(self) -> None:
        record = self.record
        heading = self.title("A network that sharpens photos")
        self.blurry = self._panel(record.blurry, "input: blurred", theme.DATA)
        self.network = LayerBox(
            "network", detail=f"{record.depth} conv layers", color=theme.LAYER, width=2.5, height=1.4
        )
        self.output = self._panel(record.output, "output", theme.OUTPUT)
        self.original = self._panel(record.sharp, "sharp original", theme.MUTED)
        row = Group(self.blurry, self.network, self.output, self.original).arrange(RIGHT, buff=0.75)
        row.next_to(heading, DOWN, buff=1.1)
        self.network.match_y(self.blurry[0])
        self.arrow_in = Arrow(self.blurry[1].get_right(), self.network.get_left(), buff=0.08, color=theme.DATA)
        self.arrow_out = Arrow(self.network.get_right(), self.output[1].get_left(), buff=0.08, color=theme.DATA)
        self.play(Write(heading))
        self.play(FadeIn(self.blurry))
        self.play(GrowArrow(self.arrow_in), FadeIn(self.network))
        self.play(GrowArrow(self.arrow_out), FadeIn(self.output, shift=0.3 * RIGHT))
        self.play(FadeIn(self.original))
        self.describe(
            "Three versions of one photo side by side: the blurred input, the network's output and the sharp original."
        )

    def show_psnr(self) -> None:
        record = self.record
        before = label(_psnr_text(record.psnr_blurry), size=theme.LABEL_FONT, color=theme.DATA)
        after = label(psnr_range_text(record.output_psnr), size=theme.MIN_FONT, color=theme.OUTPUT, weight="BOLD")
        before.next_to(self.blurry, DOWN, buff=0.25)
        after.next_to(self.output, DOWN, buff=0.25)
        reference = label("reference", size=theme.LABEL_FONT, color=theme.MUTED).next_to(self.original, DOWN, buff=0.25)
        gain = record.output_psnr.mean - record.psnr_blurry
        note = self.caption(
            f"{signed(gain, 1)} dB closer to the original, on a photo it never saw in training", color=theme.TEXT
        )
        self.play(FadeIn(before), FadeIn(reference))
        self.play(FadeIn(after))
        self.play(Write(note))
        self.scores = VGroup(before, after, reference, note)

    def show_residual(self) -> None:
        record = self.record
        self.play(
            FadeOut(self.scores),
            FadeOut(self.original),
            FadeOut(self.arrow_in),
            FadeOut(self.arrow_out),
            FadeOut(self.network),
        )
        # Scale colours to the 99th percentile, so a few extreme pixels do not wash out the rest.
        limit = float(np.percentile(np.abs(record.residual.astype(np.float64)), 99))
        residual = framed(
            signed_image(record.residual, height=IMAGE_HEIGHT, limit=limit), "what the layers add", color=theme.LAYER
        )
        signs = Text(
            "+ brighter    − darker",
            font=theme.FONT,
            font_size=theme.MIN_FONT,
            t2c={"+ brighter": theme.POSITIVE, "− darker": theme.NEGATIVE},
        )
        plus = label("+", size=theme.TITLE_FONT, color=theme.SKIP)
        equals = label("=", size=theme.TITLE_FONT)
        equation = Group(self.blurry.copy(), plus, residual, equals, self.output.copy()).arrange(RIGHT, buff=0.45)
        equation.match_y(self.blurry)
        plus.match_y(self.blurry[0])
        equals.match_y(self.blurry[0])
        self.play(self.blurry.animate.move_to(equation[0]), self.output.animate.move_to(equation[4]))
        self.play(FadeIn(plus), FadeIn(residual, shift=0.3 * UP), FadeIn(equals))
        self.play(FadeIn(signs))
        signs.next_to(residual, DOWN, buff=0.15)
        formula = label("output = input + F(input)", size=theme.BODY_FONT, color=theme.SKIP)
        formula.next_to(Group(equation, signs), DOWN, buff=0.4)
        moral = self.caption("The network only adds what is missing", color=theme.HIGHLIGHT, font_size=theme.BODY_FONT)
        self.play(Write(formula))
        self.play(FadeIn(moral))
        self.play(Indicate(residual, color=theme.HIGHLIGHT, scale_factor=1.03))
        self.residual_view = Group(plus, residual, signs, equals, formula, moral)

    def show_without_skip(self) -> None:
        record = self.record
        self.play(FadeOut(self.residual_view), FadeOut(self.blurry))
        plain = self._panel(record.plain_output, "same layers, no skip", theme.PLAIN)
        with_skip = self.output
        target = Group(plain.copy(), with_skip.copy()).arrange(RIGHT, buff=2.5).match_y(with_skip)
        plain.move_to(target[0])
        self.play(with_skip.animate.move_to(target[1]))
        self.play(FadeIn(plain))
        plain_score = label(psnr_range_text(record.plain_psnr), size=theme.MIN_FONT, color=theme.PLAIN)
        skip_score = label(psnr_range_text(record.output_psnr), size=theme.MIN_FONT, color=theme.OUTPUT, weight="BOLD")
        plain_score.next_to(plain, DOWN, buff=0.25)
        skip_score.next_to(with_skip, DOWN, buff=0.25)
        verdict_text = self.caption(skip_verdict(record), color=theme.TEXT, font_size=theme.BODY_FONT)
        self.play(FadeIn(plain_score), FadeIn(skip_score))
        self.play(Write(verdict_text))
