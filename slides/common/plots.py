"""Curves from experiments: training errors per epoch, gradient norms per block."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Axes, Line, Text, VGroup, VMobject

from slides import theme
from slides.common import numbers

_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def superscript(exponent: int) -> str:
    """An integer in Unicode superscript digits, for powers of ten written as Text."""
    return str(exponent).translate(_SUPERSCRIPT)


@dataclass(frozen=True)
class Series:
    """One curve: its points, legend text, colour and whether it is dashed."""

    x: np.ndarray
    y: np.ndarray
    name: str
    color: str
    dashed: bool = False


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    span = high - low
    if span <= 0:
        return [low]
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = min((s * magnitude for s in (1, 2, 2.5, 5, 10) if s * magnitude >= raw), default=raw)
    first = math.ceil(low / step) * step
    ticks = []
    value = first
    while value <= high + 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _tick_text(value: float, log: bool, percent: bool) -> str:
    if log:
        return f"10{superscript(int(round(value)))}"
    if percent:
        return numbers.percent(value)
    return f"{value:g}"


class CurvePlot(VGroup):
    """Axes with Text tick labels (no LaTeX), curves from data and a legend.

    ``log_y`` plots log10 of the values and labels ticks as powers of ten;
    ``percent_y`` labels fractions as percentages.
    """

    def __init__(
        self,
        series: list[Series],
        *,
        x_label: str,
        y_label: str,
        width: float = 8.0,
        height: float = 4.5,
        log_y: bool = False,
        percent_y: bool = False,
        y_range: tuple[float, float] | None = None,
        x_range: tuple[float, float] | None = None,
        legend: bool = True,
    ) -> None:
        super().__init__()
        self.log_y = log_y
        ys = [self._y(s.y) for s in series]
        xs = [np.asarray(s.x, dtype=float) for s in series]
        x_lo, x_hi = x_range or (min(float(x.min()) for x in xs), max(float(x.max()) for x in xs))
        if y_range is not None:
            y_lo, y_hi = self._y(np.array(y_range))
        else:
            y_lo = min(float(y.min()) for y in ys)
            y_hi = max(float(y.max()) for y in ys)
            if log_y:
                y_lo, y_hi = math.floor(y_lo), math.ceil(y_hi)
            else:
                pad = 0.05 * (y_hi - y_lo or 1.0)
                y_lo, y_hi = y_lo - pad, y_hi + pad
        # manim draws each axis through the other's zero, so the axes hold data shifted
        # to start at zero and ``_c2p`` shifts it back: the x axis then sits at the bottom.
        self._origin = (x_lo, y_lo)
        self.axes = Axes(
            x_range=[0, (x_hi - x_lo) or 1, (x_hi - x_lo) or 1],
            y_range=[0, (y_hi - y_lo) or 1, (y_hi - y_lo) or 1],
            x_length=width,
            y_length=height,
            axis_config={"color": theme.MUTED, "include_ticks": False, "stroke_width": 2},
            tips=False,
        )
        ticks = VGroup()
        y_ticks: Sequence[float]
        if log_y:
            # One label per decade crowds a tall range: keep at most about six.
            step = max(1, math.ceil((int(y_hi) - int(y_lo)) / 6))
            y_ticks = range(int(y_lo), int(y_hi) + 1, step)
        else:
            y_ticks = _nice_ticks(y_lo, y_hi)
        for value in y_ticks:
            point = self._c2p(x_lo, value)
            ticks.add(Line(point, point + 0.1 * LEFT, color=theme.MUTED))
            ticks.add(
                Text(
                    _tick_text(value, log_y, percent_y), font=theme.FONT, font_size=theme.MIN_FONT, color=theme.MUTED
                ).next_to(point, LEFT, buff=0.15)
            )
        for value in _nice_ticks(x_lo, x_hi):
            point = self._c2p(value, y_lo)
            ticks.add(Line(point, point + 0.1 * DOWN, color=theme.MUTED))
            ticks.add(
                Text(f"{value:g}", font=theme.FONT, font_size=theme.MIN_FONT, color=theme.MUTED).next_to(
                    point, DOWN, buff=0.12
                )
            )
        self.x_title = Text(x_label, font=theme.FONT, font_size=theme.MIN_FONT, color=theme.TEXT)
        self.x_title.next_to(self.axes.x_axis, DOWN, buff=0.6)
        self.y_title = Text(y_label, font=theme.FONT, font_size=theme.MIN_FONT, color=theme.TEXT)
        self.y_title.next_to(self.axes, UP, buff=0.2).align_to(self.axes, LEFT)
        self.curves = VGroup()
        for s, x, y in zip(series, xs, ys):
            curve = VMobject(color=s.color, stroke_width=5)
            curve.set_points_as_corners([self._c2p(a, b) for a, b in zip(x, y)])
            if s.dashed:
                from manim import DashedVMobject

                curve = DashedVMobject(curve, num_dashes=max(12, len(x) * 2))
            self.curves.add(curve)
        self.legend = VGroup()
        if legend:
            for s in series:
                swatch = Line(np.zeros(3), 0.5 * RIGHT, color=s.color, stroke_width=6)
                name = Text(s.name, font=theme.FONT, font_size=theme.MIN_FONT, color=theme.TEXT)
                self.legend.add(VGroup(swatch, name).arrange(RIGHT, buff=0.15))
            self.legend.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
            self.legend.next_to(self.axes, RIGHT, buff=0.4).align_to(self.axes, UP)
        self.add(self.axes, ticks, self.x_title, self.y_title, self.curves, self.legend)

    def _c2p(self, x: float, y: float) -> np.ndarray:
        return self.axes.c2p(x - self._origin[0], y - self._origin[1])

    def _y(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, dtype=float)
        return np.log10(np.maximum(values, 1e-30)) if self.log_y else values

    def point(self, x: float, y: float) -> np.ndarray:
        """Frame coordinates of a data point (y in data units, not log)."""
        return self._c2p(x, float(self._y(np.array([y]))[0]))
