"""The one grid mobject: values written as the formatter says, cells shaped and coloured, tables aligned."""

from __future__ import annotations

import numpy as np
import pytest
from manim import ManimColor, Text

from slides import theme
from slides.common.grids import WIDE_CELL, Grid, decimals, diverging, sequential
from slides.common.text import TextTooSmall
from slides.onscreen import description, onscreen_texts


def test_square_cells_hold_their_values_in_reading_order() -> None:
    values = np.array([[1.0, -2.0, 3.0], [-0.004, 5.0, 6.0]])
    grid = Grid(values, cell=0.7)
    assert grid.shape == (2, 3)
    assert [n.text for n in grid.numbers] == ["1", "\u22122", "3", "0", "5", "6"]
    assert grid.number_at(0, 1).text == "\u22122"
    first, right, below = grid.cell_at(0, 0), grid.cell_at(0, 1), grid.cell_at(1, 0)
    assert first.width == pytest.approx(0.7) and first.height == pytest.approx(0.7)
    assert right.get_center()[0] - first.get_center()[0] == pytest.approx(0.7)
    assert first.get_center()[1] - below.get_center()[1] == pytest.approx(0.7)
    # Each number sits in its own cell.
    for r in range(2):
        for c in range(3):
            assert np.allclose(grid.number_at(r, c).get_center(), grid.cell_at(r, c).get_center())


def test_wide_cells_and_rows_access() -> None:
    grid = Grid(np.array([[-0.651, 2.049], [0.1, 0.2]]), cell=WIDE_CELL, format=decimals(2))
    box, text = grid.rows[0][1]
    assert text.text == "2.05"
    assert (box.width, box.height) == pytest.approx(WIDE_CELL)
    assert [t.text for _, t in grid.rows[0]] == ["\u22120.65", "2.05"]


def test_a_colour_map_fills_cells_and_picks_readable_digits() -> None:
    weights = np.array([[0.1, 0.6, 0.3]])
    grid = Grid(weights, cell=0.9, format=decimals(2), fill=sequential(0.0, 0.6))
    brightest = grid.cell_at(0, 1).get_fill_color()
    assert brightest.to_hex().lower() == ManimColor(theme.HIGHLIGHT).to_hex().lower()
    for c in range(3):
        fill = grid.cell_at(0, c).get_fill_color().to_hex()
        glyph = grid.number_at(0, c)[0]
        assert glyph.get_fill_color().to_hex().lower() == ManimColor(theme.text_on(fill)).to_hex().lower()
    signed = Grid(np.array([[-1.0, 0.0, 1.0]]), fill=diverging(-1.0, 1.0))
    cold, middle, hot = (signed.cell_at(0, c).get_fill_color().to_hex().lower() for c in range(3))
    assert (cold, middle, hot) == tuple(
        ManimColor(c).to_hex().lower() for c in (theme.NEGATIVE, theme.PANEL, theme.POSITIVE)
    )


def test_row_and_column_labels_sit_beside_their_cells() -> None:
    grid = Grid(np.eye(2), row_labels=["a", "b"], col_labels=["x", "y"])
    assert grid.row_labels[1].get_right()[0] < grid.cell_at(1, 0).get_left()[0]
    assert grid.row_labels[1].get_center()[1] == pytest.approx(grid.cell_at(1, 0).get_center()[1])
    assert grid.col_labels[1].get_bottom()[1] > grid.cell_at(0, 1).get_top()[1]


def test_a_table_of_words_aligns_its_columns() -> None:
    table = Grid(
        [["ResNet-18", "11,689,512"], ["ResNet-152", "60,192,808"], ["x", "1"]],
        cell=None,
        header=["model", "parameters"],
        mono=[False, True],
        align=["left", "right"],
    )
    assert table.shape == (4, 2)
    assert len(table.cells) == 0
    assert [w.text for w in table.rows[0]] == ["model", "parameters"]
    assert table.rows[0][0][0].get_fill_color().to_hex().lower() == ManimColor(theme.MUTED).to_hex().lower()
    lefts = {round(row[0].get_left()[0], 6) for row in table.rows}
    rights = {round(row[1].get_right()[0], 6) for row in table.rows[1:]}
    assert len(lefts) == 1 and len(rights) == 1
    tops = [row[0].get_top()[1] for row in table.rows]
    assert tops == sorted(tops, reverse=True)


