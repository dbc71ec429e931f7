"""Block diagrams: layers as boxes, data as arrows, the skip path as its own arc."""

from __future__ import annotations

import numpy as np
from manim import DOWN, CurvedArrow, RoundedRectangle, Text, VGroup

from slides import theme
from slides.common.text import fit


class LayerBox(VGroup):
    """A layer drawn as a rounded box with its name (and an optional second line)."""

    def __init__(
        self,
        name: str,
        *,
        detail: str | None = None,
        color: str = theme.LAYER,
        width: float = 2.0,
        height: float = 1.0,
        font_size: int = theme.LABEL_FONT,
    ) -> None:
        super().__init__()
        self.box = RoundedRectangle(width=width, height=height, corner_radius=0.12, color=color, stroke_width=3)
        self.box.set_fill(theme.PANEL, opacity=1.0)
        lines = [Text(name, font=theme.FONT, font_size=max(font_size, theme.MIN_FONT), color=theme.TEXT)]
        if detail:
            lines.append(Text(detail, font=theme.FONT, font_size=theme.MIN_FONT, color=theme.MUTED))
        self.text = VGroup(*lines).arrange(DOWN, buff=0.08)
        fit(self.text, width=width * 0.9, height=height * 0.9).move_to(self.box)
        self.add(self.box, self.text)


class SkipArc(CurvedArrow):
    """The identity path from ``start`` to ``end``, always in the skip colour."""

    def __init__(
        self,
        start: np.ndarray,
        end: np.ndarray,
        *,
        bend: float = -1.2,
        color: str = theme.SKIP,
        stroke_width: float = 6,
    ) -> None:
        super().__init__(start, end, angle=bend, color=color, stroke_width=stroke_width)
