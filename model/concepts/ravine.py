"""Ravines: gradient descent on unnormalised inputs zig-zags; normalising makes it walk straight.

Real data, bundled with scikit-learn: the diabetes study (442 patients, ``load_diabetes`` with
``scaled=False``, so features keep their units). A linear model predicts disease progression a
year later from two features on very different scales: body-mass index (standard deviation about
4.4 kg/m^2) and the log of serum triglycerides (standard deviation about 0.52). Both features and
the target are centred, so the bias is fixed at the mean target and the loss is a function of
two weights only: L(w) = mean((x . w - y)^2) / 2, whose Hessian is X^T X / n.

The raw problem keeps each feature's unit, so its Hessian's eigenvalues differ about ninety-fold:
long thin elliptic contours, and a step size that is safe across the ravine is tiny along it, so
gradient descent bounces from wall to wall. Dividing each feature by its standard deviation makes
the contours nearly round (the two features are still correlated, so not perfectly) and the same
number of steps reaches the bottom. Momentum, the third run, keeps the raw data and averages out
the bouncing. Every trajectory is ``torch.optim.SGD`` run for real, from the same starting
weights (zero, i.e. predicting the mean), so losses are comparable across the runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.cache import cached
from model.concepts._arrays import ReadOnlyArrays, frozen

if TYPE_CHECKING:
    import torch

FEATURES = ("bmi", "s5")
FEATURE_DESCRIPTIONS = ("body-mass index (kg/m^2)", "log serum triglycerides")
TARGET_DESCRIPTION = "disease progression one year after baseline"
STEPS = 30
GRID_SIZE = 60
# Raw: just under the stability limit 2 / lambda_max (about 0.102), so the bouncing is plain to
# see and still dies out. Normalised: a moderate step, no tuning needed.
RAW_LEARNING_RATE = 0.095
NORMALIZED_LEARNING_RATE = 0.5
MOMENTUM_LEARNING_RATE = 0.05
MOMENTUM = 0.8
# Contours reach this fraction of the widest extent beyond the points the runs visit.
GRID_MARGIN = 0.1


@dataclass(frozen=True, eq=False)  # arrays do not compare with ==
class DescentRun(ReadOnlyArrays):
    """One optimiser run; arrays are float64 and read-only."""

    label: str
    learning_rate: float
    momentum: float  # 0 for plain gradient descent; torch's SGD convention otherwise
    weights: np.ndarray  # (STEPS + 1, 2) row k: weights after k steps, row 0 the start
    losses: np.ndarray  # (STEPS + 1,) loss at each row of weights


@dataclass(frozen=True, eq=False)
class LossSurface(ReadOnlyArrays):
    """The loss as a function of the two weights, for one way of preparing the inputs.

    Draw the contours with the same scale on both axes: otherwise the ellipses' shape, which is
    the whole point, is distorted.
    """

    label: str  # "raw" or "normalized"
    hessian: np.ndarray  # (2, 2) X^T X / n
    eigenvalues: np.ndarray  # (2,) ascending
    condition_number: float  # largest over smallest eigenvalue
    max_stable_learning_rate: float  # 2 / largest eigenvalue: beyond it, descent diverges
    optimum: np.ndarray  # (2,) least-squares weights
    min_loss: float  # loss at the optimum
    w1_values: np.ndarray  # (60,) weight of the first feature, the horizontal axis
    w2_values: np.ndarray  # (60,) weight of the second feature, the vertical axis
    loss_grid: np.ndarray  # (60, 60) float32; [row, col] is at (w1_values[col], w2_values[row])
    runs: tuple[DescentRun, ...]

    @property
    def w1_range(self) -> tuple[float, float]:
        return float(self.w1_values[0]), float(self.w1_values[-1])

    @property
    def w2_range(self) -> tuple[float, float]:
        return float(self.w2_values[0]), float(self.w2_values[-1])


@dataclass(frozen=True, eq=False)
class RavineExample(ReadOnlyArrays):
    source: str  # where the data comes from
    feature_names: tuple[str, str]  # scikit-learn's column names
    feature_descriptions: tuple[str, str]
    target_description: str
    n_examples: int
    feature_mean: np.ndarray  # (2,) subtracted in both problems
    feature_std: np.ndarray  # (2,) divided out in the normalised problem only
    target_mean: float  # the fixed bias
    steps: int
    raw: LossSurface  # runs: gradient descent, then momentum
    normalized: LossSurface  # runs: gradient descent


def _diabetes() -> tuple[torch.Tensor, torch.Tensor]:
    import torch
    from sklearn.datasets import load_diabetes

    data = load_diabetes(scaled=False)
    columns = [data.feature_names.index(name) for name in FEATURES]
    inputs = torch.tensor(data.data[:, columns], dtype=torch.float64)
    targets = torch.tensor(data.target, dtype=torch.float64)
    return inputs, targets


def _loss(inputs: torch.Tensor, targets: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Half mean squared error; weights may carry leading batch dimensions, shape (..., 2)."""
    import torch

    residuals = weights @ inputs.T - targets
    return 0.5 * torch.mean(residuals**2, dim=-1)


