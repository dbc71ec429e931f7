"""Both themes: text contrast (WCAG 2.1 AA, 1.4.3), Okabe-Ito hues kept, colours that
colour-blind viewers tell apart, and the theme chosen by the render step's environment."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pytest
import wcag_contrast_ratio
from bs4 import BeautifulSoup
from colorspacious import cspace_convert

from slides.theme import MEANINGS, THEME_ENV, THEMES, colours
from tests.conftest import ROOT

# The published Okabe-Ito palette whose meanings the themes keep.
OKABE_ITO = {
    "ORANGE": "#E69F00",
    "SKY_BLUE": "#56B4E9",
    "GREEN": "#009E73",
    "YELLOW": "#F0E442",
    "BLUE": "#0072B2",
    "VERMILLION": "#D55E00",
    "PURPLE": "#CC79A7",
}
# Every colour a scene may write text in: the foreground, the muted grey and the palette.
TEXT_NAMES = ("WHITE", "GREY", *OKABE_ITO)
AA_TEXT = 4.5
# Smallest CAM02-UCS distance between two palette colours, for normal vision and each
# full-strength colour-vision deficiency (about 1 is just noticeable).
MIN_DISTANCE = 5.0
MAX_HUE_SHIFT_DEGREES = 3.0


def rgb(colour: str) -> tuple[float, float, float]:
    value = colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return red, green, blue


def contrast(a: str, b: str) -> float:
    return wcag_contrast_ratio.rgb(rgb(a), rgb(b))


def test_contrast_is_measured_as_the_issue_measured_it() -> None:
    # The figures reported against the old dark theme.
    assert contrast("#0072B2", "#15171C") == pytest.approx(3.46, abs=0.01)
    assert contrast("#0072B2", "#23262E") == pytest.approx(2.92, abs=0.01)
    assert contrast("#D55E00", "#23262E") == pytest.approx(3.91, abs=0.01)
    assert contrast("#009E73", "#23262E") == pytest.approx(4.42, abs=0.01)


def below_aa(palette: dict[str, str], names: Iterable[str]) -> dict[tuple[str, str], float]:
    """The (name, ground) pairs of ``palette`` whose contrast misses WCAG AA for text."""
    return {
        (name, ground): round(contrast(palette[name], palette[ground]), 2)
        for name in names
        for ground in ("BACKGROUND", "PANEL")
        if contrast(palette[name], palette[ground]) < AA_TEXT
    }


@pytest.mark.parametrize("theme", THEMES)
def test_every_text_colour_meets_aa_on_background_and_panel(theme: str) -> None:
    failing = below_aa(THEMES[theme], TEXT_NAMES)
    assert not failing, f"{theme}: below {AA_TEXT}:1: {failing}"


def _lab(colour: str) -> np.ndarray:
    return cspace_convert(rgb(colour), "sRGB1", "CIELab")


@pytest.mark.parametrize("theme", THEMES)
def test_palette_keeps_the_okabe_ito_hues(theme: str) -> None:
    for name, original in OKABE_ITO.items():
        _, a0, b0 = _lab(original)
        _, a1, b1 = _lab(THEMES[theme][name])
        shift = (np.degrees(np.arctan2(b1, a1) - np.arctan2(b0, a0)) + 180) % 360 - 180
        assert abs(shift) <= MAX_HUE_SHIFT_DEGREES, f"{theme} {name}: hue moved {shift:.1f} degrees"


@pytest.mark.parametrize("vision", [None, "deuteranomaly", "protanomaly", "tritanomaly"])
@pytest.mark.parametrize("theme", THEMES)
def test_colour_blind_viewers_tell_the_palette_apart(theme: str, vision: str | None) -> None:
    names = list(OKABE_ITO)
    colours = np.array([rgb(THEMES[theme][n]) for n in names])
    if vision:
        simulated = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
        colours = np.clip(cspace_convert(colours, simulated, "sRGB1"), 0, 1)
    ucs = cspace_convert(colours, "sRGB1", "CAM02-UCS")
    closest = min(
        (float(np.linalg.norm(ucs[i] - ucs[j])), names[i], names[j])
        for i, j in itertools.combinations(range(len(names)), 2)
    )
    assert closest[0] >= MIN_DISTANCE, f"{theme}, {vision or 'normal vision'}: {closest}"


# Every meaning a scene draws or writes in (all but the two grounds).
DRAWN = [name for name in MEANINGS if name not in ("BACKGROUND", "PANEL")]
# Meanings that share a slide and must never share a colour: a theme edit that gives two of
# them one hue fails here, whatever the hue.
TELL_APART = [
    ("PLAIN", "RESIDUAL"),  # the two nets of every comparison
    ("POSITIVE", "NEGATIVE"),  # the two signs of a diverging map
    ("POSITIVE", "SKIP"),  # a residual image added through the skip path
    ("NEGATIVE", "SKIP"),
    ("SKIP", "LAYER"),  # the two paths of a residual block
    ("DATA", "LAYER"),
    ("DATA", "SKIP"),
    ("DATA", "OUTPUT"),
    ("LAYER", "OUTPUT"),
    ("GRADIENT", "SKIP"),  # the gradient travelling along the skip path
    ("GRADIENT", "LAYER"),
    ("HIGHLIGHT", "TEXT"),
    ("HIGHLIGHT", "SKIP"),
    ("HIGHLIGHT", "GRADIENT"),
    ("MUTED", "TEXT"),
    ("MUTED", "OUTPUT"),  # the sharp original beside the network's output
    ("MUTED", "PLAIN"),
    ("PEER_A", "PEER_B"),  # two units that swap places
    ("PEER_A", "OUTPUT"),
    ("PEER_B", "OUTPUT"),
    ("PEER_A", "MUTED"),
    ("PEER_B", "MUTED"),
    ("SERIES_1", "SERIES_2"),  # nested function classes drawn one inside the other
    ("SERIES_2", "SERIES_3"),
    ("SERIES_1", "SERIES_3"),
    ("SERIES_3", "HIGHLIGHT"),  # the best function f*, marked among the classes
    ("VARIANT", "GRADIENT"),  # momentum's path beside gradient descent's
    ("VARIANT", "MUTED"),
]


def test_every_meaning_is_a_palette_colour_of_both_themes() -> None:
    for theme in THEMES:
        assert set(MEANINGS.values()) <= set(THEMES[theme]), theme
    assert set(colours("dark")) == set(MEANINGS)


@pytest.mark.parametrize("theme", THEMES)
def test_every_meaning_meets_aa_on_background_and_panel(theme: str) -> None:
    failing = below_aa(colours(theme), DRAWN)
    assert not failing, f"{theme}: below {AA_TEXT}:1: {failing}"


def test_every_meaning_has_a_pair_it_must_differ_from() -> None:
    paired = {name for pair in TELL_APART for name in pair}
    assert paired == set(DRAWN), f"no pair for {sorted(set(DRAWN) - paired)}"


@pytest.mark.parametrize("theme", THEMES)
def test_meanings_that_share_a_slide_never_share_a_colour(theme: str) -> None:
    meaning = colours(theme)
    same = [pair for pair in TELL_APART if meaning[pair[0]] == meaning[pair[1]]]
    assert not same, f"{theme}: {same}"


@pytest.mark.parametrize("vision", [None, "deuteranomaly", "protanomaly", "tritanomaly"])
@pytest.mark.parametrize("theme", THEMES)
def test_colour_blind_viewers_tell_every_two_meanings_apart(theme: str, vision: str | None) -> None:
    # Every two meanings of different colours, the foreground and the grey included (the grey
    # frame of a reference picture stands beside the purple frame of an output).
    meaning = colours(theme)
    ucs = dict(zip(DRAWN, _as_seen(np.array([rgb(meaning[n]) for n in DRAWN]), vision)))
    closest = min(
        (float(np.linalg.norm(ucs[a] - ucs[b])), a, b)
        for a, b in itertools.combinations(DRAWN, 2)
        if meaning[a] != meaning[b]
    )
    assert closest[0] >= MIN_DISTANCE, f"{theme}, {vision or 'normal vision'}: {closest}"


def _as_seen(colours_rgb: np.ndarray, vision: str | None) -> np.ndarray:
    """CAM02-UCS coordinates of sRGB colours as a viewer with ``vision`` sees them."""
    if vision:
        simulated = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
        colours_rgb = np.clip(cspace_convert(colours_rgb, simulated, "sRGB1"), 0, 1)
    return cspace_convert(colours_rgb, "sRGB1", "CAM02-UCS")


def test_light_theme_is_white_and_keeps_the_meanings() -> None:
    light, dark = THEMES["light"], THEMES["dark"]
    assert light["BACKGROUND"] == "#FFFFFF"
    assert set(light) == set(dark)
    # Blue stays darker than sky blue, as in Okabe-Ito, so "plain" and "data" stay apart.
    assert _lab(light["BLUE"])[0] < _lab(light["SKY_BLUE"])[0]


def _theme_in_a_render_process(value: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != THEME_ENV}
    if value is not None:
        env[THEME_ENV] = value
    code = "from slides import theme; print(theme.THEME, theme.BACKGROUND, theme.TEXT, theme.PLAIN, theme.SKIP)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)


@pytest.mark.parametrize("value, expected", [(None, "dark"), ("dark", "dark"), ("light", "light")])
def test_the_environment_picks_the_theme(value: str | None, expected: str) -> None:
    result = _theme_in_a_render_process(value)
    assert result.returncode == 0, result.stderr
    colours = THEMES[expected]
    assert result.stdout.split() == [
        expected,
        colours["BACKGROUND"],
        colours["WHITE"],
        colours["BLUE"],
        colours["ORANGE"],
    ]


def test_an_unknown_theme_is_refused() -> None:
    result = _theme_in_a_render_process("sepia")
    assert result.returncode != 0
    assert "unknown theme 'sepia'" in result.stderr and "light" in result.stderr


def test_course_page_text_meets_aa(tmp_path: Path) -> None:
    from slides.pipeline.catalog import load_decks
    from slides.pipeline.course_page import write_index

    page = write_index(load_decks(), tmp_path)
    style = BeautifulSoup(page.read_text(), "html.parser").style
    assert style is not None, "the course page has no style sheet"
    css = style.get_text()
    rules = dict(re.findall(r"([^{}]+?)\s*\{([^}]*)\}", css))
    texts = {
        sel.strip(): c for sel, body in rules.items() for c in re.findall(r"(?<![-\w])color:\s*(#[0-9A-Fa-f]{6})", body)
    }
    grounds = [c for body in rules.values() for c in re.findall(r"background:\s*(#[0-9A-Fa-f]{6})", body)]
    assert len(texts) >= 4 and len(grounds) == 2, (texts, grounds)
    failing = {
        (selector, colour, ground): round(contrast(colour, ground), 2)
        for selector, colour in texts.items()
        for ground in grounds
        if contrast(colour, ground) < AA_TEXT
    }
    assert not failing, failing


def test_make_with_an_unknown_theme_is_one_clear_line() -> None:
    from tests.conftest import run_make

    result = run_make("list", THEME="sepia")
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert result.returncode != 0 and len(lines) == 1, lines
    assert "unknown THEME 'sepia'" in lines[0] and "THEME=light" in lines[0]


@pytest.mark.parametrize("theme_name", ["dark", "light"])
def test_digits_on_heat_coloured_cells_stay_readable(theme_name: str) -> None:
    # Every fill a diverging or sequential heat map can take, from one end to the other: the
    # digits written on it get at least 4.5:1, by the contrast formula written out here.
    code = f"""
import os, sys
os.environ["LECTURE_THEME"] = "{theme_name}"
from slides import theme
from slides.common.grids import sequential_color, value_color

def lum(c):
    ch = [int(c.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    ch = [x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in ch]
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2]

worst = 21.0
for i in range(-20, 21):
    for fill in (value_color(i / 20, -1, 1), sequential_color(abs(i) / 20, 0, 1)):
        fill = fill.to_hex()
        a, b = sorted((lum(theme.text_on(fill)), lum(fill)), reverse=True)
        worst = min(worst, (a + 0.05) / (b + 0.05))
print(worst)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert float(result.stdout) >= 4.5
