"""Batch normalisation: per-feature batch statistics in training, running statistics at test time."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Arrow,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    Mobject,
    SurroundingRectangle,
    Text,
    TransformFromCopy,
    VGroup,
    Write,
)

from model.concepts.batchnorm import BatchNormExample, batchnorm_example
from slides import theme
from slides.base import LectureSlide
from slides.common.grids import Grid, decimals
from slides.common.numbers import fixed
from slides.common.text import equation, label

# LaTeX glyphs look smaller than Text at the same size.
FORMULA_FONT = theme.BODY_FONT + 4
# Tables large enough to read from the back of a hall: wide cells for signed decimals,
# narrow ones for the small whole numbers of the data set.
TABLE_FONT = theme.LABEL_FONT
WIDE_CELL, NARROW_CELL, CELL_HEIGHT = 1.35, 0.95, 0.64


def batchnorm_data() -> BatchNormExample:
    """The batch, its statistics and nn.BatchNorm1d's outputs, as the slides show them."""
    return batchnorm_example()


def table(values: np.ndarray, *, places: int = 2, color: str = theme.DATA, width: float = WIDE_CELL) -> Grid:
    return Grid(np.atleast_2d(values), cell=(width, CELL_HEIGHT), format=decimals(places), color=color, size=TABLE_FONT)


def row_label(text: str, beside: Mobject, color: str = theme.TEXT) -> Text:
    return label(text, size=TABLE_FONT, color=color).next_to(beside, LEFT, buff=0.25)


def stack_rows(anchor: Mobject, rows: Sequence[tuple[str, np.ndarray, str]]) -> VGroup:
    """Labelled one-row matrices stacked under ``anchor``, columns aligned with it."""
    group = VGroup()
    above: Mobject = anchor
    for name, values, color in rows:
        matrix = table(values, color=color).next_to(above, DOWN, buff=0.15).align_to(anchor, LEFT)
        group.add(VGroup(matrix, row_label(name, matrix, color)))
        above = matrix
    return group


