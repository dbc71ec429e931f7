"""The first functions of the lecture: f(x) = 2x + 1 as a one-weight layer, and one more layer.

Both are run by torch; the slides show the inputs and outputs these records hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.cache import cached

# The toy function of the first beat, f(x) = SLOPE * x + INTERCEPT, and the inputs fed to it.
SLOPE = 2.0
INTERCEPT = 1.0
INPUTS = (1.0, 2.0, 3.0)


@dataclass(frozen=True)
class LineExample:
    """f(x) = slope * x + intercept, computed by an ``nn.Linear(1, 1)`` for each input."""

    slope: float
    intercept: float
    inputs: tuple[float, ...]
    outputs: tuple[float, ...]


@cached("line_example")
def line_example() -> LineExample:
    """f(x) = 2x + 1 as the smallest network there is: one ``nn.Linear(1, 1)``, run by torch."""
    import torch
    from torch import nn

    layer = nn.Linear(1, 1)
    with torch.no_grad():
        layer.weight.fill_(SLOPE)
        layer.bias.fill_(INTERCEPT)
        outputs = layer(torch.tensor(INPUTS, dtype=torch.float32)[:, None])[:, 0]
    return LineExample(SLOPE, INTERCEPT, INPUTS, tuple(float(v) for v in outputs))


@dataclass(frozen=True)
class ExtraLayerExample:
    """``line_example``'s f, then one more layer whose weight and bias are zero.

    A plain layer relu(w y + b) then outputs 0: it has forgotten f. A residual block
    y + relu(w y + b) outputs y unchanged: the deeper net still computes f.
    """

    line: LineExample
    weight: float
    bias: float
    plain_outputs: tuple[float, ...]
    residual_outputs: tuple[float, ...]


@cached("extra_layer_example")
def extra_layer_example() -> ExtraLayerExample:
    """f followed by a zeroed ``nn.Linear(1, 1)`` and ReLU, with and without adding its input back."""
    import torch
    from torch import nn

    line = line_example()
    extra = nn.Linear(1, 1)
    with torch.no_grad():
        nn.init.zeros_(extra.weight)
        nn.init.zeros_(extra.bias)
        y = torch.tensor(line.outputs, dtype=torch.float32)[:, None]
        branch = torch.relu(extra(y))
        residual = y + branch
    return ExtraLayerExample(
        line=line,
        weight=float(extra.weight.item()),
        bias=float(extra.bias.item()),
        plain_outputs=tuple(float(v) for v in branch[:, 0]),
        residual_outputs=tuple(float(v) for v in residual[:, 0]),
    )
