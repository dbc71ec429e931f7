"""A network is a function: numbers in, numbers out; then a photo in and a photo out."""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    Arrow,
    FadeIn,
    FadeOut,
    GrowArrow,
    Indicate,
    ReplacementTransform,
    VGroup,
    Write,
)

from model.experiments.sharpening import Sharpening, sharpening
from model.functions import line_example
from slides import theme
from slides.common.diagrams import LayerBox
from slides.common.images import PhotoSlide, framed, grey_image
from slides.common.text import label


def _number(value: float) -> str:
    return f"{value:g}"


def _numbers(values: tuple[float, ...]) -> str:
    """1, 2 and 3: values as a lecturer reads them out."""
    shown = [_number(v) for v in values]
    return ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]


class WhatIsAFunction(PhotoSlide):
    def construct(self) -> None:
        self.next_slide(
            notes="Start from the simplest idea: a function takes an input x and gives an output y. "
            "A neural network is nothing more than that, a function."
        )
        self.show_machine()
        example = line_example()
        self.next_slide(
            notes=f"Here f is {_number(example.slope)} times its input plus {_number(example.intercept)}. "
            f"Feed it {_numbers(example.inputs)} and out come {_numbers(example.outputs)}. "
            "This f is a real one-weight PyTorch layer; the outputs were computed by it."
        )
        self.feed_numbers()
        self.next_slide(
            notes="Now let x be a photo and y another photo. The input is a blurry crop of the "
            "cameraman; the output is what a small network we trained makes of it."
        )
        self.feed_photo()
        self.next_slide(
            notes="An image is just a grid of numbers, so this is still numbers in, numbers out. "
            "Only f is much bigger, and nobody wrote it down: it was learned."
        )
        self.show_moral()

    def show_machine(self) -> None:
        heading = self.title("A network is a function")
        self.box = LayerBox("f", color=theme.LAYER, width=2.4, height=1.6, font_size=theme.HEADING_FONT)
        self.arrow_in = Arrow(
            self.box.get_left() + 2.2 * LEFT, self.box.get_left(), buff=0.1, color=theme.DATA, stroke_width=5
        )
        self.arrow_out = Arrow(
            self.box.get_right(), self.box.get_right() + 2.2 * RIGHT, buff=0.1, color=theme.OUTPUT, stroke_width=5
        )
        self.x_text = label("x", size=theme.HEADING_FONT, color=theme.DATA).next_to(self.arrow_in, LEFT)
        self.y_text = label("y", size=theme.HEADING_FONT, color=theme.OUTPUT).next_to(self.arrow_out, RIGHT)
        self.play(Write(heading))
        self.play(
            FadeIn(self.box),
            GrowArrow(self.arrow_in),
            GrowArrow(self.arrow_out),
            FadeIn(self.x_text),
            FadeIn(self.y_text),
        )

    def feed_numbers(self) -> None:
        example = line_example()
        rule = label(
            f"f(x) = {_number(example.slope)}x + {_number(example.intercept)}", size=theme.BODY_FONT, color=theme.LAYER
        )
        rule.next_to(self.box, DOWN, buff=0.4)
        self.play(FadeIn(rule, shift=0.2 * DOWN))
        rows = VGroup()
        x_shown, y_shown = self.x_text, self.y_text
        for x, y in zip(example.inputs, example.outputs):
            x_new = label(_number(x), size=theme.HEADING_FONT, color=theme.DATA).move_to(self.x_text)
            y_new = label(_number(y), size=theme.HEADING_FONT, color=theme.OUTPUT).move_to(self.y_text)
            self.play(ReplacementTransform(x_shown, x_new), FadeOut(y_shown), run_time=0.5)
            self.play(Indicate(self.box, color=theme.HIGHLIGHT, scale_factor=1.05), run_time=0.5)
            self.play(FadeIn(y_new, shift=0.3 * RIGHT), run_time=0.5)
            row = label(f"f({_number(x)}) = {_number(y)}", size=theme.LABEL_FONT, mono=True)
            rows.add(row)
            x_shown, y_shown = x_new, y_new
        rows.arrange(RIGHT, buff=0.9).next_to(rule, DOWN, buff=0.5)
        self.play(FadeIn(rows, lag_ratio=0.3))
        self.numbers = VGroup(rule, rows, x_shown, y_shown)

    def feed_photo(self) -> None:
        record: Sharpening = sharpening()
        self.play(FadeOut(self.numbers))
        self.blurry = framed(grey_image(record.blurry, height=3.2, smooth=True), "x: blurry photo", color=theme.DATA)
        self.sharp = framed(
            grey_image(record.output, height=3.2, smooth=True), "y: network's output", color=theme.OUTPUT
        )
        self.blurry.next_to(self.arrow_in, LEFT, buff=0.15).shift(0.3 * DOWN)
        self.sharp.next_to(self.arrow_out, RIGHT, buff=0.15).shift(0.3 * DOWN)
        self.play(FadeIn(self.blurry))
        self.play(Indicate(self.box, color=theme.HIGHLIGHT, scale_factor=1.05), run_time=0.6)
        self.play(FadeIn(self.sharp, shift=0.3 * RIGHT))
        self.record = record

    def show_moral(self) -> None:
        rows, cols = self.record.blurry.shape
        moral = self.caption(
            f"{rows} x {cols} = {rows * cols:,} numbers in, {rows * cols:,} numbers out",
            color=theme.TEXT,
            font_size=theme.BODY_FONT,
        )
        self.play(Write(moral))
