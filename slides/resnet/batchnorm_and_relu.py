"""Batch norm and ReLU on a real small batch: every number comes out of torch's own layers."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    FadeIn,
    FadeOut,
    GrowArrow,
    LaggedStart,
    SurroundingRectangle,
    TransformFromCopy,
    VGroup,
    VMobject,
    Write,
)

from model.batchnorm_relu import BatchNormReluExample, batchnorm_relu_example
from slides import theme
from slides.base import LectureSlide
from slides.common.grids import Grid, decimals
from slides.common.numbers import fixed
from slides.common.text import label

CELL = 1.05  # wide enough for a one-decimal negative number at the minimum font size


def batchnorm_data() -> BatchNormReluExample:
    """A small batch through a fresh ``BatchNorm2d`` and a ``ReLU``."""
    return batchnorm_relu_example()


def _as_grid(values: np.ndarray) -> np.ndarray:
    """(batch, channels, 1, 1) -> rows = channels, columns = examples of the batch."""
    return values[:, :, 0, 0].T


class TitledGrid(VGroup):
    """A grid under its name and column headers; ``grid`` is the grid itself."""

    grid: Grid

    def __init__(self, name: VMobject, headers: VGroup, grid: Grid) -> None:
        super().__init__(name, headers, grid)
        self.grid = grid


class BatchNormAndReLU(LectureSlide):
    def construct(self) -> None:
        self.record = batchnorm_data()
        examples, channels = self.record.input.shape[:2]
        self.next_slide(
            notes=f"Two more layers appear in every block. Here is a real batch: {examples} examples, "
            f"{channels} channels each, with values that drifted anywhere, as activations do during training."
        )
        self.show_batch()
        self.next_slide(
            notes="Batch norm looks at one channel across the whole batch and measures its mean and "
            "variance, computed here by torch."
        )
        self.show_statistics()
        self.next_slide(
            notes="It subtracts the mean and divides by the standard deviation: every channel now has "
            "mean zero and variance one, whatever the previous layer did. A learned scale and shift follow."
        )
        self.show_normalised()
        self.next_slide(
            notes="Then ReLU keeps positive values and turns every negative one into zero. "
            "That kink is what makes a stack of layers more than one big linear map."
        )
        self.show_relu()

    def _grid(self, values: np.ndarray, title: str, color: str, places: int) -> TitledGrid:
        """Examples as rows, channels as columns, with the grid's name and channel headers above."""
        grid = Grid(_as_grid(values).T, cell=CELL, format=decimals(places), color=color)
        headers = VGroup(
            *(
                label(f"ch {c + 1}", size=theme.MIN_FONT, color=theme.MUTED).next_to(grid.cell_at(0, c), UP, buff=0.12)
                for c in range(grid.shape[1])
            )
        )
        name = label(title, size=theme.LABEL_FONT, color=color).next_to(headers, UP, buff=0.12)
        return TitledGrid(name, headers, grid)

    def show_batch(self) -> None:
        self.heading = self.title("Batch norm and ReLU, on a real batch")
        self.inputs = self._grid(self.record.input, "x: a batch of 4", theme.DATA, 1)
        self.normalised = self._grid(self.record.normalised, "(x \u2212 mean) / \u03c3", theme.LAYER, 1)
        self.rectified = self._grid(self.record.output, "after ReLU", theme.OUTPUT, 1)
        row = VGroup(self.inputs, self.normalised, self.rectified).arrange(RIGHT, buff=2.1, aligned_edge=UP)
        row.next_to(self.heading, DOWN, buff=0.2)
        self.play(Write(self.heading))
        self.play(FadeIn(self.inputs[:2]), FadeIn(self.inputs.grid.cells))
        self.play(LaggedStart(*(FadeIn(n) for n in self.inputs.grid.numbers), lag_ratio=0.1))

    def _statistics(self, grid: Grid, means: np.ndarray, variances: np.ndarray) -> tuple[VGroup, VGroup]:
        """ "mean" and "var" rows under ``grid``, one value per channel column."""
        names = VGroup(
            label("mean", size=theme.MIN_FONT, color=theme.HIGHLIGHT),
            label("var", size=theme.MIN_FONT, color=theme.HIGHLIGHT),
        )
        names.arrange(DOWN, aligned_edge=RIGHT, buff=0.12)
        names.next_to(grid, DOWN, buff=0.15).next_to(grid, LEFT, buff=0.15, coor_mask=np.array([1, 0, 0]))
        columns = VGroup()
        for channel, (mean, var) in enumerate(zip(means, variances)):
            columns.add(
                VGroup(
                    *(
                        label(fixed(v, 1), size=theme.MIN_FONT, color=theme.HIGHLIGHT, mono=True)
                        .match_y(n)
                        .match_x(grid.cell_at(0, channel))
                        for v, n in zip((mean, var), names)
                    )
                )
            )
        return names, columns

    def show_statistics(self) -> None:
        record = self.record
        grid = self.inputs.grid
        names, columns = self._statistics(grid, record.mean, record.var)
        frames = VGroup(
            *(
                SurroundingRectangle(
                    VGroup(*(grid.cell_at(r, c) for r in range(grid.shape[0]))), color=theme.HIGHLIGHT, buff=0.04
                )
                for c in range(grid.shape[1])
            )
        )
        self.play(FadeIn(names))
        for frame, values in zip(frames, columns):
            self.play(FadeIn(frame), FadeIn(values), run_time=0.8)
        self.play(FadeOut(frames), run_time=0.5)

    def show_normalised(self) -> None:
        record = self.record
        grid = self.normalised.grid
        arrow = Arrow(self.inputs.grid.get_right(), grid.get_left(), buff=0.15, color=theme.LAYER)
        name = label("batch norm", size=theme.MIN_FONT, color=theme.LAYER).next_to(arrow, UP, buff=0.15)
        self.play(GrowArrow(arrow), FadeIn(name), FadeIn(self.normalised[:2]), FadeIn(grid.cells))
        self.play(
            LaggedStart(
                *(TransformFromCopy(a, b) for a, b in zip(self.inputs.grid.numbers, grid.numbers)), lag_ratio=0.08
            ),
            run_time=1.2,
        )
        after = _as_grid(record.normalised)
        names, columns = self._statistics(grid, after.mean(axis=1), after.var(axis=1))
        check = self.caption(
            f"\u03c3 = \u221a(var + \u03b5); then a learned scale \u03b3 (starts at {record.gamma[0]:g}) "
            f"and shift \u03b2 (starts at {record.beta[0]:g})",
            color=theme.TEXT,
            font_size=theme.MIN_FONT,
        )
        self.play(FadeIn(names), FadeIn(columns), FadeIn(check))
        self.check = check

    def show_relu(self) -> None:
        grid = self.rectified.grid
        arrow = Arrow(self.normalised.grid.get_right(), grid.get_left(), buff=0.15, color=theme.OUTPUT)
        relu = label("ReLU", size=theme.MIN_FONT, color=theme.OUTPUT).next_to(arrow, UP, buff=0.15)
        rule = label("max(0, x)", size=theme.MIN_FONT, color=theme.OUTPUT).next_to(arrow, DOWN, buff=0.15)
        self.play(GrowArrow(arrow), FadeIn(relu), FadeIn(rule), FadeIn(self.rectified[:2]), FadeIn(grid.cells))
        self.play(
            LaggedStart(
                *(TransformFromCopy(a, b) for a, b in zip(self.normalised.grid.numbers, grid.numbers)), lag_ratio=0.08
            ),
            run_time=1.2,
        )
        values = _as_grid(self.record.normalised).T
        zeroed = VGroup(
            *(
                grid.cell_at(r, c).copy().set_stroke(theme.HIGHLIGHT, width=6)
                for r in range(values.shape[0])
                for c in range(values.shape[1])
                if values[r, c] < 0
            )
        )
        moral = self.caption(
            f"ReLU: {len(zeroed)} negative values became 0; the positive ones pass unchanged",
            color=theme.HIGHLIGHT,
            font_size=theme.LABEL_FONT,
        )
        self.play(FadeIn(zeroed), FadeOut(self.check), FadeIn(moral))
