"""Fitting a slide's body into the frame: as large as the space between heading and caption allows."""

from __future__ import annotations

from manim import Mobject, config

from slides import theme


def fill_between(body: Mobject, top: float, bottom: float, *, buff: float = theme.GAP,
                 max_width: float | None = None) -> Mobject:
    """Scale ``body`` to the height between ``top`` and ``bottom`` (frame y values, less ``buff``
    on each side) or to ``max_width`` (default: the frame less its margins), whichever binds
    first, and centre it there horizontally at x = 0.

    >>> fill_between(chart, heading.get_bottom()[1], caption.get_top()[1])
    """
    width = max_width if max_width is not None else config.frame_width - 2 * theme.MARGIN
    height = top - bottom - 2 * buff
    if height <= 0:
        raise ValueError(f"no room between y = {top:.2f} and y = {bottom:.2f}")
    body.scale(min(height / body.height, width / body.width))
    body.move_to([0.0, (top + bottom) / 2, 0.0])
    return body


__all__ = ["fill_between"]
