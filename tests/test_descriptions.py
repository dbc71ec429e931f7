"""A slide's description is read off real manim mobjects: tables by rows, formulas as plain text."""

from __future__ import annotations

import numpy as np
import pytest
from manim import (
    DOWN,
    RIGHT,
    AnimationGroup,
    DecimalNumber,
    MathTex,
    ReplacementTransform,
    Text,
    Transform,
    TransformFromCopy,
    VGroup,
)

from slides import theme
from slides.onscreen import description, description_text, follow_transforms, onscreen_texts, tex_to_text


def _grid(values: np.ndarray, cell: float = 0.6) -> list[Text]:
    """Numbers placed one by one, as a scene that fades in a grid's cells one at a time leaves them."""
    numbers = []
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            numbers.append(Text(f"{value:g}", font_size=theme.LABEL_FONT).move_to(c * cell * RIGHT + r * cell * DOWN))
    return numbers


def test_numbers_put_on_screen_one_by_one_read_as_table_rows() -> None:
    left = np.array([[1, 1, 4], [7, 2, 6], [0, 3, 9]])
    right = np.array([[5, 19], [13, 23]])
    mobjects = _grid(left) + [m.shift(4 * RIGHT) for m in _grid(right)]
    title = Text("image patch", font_size=theme.LABEL_FONT).next_to(VGroup(*mobjects[:3]), 0.8 * np.array([0, 1, 0]))
    described = description(onscreen_texts([title, *mobjects]), [])
    assert described["text"] == ["image patch", "1 1 4", "7 2 6", "0 3 9", "5 19", "13 23"]


def test_a_column_vector_reads_as_one_phrase_and_a_decimal_number_by_its_value() -> None:
    column = VGroup(*(DecimalNumber(v, num_decimal_places=1, font_size=theme.LABEL_FONT) for v in (0.1, 0.25, -0.3)))
    column.arrange(DOWN, buff=0.3)
    assert description(onscreen_texts([column]), [])["text"] == ["0.1 0.2 -0.3"]


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        (r"\frac{\partial H}{\partial x} = \frac{\partial F}{\partial x} + 1", "∂H/∂x = ∂F/∂x + 1"),
        (r"\sigma_j^2 = \tfrac{1}{n}\textstyle\sum_i (h_{ij} - \mu_j)^2", "σ_j^2 = 1/n Σ_i (h_ij - μ_j)^2"),
        (r"\alpha = \mathrm{softmax}(e)", "α = softmax(e)"),
        (r"e_i = s^\top h_i", "e_i = sᵀ h_i"),
        (r"y = \gamma \hat h + \beta", "y = γ ĥ + β"),
    ],
)
def test_formulas_read_as_plain_text(tex: str, text: str) -> None:
    assert tex_to_text(tex) == text
    formula = MathTex(tex, font_size=theme.BODY_FONT)
    assert description(onscreen_texts([formula]), [])["text"] == [text]


def test_the_paragraph_ends_each_sentence_once() -> None:
    heading = Text("Deeper should never be worse. It was.", font_size=theme.HEADING_FONT)
    first = Text("56 layers can copy 20 layers,", font_size=theme.LABEL_FONT).next_to(heading, DOWN)
    second = Text("so its error is at most the shallow net's.", font_size=theme.LABEL_FONT).next_to(first, DOWN)
    described = description(onscreen_texts([heading, VGroup(first, second)]), ["A curve falls."])
    assert description_text(described) == (
        "Deeper should never be worse. It was. On screen: 56 layers can copy 20 layers, "
        "so its error is at most the shallow net's. A curve falls."
    )


def test_a_text_transformed_into_another_reads_as_its_target() -> None:
    heading = Text("Transposed convolution", font_size=theme.HEADING_FONT).to_edge(RIGHT)
    next_heading = Text("No padding, unit strides", font_size=theme.HEADING_FONT)
    caption, next_caption = Text("one", font_size=theme.BODY_FONT), Text("two", font_size=theme.BODY_FONT)
    formula = MathTex(r"o = s(i - 1) + k", font_size=theme.BODY_FONT)
    kept = Text("stays", font_size=theme.BODY_FONT)
    result = Text("19", font_size=theme.BODY_FONT)
    follow_transforms(
        [
            Transform(heading, next_heading),
            AnimationGroup(Transform(caption, next_caption)),
            Transform(formula, MathTex(r"o = (i - k) / s + 1", font_size=theme.BODY_FONT)),
            ReplacementTransform(kept, Text("replaced")),
            # A sum flies into its cell from a copy: the cell ends as itself.
            TransformFromCopy(Text("sum = 19", font_size=theme.BODY_FONT), result),
        ]
    )
    described = description(onscreen_texts([heading, caption.shift(2 * DOWN)]), [])
    assert (described["heading"], described["text"]) == ("No padding, unit strides", ["two"])
    assert description(onscreen_texts([formula]), [])["text"] == [tex_to_text(r"o = (i - k) / s + 1")]
    # A replacement puts the target itself on screen: the replaced text keeps its own words.
    assert description(onscreen_texts([kept]), [])["text"] == ["stays"]
    assert description(onscreen_texts([result]), [])["text"] == ["19"]


