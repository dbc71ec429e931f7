"""Weight-space symmetry: why a neural network's loss is not convex.

A 2-3-1 ReLU network fits XOR well. Swapping two hidden units (their rows of incoming weights,
their biases and their outgoing weights) gives a different point in weight space that computes
exactly the same function, so it has exactly the same loss. If the loss were convex, every point
on the straight line between two minima would be at least as good; instead, the loss along that
line rises to a bump in the middle, where the two units are averaged into near-copies of each
other and the network can no longer separate the classes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.cache import cached
from model.concepts._arrays import ReadOnlyArrays, frozen

if TYPE_CHECKING:
    import torch

INPUTS = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0))
TARGETS = (0.0, 1.0, 1.0, 0.0)  # XOR
# Unit 0 fires for x1 > x2, unit 1 for x2 > x1: mirror images, so averaging them cancels both.
HIDDEN_WEIGHT = ((1.0, -1.0), (-1.0, 1.0), (0.5, 0.5))
HIDDEN_BIAS = (0.0, 0.1, -0.5)
OUTPUT_WEIGHT = (1.0, 0.8, -0.3)
OUTPUT_BIAS = 0.0
SWAPPED_UNITS = (0, 1)
PATH_POINTS = 41


@dataclass(frozen=True, eq=False)  # arrays do not compare with ==
class WeightSwapExample(ReadOnlyArrays):
    """Arrays are float64 and read-only. Loss: mean over examples of (output - target)^2 / 2."""

    activation: str  # "relu"
    inputs: np.ndarray  # (4, 2)
    targets: np.ndarray  # (4,)
    swapped_units: tuple[int, int]  # the two hidden units exchanged (the two peer colours on the slide)
    hidden_weight: np.ndarray  # (3, 2) row j: weights into hidden unit j
    hidden_bias: np.ndarray  # (3,)
    output_weight: np.ndarray  # (3,) weight from hidden unit j to the output
    output_bias: float
    swapped_hidden_weight: np.ndarray  # (3, 2) rows of the two units exchanged
    swapped_hidden_bias: np.ndarray  # (3,)
    swapped_output_weight: np.ndarray  # (3,)
    hidden: np.ndarray  # (4, 3) hidden activations, one row per example
    swapped_hidden: np.ndarray  # (4, 3) the same columns, exchanged
    outputs: np.ndarray  # (4,)
    swapped_outputs: np.ndarray  # (4,) equal to outputs
    loss: float
    swapped_loss: float  # equal to loss
    path_t: np.ndarray  # (41,) t in [0, 1]; weights (1 - t) * original + t * swapped
    loss_path: np.ndarray  # (41,) loss at each t
    bump: float  # max(loss_path) - max(loss at the two ends): > 0, so not convex


def _forward(
    inputs: torch.Tensor,
    hidden_weight: torch.Tensor,
    hidden_bias: torch.Tensor,
    output_weight: torch.Tensor,
    output_bias: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    import torch

    hidden = torch.relu(inputs @ hidden_weight.T + hidden_bias)
    return hidden, hidden @ output_weight + output_bias


def _tensor(values: object) -> torch.Tensor:
    import torch

    return torch.tensor(values, dtype=torch.float64)


def _loss(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    import torch

    return 0.5 * torch.mean((outputs - targets) ** 2)


@cached("weight_swap_example")
def weight_swap_example() -> WeightSwapExample:
    """Outputs and loss before and after swapping two hidden units, and along the line between."""
    import torch

    with torch.no_grad():
        inputs, targets = _tensor(INPUTS), _tensor(TARGETS)
        original = (
            _tensor(HIDDEN_WEIGHT),
            _tensor(HIDDEN_BIAS),
            _tensor(OUTPUT_WEIGHT),
            _tensor(OUTPUT_BIAS),
        )
        first, second = SWAPPED_UNITS
        order = list(range(len(HIDDEN_BIAS)))
        order[first], order[second] = second, first
        # The output bias belongs to no hidden unit, so it stays.
        swapped = (original[0][order], original[1][order], original[2][order], original[3])

        hidden, outputs = _forward(inputs, *original)
        swapped_hidden, swapped_outputs = _forward(inputs, *swapped)

        path_t = torch.linspace(0.0, 1.0, PATH_POINTS, dtype=torch.float64)
        losses = []
        for t in path_t:
            between = (torch.lerp(start, end, t) for start, end in zip(original, swapped))
            losses.append(_loss(_forward(inputs, *between)[1], targets))
        loss_path = torch.stack(losses)
        ends = torch.maximum(loss_path[0], loss_path[-1])
        return WeightSwapExample(
            activation="relu",
            inputs=frozen(inputs),
            targets=frozen(targets),
            swapped_units=SWAPPED_UNITS,
            hidden_weight=frozen(original[0]),
            hidden_bias=frozen(original[1]),
            output_weight=frozen(original[2]),
            output_bias=float(original[3]),
            swapped_hidden_weight=frozen(swapped[0]),
            swapped_hidden_bias=frozen(swapped[1]),
            swapped_output_weight=frozen(swapped[2]),
            hidden=frozen(hidden),
            swapped_hidden=frozen(swapped_hidden),
            outputs=frozen(outputs),
            swapped_outputs=frozen(swapped_outputs),
            loss=_loss(outputs, targets).item(),
            swapped_loss=_loss(swapped_outputs, targets).item(),
            path_t=frozen(path_t),
            loss_path=frozen(loss_path),
            bump=(loss_path.max() - ends).item(),
        )
