"""The numbers the attention, autodiff, batch-norm and weight-swap scenes show, recomputed by torch.

Each scene reads its numbers from a module-level data function; these tests rebuild the same
quantities with torch's own modules (``nn.Linear``, ``nn.BatchNorm1d``, ``F.softmax``, autograd)
from the example's inputs, never through the model function the scene calls.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from model.concepts import attention as attention_model
from model.concepts import autodiff as autodiff_model
from model.concepts import batchnorm as batchnorm_model
from model.concepts import symmetry as symmetry_model
from slides.concepts.attention import attention_data
from slides.concepts.autodiff import autodiff_data
from slides.concepts.batchnorm import batchnorm_data
from slides.concepts.symmetry import weight_swap_data


def double(values: object) -> torch.Tensor:
    """Constants in float64: a float32 detour would lose the digits the slides print."""
    if isinstance(values, torch.Tensor):
        return values.detach().to(torch.float64)
    return torch.tensor(values, dtype=torch.float64)


def close(shown: object, expected: torch.Tensor | float) -> bool:
    expected = expected.detach().numpy() if isinstance(expected, torch.Tensor) else expected
    return np.allclose(np.asarray(shown, dtype=float), np.asarray(expected, dtype=float), atol=1e-9)


# Attention ---------------------------------------------------------------------------------


def test_attention_scores_weights_and_context() -> None:
    data = attention_data()
    keys = torch.tensor(attention_model.ENCODER_STATES, dtype=torch.float64)
    query = torch.tensor(attention_model.DECODER_STATE, dtype=torch.float64)
    # Batched matrix products, the way a sequence model computes them.
    scores = torch.bmm(keys.unsqueeze(0), query.view(1, -1, 1)).view(-1)
    weights = F.softmax(scores, dim=-1)
    context = torch.einsum("i,ij->j", weights, keys)
    assert close(data.encoder_states, keys) and close(data.decoder_state, query)
    assert close(data.scores, scores)
    assert close(data.weights, weights) and data.weights.sum() == pytest.approx(1.0)
    assert close(data.context, context)
    assert data.attended_token == data.source_tokens[int(weights.argmax())] == "cat"
    assert data.target_token == "chat"


# Automatic differentiation ----------------------------------------------------------------


def test_autodiff_values_and_gradients_match_autograd() -> None:
    data = autodiff_data()
    w = autodiff_model.HIDDEN_WEIGHTS
    hidden = nn.Linear(2, 2).double()
    output = nn.Linear(2, 1).double()
    with torch.no_grad():
        hidden.weight.copy_(double([[w["w11"], w["w12"]], [w["w21"], w["w22"]]]))
        hidden.bias.copy_(double(list(autodiff_model.HIDDEN_BIASES.values())))
        output.weight.copy_(double([list(autodiff_model.OUTPUT_WEIGHTS.values())]))
        output.bias.copy_(double(list(autodiff_model.OUTPUT_BIAS.values())))
    x = torch.tensor([list(autodiff_model.INPUTS.values())], dtype=torch.float64, requires_grad=True)
    z = hidden(x)
    h = torch.sigmoid(z)
    y = output(h)
    loss = F.mse_loss(y, torch.tensor([[data.target]], dtype=torch.float64)) / 2
    for tensor in (z, h, y):
        tensor.retain_grad()
    loss.backward()

    expected = {
        "x1": (x[0, 0], x.grad[0, 0]), "x2": (x[0, 1], x.grad[0, 1]),
        "z1": (z[0, 0], z.grad[0, 0]), "z2": (z[0, 1], z.grad[0, 1]),
        "h1": (h[0, 0], h.grad[0, 0]), "h2": (h[0, 1], h.grad[0, 1]),
        "y": (y[0, 0], y.grad[0, 0]), "L": (loss, 1.0),
    }
    assert set(expected) == {node.name for node in data.nodes}
    for name, (value, grad) in expected.items():
        assert close(data.node(name).value, value.detach()), name
        assert close(data.node(name).grad, grad), name
    parameter_grads = {
        "w11": hidden.weight.grad[0, 0], "w12": hidden.weight.grad[0, 1],
        "w21": hidden.weight.grad[1, 0], "w22": hidden.weight.grad[1, 1],
        "b1": hidden.bias.grad[0], "b2": hidden.bias.grad[1],
        "v1": output.weight.grad[0, 0], "v2": output.weight.grad[0, 1], "c": output.bias.grad[0],
    }
    assert {p.name for p in data.parameters} == set(parameter_grads)
    for name, grad in parameter_grads.items():
        assert close(data.parameter(name).grad, grad), name


def test_autodiff_edges_obey_the_chain_rule() -> None:
    """Each gradient on the slide is the sum over outgoing edges of child gradient x local derivative."""
    data = autodiff_data()
    for node in data.nodes:
        outgoing = [e for e in data.edges if e.parent == node.name]
        if outgoing:
            total = sum(data.node(e.child).grad * e.local_derivative for e in outgoing)
            assert node.grad == pytest.approx(total, abs=1e-12), node.name
    # The backward order visits a node only after every node it feeds.
    seen: set[str] = set()
    for name in data.backward_order:
        assert all(e.child in seen for e in data.edges if e.parent == name), name
        seen.add(name)


# Batch normalisation ----------------------------------------------------------------------


def test_batchnorm_training_statistics_and_outputs() -> None:
    data = batchnorm_data()
    dataset = double(batchnorm_model.DATASET)
    batch = dataset[: batchnorm_model.BATCH_SIZE]
    hidden = F.linear(batch, double(batchnorm_model.LINEAR_WEIGHT), double(batchnorm_model.LINEAR_BIAS))
    gamma, beta = double(batchnorm_model.GAMMA), double(batchnorm_model.BETA)
    mean = hidden.sum(dim=0) / len(hidden)
    variance = ((hidden - mean) ** 2).sum(dim=0) / len(hidden)  # biased: divide by n
    normalized = (hidden - mean) / torch.sqrt(variance + data.eps)
    output = F.batch_norm(hidden, None, None, gamma, beta, training=True, eps=batchnorm_model.EPS)

    assert close(data.batch, batch) and close(data.hidden, hidden)
    assert close(data.mean, mean) and close(data.variance, variance)
    assert close(data.unbiased_variance, variance * len(hidden) / (len(hidden) - 1))
    assert close(data.normalized, normalized)
    # The claim the slide makes: every column of normalised values sums to zero.
    assert close(data.normalized_sums, torch.zeros(3))
    assert close(data.normalized.sum(axis=0), torch.zeros(3))
    assert close(data.gamma, gamma) and close(data.beta, beta)
    assert close(data.output, output) and close(data.output, gamma * normalized + beta)


def test_batchnorm_running_statistics_and_eval_mode() -> None:
    data = batchnorm_data()
    weight, bias = double(batchnorm_model.LINEAR_WEIGHT), double(batchnorm_model.LINEAR_BIAS)
    gamma, beta = double(batchnorm_model.GAMMA), double(batchnorm_model.BETA)
    batches = double(batchnorm_model.DATASET).split(batchnorm_model.BATCH_SIZE)
    running_mean, running_var = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    new_hidden = F.linear(double(batchnorm_model.NEW_EXAMPLE), weight, bias)
    results = {}
    for step in range(1, batchnorm_model.LONG_RUN_STEPS + 1):
        hidden = F.linear(batches[(step - 1) % len(batches)], weight, bias)
        # The functional form updates the running tensors in place, as the module does.
        F.batch_norm(hidden, running_mean, running_var, gamma, beta, training=True,
                     momentum=batchnorm_model.MOMENTUM, eps=batchnorm_model.EPS)
        assert close(data.running_mean_history[step], running_mean)
        assert close(data.running_var_history[step], running_var)
        eval_output = F.batch_norm(new_hidden[None], running_mean, running_var, gamma, beta,
                                   training=False, eps=batchnorm_model.EPS)[0]
        results[step] = (running_mean.clone(), running_var.clone(), eval_output)
    assert close(data.new_hidden, new_hidden)
    for shown in (data.after_one_step, data.after_many_steps):
        mean, var, eval_output = results[shown.steps]
        assert close(shown.running_mean, mean) and close(shown.running_var, var)
        assert close(shown.normalized, (new_hidden - mean) / torch.sqrt(var + batchnorm_model.EPS))
        assert close(shown.output, eval_output)
    assert data.after_one_step.steps == 1
    assert data.after_many_steps.steps == batchnorm_model.LONG_RUN_STEPS


# Weight-swap symmetry ---------------------------------------------------------------------


def xor_network(hidden_weight: object, hidden_bias: object, output_weight: object, output_bias: float) -> nn.Module:
    network = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)).double()
    with torch.no_grad():
        network[0].weight.copy_(double(hidden_weight))
        network[0].bias.copy_(double(hidden_bias))
        network[2].weight.copy_(double(output_weight).view(1, -1))
        network[2].bias.fill_(output_bias)
    return network


def test_weight_swap_keeps_outputs_and_loss_but_not_convexity() -> None:
    data = weight_swap_data()
    inputs, targets = double(symmetry_model.INPUTS), double(symmetry_model.TARGETS)
    original = xor_network(symmetry_model.HIDDEN_WEIGHT, symmetry_model.HIDDEN_BIAS,
                           symmetry_model.OUTPUT_WEIGHT, symmetry_model.OUTPUT_BIAS)
    first, second = data.swapped_units
    order = torch.arange(3)
    order[[first, second]] = order[[second, first]]
    swapped = xor_network(original[0].weight[order], original[0].bias[order],
                          original[2].weight[0, order], symmetry_model.OUTPUT_BIAS)

    def loss(network: nn.Module) -> torch.Tensor:
        return F.mse_loss(network(inputs).view(-1), targets) / 2

    with torch.no_grad():
        assert close(data.hidden_weight, original[0].weight) and close(data.swapped_hidden_weight, swapped[0].weight)
        assert close(data.swapped_hidden_bias, swapped[0].bias)
        assert close(data.swapped_output_weight, swapped[2].weight[0])
        assert close(data.hidden, torch.relu(original[0](inputs)))
        assert close(data.outputs, original(inputs).view(-1))
        assert close(data.swapped_outputs, swapped(inputs).view(-1))
        assert close(data.outputs, data.swapped_outputs)
        assert data.loss == pytest.approx(loss(original).item(), abs=1e-12)
        assert data.swapped_loss == pytest.approx(data.loss, abs=1e-12)

        # The straight path in parameter space, as one flat vector per network.
        start = nn.utils.parameters_to_vector(original.parameters())
        end = nn.utils.parameters_to_vector(swapped.parameters())
        between = xor_network(symmetry_model.HIDDEN_WEIGHT, symmetry_model.HIDDEN_BIAS,
                              symmetry_model.OUTPUT_WEIGHT, symmetry_model.OUTPUT_BIAS)
        path = []
        for t in data.path_t:
            nn.utils.vector_to_parameters((1 - t) * start + t * end, between.parameters())
            path.append(loss(between).item())
    assert data.path_t[0] == 0.0 and data.path_t[-1] == 1.0
    assert close(data.loss_path, np.array(path))
    # Not convex: the middle of the segment is above the chord between its equal ends.
    assert data.bump == pytest.approx(max(path) - max(path[0], path[-1]), abs=1e-12)
    assert data.bump > 0.1
