"""The numbers the ravine, RNN and transposed-convolution decks show, recomputed independently."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.datasets import load_diabetes

from model.concepts import ravine
from slides.concepts.ravines import ravine_data


# Ravines -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ravine_record() -> ravine.RavineExample:
    return ravine_data()


def _diabetes_problem(normalise: bool) -> tuple[np.ndarray, np.ndarray]:
    data = load_diabetes(scaled=False)
    columns = [data.feature_names.index(name) for name in ("bmi", "s5")]
    inputs = data.data[:, columns] - data.data[:, columns].mean(axis=0)
    if normalise:
        inputs = inputs / inputs.std(axis=0)
    return inputs, data.target - data.target.mean()


def _run_descent(inputs: np.ndarray, targets: np.ndarray, rate: float, momentum: float,
                 steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Plain gradient descent with heavy-ball momentum, written out by hand."""
    weights, velocity = np.zeros(2), np.zeros(2)
    path, losses = [], []
    for _ in range(steps + 1):
        residual = inputs @ weights - targets
        path.append(weights.copy())
        losses.append(0.5 * np.mean(residual**2))
        gradient = inputs.T @ residual / len(targets)
        velocity = momentum * velocity + gradient
        weights = weights - rate * velocity
    return np.array(path), np.array(losses)


@pytest.mark.parametrize("normalise", [False, True])
def test_ravine_condition_numbers(ravine_record, normalise: bool) -> None:
    inputs, targets = _diabetes_problem(normalise)
    surface = ravine_record.normalized if normalise else ravine_record.raw
    eigenvalues = np.linalg.eigvalsh(inputs.T @ inputs / len(targets))
    assert surface.condition_number == pytest.approx(eigenvalues[-1] / eigenvalues[0], rel=1e-9)
    assert surface.max_stable_learning_rate == pytest.approx(2 / eigenvalues[-1], rel=1e-9)
    optimum, *_ = np.linalg.lstsq(inputs, targets, rcond=None)
    np.testing.assert_allclose(surface.optimum, optimum, rtol=1e-8)
    assert surface.min_loss == pytest.approx(0.5 * np.mean((inputs @ optimum - targets) ** 2))
    # The drawn contours: a few samples of the grid, against the loss computed here.
    for row, col in ((0, 0), (17, 42), (59, 59)):
        weights = np.array([surface.w1_values[col], surface.w2_values[row]])
        expected = 0.5 * np.mean((inputs @ weights - targets) ** 2)
        assert surface.loss_grid[row, col] == pytest.approx(expected, rel=1e-5)
    # The story the deck tells: raw is a ravine, normalised is nearly round.
    assert ravine_record.raw.condition_number > 50
    assert ravine_record.normalized.condition_number < 3


@pytest.mark.parametrize(
    ("surface", "index", "normalise", "rate", "momentum"),
    [
        ("raw", 0, False, ravine.RAW_LEARNING_RATE, 0.0),
        ("raw", 1, False, ravine.MOMENTUM_LEARNING_RATE, ravine.MOMENTUM),
        ("normalized", 0, True, ravine.NORMALIZED_LEARNING_RATE, 0.0),
    ],
)
def test_ravine_descent_paths(ravine_record, surface, index, normalise, rate, momentum) -> None:
    run = getattr(ravine_record, surface).runs[index]
    assert run.learning_rate == rate and run.momentum == momentum
    inputs, targets = _diabetes_problem(normalise)
    path, losses = _run_descent(inputs, targets, rate, momentum, ravine_record.steps)
    np.testing.assert_allclose(run.weights, path, rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(run.losses, losses, rtol=1e-9)


def test_ravine_feature_scales(ravine_record) -> None:
    inputs, _ = _diabetes_problem(False)
    np.testing.assert_allclose(ravine_record.feature_std, inputs.std(axis=0), rtol=1e-12)
    assert ravine_record.n_examples == len(inputs)
