"""One visual language for every deck.

Colours carry meaning and never change between decks. The palette is
Okabe-Ito, which viewers with the common colour-vision deficiencies can tell
apart. Sizes are in manim font-size units on a 16:9 frame; nothing on a slide
is set smaller than ``MIN_FONT`` so it stays readable from the back of a hall.
"""

from __future__ import annotations

# Okabe-Ito palette.
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#9AA0A6"
WHITE = "#F5F5F5"

BACKGROUND = "#15171C"
PANEL = "#23262E"

# Meaning -> colour. Scenes use these names, never the raw hex values.
DATA = SKY_BLUE  # inputs, activations, images, feature maps
SKIP = ORANGE  # the identity / skip path
GRADIENT = VERMILLION  # gradients, error signals
LAYER = GREEN  # learned layers and their weights
HIGHLIGHT = YELLOW  # the one thing the lecturer points at
OUTPUT = PURPLE  # outputs, predictions
PLAIN = BLUE  # plain (no-skip) networks in comparisons
RESIDUAL = ORANGE  # residual networks in comparisons (same as SKIP)
TEXT = WHITE
MUTED = GREY

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