def _words(*texts: str) -> list[Text]:
    return [Text(text, font_size=theme.LABEL_FONT) for text in texts]


def _table(header: list[str], rows: list[list[str]]) -> tuple[VGroup, list[VGroup]]:
    """A header and rows set in columns by hand, the way a slide lays out a table of words."""
    lines = [VGroup(*_words(*header)), *(VGroup(*_words(*row)) for row in rows)]
    for number, line in enumerate(lines):
        for column, text in enumerate(line):
            text.move_to(3.2 * column * RIGHT + 0.6 * number * DOWN)
    return lines[0], lines[1:]


def test_a_table_of_words_reads_each_value_with_its_column() -> None:
    header, rows = _table(
        ["layer", "what it does", "output shape"],
        [["conv1", "conv 7x7, stride 2", "64 x 112"], ["fc", "fully connected", "1000"]],
    )
    expected = [
        "layer: conv1, what it does: conv 7x7, stride 2, output shape: 64 x 112",
        "layer: fc, what it does: fully connected, output shape: 1000",
    ]
    # The whole table on screen as one mobject, and rows faded in one by one under its header.
    assert description(onscreen_texts([VGroup(header, *rows)]), [])["text"] == expected
    assert description(onscreen_texts([header, *reversed(rows)]), [])["text"] == expected
    # A caption above it and a line under it in the same group are read as they are.
    caption = Text("ResNet-18", font_size=theme.LABEL_FONT).next_to(header, 1.5 * np.array([0, 1, 0]))
    total = Text("two layers", font_size=theme.LABEL_FONT).next_to(rows[-1], 1.5 * DOWN)
    described = description(onscreen_texts([VGroup(caption, header, *rows, total)]), [])
    assert described["text"] == ["ResNet-18", *expected, "two layers"]


def test_numbers_under_column_names_read_with_them_and_an_empty_cell_is_left_out() -> None:
    header, rows = _table(["input", "k", "s", "p"], [["5×5", "3", "1", "0"], ["4×4", "2", "", "0"]])
    rows[1].remove(rows[1][2])
    assert description(onscreen_texts([VGroup(header, *rows)]), [])["text"] == [
        "input: 5×5, k: 3, s: 1, p: 0",
        "input: 4×4, k: 2, p: 0",
    ]


def test_what_is_not_a_table_reads_as_before() -> None:
    # One row under a header is two lines of words; labels over a single column are no table.
    header, rows = _table(["plain", "residual"], [["34 layers", "34 layers"]])
    assert description(onscreen_texts([VGroup(header, *rows)]), [])["text"] == [
        "plain",
        "residual",
        "34 layers",
        "34 layers",
    ]
    left, right = _words("plain net", "residual net")
    right.next_to(left, RIGHT, buff=1.0)
    column = VGroup(*_words("error", "7.2%", "5.1%")).arrange(DOWN).next_to(left, DOWN)
    assert description(onscreen_texts([VGroup(left, right, column)]), [])["text"] == [
        "plain net",
        "residual net",
        "error",
        "7.2% 5.1%",
    ]
    # Rows far below a header (more than a grid's gap) are not its rows.
    header, rows = _table(["model", "layers"], [["ResNet-18", "18"], ["ResNet-34", "34"]])
    for row in rows:
        row.shift(3 * DOWN)
    assert description(onscreen_texts([header, *rows]), [])["text"] == [
        "model",
        "layers",
        "ResNet-18",
        "18",
        "ResNet-34",
        "34",
    ]
    # Labels repeated under themselves (a U-Net's "encode" and "decode" at each level) name no columns.
    header, rows = _table(["encode", "decode"], [["encode", "decode"], ["encode", "decode"]])
    assert description(onscreen_texts([VGroup(header, *rows)]), [])["text"] == ["encode", "decode"] * 3
    # A first line with a shape in it is a row of a table without a header, read cell by cell.
    header, rows = _table(["input", "(2, 3, 224, 224)"], [["conv1", "(2, 64, 112, 112)"], ["fc", "(2, 1000)"]])
    assert description(onscreen_texts([VGroup(header, *rows)]), [])["text"] == [
        "input",
        "(2, 3, 224, 224)",
        "conv1",
        "(2, 64, 112, 112)",
        "fc",
        "(2, 1000)",
    ]
