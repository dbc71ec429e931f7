"""The ravines scene: loss surfaces and descent runs, recomputed from scikit-learn's diabetes data."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_diabetes

from model.concepts.ravine import ravine_example


def _diabetes_problems() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    data = load_diabetes(scaled=False)
    columns = [data.feature_names.index(name) for name in ("bmi", "s5")]
    inputs = data.data[:, columns]
    centred = inputs - inputs.mean(axis=0)
    return centred, centred / inputs.std(axis=0), data.target - data.target.mean()


def _half_mse(inputs: np.ndarray, targets: np.ndarray, weights: np.ndarray) -> float:
    return 0.5 * float(np.mean((inputs @ weights - targets) ** 2))


def _heavy_ball(inputs: np.ndarray, targets: np.ndarray, lr: float, momentum: float, steps: int) -> np.ndarray:
    # torch.optim.SGD's convention: velocity = momentum * velocity + gradient.
    weights, velocity, path = np.zeros(2), np.zeros(2), [np.zeros(2)]
    for _ in range(steps):
        gradient = inputs.T @ (inputs @ weights - targets) / len(targets)
        velocity = momentum * velocity + gradient
        weights = weights - lr * velocity
        path.append(weights)
    return np.array(path)


def test_ravine_surfaces_match_the_data() -> None:
    record = ravine_example()
    raw, normalized, targets = _diabetes_problems()
    assert record.n_examples == len(targets) == 442
    features = load_diabetes(scaled=False)
    columns = [features.feature_names.index(name) for name in record.feature_names]
    np.testing.assert_allclose(record.feature_std, features.data[:, columns].std(axis=0), rtol=1e-12)
    for surface, inputs in ((record.raw, raw), (record.normalized, normalized)):
        hessian = inputs.T @ inputs / len(targets)
        eigenvalues = np.linalg.eigvalsh(hessian)
        np.testing.assert_allclose(surface.hessian, hessian, rtol=1e-10)
        assert surface.condition_number == pytest.approx(eigenvalues[1] / eigenvalues[0])
        assert surface.max_stable_learning_rate == pytest.approx(2 / eigenvalues[1])
        optimum = np.linalg.lstsq(inputs, targets, rcond=None)[0]
        np.testing.assert_allclose(surface.optimum, optimum, rtol=1e-8)
        assert surface.min_loss == pytest.approx(_half_mse(inputs, targets, optimum))

        assert surface.loss_grid.shape == (60, 60) and surface.loss_grid.dtype == np.float32
        for row, col in ((0, 0), (59, 0), (0, 59), (17, 42), (59, 59)):
            weights = np.array([surface.w1_values[col], surface.w2_values[row]])
            expected = _half_mse(inputs, targets, weights)
            assert surface.loss_grid[row, col] == pytest.approx(expected, rel=1e-6)
        assert surface.loss_grid.min() >= surface.min_loss * (1 - 1e-6)
        # The picture frames the optimum and every point of every run.
        for run in surface.runs:
            assert surface.w1_range[0] <= run.weights[:, 0].min() <= surface.w1_range[1]
            assert surface.w2_range[0] <= run.weights[:, 1].min() <= surface.w2_range[1]
            assert run.weights[:, 0].max() <= surface.w1_range[1]
            assert run.weights[:, 1].max() <= surface.w2_range[1]

    # Normalising is an invertible change of variables: the best fit is the same.
    assert record.raw.min_loss == pytest.approx(record.normalized.min_loss)
    assert record.normalized.condition_number < 3 < 50 < record.raw.condition_number


def test_ravine_descent_runs_are_real_and_normalising_helps() -> None:
    record = ravine_example()
    raw, normalized, targets = _diabetes_problems()
    runs = [(run, raw) for run in record.raw.runs]
    runs += [(run, normalized) for run in record.normalized.runs]
    for run, inputs in runs:
        path = _heavy_ball(inputs, targets, run.learning_rate, run.momentum, record.steps)
        np.testing.assert_allclose(run.weights, path, rtol=1e-8, atol=1e-8)
        losses = [_half_mse(inputs, targets, weights) for weights in path]
        np.testing.assert_allclose(run.losses, losses, rtol=1e-10)

    raw_descent, raw_momentum = record.raw.runs
    (normalized_descent,) = record.normalized.runs
    assert raw_momentum.momentum > 0 == raw_descent.momentum == normalized_descent.momentum
    # Same start (predict the mean), same number of steps, and no run diverges.
    assert raw_descent.losses[0] == pytest.approx(normalized_descent.losses[0])
    assert raw_descent.learning_rate < record.raw.max_stable_learning_rate
    assert normalized_descent.learning_rate < record.normalized.max_stable_learning_rate
    assert normalized_descent.losses[-1] < raw_descent.losses[-1]
    assert normalized_descent.losses[-1] == pytest.approx(record.normalized.min_loss, rel=1e-6)
    assert raw_momentum.losses[-1] < raw_descent.losses[-1]

    # Zig-zag: across the ravine (the bmi weight) every raw step reverses direction.
    across = np.diff(raw_descent.weights[:12, 0])
    assert np.all(across[:-1] * across[1:] < 0)
    # Straight: the normalised run's steps keep one direction in each weight.
    steps = np.diff(normalized_descent.weights[:6], axis=0)
    assert np.all(steps > 0)