def _descend(
    inputs: torch.Tensor, targets: torch.Tensor, label: str, learning_rate: float, momentum: float
) -> DescentRun:
    import torch

    weights = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([weights], lr=learning_rate, momentum=momentum)
    path, losses = [], []
    for step in range(STEPS + 1):
        optimizer.zero_grad()
        loss = _loss(inputs, targets, weights)
        path.append(weights.detach().clone())
        losses.append(loss.detach())
        if step < STEPS:
            loss.backward()
            optimizer.step()
    return DescentRun(
        label=label,
        learning_rate=learning_rate,
        momentum=momentum,
        weights=frozen(torch.stack(path)),
        losses=frozen(torch.stack(losses)),
    )


def _surface(label: str, inputs: torch.Tensor, targets: torch.Tensor, runs: tuple[DescentRun, ...]) -> LossSurface:
    import torch

    n = inputs.shape[0]
    hessian = inputs.T @ inputs / n
    eigenvalues = torch.linalg.eigvalsh(hessian)
    optimum = torch.linalg.solve(hessian, inputs.T @ targets / n)

    # Frame every point every run visits, and the optimum, with the same margin on both axes.
    visited = torch.cat([torch.tensor(run.weights) for run in runs] + [optimum.unsqueeze(0)])
    low, high = visited.amin(dim=0), visited.amax(dim=0)
    margin = GRID_MARGIN * (high - low).max()
    fractions = torch.linspace(0.0, 1.0, GRID_SIZE, dtype=torch.float64)
    w1_values = (low[0] - margin) + fractions * (high[0] - low[0] + 2 * margin)
    w2_values = (low[1] - margin) + fractions * (high[1] - low[1] + 2 * margin)
    rows, cols = torch.meshgrid(w2_values, w1_values, indexing="ij")
    grid_weights = torch.stack([cols, rows], dim=-1)  # (row, col, 2) as (w1, w2)
    loss_grid = _loss(inputs, targets, grid_weights)

    return LossSurface(
        label=label,
        hessian=frozen(hessian),
        eigenvalues=frozen(eigenvalues),
        condition_number=(eigenvalues[-1] / eigenvalues[0]).item(),
        max_stable_learning_rate=(2.0 / eigenvalues[-1]).item(),
        optimum=frozen(optimum),
        min_loss=_loss(inputs, targets, optimum).item(),
        w1_values=frozen(w1_values),
        w2_values=frozen(w2_values),
        loss_grid=frozen(loss_grid, dtype=np.float32),
        runs=runs,
    )


@cached("ravine_example")
def ravine_example() -> RavineExample:
    """Loss surfaces and descent paths for raw and normalised diabetes features."""
    inputs, targets = _diabetes()
    feature_mean, feature_std = inputs.mean(dim=0), inputs.std(dim=0, unbiased=False)
    target_mean = targets.mean()
    centred = inputs - feature_mean
    normalized = centred / feature_std
    centred_targets = targets - target_mean

    raw_runs = (
        _descend(centred, centred_targets, "gradient descent", RAW_LEARNING_RATE, 0.0),
        _descend(centred, centred_targets, "momentum", MOMENTUM_LEARNING_RATE, MOMENTUM),
    )
    normalized_runs = (_descend(normalized, centred_targets, "gradient descent", NORMALIZED_LEARNING_RATE, 0.0),)
    return RavineExample(
        source="scikit-learn load_diabetes(scaled=False), Efron et al. 2004",
        feature_names=FEATURES,
        feature_descriptions=FEATURE_DESCRIPTIONS,
        target_description=TARGET_DESCRIPTION,
        n_examples=inputs.shape[0],
        feature_mean=frozen(feature_mean),
        feature_std=frozen(feature_std),
        target_mean=target_mean.item(),
        steps=STEPS,
        raw=_surface("raw", centred, centred_targets, raw_runs),
        normalized=_surface("normalized", normalized, centred_targets, normalized_runs),
    )
