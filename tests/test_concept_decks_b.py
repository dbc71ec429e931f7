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


# Recurrent network -------------------------------------------------------------------------

def test_rnn_states_equal_torch_rnn() -> None:
    from slides.concepts.rnn import rnn_data

    record = rnn_data()
    ids = torch.tensor([record.vocabulary.index(token) for token in record.sentence.split()])
    assert tuple(ids.tolist()) == record.token_ids
    embedding = torch.nn.Embedding.from_pretrained(torch.tensor(record.embedding_table))
    inputs = embedding(ids)
    np.testing.assert_array_equal(record.embedded, inputs.numpy())

    rnn = torch.nn.RNN(input_size=inputs.shape[1], hidden_size=len(record.bias),
                       nonlinearity="tanh", batch_first=True).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.tensor(record.input_weight))
        rnn.weight_hh_l0.copy_(torch.tensor(record.hidden_weight))
        rnn.bias_ih_l0.copy_(torch.tensor(record.bias))
        rnn.bias_hh_l0.zero_()
        states, last = rnn(inputs[None], torch.zeros(1, 1, len(record.bias), dtype=torch.float64))
    np.testing.assert_allclose(record.hidden_states, states[0].numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(record.initial_hidden, 0.0)
    np.testing.assert_allclose(np.tanh(record.pre_activations), record.hidden_states, atol=1e-12)

    logit = float(torch.tensor(record.readout_weight) @ last[0, 0] + record.readout_bias)
    assert record.logit == pytest.approx(logit, rel=1e-12)
    assert record.score == pytest.approx(1 / (1 + np.exp(-logit)), rel=1e-12)
    assert record.label == ("positive" if record.score > 0.5 else "negative")


# Transposed convolution --------------------------------------------------------------------

def _conv_cases():
    from slides.concepts.transposed_conv import transposed_data

    return transposed_data()


@pytest.mark.parametrize("index", range(4))
def test_source_cases_are_in_the_table(index: int) -> None:
    from model.concepts.transposed import CASES

    source = [((5, 5), 3, 1, 0), ((4, 4), 2, 2, 0), ((3, 4), 2, 1, 1), ((3, 4), 3, 2, 1)]
    shapes = [(3, 3), (2, 2), (4, 5), (2, 2)]
    matches = [c for c in CASES if (c.input_size, c.kernel, c.stride, c.padding) == source[index]]
    assert matches and matches[0].output_size == shapes[index]


def test_convolutions_and_transposed_convolutions_equal_torch() -> None:
    cases = _conv_cases()
    assert any(any(data.output_padding) for data in cases), "one case needs output padding"
    for data in cases:
        case = data.case
        k, s, p = case.kernel, case.stride, case.padding
        image = torch.tensor(data.input, dtype=torch.float64)[None, None]
        kernel = torch.tensor(data.kernel, dtype=torch.float64)[None, None]
        output = F.conv2d(image, kernel, stride=s, padding=p)[0, 0]
        np.testing.assert_array_equal(data.output, output.numpy())
        assert data.output_size == tuple(output.shape)

        # Output padding from the arithmetic of Dumoulin and Visin, not from the record.
        extra = tuple((n + 2 * p - k) % s for n in case.input_size)
        assert data.output_padding == extra
        small = torch.tensor(data.transposed_input, dtype=torch.float64)[None, None]
        back = F.conv_transpose2d(small, kernel, stride=s, padding=p, output_padding=extra)[0, 0]
        assert tuple(back.shape) == case.input_size
        np.testing.assert_array_equal(data.transposed_output, back.numpy())
        assert data.inserted_zeros == s - 1 and data.transposed_padding == k - p - 1
        np.testing.assert_array_equal(data.flipped_kernel, data.kernel[::-1, ::-1])


def test_windows_produce_the_cells_they_fill() -> None:
    """The scene fills output cell n while the window sits at position n: check each sum."""
    for data in _conv_cases():
        k = data.case.kernel
        for grid, kernel, windows, output in (
            (data.padded_input, data.kernel, data.windows, data.output),
            (data.padded_transposed_input, data.flipped_kernel, data.transposed_windows,
             data.transposed_output),
        ):
            assert len(windows) == output.size
            for n, (row, col) in enumerate(windows):
                total = int((grid[row:row + k, col:col + k] * kernel).sum())
                assert total == output.flat[n]
        for n, (row, col) in enumerate(data.transposed_input_cells):
            assert data.padded_transposed_input[row, col] == data.transposed_input.flat[n]


def test_transposed_plan_has_one_group_per_case(monkeypatch) -> None:
    import slides.concepts.transposed_conv as scene
    from model.concepts.transposed import CASES, ConvCase

    plan = scene.transposed_plan()
    assert [group.data.case for group in plan] == list(CASES)
    for group in plan:
        assert group.beats and all(beat.notes.strip() for beat in group.beats)
        assert all(callable(getattr(scene.TransposedConvolution, beat.step, None))
                   for beat in group.beats)
    # A new line in the table is a new slide group, with no other change.
    extra = ConvCase("Extra", (6, 6), kernel=3, stride=2, padding=1)
    monkeypatch.setattr(scene, "CASES", CASES + (extra,))
    longer = scene.transposed_plan()
    assert len(longer) == len(CASES) + 1 and longer[-1].data.case == extra
