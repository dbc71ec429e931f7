"""dH/dx = dF/dx + 1: why gradients survive 110 layers, measured on plain and residual nets."""

from __future__ import annotations

import math

import numpy as np
from manim import (
    DOWN,
    ORIGIN,
    RIGHT,
    UP,
    Arrow,
    Dot,
    FadeIn,
    Indicate,
    Line,
    MathTex,
    VGroup,
    Write,
)

from model.experiments import gradient_flow as experiment
from slides import theme
from slides.base import LectureSlide
from slides.common.diagrams import SkipArc
from slides.common.plots import CurvePlot, Series, superscript
from slides.common.residual import ResidualBlockDiagram, travel
from slides.common.text import label


def gradient_flow_data() -> experiment.GradientFlow:
    """Per-block gradient norms of fresh plain and residual nets at depth 20, 56 and 110."""
    return experiment.gradient_flow()


def shared_range(record: experiment.GradientFlow) -> tuple[float, float]:
    """Whole powers of ten around every norm, so the three panels share one scale."""
    values = np.concatenate([np.ravel(v) for v in record.grad_norms.values()])
    return 10.0 ** math.floor(math.log10(values.min())), 10.0 ** math.ceil(math.log10(values.max()))


def depth_panel(record: experiment.GradientFlow, depth: int, y_range: tuple[float, float]) -> CurvePlot:
    """One depth: the gradient norm at each block's input, plain vs residual, on a log axis."""
    series = []
    for kind, color in (("plain", theme.PLAIN), ("residual", theme.RESIDUAL)):
        norms = record.grad_norms[f"{kind}-{depth}"]
        series.append(Series(np.arange(1, len(norms) + 1), norms, kind, color))
    # The depth is the panel's title, where CurvePlot puts the y label.
    return CurvePlot(
        series,
        x_label="block (input \u2192 output)",
        y_label=f"{depth} layers",
        log_y=True,
        y_range=y_range,
        width=2.6,
        height=3.3,
        legend=False,
    )


def readable(value: float) -> str:
    """A ratio as a lecturer reads it: 0.52, 37 or 8.5 x 10^7."""
    if 10 <= value < 1000:
        return f"{value:.0f}"
    if 0.01 <= value < 10:
        return f"{value:.2g}"
    exponent = math.floor(math.log10(value))
    return f"{value / 10**exponent:.1f} \u00d7 10{superscript(exponent)}"


def legend_row() -> VGroup:
    items = VGroup()
    for name, color in (("plain net", theme.PLAIN), ("residual net", theme.RESIDUAL)):
        swatch = Line(ORIGIN, 0.6 * RIGHT, color=color, stroke_width=6)
        items.add(VGroup(swatch, label(name, size=theme.MIN_FONT)).arrange(RIGHT, buff=0.15))
    return items.arrange(RIGHT, buff=0.8)


