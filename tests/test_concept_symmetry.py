"""The weight-swap scene: equal outputs and loss after the swap, and the bump between, from torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from model.concepts import symmetry as symmetry_model
from model.concepts.symmetry import weight_swap_example
from tests.torch_values import close, double


def xor_network(hidden_weight: object, hidden_bias: object, output_weight: object, output_bias: float) -> nn.Module:
    network = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)).double()
    with torch.no_grad():
        network[0].weight.copy_(double(hidden_weight))
        network[0].bias.copy_(double(hidden_bias))
        network[2].weight.copy_(double(output_weight).view(1, -1))
        network[2].bias.fill_(output_bias)
    return network


def test_weight_swap_keeps_outputs_and_loss_but_not_convexity() -> None:
    data = weight_swap_example()
    inputs, targets = double(symmetry_model.INPUTS), double(symmetry_model.TARGETS)
    original = xor_network(
        symmetry_model.HIDDEN_WEIGHT,
        symmetry_model.HIDDEN_BIAS,
        symmetry_model.OUTPUT_WEIGHT,
        symmetry_model.OUTPUT_BIAS,
    )
    first, second = data.swapped_units
    order = torch.arange(3)
    order[[first, second]] = order[[second, first]]
    swapped = xor_network(
        original[0].weight[order], original[0].bias[order], original[2].weight[0, order], symmetry_model.OUTPUT_BIAS
    )

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
        between = xor_network(
            symmetry_model.HIDDEN_WEIGHT,
            symmetry_model.HIDDEN_BIAS,
            symmetry_model.OUTPUT_WEIGHT,
            symmetry_model.OUTPUT_BIAS,
        )
        path = []
        for t in data.path_t:
            nn.utils.vector_to_parameters((1 - t) * start + t * end, between.parameters())
            path.append(loss(between).item())
    assert data.path_t[0] == 0.0 and data.path_t[-1] == 1.0
    assert close(data.loss_path, np.array(path))
    # Not convex: the middle of the segment is above the chord between its equal ends.
    assert data.bump == pytest.approx(max(path) - max(path[0], path[-1]), abs=1e-12)
    assert data.bump > 0.1
