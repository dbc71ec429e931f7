"""Bars from experiments: one value per category for one or more series, side by side,
with an optional range (e.g. lowest and highest over seeds) drawn as a whisker on each bar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Line, Rectangle, Text, VGroup

from slides import theme
from slides.common.plots import _nice_ticks, _tick_text


@dataclass(frozen=True)
class BarSeries:
    """Heights per category (NaN: no bar), with optional (low, high) whiskers per category."""

    values: np.ndarray
    name: str
    color: str
    low: np.ndarray | None = None
    high: np.ndarray | None = None


class BarPlot(VGroup):
    """Grouped bars on a y axis that starts at zero; x labels at the ``labelled`` categories.

    ``bar_at(series, category)`` and ``point(category, value)`` give frame positions, so a
    scene can mark a bar or draw a reference line across the plot.

    >>> plot = BarPlot([BarSeries(np.array([0.1, 0.3]), "a", theme.PLAIN)], ["1", "2"],
    ...                x_label="block", y_label="error", percent_y=True)
    """

    def __init__(
        self,
        series: Sequence[BarSeries],
        categories: Sequence[str],
        *,
        x_label: str,
        y_label: str,
        width: float = 12.0,
        height: float = 4.0,
        percent_y: bool = False,
        y_max: float | None = None,
        labelled: Sequence[int] | None = None,
        group_fill: float = 0.8,
    ) -> None:
        super().__init__()
        n = len(categories)
        tops = [np.nanmax(s.high if s.high is not None else s.values) for s in series]
        self.y_max = float(y_max if y_max is not None else max(tops) * 1.08 or 1.0)
        self.plot_height = height
        self.origin = np.array([-width / 2, -height / 2, 0.0])
        self.step = width / n
        self.axes = VGroup(
            Line(self.origin, self.origin + width * RIGHT, color=theme.MUTED, stroke_width=2),
            Line(self.origin, self.origin + height * UP, color=theme.MUTED, stroke_width=2),
        )
        ticks = VGroup()
        for value in _nice_ticks(0.0, self.y_max):
            point = self.point(-0.5, value)
            ticks.add(Line(point, point + 0.1 * LEFT, color=theme.MUTED))
            ticks.add(
                Text(
                    _tick_text(value, False, percent_y), font=theme.FONT, font_size=theme.MIN_FONT, color=theme.MUTED
                ).next_to(point, LEFT, buff=0.15)
            )
        for index in labelled if labelled is not None else range(n):
            ticks.add(
                Text(categories[index], font=theme.FONT, font_size=theme.MIN_FONT, color=theme.MUTED).next_to(
                    self.point(index, 0.0), DOWN, buff=0.12
                )
            )
        self.bars, self.whiskers = VGroup(), VGroup()
        self._bar_width = self.step * group_fill / len(series)
        self._series_count = len(series)
        for which, s in enumerate(series):
            bars, whiskers = VGroup(), VGroup()
            for index in range(n):
                value = float(s.values[index])
                if np.isnan(value):
                    continue
                bar = Rectangle(
                    width=self._bar_width,
                    height=max(value / self.y_max * height, 1e-3),
                    stroke_width=0,
                    fill_color=s.color,
                    fill_opacity=1.0,
                )
                bar.move_to(self.bar_at(which, index), aligned_edge=DOWN)
                bars.add(bar)
                if s.low is not None and s.high is not None:
                    x = self.bar_at(which, index)[0]
                    low, high = self.point(index, float(s.low[index])), self.point(index, float(s.high[index]))
                    whiskers.add(
                        Line(np.array([x, low[1], 0.0]), np.array([x, high[1], 0.0]), color=theme.TEXT, stroke_width=2)
                    )
            self.bars.add(bars)
            self.whiskers.add(whiskers)
        self.x_title = Text(x_label, font=theme.FONT, font_size=theme.MIN_FONT, color=theme.TEXT)
        self.x_title.next_to(self.axes[0], DOWN, buff=0.55)
        self.y_title = Text(y_label, font=theme.FONT, font_size=theme.MIN_FONT, color=theme.TEXT)
        self.y_title.next_to(self.axes, UP, buff=0.2).align_to(self.axes, LEFT)
        self.add(self.axes, ticks, self.x_title, self.y_title, self.bars, self.whiskers)

    def point(self, category: float, value: float) -> np.ndarray:
        """Frame position of ``value`` above the middle of ``category`` (category -0.5: the y axis)."""
        return self.axes[0].get_start() + np.array(
            [(category + 0.5) * self.step, value / self.y_max * self.plot_height, 0.0]
        )

    def bar_at(self, series: int, category: int) -> np.ndarray:
        """Bottom centre of one bar."""
        offset = (series - (self._series_count - 1) / 2) * self._bar_width
        return self.point(category, 0.0) + offset * RIGHT


__all__ = ["BarPlot", "BarSeries"]
