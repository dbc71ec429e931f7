"""One grid for every table on a slide: image patches, kernels, heat maps, value tables, text tables.

``Grid`` takes the values, a cell shape (square cells for maps, wide cells for tables, or none
for a table of words whose columns fit their texts), a colour function (value -> fill), a
number formatter and optional row and column labels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, ManimColor, Rectangle, Text, VGroup, VMobject, interpolate_color

from slides import theme
from slides.common.numbers import fixed
from slides.common.text import baseline, fit, label, sit_on

ColorMap = Callable[[float], ManimColor]
Formatter = Callable[[float], str]

# Wide enough for "-0.65" at the minimum font size; half as tall, so long tables still fit.
WIDE_CELL = (1.2, 0.56)
# The share of a cell's width its number may fill.
TEXT_ROOM = 0.86


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


def sequential_color(value: float, low: float, high: float, *, color: str = theme.HIGHLIGHT) -> ManimColor:
    """``low`` -> the panel colour, ``high`` -> ``color``; one hue, so order reads without a legend."""
    t = 0.0 if high <= low else float(np.clip((value - low) / (high - low), 0.0, 1.0))
    return interpolate_color(ManimColor(theme.PANEL), ManimColor(color), t)


def diverging(low: float, high: float) -> ColorMap:
    """The theme's diverging map over ``low``..``high``: signed values (inputs, kernels, outputs)."""
    return lambda value: value_color(value, low, high)


def sequential(low: float, high: float, *, color: str = theme.HIGHLIGHT) -> ColorMap:
    """The theme's sequential map over ``low``..``high``: weights that sum to one, probabilities."""
    return lambda value: sequential_color(value, low, high, color=color)


def decimals(places: int) -> Formatter:
    """The usual formatter: ``places`` decimals, a true minus sign, no "-0"."""
    return lambda value: fixed(value, places)


def _descent(text: VMobject) -> float:
    """How far a text reaches below its baseline (none known: not at all)."""
    line = baseline(text)
    return 0.0 if line is None else line - text.get_bottom()[1]