class BatchNormalization(LectureSlide):
    def construct(self) -> None:
        self.next_slide(
            notes="Batch normalisation. We follow one mini-batch through a linear layer and a "
            "BatchNorm1d layer; every number comes from torch in training mode."
        )
        self.data = batchnorm_data()
        self.show_batches()
        self.show_hidden()
        self.show_statistics()
        self.show_normalized()
        self.show_scale_shift()
        self.show_running_statistics()
        self.show_inference()

    def show_batches(self) -> None:
        data = self.data
        self.heading = self.title("Batch normalization")
        dataset = table(data.dataset, places=0, width=NARROW_CELL)
        # A gap between batches so their frames do not touch.
        for later in dataset.rows[data.batch_size :]:
            later.shift(0.2 * DOWN)
        dataset.next_to(self.heading, DOWN, buff=0.4)
        batches = VGroup()
        for index in range(len(data.dataset) // data.batch_size):
            rows = dataset.rows[index * data.batch_size : (index + 1) * data.batch_size]
            color = theme.HIGHLIGHT if index == 0 else theme.MUTED
            frame = SurroundingRectangle(rows, color=color, buff=0.06)
            name = label(f"batch {index + 1}", size=theme.MIN_FONT, color=color).next_to(frame, RIGHT, buff=0.3)
            batches.add(VGroup(frame, name))
        name = label(
            f"{data.dataset.shape[0]} examples, {data.dataset.shape[1]} features",
            size=theme.MIN_FONT,
            color=theme.MUTED,
        )
        name.next_to(dataset, LEFT, buff=0.4)
        self.play(Write(self.heading), run_time=0.8)
        self.play(FadeIn(dataset), FadeIn(name), run_time=0.8)
        self.play(
            LaggedStart(*(AnimationGroup(Create(frame), FadeIn(name)) for frame, name in batches), lag_ratio=0.4),
            run_time=1.0,
        )
        self.dataset_table = dataset
        self.dataset = VGroup(dataset, name, batches)

    def show_hidden(self) -> None:
        data = self.data
        self.next_slide(
            notes=f"The first batch of {data.batch.shape[0]} examples goes through a linear layer with fixed "
            f"weights: {data.hidden.shape[1]} hidden units per example. Rows are examples, columns are "
            "hidden units."
        )
        self.batch = table(data.batch, places=0, width=NARROW_CELL)
        self.hidden = table(data.hidden, places=1, color=theme.LAYER)
        VGroup(self.batch, self.hidden).arrange(RIGHT, buff=3.0).next_to(self.heading, DOWN, buff=0.7)
        arrow = Arrow(self.batch.get_right(), self.hidden.get_left(), buff=0.15, color=theme.LAYER)
        layer = equation(r"h = x W^\top + b", size=FORMULA_FONT).next_to(arrow, UP, buff=0.15)
        names = VGroup(
            label("x", color=theme.DATA).next_to(self.batch, UP, buff=0.15),
            label("h", color=theme.LAYER).next_to(self.hidden, UP, buff=0.15),
        )
        first_rows = self.dataset_table.rows[: data.batch_size]
        self.play(FadeOut(self.dataset), TransformFromCopy(first_rows, self.batch.rows), run_time=1.0)
        self.play(Create(arrow), Write(layer), FadeIn(names[0]), run_time=0.8)
        self.play(TransformFromCopy(self.batch, self.hidden), FadeIn(names[1]), run_time=1.0)
        self.inputs = VGroup(self.batch, arrow, layer, names[0])
        self.hidden_name = names[1]

    def show_statistics(self) -> None:
        data = self.data
        self.next_slide(
            notes="For each hidden unit, that is each column, batch norm takes the batch mean and the "
            "variance, dividing by n, not n minus 1: this is the biased variance torch uses to normalise."
        )
        # Room on the right for the normalised values to come.
        self.play(
            FadeOut(self.inputs), VGroup(self.hidden, self.hidden_name).animate.to_edge(LEFT, buff=2.8), run_time=0.8
        )
        self.stats = stack_rows(
            self.hidden,
            [
                ("mean μ", data.mean, theme.HIGHLIGHT),
                ("variance σ²", data.variance, theme.HIGHLIGHT),
            ],
        )
        formulas = VGroup(
            equation(r"\mu_j = \tfrac{1}{n}\textstyle\sum_i h_{ij}", size=FORMULA_FONT),
            equation(r"\sigma_j^2 = \tfrac{1}{n}\textstyle\sum_i (h_{ij} - \mu_j)^2", size=FORMULA_FONT),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        formulas.next_to(self.hidden, RIGHT, buff=1.0)
        self.play(
            LaggedStart(*(FadeIn(row, shift=0.2 * DOWN) for row in self.stats), lag_ratio=0.4),
            Write(formulas),
            run_time=1.2,
        )
        self.stat_formulas = formulas

    def show_normalized(self) -> None:
        data = self.data
        self.next_slide(
            notes="Subtract the mean, divide by the standard deviation (plus a small epsilon). "
            "Each column of normalised values now sums to zero: here are the sums, computed."
        )
        self.normalized = table(data.normalized, color=theme.HIGHLIGHT)
        self.normalized.next_to(self.hidden, RIGHT, buff=1.3)
        arrow = Arrow(self.hidden.get_right(), self.normalized.get_left(), buff=0.15, color=theme.HIGHLIGHT)
        name = label("ĥ", color=theme.HIGHLIGHT).next_to(self.normalized, UP, buff=0.15)
        sums = stack_rows(self.normalized, [("Σ", data.normalized_sums, theme.MUTED)])
        rule = equation(
            rf"\hat h_{{ij}} = \frac{{h_{{ij}} - \mu_j}}{{\sqrt{{\sigma_j^2 + \epsilon}}}},"
            rf"\quad \epsilon = 10^{{{int(np.log10(data.eps))}}}",
            size=FORMULA_FONT,
        )
        rule.next_to(sums, DOWN, buff=0.3).align_to(self.normalized, LEFT)
        claim = label("each column of ĥ sums to zero", size=theme.MIN_FONT, color=theme.HIGHLIGHT)
        claim.next_to(rule, DOWN, buff=0.25).align_to(rule, LEFT)
        self.play(FadeOut(self.stat_formulas), Create(arrow), Write(rule), run_time=0.8)
        self.play(TransformFromCopy(self.hidden, self.normalized), FadeIn(name), run_time=1.0)
        self.play(FadeIn(sums), FadeIn(claim), run_time=0.8)
        self.normal_parts = VGroup(arrow, name, sums, rule, claim)

    def show_scale_shift(self) -> None:
        data = self.data
        self.next_slide(
            notes="Finally each unit gets its own learned scale gamma and shift beta, so the layer can "
            "undo the normalisation if that helps. This is the layer's output in training mode."
        )
        left = VGroup(self.hidden, self.hidden_name, self.stats)
        self.play(FadeOut(left), FadeOut(self.normal_parts[0]), FadeOut(self.normal_parts[3:]), run_time=0.5)
        moved = VGroup(self.normalized, self.normal_parts[1], self.normal_parts[2])
        self.play(moved.animate.to_edge(LEFT, buff=1.2), run_time=0.8)
        self.output = table(data.output, color=theme.OUTPUT).next_to(self.normalized, RIGHT, buff=2.6)
        arrow = Arrow(self.normalized.get_right(), self.output.get_left(), buff=0.15, color=theme.OUTPUT)
        rule = equation(r"y = \gamma \hat h + \beta", size=FORMULA_FONT).next_to(arrow, UP, buff=0.15)
        name = label("y", color=theme.OUTPUT).next_to(self.output, UP, buff=0.15)
        params = stack_rows(self.output, [("γ", data.gamma, theme.LAYER), ("β", data.beta, theme.LAYER)])
        self.play(FadeIn(params), Create(arrow), Write(rule), run_time=0.8)
        self.play(TransformFromCopy(self.normalized, self.output), FadeIn(name), run_time=1.0)

    def show_running_statistics(self) -> None:
        data = self.data
        self.next_slide(
            notes="At test time there may be a single example, so there is no batch to take statistics "
            "from. While training, the layer keeps running averages with momentum; note that the "
            "running variance uses the unbiased estimate, dividing by n minus 1."
        )
        self.clear_slide(self.heading)
        heading = self.title("At inference: running statistics")
        rule = equation(
            rf"r \leftarrow (1 - m)\, r + m \cdot \text{{batch statistic}},\quad m = {data.momentum:g}",
            size=FORMULA_FONT,
        ).next_to(heading, DOWN, buff=0.35)
        one, many = data.after_one_step, data.after_many_steps
        anchor = table(data.mean).next_to(rule, DOWN, buff=0.45).shift(1.5 * RIGHT)
        first = VGroup(anchor, row_label("batch mean", anchor, theme.HIGHLIGHT))
        rows = stack_rows(
            anchor,
            [
                (f"running mean, {one.steps} step", one.running_mean, theme.DATA),
                (f"running mean, {many.steps} steps", many.running_mean, theme.DATA),
                ("batch variance (n−1)", data.unbiased_variance, theme.HIGHLIGHT),
                (f"running variance, {one.steps} step", one.running_var, theme.DATA),
                (f"running variance, {many.steps} steps", many.running_var, theme.DATA),
            ],
        )
        self.play(FadeOut(self.heading), FadeIn(heading), Write(rule), run_time=0.8)
        self.play(FadeIn(first), FadeIn(rows[0]), FadeIn(rows[2]), FadeIn(rows[3]), run_time=1.0)
        self.next_slide(
            notes=f"After one step the estimates have barely left their start of mean 0 and variance 1. "
            f"After {many.steps} steps over both batches they settle near the data's statistics."
        )
        self.play(FadeIn(rows[1], shift=0.2 * DOWN), FadeIn(rows[4], shift=0.2 * DOWN), run_time=1.0)
        self.heading = heading

    def show_inference(self) -> None:
        data = self.data
        many = data.after_many_steps
        self.next_slide(
            notes="In eval mode a new example is normalised with those running estimates, not with its "
            "own statistics, so its output does not depend on what else is in the batch."
        )
        self.clear_slide(self.heading)
        example = label(
            "new example x = (" + ", ".join(fixed(v) for v in data.new_example) + ")", color=theme.DATA
        ).next_to(self.heading, DOWN, buff=0.4)
        anchor = table(data.new_hidden).next_to(example, DOWN, buff=0.5).shift(1.5 * RIGHT)
        first = VGroup(anchor, row_label("hidden h", anchor, theme.LAYER))
        rows = stack_rows(
            anchor,
            [
                (f"running mean ({many.steps} steps)", many.running_mean, theme.DATA),
                (f"running variance ({many.steps} steps)", many.running_var, theme.DATA),
                ("ĥ with running statistics", many.normalized, theme.HIGHLIGHT),
                ("output y = γ ĥ + β (eval)", many.output, theme.OUTPUT),
            ],
        )
        self.play(FadeIn(example), FadeIn(first), run_time=0.8)
        self.play(LaggedStart(*(FadeIn(row, shift=0.2 * DOWN) for row in rows), lag_ratio=0.3), run_time=1.4)
