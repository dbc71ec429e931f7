"""The layout rules: text inside the frame, never below MIN_FONT, no two texts overlapping.

The rules are read from real manim mobjects; a scene that breaks one fails its render
through ``make`` with one line naming the scene, the slide, the text and the rule.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import numpy as np
import pytest
from manim import DOWN, LEFT, RIGHT, UP, MathTex, VGroup, config

from slides import theme
from slides.common.diagrams import LayerBox
from slides.common.grids import Grid, decimals
from slides.common.text import TextTooSmall, fit, label
from slides.onscreen import layout_problems, onscreen_texts
from tests.conftest import ROOT, run_make


def problems(*mobjects) -> list[str]:
    return layout_problems(onscreen_texts(mobjects))


def overlaps(*mobjects) -> set[frozenset[str]]:
    """Each overlap as the pair of texts it names, in either order."""
    found = set()
    for problem in problems(*mobjects):
        match = re.fullmatch(r"'(.*)' overlaps '(.*)'", problem)
        assert match, problem
        found.add(frozenset(match.groups()))
    return found


# --- the rules, on mobjects ----------------------------------------------------------


def test_a_clean_slide_has_no_problems() -> None:
    heading = label("A heading", size=theme.HEADING_FONT).to_edge(UP, buff=theme.MARGIN)
    body = label("body text", size=theme.BODY_FONT).next_to(heading, DOWN, buff=0.5)
    assert problems(heading, body) == []


def test_text_past_the_frame_edge_is_named() -> None:
    inside = label("inside")
    outside = label("too far right").move_to(RIGHT * (config.frame_width / 2))
    assert problems(inside, outside) == [f"'too far right' leaves the frame (margin {theme.MARGIN / 2:g})"]


def test_text_scaled_below_min_font_is_named_with_its_size() -> None:
    small = label("tiny", size=theme.MIN_FONT).scale(0.5)
    (problem,) = problems(small)
    assert problem == f"'tiny' is set at {theme.MIN_FONT / 2:.1f}, below MIN_FONT {theme.MIN_FONT}"


def test_a_text_at_min_font_passes() -> None:
    assert problems(label("just readable", size=theme.MIN_FONT)) == []


def test_two_texts_drawn_over_each_other_overlap() -> None:
    first = label("first words")
    second = label("second words").move_to(first.get_center() + 0.1 * RIGHT)
    assert overlaps(first, second) == {frozenset({"first words", "second words"})}


def test_texts_in_a_group_are_checked_one_by_one() -> None:
    row = VGroup(label("left"), label("right")).arrange(RIGHT, buff=-0.3)
    assert overlaps(row) == {frozenset({"left", "right"})}


def test_boxes_that_meet_only_where_no_glyph_is_are_no_overlap() -> None:
    # A tall formula and a short label tucked into the empty corner of its box.
    formula = MathTex(r"\frac{1}{x_1 + x_2 + x_3}", font_size=theme.BODY_FONT + 16)
    numerator = formula[0][0]
    corner = label("1", size=theme.MIN_FONT)
    corner.next_to(numerator, LEFT, buff=0.1)
    assert corner.get_left()[0] > formula.get_left()[0] and corner.get_top()[1] < formula.get_top()[1]
    assert problems(formula, corner) == []
    # The same label moved onto the fraction bar does overlap.
    corner.move_to(formula.get_center())
    (reading,) = [item.text for item in onscreen_texts([formula])]
    assert overlaps(formula, corner) == {frozenset({reading, "1"})}


def test_a_label_on_its_box_is_fine() -> None:
    box = LayerBox("3x3 conv", detail="64 ch")
    assert problems(box) == []


def test_faded_out_text_is_not_on_screen() -> None:
    first = label("stays")
    gone = label("faded out").move_to(first).set_opacity(0)
    assert problems(first, gone) == []


# --- helpers refuse to shrink text below the floor -----------------------------------


def test_fit_shrinks_a_group_while_its_text_stays_readable() -> None:
    line = label("a long line of words", size=theme.BODY_FONT)
    fit(line, width=line.width * 0.8)
    assert line.font_size == pytest.approx(theme.BODY_FONT * 0.8)


def test_fit_never_grows() -> None:
    line = label("short")
    width = line.width
    fit(line, width=10 * width, height=10)
    assert line.width == pytest.approx(width)


def test_fit_below_min_font_raises_and_leaves_the_text_alone() -> None:
    line = label("a line that cannot shrink", size=theme.MIN_FONT)
    width = line.width
    with pytest.raises(TextTooSmall, match=r"'a line that cannot shrink' would be set at 12\.0, below MIN_FONT"):
        fit(line, width=width / 2)
    assert line.width == pytest.approx(width)


@pytest.mark.parametrize(
    ("value", "places", "cell"),
    [(12345.0, 0, 0.5), (0.123, 3, 0.4), (-0.123, 3, (0.6, 0.56))],
    ids=["square", "heat", "wide"],
)
def test_a_number_too_wide_for_its_grid_cell_raises(value: float, places: int, cell: float | tuple) -> None:
    with pytest.raises(TextTooSmall, match=f"{abs(value):.{places}f}"):
        Grid(np.array([[value]]), cell=cell, format=decimals(places))


def test_numbers_that_fit_their_cells_keep_min_font() -> None:
    grid = Grid(np.array([[1.0, 2.0]]), cell=0.7)
    assert min(n.font_size for n in grid.numbers) >= theme.MIN_FONT


def test_a_layer_name_too_long_for_its_box_raises() -> None:
    with pytest.raises(TextTooSmall, match="a very long layer name"):
        LayerBox("a very long layer name", width=1.0)


# --- the build: a broken rule fails the render in one line ---------------------------

PROBE = """
from manim import DOWN, RIGHT, FadeIn, config
from slides import theme
from slides.base import LectureSlide
from slides.common.text import label


