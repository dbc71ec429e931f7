"""Heat maps: non-negative values (attention weights, probabilities) as shaded cells."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import LEFT, UP, ManimColor, Square, Text, VGroup, interpolate_color

from slides import theme
from slides.common.grids import format_value
from slides.common.text import fit


def sequential_color(value: float, low: float, high: float, *, color: str = theme.HIGHLIGHT) -> ManimColor:
    """``low`` -> the panel colour, ``high`` -> ``color``; one hue, so order reads without a legend."""
    t = 0.0 if high <= low else float(np.clip((value - low) / (high - low), 0.0, 1.0))
    return interpolate_color(ManimColor(theme.PANEL), ManimColor(color), t)


class HeatMap(VGroup):
    """A matrix of shaded cells with their values written in, and optional row and column labels.

    Unlike ``NumberGrid(heat=True)``, whose diverging colours centre on zero, the shade here
    grows from ``value_range[0]`` to ``value_range[1]``, which suits weights that sum to one.

    >>> weights = HeatMap(np.array([[0.1, 0.6, 0.3]]), col_labels=["a", "b", "c"])
    >>> weights.cell_at(0, 1)  # the Square holding 0.6
    """

    def __init__(
        self,
        values: np.ndarray,
        *,
        cell: float = 0.9,
        decimals: int = 2,
        color: str = theme.HIGHLIGHT,
        value_range: tuple[float, float] | None = None,
        row_labels: Sequence[str] | None = None,
        col_labels: Sequence[str] | None = None,
        font_size: int = theme.MIN_FONT,
    ) -> None:
        super().__init__()
        self.values = np.asarray(values, dtype=float)
        if self.values.ndim != 2:
            raise ValueError(f"HeatMap needs a 2-D array, got shape {self.values.shape}")
        rows, cols = self.values.shape
        low, high = value_range or (0.0, float(self.values.max()))
        size = max(font_size, theme.MIN_FONT)
        self.cells = VGroup()
        self.numbers = VGroup()
        for r in range(rows):
            for c in range(cols):
                value = self.values[r, c]
                square = Square(side_length=cell, stroke_color=theme.MUTED, stroke_width=2)
                square.move_to(np.array([c * cell, -r * cell, 0.0]))
                fill = sequential_color(value, low, high, color=color)
                square.set_fill(fill, opacity=1.0)
                # Dark digits on bright cells, light digits on dark ones, whichever contrasts more.
                text = Text(
                    format_value(value, decimals),
                    font=theme.MONO_FONT,
                    font_size=size,
                    color=theme.text_on(fill.to_hex()),
                )
                fit(text, width=cell * 0.86).move_to(square)
                self.cells.add(square)
                self.numbers.add(text)
        self.add(self.cells, self.numbers)
        self.shape = (rows, cols)
        self.row_labels = VGroup()
        self.col_labels = VGroup()
        for r, name in enumerate(row_labels or ()):
            self.row_labels.add(
                Text(name, font=theme.FONT, font_size=size, color=theme.TEXT).next_to(
                    self.cell_at(r, 0), LEFT, buff=0.15
                )
            )
        for c, name in enumerate(col_labels or ()):
            self.col_labels.add(
                Text(name, font=theme.FONT, font_size=size, color=theme.TEXT).next_to(self.cell_at(0, c), UP, buff=0.15)
            )
        self.add(self.row_labels, self.col_labels)
        self.center()

    def cell_at(self, row: int, col: int) -> Square:
        return self.cells[row * self.shape[1] + col]

    def number_at(self, row: int, col: int) -> Text:
        return self.numbers[row * self.shape[1] + col]


__all__ = ["HeatMap", "sequential_color"]
