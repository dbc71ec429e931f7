"""Reusable mobjects built from model data, shared by every deck.

One module per kind of picture; scenes import from here instead of drawing
their own copies.
"""

from slides.common.text import TextTooSmall, bullet_list, equation, fit, label
from slides.common.grids import NumberGrid, value_color
from slides.common.diagrams import LayerBox, LayerStack, SkipArc, labelled_arrow
from slides.common.plots import CurvePlot, Series

__all__ = [
    "label", "bullet_list", "equation", "fit", "TextTooSmall",
    "NumberGrid", "value_color",
    "LayerBox", "LayerStack", "SkipArc", "labelled_arrow",
    "CurvePlot", "Series",
]
