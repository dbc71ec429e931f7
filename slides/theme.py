"""One visual language for every deck.

Colours carry meaning and never change between decks: scenes name a colour by what
it means (``SKIP``, ``PLAIN``, ``POSITIVE``), never by its hue, and no caption or note
names a hue in words, since a theme may change it. The palette is Okabe-Ito, which
viewers with the common colour-vision deficiencies can tell apart. Sizes are in manim
font-size units on a 16:9 frame; nothing on a slide is set smaller than ``MIN_FONT``
so it stays readable from the back of a hall.

Two themes share the meanings: ``dark`` (the default, for screens) and ``light``
(white background, for printing and washed-out projectors). The render step picks
one with the ``LECTURE_THEME`` environment variable (``make THEME=light``). In each,
every colour a scene may write text in has a contrast of at least 4.5:1 (WCAG 2.1
AA) against both the background and the panel; the Okabe-Ito hues that miss it
are made lighter (dark) or darker (light) along the same hue, and
``tests/test_theme.py`` checks the contrast and that colour-blind viewers can still
tell the colours apart.
"""

from __future__ import annotations

import os

THEME_ENV = "LECTURE_THEME"
DEFAULT_THEME = "dark"

# Theme -> palette: the Okabe-Ito hues, the foreground, grey and the two grounds, as "#RRGGBB".
# Scenes reach them only through ``MEANINGS`` below (the course page styles itself from them).
THEMES: dict[str, dict[str, str]] = {
    "dark": {
        "BACKGROUND": "#15171C",
        "PANEL": "#23262E",
        "WHITE": "#F5F5F5",
        "GREY": "#A2A8AE",  # lighter than #9AA0A6, which deuteranopes saw as the purple (3.4 -> 5.9)
        "ORANGE": "#E69F00",
        "SKY_BLUE": "#56B4E9",
        "GREEN": "#00A276",  # Okabe-Ito #009E73, a little lighter: 4.42 -> 4.6 on the panel
        "YELLOW": "#F0E442",
        "BLUE": "#0094E7",  # Okabe-Ito #0072B2, lighter: 2.92 -> 4.6 on the panel
        "VERMILLION": "#E96700",  # Okabe-Ito #D55E00, lighter: 3.91 -> 4.6 on the panel
        "PURPLE": "#CC79A7",
    },
    # The same hues, dark enough for white paper; blue stays darker than sky blue, and
    # orange sits between yellow and vermillion in lightness so the three stay apart
    # for red-green colour-blind viewers.
    "light": {
        "BACKGROUND": "#FFFFFF",
        "PANEL": "#F2F3F5",
        "WHITE": "#1A1C21",  # the text colour: near-black on white
        "GREY": "#5F6368",
        "ORANGE": "#7F5602",
        "SKY_BLUE": "#0575A1",
        "GREEN": "#007C5A",
        "YELLOW": "#757003",
        "BLUE": "#005181",
        "VERMILLION": "#783200",
        "PURPLE": "#A25280",
    },
}


def current_theme() -> str:
    """The theme named by ``LECTURE_THEME`` (default dark); an unknown name is an error."""
    name = os.environ.get(THEME_ENV, "") or DEFAULT_THEME
    if name not in THEMES:
        raise ValueError(f"unknown theme '{name}' in {THEME_ENV}; use one of: {' '.join(THEMES)}")
    return name