def test_a_pitch_spaces_rows_evenly() -> None:
    table = Grid([["conv1", "(1, 64)"], ["flatten", "(1, 512)"], ["fc", "y"]], cell=None, pitch=0.43)
    centres = [row[0].get_center()[1] for row in table.rows]
    assert np.diff(centres) == pytest.approx([-0.43, -0.43])


@pytest.mark.parametrize(
    ("values", "options", "message"),
    [
        (np.arange(3.0), {}, "2-D array"),
        ([["a", "b"], ["c"]], {"cell": None}, "equal, non-zero length"),
        (np.eye(2), {"ink": [theme.TEXT]}, "one per row"),
        ([["a"]], {"fill": sequential(0, 1)}, "needs numbers"),
        ([["a", "b"]], {"cell": None, "header": ["one"]}, "a header of 1 names for 2 columns"),
    ],
)
def test_bad_input_says_what_is_wrong(values, options, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Grid(values, **options)


def test_a_number_wider_than_its_cell_raises_instead_of_shrinking() -> None:
    with pytest.raises(TextTooSmall, match="123456"):
        Grid(np.array([[123456.0]]), cell=0.5)


def test_the_slide_description_reads_a_grid_row_by_row() -> None:
    grid = Grid(np.array([[1.0, -2.0, 3.0], [4.0, 5.0, 6.0]]), cell=0.7)
    assert description(onscreen_texts([grid]), [])["text"] == ["1 \u22122 3", "4 5 6"]
    # Numbers faded in one by one, as the scenes do, still read as the table's rows.
    assert description(onscreen_texts(list(grid.numbers)), [])["text"] == ["1 \u22122 3", "4 5 6"]
    table = Grid([["ResNet-18", "18"], ["ResNet-34", "34"]], cell=None, header=["model", "layers"])
    assert description(onscreen_texts([table]), [])["text"] == [
        "model: ResNet-18, layers: 18",
        "model: ResNet-34, layers: 34",
    ]


def test_centred_columns_stay_centred_under_their_header() -> None:
    table = Grid(
        [["5×5", "3", "(0, 0)"], ["3×4", "12", "(0, 1)"]], cell=None, header=["input", "k", "output padding a"]
    )
    for c in range(3):
        centres = [row[c].get_center()[0] for row in table.rows]
        assert centres == pytest.approx([centres[0]] * 3), c


def _letter_bottom(word: Text, letter: str) -> float:
    """The bottom of one letter of a one-line text: a letter without a descender sits on the line."""
    glyphs = dict(zip(word.text.replace(" ", ""), word.submobjects))
    return float(glyphs[letter].get_bottom()[1])


def test_words_of_a_row_and_the_header_names_sit_on_one_line() -> None:
    table = Grid(
        [["ResNet-18", "apex", "1.8 G"], ["conv", "ramp", "30.24 %"]],
        cell=None,
        header=["model", "paper", "top-1 error"],
        mono=[False, False, True],
    )
    # 'l' of model, 'r' of paper, 't' of top: flat-bottomed letters standing on the baseline.
    names = table.rows[0]
    lines = [_letter_bottom(names[0], "l"), _letter_bottom(names[1], "r"), _letter_bottom(names[2], "t")]
    assert lines == pytest.approx([lines[0]] * 3, abs=1e-6)
    first, second = table.rows[1], table.rows[2]
    assert [_letter_bottom(first[0], "R"), _letter_bottom(first[1], "x"), _letter_bottom(first[2], "1")] == (
        pytest.approx([_letter_bottom(first[0], "R")] * 3, abs=1e-6)
    )
    assert [_letter_bottom(second[0], "n"), _letter_bottom(second[1], "r"), _letter_bottom(second[2], "3")] == (
        pytest.approx([_letter_bottom(second[0], "n")] * 3, abs=0.01)
    )
    # Still no overlap: every name above the first row, every row above the next.
    assert min(name.get_bottom()[1] for name in names) > max(word.get_top()[1] for word in first)
    assert min(word.get_bottom()[1] for word in first) > max(word.get_top()[1] for word in second)
