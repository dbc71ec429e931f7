"""The degradation problem: a deeper plain net trains worse; measured here, and in the paper."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    DashedLine,
    FadeIn,
    Indicate,
    SurroundingRectangle,
    VGroup,
    Write,
)

from model.experiments.degradation import Degradation, degradation, run_key
from model.measure import PAPER_IMAGENET_TOP1_ERROR_10CROP
from slides import theme
from slides.base import LectureSlide
from slides.common.grids import Grid
from slides.common.numbers import fixed
from slides.common.plots import CurvePlot, Series
from slides.common.spread import band, curve_band, mean_range
from slides.common.text import fit, label

PAPER_SOURCE = "He et al. 2015, Table 2"
PAPER_ROWS = (("plain-18", "plain18"), ("plain-34", "plain34"), ("ResNet-18", "resnet18"), ("ResNet-34", "resnet34"))


def degradation_data() -> Degradation:
    """The degradation experiment's canonical (cached) record."""
    return degradation()


def legend_text(record: Degradation, plain: bool, depth: int) -> str:
    """``plain-56: 62.3%`` over ``(58.1-66.0%)``: mean final training error, its range over seeds."""
    key = run_key(plain, depth)
    return f"{key}: {mean_range(record.final_train_error[key], sep=chr(10))}"


def verdict_text(record: Degradation) -> str:
    shallow, deep = min(record.depths), max(record.depths)
    if record.effect_observed:
        return f"Measured: plain-{deep} trains worse than plain-{shallow}, and worse than residual-{deep}"
    if record.plain_degrades:
        return f"Measured: plain-{deep} trains worse than plain-{shallow}, but not clearly worse than residual-{deep}"
    return f"Honestly: in our small digits runs, plain-{deep} did not clearly train worse than plain-{shallow}"


def criterion_notes(record: Degradation) -> str:
    """What the curves are and how the verdict was reached, with the record's numbers."""
    shallow, deep = min(record.depths), max(record.depths)
    finals = record.final_train_error
    n = len(record.seeds)
    return (
        f"Each curve is the mean of {n} runs with different seeds, and its band spans the "
        f"lowest to the highest run. We call a gap real only when the means differ by more "
        f"than twice the pooled standard deviation of the runs and the ranges do not overlap. "
        f"After {record.epochs} epochs plain-{deep} ends at {mean_range(finals[run_key(True, deep)])}, "
        f"plain-{shallow} at {mean_range(finals[run_key(True, shallow)])} and residual-{deep} at "
        f"{mean_range(finals[run_key(False, deep)])}."
    )


