"""Placing content in the frame: what is left below a heading is the space to fill."""

from __future__ import annotations

import numpy as np
from manim import Mobject, config

from slides import theme
from slides.common.text import AnyMobject, fit


def frame_bottom() -> float:
    """The lowest height content may reach: the frame's edge less the theme's margin."""
    return -config.frame_height / 2 + theme.MARGIN


def space_below(above: Mobject, *, bottom: float | None = None, gap: float = theme.GAP) -> float:
    """The height between ``above`` (less a gap) and ``bottom`` (default: the frame's lower margin)."""
    low = frame_bottom() if bottom is None else bottom
    return above.get_bottom()[1] - gap - low


def centre_below(
    mobject: AnyMobject, above: Mobject, *, bottom: float | None = None, gap: float = theme.GAP, x: float = 0.0
) -> AnyMobject:
    """Centre ``mobject`` in the space under ``above``, at ``x`` across (default: the frame's centre)."""
    low = frame_bottom() if bottom is None else bottom
    top = above.get_bottom()[1] - gap
    return mobject.move_to(np.array([x, (top + low) / 2, 0.0]))


def fill_between(
    body: AnyMobject, top: float, bottom: float, *, buff: float = theme.GAP, max_width: float | None = None
) -> AnyMobject:
    """Scale ``body`` to the height between ``top`` and ``bottom`` (frame y values, less ``buff``
    on each side) or to ``max_width`` (default: the frame less its margins), whichever binds
    first, and centre it there horizontally at x = 0.

    >>> fill_between(chart, heading.get_bottom()[1], caption.get_top()[1])
    """
    width = max_width if max_width is not None else config.frame_width - 2 * theme.MARGIN
    height = top - bottom - 2 * buff
    if height <= 0:
        raise ValueError(f"no room between y = {top:.2f} and y = {bottom:.2f}")
    factor = min(height / body.height, width / body.width)
    if factor < 1:
        # Shrinking goes through fit, which refuses to set text below MIN_FONT.
        fit(body, width=width, height=height)
    else:
        body.scale(factor)
    body.move_to(np.array([0.0, (top + bottom) / 2, 0.0]))
    return body