class {name}(LectureSlide):
    def construct(self) -> None:
        self.next_slide(notes="A clean first slide.")
        self.play(FadeIn(label("all fine")))
        self.next_slide(notes="The second slide breaks a rule.")
        words = label("{words}")
        if "{rule}" == "frame":
            words.move_to(RIGHT * config.frame_width / 2)
        elif "{rule}" == "size":
            words.scale(0.6)
        else:
            words.next_to(self.mobjects[0], DOWN, buff=-0.2)
        self.play(FadeIn(words))
"""

RULES = {
    "frame": "leaves the frame",
    "size": "below MIN_FONT",
    "overlap": "overlaps",
}


@pytest.fixture
def probe_scene(request: pytest.FixtureRequest, tmp_path: Path):
    """A scene under slides/ that breaks one rule on its second slide, removed afterwards."""
    rule = request.param
    name = f"LayoutProbe{rule.title()}"
    source = ROOT / "slides" / f"_layout_probe_{rule}.py"
    source.write_text(textwrap.dedent(PROBE).format(name=name, rule=rule, words=f"broken by {rule}"))
    decks_file = tmp_path / "decks.py"
    decks_file.write_text(
        "from slides.decks import Deck\n"
        f"DECKS = (Deck('probe', 'Probe', 'One scene that breaks a layout rule', ('{name}',)),)\n"
    )
    try:
        yield rule, name, decks_file
    finally:
        source.unlink(missing_ok=True)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("probe_scene", "mode"),
    [*((rule, "") for rule in RULES), ("size", "warn")],
    indirect=["probe_scene"],
    ids=[*RULES, "size-warn"],
)
def test_a_broken_rule_fails_the_render_in_one_line_or_warns(probe_scene, mode: str, tmp_path: Path) -> None:
    rule, name, decks_file = probe_scene
    build = tmp_path / "build"
    result = run_make(
        str(build / "slides" / f"{name}.json"),
        DECKS_FILE=str(decks_file),
        BUILD=str(build),
        OUT=str(tmp_path / "out"),
        LECTURE_LAYOUT=mode,
    )
    output = result.stdout + result.stderr
    if mode == "warn":
        # Reported, and the scene still finishes.
        assert result.returncode == 0, output
        assert f"warning: {name}: slide 2: 'broken by {rule}' is set at" in result.stdout
        return
    assert result.returncode != 0, output
    lines = [line for line in output.splitlines() if f"{name}: slide" in line]
    assert len(lines) == 1, output
    assert f"{name}: slide 2: " in lines[0] and f"'broken by {rule}'" in lines[0], lines[0]
    assert RULES[rule] in lines[0], lines[0]
    if rule == "overlap":
        assert "'all fine'" in lines[0], lines[0]
    assert "Traceback" not in output
    # Nothing a later make would take as finished.
    assert not (build / "slides" / f"{name}.json").exists()