class DegradationProblem(LectureSlide):
    def construct(self) -> None:
        self.record = degradation_data()
        self.shallow, self.deep = min(self.record.depths), max(self.record.depths)
        self.next_slide(
            notes="Here is the puzzle. Take a shallow net and stack more layers on top. The deeper net "
            "could copy the shallow one and make the extra layers the identity, so its training error "
            "should never be higher."
        )
        self.show_argument()
        self.next_slide(
            notes="We tested it: plain nets, no skips, trained on handwritten digits with one recipe, "
            f"{len(self.record.seeds)} times with different seeds. "
            "Training error, not test error: this is about fitting, not overfitting."
        )
        self.show_plain_curves()
        self.next_slide(
            notes="Same depths with skip connections, same data, same recipe, same starting weights. "
            "Compare how the deep net does against the shallow one in each family. " + criterion_notes(self.record)
        )
        self.show_residual_curves()
        self.next_slide(
            notes="The paper saw it at ImageNet scale: the 34-layer plain net has higher error than the "
            "18-layer one, while with residual connections depth helps. These are the paper's numbers."
        )
        self.show_paper()

    def show_argument(self) -> None:
        self.heading = self.title("Deeper should never be worse. It was.")
        extra = self.deep - self.shallow
        argument = label(
            f"{self.deep} layers can copy {self.shallow} layers and make the {extra} extra ones the identity,",
            size=theme.LABEL_FONT,
        )
        conclusion = label(
            "so its training error should be at most the shallow net's.", size=theme.LABEL_FONT, color=theme.HIGHLIGHT
        )
        self.argument = VGroup(argument, conclusion).arrange(DOWN, buff=0.2)
        fit(self.argument, width=13.4)
        self.argument.next_to(self.heading, DOWN, buff=0.35)
        self.play(Write(self.heading))
        self.play(FadeIn(argument))
        self.play(FadeIn(conclusion))

    def _series(self, plain: bool) -> list[Series]:
        record = self.record
        color = theme.PLAIN if plain else theme.RESIDUAL
        series = []
        for depth, dashed in ((self.shallow, True), (self.deep, False)):
            mean, _, _ = curve_band(record.train_error[run_key(plain, depth)])
            epochs = np.arange(1, len(mean) + 1)
            series.append(Series(epochs, mean, legend_text(record, plain, depth), color, dashed=dashed))
        return series

    def _bands(self, plain: bool) -> list:
        color = theme.PLAIN if plain else theme.RESIDUAL
        bands = []
        for depth in (self.shallow, self.deep):
            _, low, high = curve_band(self.record.train_error[run_key(plain, depth)])
            bands.append(band(self.plot, np.arange(1, len(low) + 1), low, high, color))
        return bands

    def show_plain_curves(self) -> None:
        record = self.record
        everything = self._series(True) + self._series(False)
        top = max(float(np.max(curves)) for curves in record.train_error.values())
        # One plot for all four curves, drawn two at a time, so the axes never jump.
        self.plot = CurvePlot(
            everything,
            x_label="epoch",
            y_label="training error (digits)",
            percent_y=True,
            width=4.0,
            height=3.2,
            y_range=(0.0, top * 1.05),
        )
        # The shared legend draws every swatch solid; the shallow nets' curves are dashed, so are theirs.
        for item, series in zip(self.plot.legend, everything):
            if series.dashed:
                swatch = item[0]
                item.remove(swatch)
                item.add_to_back(
                    DashedLine(
                        swatch.get_start(), swatch.get_end(), color=series.color, stroke_width=6, dash_length=0.1
                    )
                )
        self.plot.next_to(self.argument, DOWN, buff=0.35).to_edge(LEFT, buff=0.6)
        axes_parts = [m for m in self.plot if m is not self.plot.curves and m is not self.plot.legend]
        self.play(*(FadeIn(m) for m in axes_parts))
        self.plain_bands = self._bands(True)
        self.bring_to_back(*self.plain_bands)
        self.play(
            *(Create(c) for c in self.plot.curves[:2]),
            *(FadeIn(b) for b in self.plain_bands),
            FadeIn(self.plot.legend[:2]),
            run_time=1.5,
        )
        self.describe(
            f"Training error per epoch over {record.epochs} epochs, the mean of {len(record.seeds)} runs with "
            f"their range shaded: the plain nets end at "
            f"{mean_range(record.final_train_error[run_key(True, self.shallow)])} ({self.shallow} layers, dashed) "
            f"and {mean_range(record.final_train_error[run_key(True, self.deep)])} ({self.deep} layers, solid)."
        )

    def show_residual_curves(self) -> None:
        record = self.record
        self.residual_bands = self._bands(False)
        self.bring_to_back(*self.residual_bands)
        self.play(
            *(Create(c) for c in self.plot.curves[2:]),
            *(FadeIn(b) for b in self.residual_bands),
            FadeIn(self.plot.legend[2:]),
            run_time=1.5,
        )
        self.verdict = self.caption(verdict_text(record), color=theme.HIGHLIGHT, font_size=theme.MIN_FONT)
        self.play(Write(self.verdict))
        self.describe(
            f"The residual nets' curves added: they end at "
            f"{mean_range(record.final_train_error[run_key(False, self.shallow)])} ({self.shallow} layers, dashed) "
            f"and {mean_range(record.final_train_error[run_key(False, self.deep)])} ({self.deep} layers, solid)."
        )

    def show_paper(self) -> None:
        paper = Grid(
            [[shown, f"{fixed(PAPER_IMAGENET_TOP1_ERROR_10CROP[key], 2)} %"] for shown, key in PAPER_ROWS],
            cell=None,
            ink=[theme.PLAIN if key.startswith("plain") else theme.RESIDUAL for _, key in PAPER_ROWS],
            mono=[False, True],
            align="left",
            buff=(0.35, 0.25),
        )
        rows = paper.rows
        heading = VGroup(*(label(part, size=theme.MIN_FONT, weight="BOLD") for part in PAPER_SOURCE.split(", ")))
        heading.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        detail = VGroup(
            label("ImageNet, top-1 error", size=theme.MIN_FONT, color=theme.MUTED),
            label("10-crop, validation", size=theme.MIN_FONT, color=theme.MUTED),
        )
        detail.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        panel = VGroup(heading, detail, paper).arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        panel.align_to(self.plot, UP).to_edge(RIGHT, buff=theme.MARGIN)
        plain_rows = VGroup(rows[0], rows[1])
        worse = SurroundingRectangle(rows[1], color=theme.HIGHLIGHT, buff=0.08)
        self.play(FadeIn(heading), FadeIn(detail))
        self.play(FadeIn(rows, lag_ratio=0.3), run_time=1.2)
        self.play(Create(worse))
        self.play(Indicate(plain_rows, color=theme.HIGHLIGHT, scale_factor=1.03))
