"""A grid of numbers: an image patch, a kernel, a feature map, a weight matrix."""

from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, UP, ManimColor, Rectangle, Square, Text, VGroup, interpolate_color

from slides import theme
from slides.common.text import fit


def value_color(
    value: float,
    low: float,
    high: float,
    *,
    cold: str = theme.NEGATIVE,
    hot: str = theme.POSITIVE,
    middle: str = theme.PANEL,
) -> ManimColor:
    """Diverging colour: ``low`` -> cold, 0 (or the midpoint) -> panel, ``high`` -> hot."""
    if high <= low:
        return ManimColor(middle)
    centre = 0.0 if low < 0 < high else (low + high) / 2
    if value >= centre:
        t = 0.0 if high == centre else min(1.0, (value - centre) / (high - centre))
        return interpolate_color(ManimColor(middle), ManimColor(hot), t)
    t = 0.0 if low == centre else min(1.0, (centre - value) / (centre - low))
    return interpolate_color(ManimColor(middle), ManimColor(cold), t)


class NumberGrid(VGroup):
    """A matrix of cells with their values written in, optionally heat-coloured.

    >>> grid = NumberGrid(np.arange(9).reshape(3, 3), cell=0.7)
    >>> grid.cell_at(1, 2)  # the Square in row 1, column 2
    """

    def __init__(
        self,
        values: np.ndarray,
        *,
        cell: float = 0.7,
        decimals: int = 0,
        show_values: bool = True,
        heat: bool = False,
        color: str = theme.DATA,
        font_size: int = theme.MIN_FONT,
        value_range: tuple[float, float] | None = None,
    ) -> None:
        super().__init__()
        self.values = np.asarray(values, dtype=float)
        if self.values.ndim != 2:
            raise ValueError(f"NumberGrid needs a 2-D array, got shape {self.values.shape}")
        rows, cols = self.values.shape
        low, high = value_range or (float(self.values.min()), float(self.values.max()))
        self.cells = VGroup()
        self.numbers = VGroup()
        for r in range(rows):
            for c in range(cols):
                square = Square(side_length=cell, stroke_color=color, stroke_width=2)
                square.move_to(np.array([c * cell, -r * cell, 0.0]))
                ink = theme.TEXT
                if heat:
                    fill = value_color(self.values[r, c], low, high)
                    square.set_fill(fill, opacity=1.0)
                    ink = theme.text_on(fill.to_hex())
                self.cells.add(square)
                if show_values:
                    text = Text(
                        format_value(self.values[r, c], decimals),
                        font=theme.MONO_FONT,
                        font_size=max(font_size, theme.MIN_FONT),
                        color=ink,
                    )
                    fit(text, width=cell * 0.86).move_to(square)
                    self.numbers.add(text)
        self.add(self.cells, self.numbers)
        self.shape = (rows, cols)
        self.cell_size = cell
        self.center()

    def cell_at(self, row: int, col: int) -> Square:
        return self.cells[row * self.shape[1] + col]

    def number_at(self, row: int, col: int) -> Text:
        return self.numbers[row * self.shape[1] + col]

    def window(self, row: int, col: int, height: int, width: int, *, color: str = theme.HIGHLIGHT) -> Rectangle:
        """A frame around the ``height`` x ``width`` block whose top-left cell is (row, col)."""
        top_left = self.cell_at(row, col)
        bottom_right = self.cell_at(row + height - 1, col + width - 1)
        frame = Rectangle(
            width=width * self.cell_size,
            height=height * self.cell_size,
            color=color,
            stroke_width=6,
        )
        frame.move_to((top_left.get_corner(UP + (-RIGHT)) + bottom_right.get_corner(DOWN + RIGHT)) / 2)
        return frame


def format_value(value: float, decimals: int) -> str:
    """Numbers as a lecturer reads them: no "-0", a true minus sign."""
    text = f"{value:.{decimals}f}"
    if float(text) == 0:
        text = f"{0:.{decimals}f}"
    return text.replace("-", "\u2212")
