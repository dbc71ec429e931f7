"""Placing content in the frame: what is left below a heading is the space to fill."""

from __future__ import annotations

from manim import Mobject, config

from slides import theme


def frame_bottom() -> float:
    """The lowest height content may reach: the frame's edge less the theme's margin."""
    return -config.frame_height / 2 + theme.MARGIN


def space_below(above: Mobject, *, bottom: float | None = None, gap: float = theme.GAP) -> float:
    """The height between ``above`` (less a gap) and ``bottom`` (default: the frame's lower margin)."""
    low = frame_bottom() if bottom is None else bottom
    return above.get_bottom()[1] - gap - low


def centre_below(mobject: Mobject, above: Mobject, *, bottom: float | None = None, gap: float = theme.GAP,
                 x: float = 0.0) -> Mobject:
    """Centre ``mobject`` in the space under ``above``, at ``x`` across (default: the frame's centre)."""
    low = frame_bottom() if bottom is None else bottom
    top = above.get_bottom()[1] - gap
    return mobject.move_to([x, (top + low) / 2, 0.0])