# Meaning -> the palette colour that carries it. Scenes use these names, never a hue: a hue may
# carry two meanings that never share a slide (orange is the skip path and the residual net in
# comparisons, which is the net with the skip), and a meaning keeps its colour in every deck.
MEANINGS: dict[str, str] = {
    "BACKGROUND": "BACKGROUND",
    "PANEL": "PANEL",  # boxes, table cells, the zero of a heat map
    "TEXT": "WHITE",  # the foreground: white on the dark theme, near-black on the light one
    "MUTED": "GREY",  # axes, frames, secondary labels
    "DATA": "SKY_BLUE",  # inputs, activations, images, feature maps
    "SKIP": "ORANGE",  # the identity / skip path
    "GRADIENT": "VERMILLION",  # gradients, error signals
    "LAYER": "GREEN",  # learned layers and their weights
    "HIGHLIGHT": "YELLOW",  # the one thing the lecturer points at
    "OUTPUT": "PURPLE",  # outputs, predictions
    "PLAIN": "BLUE",  # the plain (no-skip) network in every comparison
    "RESIDUAL": "ORANGE",  # the residual network in every comparison: the net with the skip
    # Diverging maps (a residual image, signed weights): a blue-red pair, as colour-blind
    # viewers read best, kept off orange so a positive pixel never looks like the skip path.
    "POSITIVE": "VERMILLION",
    "NEGATIVE": "BLUE",
    # Two peers the eye follows through an exchange (two hidden units that swap places).
    "PEER_A": "ORANGE",
    "PEER_B": "SKY_BLUE",
    # Three members of one ordered series (nested function classes F1, F2, F3).
    "SERIES_1": "SKY_BLUE",
    "SERIES_2": "GREEN",
    "SERIES_3": "PURPLE",
    # A method's variant drawn beside the method itself (momentum beside gradient descent).
    "VARIANT": "YELLOW",
}


def colours(name: str) -> dict[str, str]:
    """Meaning -> ``#RRGGBB`` in theme ``name``."""
    palette = THEMES[name]
    return {meaning: palette[key] for meaning, key in MEANINGS.items()}


THEME = current_theme()
_COLOURS = colours(THEME)

BACKGROUND = _COLOURS["BACKGROUND"]
PANEL = _COLOURS["PANEL"]
TEXT = _COLOURS["TEXT"]
MUTED = _COLOURS["MUTED"]
DATA = _COLOURS["DATA"]
SKIP = _COLOURS["SKIP"]
GRADIENT = _COLOURS["GRADIENT"]
LAYER = _COLOURS["LAYER"]
HIGHLIGHT = _COLOURS["HIGHLIGHT"]
OUTPUT = _COLOURS["OUTPUT"]
PLAIN = _COLOURS["PLAIN"]
RESIDUAL = _COLOURS["RESIDUAL"]
POSITIVE = _COLOURS["POSITIVE"]
NEGATIVE = _COLOURS["NEGATIVE"]
PEER_A = _COLOURS["PEER_A"]
PEER_B = _COLOURS["PEER_B"]
SERIES = (_COLOURS["SERIES_1"], _COLOURS["SERIES_2"], _COLOURS["SERIES_3"])
VARIANT = _COLOURS["VARIANT"]

# The colours a scene may write text in (every meaning but the two grounds); the theme test
# checks each reaches 4.5:1 on BACKGROUND and PANEL.
TEXT_COLOURS = tuple(sorted({c for m, c in _COLOURS.items() if m not in ("BACKGROUND", "PANEL")}))

# Font sizes. MIN_FONT is the floor for anything on screen.
TITLE_FONT = 48
HEADING_FONT = 38
BODY_FONT = 32
LABEL_FONT = 28
MIN_FONT = 24

FONT = "DejaVu Sans"
MONO_FONT = "DejaVu Sans Mono"

# Spacing, in frame units (the frame is 14.2 x 8).
MARGIN = 0.4
GAP = 0.3


def _luminance(colour: str) -> float:
    """WCAG relative luminance of an sRGB ``#RRGGBB`` colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two ``#RRGGBB`` colours, from 1 to 21."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(fill: str) -> str:
    """White or black, whichever reads better on ``fill`` (digits written into a heat-coloured
    cell). Only the two extremes reach 4.5:1 on every fill, mid-tones included."""
    return max(("#FFFFFF", "#000000"), key=lambda colour: contrast(colour, fill))


def apply() -> None:
    """Make manim draw in this theme: the background, and the colour of anything drawn
    without one (manim's default is white, which would vanish on the light theme)."""
    from manim import Dot, Rectangle, VMobject, config

    config.background_color = BACKGROUND
    # Rectangles and dots set their own white default.
    for kind in (VMobject, Rectangle, Dot):
        kind.set_default(color=TEXT)