class GradientFlow(LectureSlide):
    def construct(self) -> None:
        self.next_slide(
            notes="Why does the skip help training? Differentiate the block: the derivative of the output "
            "with respect to the input is dF/dx plus one. The one comes from the skip."
        )
        self.heading = self.title("Gradient flow through the skip")
        self.show_derivative()
        self.show_telephone()
        record = gradient_flow_data()
        self.show_measurement(record)
        self.show_flow_loop()
        self.show_takeaway(record)

    def show_derivative(self) -> None:
        formula = MathTex(
            r"\frac{\partial H}{\partial x}",
            "=",
            r"\frac{\partial F}{\partial x}",
            "+",
            "1",
            font_size=theme.TITLE_FONT + 12,
            color=theme.TEXT,
        )
        formula[2].set_color(theme.LAYER)
        formula[4].set_color(theme.SKIP)
        note = label("even if dF/dx is tiny, the 1 carries the gradient back", color=theme.MUTED).next_to(
            formula, DOWN, buff=0.7
        )
        self.play(Write(self.heading), Write(formula))
        self.play(Indicate(formula[4], color=theme.SKIP, scale_factor=1.6), FadeIn(note))
        self.formula = VGroup(formula, note)

    def show_telephone(self) -> None:
        self.next_slide(
            notes="Think of the telephone game. In a plain net each person whispers to the next and the "
            "message is garbled after a hundred people. In a ResNet each person also passes a written "
            "note past the next one: the original survives."
        )
        self.clear_slide(self.heading)
        rows = VGroup()
        for name, with_notes in (("plain: whisper only", False), ("residual: whisper + written note", True)):
            people = VGroup(*(Dot(radius=0.16, color=theme.TEXT) for _ in range(7))).arrange(RIGHT, buff=1.1)
            whispers = VGroup(
                *(
                    Arrow(a.get_right(), b.get_left(), buff=0.1, color=theme.PLAIN, stroke_width=4)
                    for a, b in zip(people, people[1:])
                )
            )
            notes = (
                VGroup(
                    *(SkipArc(a.get_top(), b.get_top(), bend=-1.4, stroke_width=4) for a, b in zip(people, people[2:]))
                )
                if with_notes
                else VGroup()
            )
            tag = label(name, color=theme.SKIP if with_notes else theme.PLAIN)
            row = VGroup(tag, VGroup(people, whispers, notes)).arrange(DOWN, buff=0.35 if not with_notes else 0.9)
            rows.add(row)
        rows.arrange(DOWN, buff=0.8).next_to(self.heading, DOWN, buff=0.6)
        self.play(FadeIn(rows[0]))
        self.play(FadeIn(rows[1][0]), FadeIn(rows[1][1][:2]))
        self.play(*(FadeIn(arc) for arc in rows[1][1][2]), run_time=1.0)

    def show_measurement(self, record: experiment.GradientFlow) -> None:
        deepest = max(record.depths)
        plain_ratio = float(record.first_over_last[f"plain-{deepest}"])
        trend = "blows up" if plain_ratio > 1 else "fades"
        self.next_slide(
            notes="Measured on our nets, untrained, one real batch: the size of the gradient arriving at "
            f"each block. In the plain nets it {trend} towards the input by orders of magnitude, the more "
            "the deeper the net; with skips it changes far less."
        )
        self.clear_slide(self.heading)
        y_range = shared_range(record)
        plots = [depth_panel(record, d, y_range) for d in record.depths]
        panels = VGroup(*plots).arrange(RIGHT, buff=0.6)
        legend = legend_row()
        axis_name = label("gradient norm at each block's input, log scale", size=theme.MIN_FONT, color=theme.MUTED)
        top = VGroup(legend, axis_name).arrange(DOWN, buff=0.15).next_to(self.heading, DOWN, buff=0.3)
        panels.next_to(top, DOWN, buff=0.3).set_x(0)
        self.play(FadeIn(top))
        for plot in plots:
            self.play(FadeIn(VGroup(*(m for m in plot if m is not plot.curves))), run_time=0.5)
            self.play(*(Write(c) for c in plot.curves), run_time=1.0)
        self.describe(
            "Gradient norm at each block, one log-scale plot per depth; the gradient at the first block over the last: "
            + "; ".join(
                f"{d} layers, plain {readable(float(record.first_over_last[f'plain-{d}']))}, "
                f"residual {readable(float(record.first_over_last[f'residual-{d}']))}"
                for d in record.depths
            )
            + "."
        )

    def show_flow_loop(self) -> None:
        self.next_slide(
            notes="Here is the backward pass through one block. The gradient through the layers is "
            "multiplied by their derivatives, so it can fade or blow up; the copy on the skip arrives intact."
        )
        self.clear_slide(self.heading)
        block = ResidualBlockDiagram(
            ("weight\nlayer", "ReLU", "weight\nlayer"),
            after=(),
            output_label="loss",
            skip_label="\u00d7 1",
            box_height=1.1,
        )
        block.next_to(self.heading, DOWN, buff=1.1)
        legend = label("gradient", color=theme.GRADIENT).next_to(block, DOWN, buff=0.6)
        self.play(FadeIn(block), FadeIn(legend))
        self.block = block

        self.next_slide(
            loop=True,
            notes="Let this run while you explain: the skip path hands every "
            "earlier block the gradient of the block after it, plus what the layers add.",
        )
        through_skip = Dot(radius=0.14, color=theme.GRADIENT).move_to(block.skip_path.get_end())
        through_layers = Dot(radius=0.14, color=theme.GRADIENT).move_to(block.main_path.get_end())
        self.add(through_skip, through_layers)
        self.play(
            travel(through_skip, block.skip_path, backwards=True),
            travel(through_layers, block.main_path, backwards=True, shrink_to=0.3),
            run_time=2.5,
        )
        self.remove(through_skip, through_layers)

    def show_takeaway(self, record: experiment.GradientFlow) -> None:
        # The deepest pair measured makes the point most clearly.
        depth = max(record.depths)
        self.next_slide(
            notes="The number to remember: how much of the gradient at the last block reaches the first, "
            f"in the {depth}-layer nets."
        )
        plain = float(record.first_over_last[f"plain-{depth}"])
        residual = float(record.first_over_last[f"residual-{depth}"])
        lines = (
            VGroup(
                label(f"{depth} layers: gradient at the first block / at the last block", color=theme.TEXT),
                label(f"plain:  {readable(plain)}", color=theme.PLAIN),
                label(f"residual:  {readable(residual)}", color=theme.RESIDUAL),
            )
            .arrange(DOWN, buff=0.25)
            .next_to(self.block, DOWN, buff=0.5)
        )
        takeaway = self.caption("The +1 keeps the gradient usable in every block", color=theme.HIGHLIGHT)
        self.clear_slide(self.heading, self.block)
        self.play(FadeIn(lines, shift=0.2 * UP), FadeIn(takeaway))
