"""Transposed convolution: one parametric scene, one group of slides per case of the table.

Every case in ``model.concepts.transposed.CASES`` gets the same four beats: the convolution is
set up, its kernel slides, the equivalent transposed convolution is set up (zeros inserted,
padding, output padding, flipped kernel), and the flipped kernel slides. Adding a case to the
table adds its slides; nothing here names a case.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    Indicate,
    LaggedStart,
    ReplacementTransform,
    Text,
    Transform,
    VGroup,
    Write,
    config,
)

from model.concepts.transposed import TransposedCase, transposed_cases
from slides import theme
from slides.base import LectureSlide
from slides.common.grids import Grid
from slides.common.layout import centre_below
from slides.common.text import fit, label

# Windows animated one by one before the rest of the output appears at once.
ANIMATED_WINDOWS = 3
MAX_CELL = 0.8
# Room the three grids of a beat may take, in frame units.
ROW_WIDTH = 12.4
GRID_HEIGHT = 4.3
GRID_GAP = 0.9


@dataclass(frozen=True)
class Beat:
    """One click of the lecturer: the scene method that animates it and what to say."""

    step: str
    notes: str


@dataclass(frozen=True)
class CaseSlides:
    """The slide group of one case of the table."""

    data: TransposedCase
    beats: tuple[Beat, ...]


def transposed_data() -> tuple[TransposedCase, ...]:
    """Every number this deck shows: each case of the table computed by torch."""
    return transposed_cases().cases


def transposed_plan() -> tuple[CaseSlides, ...]:
    """One slide group per case, in table order."""
    return tuple(CaseSlides(data, _beats(data)) for data in transposed_data())


def _beats(data: TransposedCase) -> tuple[Beat, ...]:
    case = data.case
    i, o = _size(case.input_size), _size(data.output_size)
    extra = (
        f" The convolution's floor dropped {_size(data.output_padding, ', ')} rows and columns, so "
        "we add them back as output padding on the bottom and right."
        if any(data.output_padding)
        else ""
    )
    return (
        Beat(
            "show_convolution",
            f"{case.title}: a {i} input, a {case.kernel} by {case.kernel} "
            f"kernel, stride {case.stride}, padding {case.padding}. The formula gives a {o} "
            "output.",
        ),
        Beat(
            "slide_convolution",
            f"The kernel slides over the input {case.stride} cell at a "
            "time; each window's weighted sum is one output cell."
            if case.stride == 1
            else f"The kernel jumps {case.stride} cells at a time; each window's weighted sum is one output cell.",
        ),
        Beat(
            "show_transposed",
            f"Now go back from {o} to {i} with an ordinary stride-1 "
            f"convolution: insert {data.inserted_zeros} zeros between the cells, pad "
            f"{data.transposed_padding} zeros on every side, and flip the kernel." + extra,
        ),
        Beat(
            "slide_transposed",
            f"The flipped kernel slides with stride 1 and the output has "
            f"the input's shape, {i}. This is exactly what conv_transpose2d computes. It restores "
            "the shape, not the values: it is not an inverse.",
        ),
    )


def _size(size: tuple[int, int], joiner: str = " by ") -> str:
    return f"{size[0]}{joiner}{size[1]}"


def _shape(size: tuple[int, int]) -> str:
    return f"{size[0]}\u00d7{size[1]}"


class TransposedConvolution(LectureSlide):
    def construct(self) -> None:
        self.next_slide(
            notes="Transposed convolutions go from a small map back to a larger one. We run "
            "every case of one table: first the convolution, then the transposed convolution "
            "that restores its input's shape."
        )
        plan = transposed_plan()
        self.show_table(plan)
        for group in plan:
            for beat in group.beats:
                self.next_slide(notes=beat.notes)
                getattr(self, beat.step)(group.data)
        self.next_slide(
            notes="The two formulas to remember; in PyTorch the extra a is output_padding, "
            "needed whenever the convolution's stride did not divide evenly."
        )
        self.show_summary()

    # Beats ----------------------------------------------------------------------------------

    def show_table(self, plan: tuple[CaseSlides, ...]) -> None:
        self.heading = self.title("Transposed convolution")
        header = ("input", "kernel", "stride", "padding", "output", "output padding a")
        rows = [
            (
                _shape(g.data.case.input_size),
                str(g.data.case.kernel),
                str(g.data.case.stride),
                str(g.data.case.padding),
                _shape(g.data.output_size),
                f"({g.data.output_padding[0]}, {g.data.output_padding[1]})",
            )
            for g in plan
        ]
        table = Grid(rows, cell=None, header=header, size=theme.BODY_FONT, mono=False, buff=(0.7, 0.45))
        # In the middle of the space under the heading, as wide as the frame allows.
        centre_below(fit(table, width=config.frame_width - 2 * theme.MARGIN), self.heading)
        self.table = table
        self.play(Write(self.heading), run_time=0.8)
        self.play(FadeIn(table, lag_ratio=0.02), run_time=1.2)

    def show_convolution(self, data: TransposedCase) -> None:
        case = data.case
        cell = _cell_size(data)
        heading = self.title(f"{case.title}: {case.name}")
        padded = _grid(data.padded_input, cell, theme.DATA)
        p = case.padding
        height, width = case.input_size
        for r in range(padded.shape[0]):
            for c in range(padded.shape[1]):
                if not (p <= r < p + height and p <= c < p + width):
                    _mute(padded, r, c)
        kernel = _grid(data.kernel, cell, theme.LAYER)
        output = _grid(data.output, cell, theme.OUTPUT)
        names = (
            f"input {_shape(case.input_size)}, padding {p}",
            f"kernel, stride {case.stride}",
            f"output {_shape(data.output_size)}",
        )
        row = self._arrange_row(padded, kernel, output, names)
        formula = _formula(
            "o = \u230a(i + 2p \u2212 k) / s\u230b + 1",
            [
                f"\u230a({n} + 2\u00b7{p} \u2212 {case.kernel}) / {case.stride}\u230b + 1 = {o}"
                for n, o in zip(case.input_size, data.output_size)
            ],
        ).to_edge(DOWN, buff=theme.MARGIN)
        self.play(*self._leave(), Transform(self.heading, heading), run_time=0.6)
        self.play(FadeIn(padded), FadeIn(kernel), FadeIn(output.cells), FadeIn(row[3]), run_time=0.8)
        self.play(Write(formula), run_time=0.8)
        self.padded, self.output = padded, output

    def slide_convolution(self, data: TransposedCase) -> None:
        self._slide(self.padded, self.output, data.windows, data.case.kernel)

    def show_transposed(self, data: TransposedCase) -> None:
        case = data.case
        cell = _cell_size(data)
        padded = _grid(data.padded_transposed_input, cell, theme.DATA)
        kernel = _grid(data.kernel, cell, theme.LAYER)
        flipped = _grid(data.flipped_kernel, cell, theme.LAYER)
        output = _grid(data.transposed_output, cell, theme.OUTPUT)
        names = (
            f"input {_shape(data.output_size)}, spread, padded",
            "kernel, flipped",
            f"output {_shape(case.input_size)}",
        )
        row = self._arrange_row(padded, flipped, output, names)
        kernel.move_to(flipped)
        compact = _grid(data.transposed_input, cell, theme.DATA).move_to(padded)

        # Which cells of the padded grid are what: the transposed input, the zeros spread
        # between it, the border padding, and the output padding on the bottom / right.
        data_cells = set(data.transposed_input_cells)
        border = data.transposed_padding
        dilated_rows, dilated_cols = data.dilated_input.shape
        inserted, padding, extra = [], [], []
        for r in range(padded.shape[0]):
            for c in range(padded.shape[1]):
                if (r, c) in data_cells:
                    continue
                _mute(padded, r, c)
                if r >= 2 * border + dilated_rows or c >= 2 * border + dilated_cols:
                    padded.cell_at(r, c).set_fill(theme.OUTPUT, opacity=0.35)
                    extra.append(VGroup(padded.cell_at(r, c), padded.number_at(r, c)))
                elif border <= r < border + dilated_rows and border <= c < border + dilated_cols:
                    inserted.append(VGroup(padded.cell_at(r, c), padded.number_at(r, c)))
                else:
                    padding.append(VGroup(padded.cell_at(r, c), padded.number_at(r, c)))

        a = data.output_padding
        formula = _formula(
            "o\u2032 = s(i\u2032 \u2212 1) + a + k \u2212 2p",
            [
                f"{case.stride}\u00b7({n} \u2212 1) + {extra_n} + {case.kernel} \u2212 2\u00b7{case.padding} = {o}"
                for n, extra_n, o in zip(data.output_size, a, case.input_size)
            ],
        ).to_edge(DOWN, buff=theme.MARGIN)
        recipe = [
            f"insert s \u2212 1 = {data.inserted_zeros} zero{'' if data.inserted_zeros == 1 else 's'} between cells",
            f"pad k \u2212 p \u2212 1 = {border} on every side",
            f"output padding a = ({a[0]}, {a[1]}) on the bottom / right",
        ]
        step_line = self._recipe_line(recipe[0], formula)

        self.play(*self._leave(), run_time=0.5)
        self.play(FadeIn(compact), FadeIn(row[3][0]), run_time=0.6)
        spread = [
            ReplacementTransform(
                VGroup(compact.cell_at(*divmod(n, compact.shape[1])), compact.number_at(*divmod(n, compact.shape[1]))),
                VGroup(padded.cell_at(*where), padded.number_at(*where)),
            )
            for n, where in enumerate(data.transposed_input_cells)
        ]
        self.play(*spread, *(FadeIn(m) for m in inserted), FadeIn(step_line), run_time=1.0)
        for text, cells in ((recipe[1], padding), (recipe[2], extra)):
            if cells:
                line = self._recipe_line(text, formula)
                self.play(*(FadeIn(m) for m in cells), Transform(step_line, line), run_time=0.8)
        self.play(FadeIn(kernel), FadeIn(row[3][1:]), FadeIn(output.cells), run_time=0.6)
        # Each weight travels to its place in the kernel rotated by 180 degrees.
        k = case.kernel
        self.play(
            *(
                kernel.number_at(r, c).animate.move_to(flipped.number_at(k - 1 - r, k - 1 - c))
                for r in range(k)
                for c in range(k)
            ),
            FadeOut(step_line),
            Write(formula),
            run_time=1.0,
        )
        self.formula = formula
        self.padded, self.output = padded, output

    def slide_transposed(self, data: TransposedCase) -> None:
        self._slide(self.padded, self.output, data.transposed_windows, data.case.kernel)
        a = data.output_padding
        torch_call = label(
            f"= conv_transpose2d(stride={data.case.stride}, padding={data.case.padding}, "
            f"output_padding=({a[0]}, {a[1]}))",
            size=theme.MIN_FONT,
            mono=True,
            color=theme.MUTED,
        )
        torch_call.next_to(self.formula, UP, buff=0.2)
        self.play(FadeIn(torch_call), run_time=0.6)

    def show_summary(self) -> None:
        heading = self.title("Transposed convolution")
        lines = (
            VGroup(
                label("convolution:  o = \u230a(i + 2p \u2212 k) / s\u230b + 1", size=theme.BODY_FONT),
                label("transposed:  o\u2032 = s(i\u2032 \u2212 1) + a + k \u2212 2p", size=theme.BODY_FONT),
                VGroup(
                    label(
                        "equivalently: insert s \u2212 1 zeros, pad k \u2212 p \u2212 1 (+ a),",
                        size=theme.LABEL_FONT,
                        color=theme.MUTED,
                    ),
                    label("then slide the flipped kernel with stride 1", size=theme.LABEL_FONT, color=theme.MUTED),
                ).arrange(DOWN, buff=0.15),
                label("restores the shape, not the values", size=theme.LABEL_FONT, color=theme.HIGHLIGHT),
            )
            .arrange(DOWN, buff=0.5)
            .next_to(heading, DOWN, buff=0.9)
        )
        self.play(*self._leave(), Transform(self.heading, heading), run_time=0.6)
        self.play(LaggedStart(*(FadeIn(line, shift=0.2 * UP) for line in lines), lag_ratio=0.4), run_time=1.5)

    # Pieces ---------------------------------------------------------------------------------

    def _leave(self) -> list:
        """Fade out whatever the previous beat left on screen, except the heading."""
        return [FadeOut(m) for m in self.mobjects if m is not self.heading]

    def _arrange_row(self, grid: Grid, kernel: Grid, output: Grid, names: tuple[str, str, str]) -> VGroup:
        """Three grids side by side, each named underneath; index 3 holds the names.

        Grids share one centre line; the gap is measured between whichever is wider of each
        grid and its name, so names never touch.
        """
        grids = (grid, kernel, output)
        captions = VGroup(
            *(
                label(name, size=theme.MIN_FONT, color=theme.MUTED).next_to(g, DOWN, buff=0.15)
                for name, g in zip(names, grids)
            )
        )
        columns = [VGroup(g, caption) for g, caption in zip(grids, captions)]
        for before, column, g in zip(columns, columns[1:], grids[1:]):
            column.next_to(before, RIGHT, buff=GRID_GAP)
            column.shift((grid.get_y() - g.get_y()) * UP)
        row = VGroup(grid, kernel, output, captions)
        row.next_to(self.heading, DOWN, buff=0.35)
        return row

    def _recipe_line(self, text: str, formula: VGroup) -> Text:
        """One step of the recipe, just above the formula."""
        return label(text, size=theme.LABEL_FONT).next_to(formula, UP, buff=0.2)

    def _slide(self, grid: Grid, output: Grid, windows: tuple[tuple[int, int], ...], kernel: int) -> None:
        """The kernel window visits a few positions one by one, then the rest fill at once."""
        columns = output.shape[1]
        window = grid.window(*windows[0], kernel, kernel)
        marker = output.window(0, 0, 1, 1)
        self.play(Create(window), Create(marker), FadeIn(output.number_at(0, 0)), run_time=0.6)
        for n, position in enumerate(windows[1:ANIMATED_WINDOWS], start=1):
            r, c = divmod(n, columns)
            self.play(
                window.animate.move_to(grid.window(*position, kernel, kernel)),
                marker.animate.move_to(output.cell_at(r, c)),
                FadeIn(output.number_at(r, c)),
                run_time=0.6,
            )
        rest = [output.number_at(*divmod(n, columns)) for n in range(ANIMATED_WINDOWS, len(windows))]
        last = grid.window(*windows[-1], kernel, kernel)
        if rest:
            self.play(
                window.animate.move_to(last),
                marker.animate.move_to(output.cell_at(*divmod(len(windows) - 1, columns))),
                LaggedStart(*(FadeIn(number) for number in rest), lag_ratio=0.1),
                run_time=1.2,
            )
        self.play(Indicate(output, color=theme.HIGHLIGHT, scale_factor=1.05), run_time=0.6)


def _cell_size(data: TransposedCase) -> float:
    """One cell size for both beats of a case, so the grids keep their size between them."""
    rows = max(data.padded_input.shape[0], data.padded_transposed_input.shape[0])
    width = max(
        data.padded_input.shape[1] + data.output.shape[1],
        data.padded_transposed_input.shape[1] + data.transposed_output.shape[1],
    )
    width += data.kernel.shape[1]
    return min(MAX_CELL, GRID_HEIGHT / rows, (ROW_WIDTH - 2 * GRID_GAP) / width)


def _grid(values: np.ndarray, cell: float, color: str) -> Grid:
    return Grid(values, cell=cell, color=color)


def _mute(grid: Grid, row: int, col: int) -> None:
    """A zero that is padding, not data: drawn in the muted colour."""
    grid.cell_at(row, col).set_stroke(theme.MUTED, width=1.5)
    grid.number_at(row, col).set_color(theme.MUTED)


def _formula(general: str, substituted: list[str]) -> VGroup:
    """The general formula, then its numbers: one entry if both sides agree, else per side."""
    if substituted[0] == substituted[1]:
        numbers = [substituted[0]]
    else:
        numbers = [f"height: {substituted[0]}", f"width: {substituted[1]}"]
    return VGroup(
        label(general, size=theme.LABEL_FONT),
        *(label(line, size=theme.LABEL_FONT, color=theme.HIGHLIGHT) for line in numbers),
    ).arrange(DOWN, buff=0.1)
