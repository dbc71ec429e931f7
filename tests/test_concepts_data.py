"""Every number the concept decks show, recomputed independently here.

Each test rebuilds the computation from the record's own inputs and weights, by a different route
(numpy, or a torch module the record's code does not use), and compares.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.datasets import load_diabetes
from torch import nn

from model.concepts.attention import attention_example
from model.concepts.autodiff import autodiff_example
from model.concepts.batchnorm import batchnorm_example
from model.concepts.ravine import ravine_example
from model.concepts.rnn import rnn_example
from model.concepts.symmetry import weight_swap_example
from model.concepts.transposed import CASES, ConvCase, transposed_case


def _sigmoid(x: np.ndarray | float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp(-x))


# Attention


def test_attention_weights_are_the_softmax_of_dot_scores() -> None:
    record = attention_example()
    states, query = record.encoder_states, record.decoder_state
    assert states.shape == (len(record.source_tokens), 3)

    scores = np.array([np.dot(state, query) for state in states])
    weights = np.exp(scores) / np.exp(scores).sum()
    np.testing.assert_allclose(record.scores, scores, atol=1e-12)
    np.testing.assert_allclose(record.weights, weights, atol=1e-12)
    assert record.weights.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(record.context, (weights[:, None] * states).sum(axis=0), atol=1e-12)


def test_attention_finds_the_word_being_translated() -> None:
    record = attention_example()
    assert record.target_token == "chat"
    assert record.attended_token == "cat"
    with pytest.raises(ValueError):
        record.weights[0] = 1.0  # records are read-only


# Automatic differentiation


def test_autodiff_forward_values_and_gradients_match_an_independent_graph() -> None:
    record = autodiff_example()
    value = {node.name: node.value for node in record.nodes}
    param = {p.name: p.value for p in record.parameters}

    # Same network in matrix form, differentiated by a fresh autograd run.
    x = torch.tensor([value["x1"], value["x2"]], dtype=torch.float64, requires_grad=True)
    weight = torch.tensor(
        [[param["w11"], param["w12"]], [param["w21"], param["w22"]]],
        dtype=torch.float64,
        requires_grad=True,
    )
    bias = torch.tensor([param["b1"], param["b2"]], dtype=torch.float64, requires_grad=True)
    readout = torch.tensor([param["v1"], param["v2"]], dtype=torch.float64, requires_grad=True)
    offset = torch.tensor(param["c"], dtype=torch.float64, requires_grad=True)
    z = weight @ x + bias
    h = torch.sigmoid(z)
    y = readout @ h + offset
    loss = 0.5 * F.mse_loss(y, torch.tensor(record.target, dtype=torch.float64), reduction="sum")
    dz, dh, dy, dx = torch.autograd.grad(loss, (z, h, y, x), retain_graph=True)
    loss.backward()

    expected_values = {
        "z1": z[0], "z2": z[1], "h1": h[0], "h2": h[1], "y": y, "L": loss,
    }
    for name, tensor in expected_values.items():
        assert record.node(name).value == pytest.approx(tensor.item(), abs=1e-12), name
    expected_grads = {
        "x1": dx[0], "x2": dx[1], "z1": dz[0], "z2": dz[1], "h1": dh[0], "h2": dh[1], "y": dy,
    }
    for name, tensor in expected_grads.items():
        assert record.node(name).grad == pytest.approx(tensor.item(), abs=1e-12), name
    assert record.node("L").grad == 1.0

    parameter_grads = {
        "w11": weight.grad[0, 0], "w12": weight.grad[0, 1],
        "w21": weight.grad[1, 0], "w22": weight.grad[1, 1],
        "b1": bias.grad[0], "b2": bias.grad[1],
        "v1": readout.grad[0], "v2": readout.grad[1], "c": offset.grad,
    }
    for name, tensor in parameter_grads.items():
        assert record.parameter(name).grad == pytest.approx(tensor.item(), abs=1e-12), name


def test_autodiff_edges_obey_the_chain_rule() -> None:
    record = autodiff_example()
    node = {n.name: n for n in record.nodes}
    param = {p.name: p.value for p in record.parameters}

    # Local derivatives by hand: linear maps give their weight, sigmoid h(1 - h), loss y - t.
    expected_local = {
        ("x1", "z1"): param["w11"], ("x2", "z1"): param["w12"],
        ("x1", "z2"): param["w21"], ("x2", "z2"): param["w22"],
        ("z1", "h1"): node["h1"].value * (1 - node["h1"].value),
        ("z2", "h2"): node["h2"].value * (1 - node["h2"].value),
        ("h1", "y"): param["v1"], ("h2", "y"): param["v2"],
        ("y", "L"): node["y"].value - record.target,
    }
    assert {(e.parent, e.child) for e in record.edges} == set(expected_local)
    for edge in record.edges:
        expected = expected_local[(edge.parent, edge.child)]
        assert edge.local_derivative == pytest.approx(expected, abs=1e-12)

    # A node's gradient is the sum over its outgoing edges of child gradient times local slope.
    for name, current in node.items():
        outgoing = [e for e in record.edges if e.parent == name]
        if outgoing:
            total = sum(node[e.child].grad * e.local_derivative for e in outgoing)
            assert current.grad == pytest.approx(total, abs=1e-12), name


def test_autodiff_orders_respect_the_graph() -> None:
    record = autodiff_example()
    forward = record.forward_order
    backward = record.backward_order
    assert sorted(forward) == sorted(backward) == sorted(n.name for n in record.nodes)
    for edge in record.edges:
        assert forward.index(edge.parent) < forward.index(edge.child)
        assert backward.index(edge.child) < backward.index(edge.parent)
    # Edges light up as the signal reaches them: never before an earlier edge's child.
    positions = [backward.index(edge.child) for edge in record.edges]
    assert positions == sorted(positions)
    assert backward[0] == "L" and forward[-1] == "L"


# Batch normalisation


def test_batchnorm_training_step_matches_a_fresh_layer() -> None:
    record = batchnorm_example()
    batch = record.batch
    assert batch.shape == (4, 2) and record.hidden.shape == (4, 3)
    np.testing.assert_array_equal(batch, record.dataset[: record.batch_size])

    hidden = batch @ record.linear_weight.T + record.linear_bias
    np.testing.assert_allclose(record.hidden, hidden, atol=1e-12)
    np.testing.assert_allclose(record.mean, hidden.mean(axis=0), atol=1e-12)
    np.testing.assert_allclose(record.variance, hidden.var(axis=0), atol=1e-12)
    np.testing.assert_allclose(record.unbiased_variance, hidden.var(axis=0, ddof=1), atol=1e-12)
    normalized = (hidden - hidden.mean(axis=0)) / np.sqrt(hidden.var(axis=0) + record.eps)
    np.testing.assert_allclose(record.normalized, normalized, atol=1e-12)

    layer = nn.BatchNorm1d(3, eps=record.eps, momentum=record.momentum).double().train()
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(record.gamma.copy()))
        layer.bias.copy_(torch.from_numpy(record.beta.copy()))
        output = layer(torch.from_numpy(hidden))
    np.testing.assert_allclose(record.output, output.numpy(), atol=1e-12)
    np.testing.assert_allclose(record.output, record.gamma * normalized + record.beta, atol=1e-12)
    np.testing.assert_allclose(record.running_mean_history[1], layer.running_mean, atol=1e-12)
    np.testing.assert_allclose(record.running_var_history[1], layer.running_var, atol=1e-12)


def test_batchnorm_normalized_values_sum_to_zero_and_gamma_beta_matter() -> None:
    record = batchnorm_example()
    np.testing.assert_allclose(record.normalized_sums, record.normalized.sum(axis=0))
    np.testing.assert_allclose(record.normalized_sums, 0.0, atol=1e-12)
    # Unit variance up to eps: each normalised column has mean square var / (var + eps).
    np.testing.assert_allclose(
        (record.normalized**2).mean(axis=0), record.variance / (record.variance + record.eps)
    )
    assert not np.allclose(record.gamma, 1.0) and not np.allclose(record.beta, 0.0)


def test_batchnorm_running_statistics_and_eval_mode() -> None:
    record = batchnorm_example()
    momentum = record.momentum
    running_mean, running_var = np.zeros(3), np.ones(3)
    batches = record.dataset.reshape(-1, record.batch_size, 2)
    steps = record.running_mean_history.shape[0] - 1
    np.testing.assert_array_equal(record.running_mean_history[0], running_mean)
    np.testing.assert_array_equal(record.running_var_history[0], running_var)
    for step in range(steps):
        hidden = batches[step % len(batches)] @ record.linear_weight.T + record.linear_bias
        # PyTorch updates the running variance with the unbiased batch variance.
        running_mean = (1 - momentum) * running_mean + momentum * hidden.mean(axis=0)
        running_var = (1 - momentum) * running_var + momentum * hidden.var(axis=0, ddof=1)
        np.testing.assert_allclose(record.running_mean_history[step + 1], running_mean, atol=1e-12)
        np.testing.assert_allclose(record.running_var_history[step + 1], running_var, atol=1e-12)

    new_hidden = record.new_example @ record.linear_weight.T + record.linear_bias
    np.testing.assert_allclose(record.new_hidden, new_hidden, atol=1e-12)
    for result in (record.after_one_step, record.after_many_steps):
        assert result.steps in (1, steps)
        np.testing.assert_allclose(result.running_mean, record.running_mean_history[result.steps])
        np.testing.assert_allclose(result.running_var, record.running_var_history[result.steps])
        normalized = (new_hidden - result.running_mean) / np.sqrt(result.running_var + record.eps)
        np.testing.assert_allclose(result.normalized, normalized, atol=1e-12)
        np.testing.assert_allclose(
            result.output, record.gamma * normalized + record.beta, atol=1e-12
        )
    assert record.after_one_step.steps == 1 and record.after_many_steps.steps == steps
    # After many steps the estimates sit near the data's statistics, far from their start.
    all_hidden = record.dataset @ record.linear_weight.T + record.linear_bias
    np.testing.assert_allclose(
        record.after_many_steps.running_mean, all_hidden.mean(axis=0), atol=0.05
    )


# Weight-space symmetry


def test_swapping_hidden_units_keeps_outputs_and_loss() -> None:
    record = weight_swap_example()
    first, second = record.swapped_units
    order = [0, 1, 2]
    order[first], order[second] = second, first
    np.testing.assert_array_equal(record.swapped_hidden_weight, record.hidden_weight[order])
    np.testing.assert_array_equal(record.swapped_hidden_bias, record.hidden_bias[order])
    np.testing.assert_array_equal(record.swapped_output_weight, record.output_weight[order])
    assert not np.array_equal(record.swapped_hidden_weight, record.hidden_weight)

    def forward(w: np.ndarray, b: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        hidden = np.maximum(record.inputs @ w.T + b, 0.0)
        return hidden, hidden @ v + record.output_bias

    hidden, outputs = forward(record.hidden_weight, record.hidden_bias, record.output_weight)
    swapped_hidden, swapped_outputs = forward(
        record.swapped_hidden_weight, record.swapped_hidden_bias, record.swapped_output_weight
    )
    np.testing.assert_allclose(record.hidden, hidden, atol=1e-12)
    np.testing.assert_allclose(record.swapped_hidden, swapped_hidden, atol=1e-12)
    np.testing.assert_allclose(record.outputs, outputs, atol=1e-12)
    np.testing.assert_allclose(record.swapped_outputs, outputs, atol=1e-12)
    loss = 0.5 * np.mean((outputs - record.targets) ** 2)
    assert record.loss == pytest.approx(loss, abs=1e-12)
    assert record.swapped_loss == pytest.approx(loss, abs=1e-12)


def test_loss_between_equivalent_weights_has_a_bump() -> None:
    record = weight_swap_example()
    assert record.path_t.shape == record.loss_path.shape == (41,)
    for t, recorded in zip(record.path_t, record.loss_path):
        w = (1 - t) * record.hidden_weight + t * record.swapped_hidden_weight
        b = (1 - t) * record.hidden_bias + t * record.swapped_hidden_bias
        v = (1 - t) * record.output_weight + t * record.swapped_output_weight
        outputs = np.maximum(record.inputs @ w.T + b, 0.0) @ v + record.output_bias
        assert recorded == pytest.approx(0.5 * np.mean((outputs - record.targets) ** 2))

    path = record.loss_path
    assert path[0] == pytest.approx(record.loss) and path[-1] == pytest.approx(record.loss)
    middle = path[len(path) // 2]
    assert middle > path[0] + 0.1  # clearly visible, not a rounding artefact
    assert record.bump == pytest.approx(path.max() - max(path[0], path[-1]))
    # Convexity would put the whole path at or below the chord between equal ends.
    assert record.bump > 0


# Ravines


def _diabetes_problems() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    data = load_diabetes(scaled=False)
    columns = [data.feature_names.index(name) for name in ("bmi", "s5")]
    inputs = data.data[:, columns]
    centred = inputs - inputs.mean(axis=0)
    return centred, centred / inputs.std(axis=0), data.target - data.target.mean()


def _half_mse(inputs: np.ndarray, targets: np.ndarray, weights: np.ndarray) -> float:
    return 0.5 * float(np.mean((inputs @ weights - targets) ** 2))


def _heavy_ball(
    inputs: np.ndarray, targets: np.ndarray, lr: float, momentum: float, steps: int
) -> np.ndarray:
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
    for surface, inputs in ((record.raw, raw), (record.normalized, normalized)):
        hessian = inputs.T @ inputs / len(targets)
        eigenvalues = np.linalg.eigvalsh(hessian)
        np.testing.assert_allclose(surface.hessian, hessian, rtol=1e-10)
        assert surface.condition_number == pytest.approx(eigenvalues[1] / eigenvalues[0])
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


# Recurrent network


def test_rnn_matches_torch_rnn_with_the_same_weights() -> None:
    record = rnn_example()
    assert record.tokens == ("the", "movie", "was", "great")
    np.testing.assert_array_equal(record.embedded, record.embedding_table[list(record.token_ids)])
    assert [record.vocabulary[i] for i in record.token_ids] == list(record.tokens)

    rnn = nn.RNN(3, 2, nonlinearity="tanh", batch_first=True).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(record.input_weight.copy()))
        rnn.weight_hh_l0.copy_(torch.from_numpy(record.hidden_weight.copy()))
        rnn.bias_ih_l0.copy_(torch.from_numpy(record.bias.copy()))
        rnn.bias_hh_l0.zero_()
        sequence = torch.from_numpy(record.embedded.copy())[None]
        states, last = rnn(sequence, torch.from_numpy(record.initial_hidden.copy())[None, None])
    np.testing.assert_allclose(record.hidden_states, states[0].numpy(), atol=1e-12)
    np.testing.assert_allclose(record.hidden_states[-1], last[0, 0].numpy(), atol=1e-12)

    previous = record.initial_hidden
    for x, pre_activation in zip(record.embedded, record.pre_activations):
        expected = record.input_weight @ x + record.hidden_weight @ previous + record.bias
        np.testing.assert_allclose(pre_activation, expected, atol=1e-12)
        previous = np.tanh(expected)

    logit = record.readout_weight @ record.hidden_states[-1] + record.readout_bias
    assert record.logit == pytest.approx(logit)
    assert record.score == pytest.approx(_sigmoid(logit))


def test_rnn_sentiment_and_bad_words() -> None:
    assert rnn_example("the movie was great").label == "positive"
    assert rnn_example("the movie was boring").label == "negative"
    with pytest.raises(ValueError, match="terrible"):
        rnn_example("the movie was terrible")
    with pytest.raises(ValueError):
        rnn_example("")


# Transposed convolution

# A non-square case with non-zero output padding in both directions, beside the table's cases.
EXTRA_CASES = (ConvCase("Uneven strides", (6, 4), kernel=2, stride=3, padding=0),)


def _window_sums(grid: np.ndarray, kernel: np.ndarray, stride: int) -> np.ndarray:
    k = kernel.shape[0]
    rows = range(0, grid.shape[0] - k + 1, stride)
    cols = range(0, grid.shape[1] - k + 1, stride)
    return np.array([[np.sum(grid[r : r + k, c : c + k] * kernel) for c in cols] for r in rows])


def test_transposed_table_holds_the_seed_cases() -> None:
    expected = {
        "5x5 k3 s1 p0": ((3, 3), (0, 0)),
        "4x4 k2 s2 p0": ((2, 2), (0, 0)),
        "3x4 k2 s1 p1": ((4, 5), (0, 0)),
        "3x4 k3 s2 p1": ((2, 2), (0, 1)),
    }
    assert {case.name for case in CASES} >= set(expected)
    for case in CASES:
        if case.name in expected:
            record = transposed_case(case)
            assert (record.output_size, record.output_padding) == expected[case.name]


@pytest.mark.parametrize("case", CASES + EXTRA_CASES, ids=lambda case: case.name)
def test_convolution_matches_its_windows_and_the_formula(case: ConvCase) -> None:
    record = transposed_case(case)
    (h, w), k, s, p = case.input_size, case.kernel, case.stride, case.padding
    assert record.input.shape == (h, w) and record.kernel.shape == (k, k)
    assert record.input.min() >= 0 and record.input.max() <= 3
    assert record.kernel.min() >= -1 and record.kernel.max() <= 2

    padded = np.pad(record.input, p)
    np.testing.assert_array_equal(record.padded_input, padded)
    np.testing.assert_array_equal(record.output, _window_sums(padded, record.kernel, s))
    assert record.output_size == tuple((i + 2 * p - k) // s + 1 for i in (h, w))
    assert record.output.shape == record.output_size
    assert len(record.windows) == record.output.size
    for (row, col), value in zip(record.windows, record.output.flat):
        assert np.sum(padded[row : row + k, col : col + k] * record.kernel) == value


@pytest.mark.parametrize("case", CASES + EXTRA_CASES, ids=lambda case: case.name)
def test_transposed_convolution_equals_torch_and_restores_the_shape(case: ConvCase) -> None:
    record = transposed_case(case)
    (h, w), k, s, p = case.input_size, case.kernel, case.stride, case.padding
    a = tuple((i + 2 * p - k) % s for i in (h, w))
    assert record.output_padding == a
    assert record.inserted_zeros == s - 1 and record.transposed_padding == k - p - 1
    np.testing.assert_array_equal(record.flipped_kernel, record.kernel[::-1, ::-1])

    # The padded grid: the transposed input's cells spread s apart, zeros everywhere else.
    grid = record.padded_transposed_input
    q = k - p - 1
    o_h, o_w = record.output_size
    assert grid.shape == ((o_h - 1) * s + 1 + 2 * q + a[0], (o_w - 1) * s + 1 + 2 * q + a[1])
    spread = grid[q : q + (o_h - 1) * s + 1 : s, q : q + (o_w - 1) * s + 1 : s]
    np.testing.assert_array_equal(spread, record.transposed_input)
    assert np.count_nonzero(grid) == np.count_nonzero(record.transposed_input)
    for (row, col), value in zip(record.transposed_input_cells, record.transposed_input.flat):
        assert grid[row, col] == value
    np.testing.assert_array_equal(record.dilated_input[::s, ::s], record.transposed_input)

    # Shape relations: Dumoulin and Visin, PyTorch's documented formula, and the original input.
    by_paper = tuple(s * (i - 1) + ai + k - 2 * p for i, ai in zip((o_h, o_w), a))
    by_torch = tuple((i - 1) * s - 2 * p + (k - 1) + ai + 1 for i, ai in zip((o_h, o_w), a))
    assert by_paper == by_torch == (h, w) == record.transposed_output.shape

    # Values: the stride-1 windows over the grid, functional torch, and the module.
    direct = _window_sums(grid, record.flipped_kernel, 1)
    np.testing.assert_array_equal(record.transposed_output, direct)
    x = torch.from_numpy(record.transposed_input.astype(np.float64))[None, None]
    weight = torch.from_numpy(record.kernel.astype(np.float64))[None, None]
    functional = F.conv_transpose2d(x, weight, stride=s, padding=p, output_padding=a)[0, 0]
    np.testing.assert_allclose(record.transposed_output, functional.numpy(), atol=1e-9)
    module = nn.ConvTranspose2d(1, 1, k, stride=s, padding=p, output_padding=a, bias=False)
    with torch.no_grad():
        module.weight.copy_(weight.float())
        from_module = module(x.float())[0, 0]
    np.testing.assert_allclose(record.transposed_output, from_module.numpy(), atol=1e-4)
    assert len(record.transposed_windows) == record.transposed_output.size


def test_some_case_needs_output_padding() -> None:
    padded_cases = [case for case in CASES if any(transposed_case(case).output_padding)]
    assert padded_cases, "the table should show why output padding exists"


@pytest.mark.parametrize(
    ("input_size", "kernel", "stride", "padding", "message"),
    [
        ((2, 3), 5, 1, 0, "larger than the padded input"),
        ((3, 3), 2, 0, 1, "stride must be positive"),
        ((3, 3), 2, -1, 0, "stride must be positive"),
        ((3, 3), 0, 1, 0, "kernel must be positive"),
        ((3, 3), 2, 1, -1, "padding must be non-negative"),
        ((3, 3), 2, 1, 2, "at most kernel - 1"),
        ((0, 3), 1, 1, 0, "input_size"),
    ],
)
def test_bad_case_raises(
    input_size: tuple[int, int], kernel: int, stride: int, padding: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        transposed_case(ConvCase("bad", input_size, kernel, stride, padding))
