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
