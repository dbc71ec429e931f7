"""Results over several seeds on a slide: a band around a curve, a range beside a number."""

from __future__ import annotations

import numpy as np
from manim import Polygon

from model.experiments.spread import Spread
from slides.common.numbers import fixed
from slides.common.plots import CurvePlot


def curve_band(runs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, lowest, highest) over the runs (rows) of a (runs, points) array, per point."""
    runs = np.asarray(runs, dtype=np.float64)
    return runs.mean(axis=0), runs.min(axis=0), runs.max(axis=0)


def band(
    plot: CurvePlot, x: np.ndarray, low: np.ndarray, high: np.ndarray, color: str, opacity: float = 0.22
) -> Polygon:
    """A filled region of ``plot`` between ``low`` and ``high`` (data units) along ``x``."""
    upper = [plot.point(float(a), float(b)) for a, b in zip(x, high)]
    lower = [plot.point(float(a), float(b)) for a, b in zip(x, low)]
    return Polygon(*upper, *reversed(lower), stroke_width=0, fill_color=color, fill_opacity=opacity)


def mean_range(value: Spread, *, scale: float = 100.0, unit: str = "%", digits: int = 1, sep: str = " ") -> str:
    """``62.3% (58.1-66.0%)``: the mean over seeds, then (after ``sep``) the lowest and highest run."""

    low, high = fixed(scale * value.low, digits), fixed(scale * value.high, digits)
    return f"{fixed(scale * value.mean, digits)}{unit}{sep}({low}\u2013{high}{unit})"
