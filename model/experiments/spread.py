"""Runs over several seeds: their mean and spread, and one rule for "clearly larger".

Every training experiment repeats its runs with several seeds and states its claim as a
comparison between two groups of runs. One group is clearly larger than the other when
the difference of their means exceeds ``MARGIN_SDS`` pooled standard deviations of the
runs *and* their ranges do not overlap (every run of one is above every run of the
other). The margin grows with the noise the seeds show, so the same rule holds for a
noisy experiment and a quiet one, on any machine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MARGIN_SDS = 2.0

RULE = (
    f"A is clearly larger than B when mean(A) - mean(B) exceeds {MARGIN_SDS:g} pooled "
    "standard deviations of the runs (sample standard deviations, one per seed) and every "
    "run of A is above every run of B."
)


@dataclass(frozen=True)
class Spread:
    """Summary of one quantity over seeds: every run, its mean, sample SD, min and max."""

    runs: tuple[float, ...]
    mean: float
    sd: float
    low: float
    high: float


def spread(runs: Sequence[float]) -> Spread:
    """Mean, sample standard deviation (0 for one run), min and max of ``runs``."""
    values = np.asarray([float(v) for v in runs], dtype=np.float64)
    if values.size == 0:
        raise ValueError("spread of no runs")
    sd = float(values.std(ddof=1)) if values.size > 1 else 0.0
    return Spread(
        runs=tuple(float(v) for v in values),
        mean=float(values.mean()),
        sd=sd,
        low=float(values.min()),
        high=float(values.max()),
    )


def pooled_sd(a: Spread, b: Spread) -> float:
    """Pooled sample standard deviation of two groups of runs."""
    na, nb = len(a.runs), len(b.runs)
    if na + nb <= 2:
        return 0.0
    return math.sqrt(((na - 1) * a.sd**2 + (nb - 1) * b.sd**2) / (na + nb - 2))


def margin(a: Spread, b: Spread) -> float:
    """How far apart the means must be: ``MARGIN_SDS`` pooled standard deviations."""
    return MARGIN_SDS * pooled_sd(a, b)


def clearly_larger(a: Spread, b: Spread) -> bool:
    """Whether ``a`` is clearly larger than ``b`` by the rule in ``RULE``."""
    return bool(a.mean - b.mean > margin(a, b) and a.low > b.high)


def agrees(stored: Spread, runs: Sequence[float]) -> bool:
    """Whether a stored summary is the summary of ``runs`` (to float32 rounding)."""
    fresh = spread(runs)
    if len(fresh.runs) != len(stored.runs):
        return False
    pairs = zip(
        (*fresh.runs, fresh.mean, fresh.sd, fresh.low, fresh.high),
        (*stored.runs, stored.mean, stored.sd, stored.low, stored.high),
    )
    return all(math.isclose(x, y, rel_tol=1e-6, abs_tol=1e-9) for x, y in pairs)
