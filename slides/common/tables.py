"""Compact tables of numbers: boxed cells wider than tall, for statistics and weight rows."""

from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, Rectangle, VGroup

from slides import theme
from slides.common.grids import format_value
from slides.common.text import label

# Wide enough for "-0.65" at the minimum font size; half as tall, so long tables still fit.
CELL_WIDTH, CELL_HEIGHT = 1.2, 0.56


class ValueTable(VGroup):
    """Rows of boxed numbers; ``rows[r]`` is one row, ``rows[r][c]`` one box with its number.

    Unlike ``NumberGrid`` (square cells, for images and kernels) the cells here are wide and
    flat, so a signed two-decimal number fits at the minimum font size without a tall table.

    >>> stats = ValueTable(np.array([[-0.65, 2.05, -0.15]]), color=theme.HIGHLIGHT)
    >>> stats.rows[0][1]  # the box and text holding 2.05
    """

    def __init__(
        self,
        values: np.ndarray,
        *,
        decimals: int = 2,
        color: str = theme.DATA,
        width: float = CELL_WIDTH,
        height: float = CELL_HEIGHT,
        text_color: str = theme.TEXT,
        size: int = theme.MIN_FONT,
    ) -> None:
        super().__init__()
        values = np.atleast_2d(np.asarray(values, dtype=float))
        self.rows = VGroup()
        for row in values:
            cells = VGroup()
            for value in row:
                box = Rectangle(width=width, height=height, stroke_color=color, stroke_width=2)
                text = label(format_value(value, decimals), size=size, mono=True, color=text_color)
                if text.width > 0.9 * width:
                    raise ValueError(f"{text.text!r} does not fit a cell {width} wide at font size {size}")
                cells.add(VGroup(box, text.move_to(box)))
            self.rows.add(cells.arrange(RIGHT, buff=0))
        self.add(self.rows.arrange(DOWN, buff=0))