class Grid(VGroup):
    """A table of cells, each with its value written in.

    ``cell`` is a side (square cells), a (width, height) pair (wide cells) or ``None`` (no
    boxes: each column as wide as its widest text, ``buff`` apart). ``values`` are numbers,
    written with ``format``, or strings written as they are. ``ink`` is one text colour, one
    per row or one per cell; a ``header`` is a first row of column names in the muted colour
    (``header_buff`` below it, in a table of words). A table of words stacks its rows ``buff[1]``
    apart, tops aligned, or with ``pitch`` puts their centres that far apart, for even lines.

    ``rows`` is a view: the grid holds ``cells`` and ``numbers``. To move a row, animate its boxes
    and numbers; animating ``rows[r]`` itself makes manim split the grid into pieces on screen,
    and the slide's description would read it in pieces.

    >>> patch = Grid(np.arange(9).reshape(3, 3), cell=0.7)
    >>> patch.cell_at(1, 2)  # the box in row 1, column 2
    >>> weights = Grid(np.array([[0.1, 0.6, 0.3]]), cell=0.9, format=decimals(2), fill=sequential(0, 0.6))
    >>> stats = Grid(np.array([[-0.65, 2.05]]), cell=WIDE_CELL, format=decimals(2))
    >>> stats.rows[0][1]  # the box and the text holding 2.05
    >>> table = Grid([["ResNet-18", "18"]], cell=None, header=["model", "layers"], align=("left", "right"))
    """

    values: np.ndarray | None
    shape: tuple[int, int]
    cell_width: float
    cell_height: float
    cells: VGroup
    numbers: VGroup
    rows: VGroup
    row_labels: VGroup
    col_labels: VGroup

    def __init__(
        self,
        values: np.ndarray | Sequence[Sequence[str]],
        *,
        cell: float | tuple[float, float] | None = 0.7,
        format: Formatter | None = None,
        fill: ColorMap | None = None,
        color: str = theme.DATA,
        ink: str | Sequence[str | Sequence[str]] = theme.TEXT,
        size: int = theme.MIN_FONT,
        mono: bool | Sequence[bool] = True,
        align: str | Sequence[str] = "centre",
        buff: tuple[float, float] = (0.55, 0.2),
        show_values: bool = True,
        header: Sequence[str] | None = None,
        header_buff: float | None = None,
        pitch: float | None = None,
        row_labels: Sequence[str] | None = None,
        col_labels: Sequence[str] | None = None,
    ) -> None:
        super().__init__()
        texts = self._texts(values, format or decimals(0))
        rows, cols = len(texts), len(texts[0])
        # One text colour for the grid, one per row, or one per cell.
        if isinstance(ink, str):
            inks = [[ink] * cols for _ in range(rows)]
        else:
            inks = [[row] * cols if isinstance(row, str) else list(row) for row in ink]
        if len(inks) != rows or any(len(row) != cols for row in inks):
            raise ValueError(f"ink needs one colour, or one per row ({rows}), or one per cell")
        monos = [mono] * cols if isinstance(mono, bool) else list(mono)
        # Header names are words: never in the digits' typeface.
        fonts = [[m for m in monos] for _ in range(rows)]
        if header is not None:
            if len(header) != cols:
                raise ValueError(f"a header of {len(header)} names for {cols} columns")
            texts = [list(header), *texts]
            inks = [[theme.MUTED] * cols, *inks]
            fonts = [[False] * cols, *fonts]
        self.shape = (len(texts), cols)
        self.cells = VGroup()
        self.numbers = VGroup()
        self.rows = VGroup()
        if cell is None:
            self.cell_width = self.cell_height = 0.0
            aligns = [align] * cols if isinstance(align, str) else list(align)
            self._lay_out_words(texts, inks, fonts, aligns, size, buff, pitch)
            if header is not None:
                # The names sit on one line ``header_buff`` above the first row, each over its own
                # column: the lowest descender ``header_buff`` above the row's top.
                gap = buff[1] if header_buff is None else header_buff
                names = self.rows[0]
                line = max(names, key=_descent)
                line.set_y(self.rows[1].get_top()[1] + gap + line.height / 2)
                for name in names:
                    sit_on(name, line)
        else:
            width, height = (cell, cell) if isinstance(cell, (int, float)) else cell
            self.cell_width, self.cell_height = float(width), float(height)
            shades: list[list[ManimColor | None]] | None = None
            if fill is not None:
                if self.values is None:
                    raise ValueError("a colour function needs numbers, not strings")
                shades = [[None] * cols for _ in range(header is not None)]
                shades += [[fill(float(v)) for v in row] for row in self.values]
            self._lay_out_cells(texts, shades, color, inks, fonts, size, show_values)
        self.add(self.cells, self.numbers)
        self.row_labels = VGroup(
            *(
                label(name, size=size, color=theme.TEXT).next_to(self.cell_at(r, 0), LEFT, buff=0.15)
                for r, name in enumerate(row_labels or ())
            )
        )
        self.col_labels = VGroup(
            *(
                label(name, size=size, color=theme.TEXT).next_to(self.cell_at(0, c), UP, buff=0.15)
                for c, name in enumerate(col_labels or ())
            )
        )
        self.add(self.row_labels, self.col_labels)
        self.center()

    def _texts(self, values: np.ndarray | Sequence[Sequence[str]], format: Formatter) -> list[list[str]]:
        if not isinstance(values, np.ndarray) and values and values[0] and isinstance(values[0][0], str):
            self.values = None
            texts = [[str(text) for text in row] for row in values]
        else:
            self.values = np.asarray(values, dtype=float)
            if self.values.ndim != 2:
                raise ValueError(f"Grid needs a 2-D array, got shape {self.values.shape}")
            texts = [[format(v) for v in row] for row in self.values]
        if not texts or not texts[0] or any(len(row) != len(texts[0]) for row in texts):
            raise ValueError("Grid needs rows of equal, non-zero length")
        return texts

    def _lay_out_cells(
        self,
        texts: list[list[str]],
        shades: list[list[ManimColor | None]] | None,
        color: str,
        inks: list[list[str]],
        fonts: list[list[bool]],
        size: int,
        show_values: bool,
    ) -> None:
        for r, row in enumerate(texts):
            line = VGroup()
            for c, text in enumerate(row):
                box = Rectangle(width=self.cell_width, height=self.cell_height, stroke_color=color, stroke_width=2)
                box.move_to(np.array([c * self.cell_width, -r * self.cell_height, 0.0]))
                ink = inks[r][c]
                shade = shades[r][c] if shades is not None else None
                if shade is not None:
                    box.set_fill(shade, opacity=1.0)
                    # Dark digits on bright cells, light digits on dark ones, whichever contrasts more.
                    ink = theme.text_on(shade.to_hex())
                self.cells.add(box)
                pair = VGroup(box)
                if show_values:
                    number = label(text, size=size, color=ink, mono=fonts[r][c])
                    fit(number, width=self.cell_width * TEXT_ROOM).move_to(box)
                    self.numbers.add(number)
                    pair.add(number)
                line.add(pair)
            self.rows.add(line)

    def _lay_out_words(
        self,
        texts: list[list[str]],
        inks: list[list[str]],
        fonts: list[list[bool]],
        aligns: list[str],
        size: int,
        buff: tuple[float, float],
        pitch: float | None,
    ) -> None:
        words = [
            [label(text, size=size, color=inks[r][c], mono=fonts[r][c]) for c, text in enumerate(row)]
            for r, row in enumerate(texts)
        ]
        widths = [max(row[c].width for row in words) for c in range(len(words[0]))]
        starts = np.concatenate([[0.0], np.cumsum(np.array(widths) + buff[0])[:-1]])
        for r, row in enumerate(words):
            line = VGroup()
            for c, word in enumerate(row):
                # The column's left edge, its right edge (numbers) or its middle.
                offset = {"left": word.width / 2, "right": widths[c] - word.width / 2}.get(aligns[c], widths[c] / 2)
                word.move_to(np.array([starts[c] + offset, -r * (pitch or 0.0), 0.0]))
                if pitch is None:
                    # On one baseline, as words on a line sit (a centre would move with commas and
                    # descenders, a top with capitals).
                    sit_on(word, row[0])
                line.add(word)
                self.numbers.add(word)
            self.rows.add(line)
        if pitch is None:
            # Each row buff[1] under the one above; only down, so the columns stay where they are.
            for above, below in zip(self.rows, self.rows[1:]):
                below.shift((above.get_bottom()[1] - buff[1] - below.get_top()[1]) * UP)

    def cell_at(self, row: int, col: int) -> VMobject:
        """The box of one cell (in a table of words, its text)."""
        boxes = self.cells if len(self.cells) else self.numbers
        return boxes[row * self.shape[1] + col]

    def number_at(self, row: int, col: int) -> Text:
        number = self.numbers[row * self.shape[1] + col]
        assert isinstance(number, Text)
        return number

    def window(self, row: int, col: int, height: int, width: int, *, color: str = theme.HIGHLIGHT) -> Rectangle:
        """A frame around the ``height`` x ``width`` block whose top-left cell is (row, col)."""
        top_left = self.cell_at(row, col)
        bottom_right = self.cell_at(row + height - 1, col + width - 1)
        frame = Rectangle(width=width * self.cell_width, height=height * self.cell_height, color=color, stroke_width=6)
        frame.move_to((top_left.get_corner(UP + LEFT) + bottom_right.get_corner(DOWN + RIGHT)) / 2)
        return frame


__all__ = ["WIDE_CELL", "Grid", "decimals", "diverging", "sequential", "sequential_color", "value_color"]
