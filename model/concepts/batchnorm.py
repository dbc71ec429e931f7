"""Batch normalisation: statistics of a batch in training, running statistics at test time.

The data set of eight examples is split into two batches of four. The first batch goes through a
linear layer with fixed weights, giving three hidden units per example. Batch norm takes, per
hidden unit, the batch mean and the biased variance, normalises (each unit's normalised values
sum to zero across the batch), then scales by gamma and shifts by beta. All of it is
``torch.nn.BatchNorm1d`` in training mode.

While training, the layer also keeps running estimates:
``running = (1 - momentum) * running + momentum * batch statistic``, where the variance used here
is the *unbiased* one (divide by n - 1), unlike the biased one used to normalise. At test time
(eval mode) a single new example is normalised with those running estimates, not with its own
statistics. After one step they are still close to their start (mean 0, variance 1); after
many steps they approach the data's statistics.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.cache import cached
from model.concepts._arrays import ReadOnlyArrays, frozen

if TYPE_CHECKING:
    import torch
    from torch import nn

# Eight examples with two features, one decimal each; batches are consecutive groups of four.
DATASET = (
    (1.0, 2.0),
    (2.0, 0.0),
    (3.0, 1.0),
    (0.0, 3.0),
    (2.0, 2.0),
    (1.0, 1.0),
    (4.0, 0.0),
    (0.0, 1.0),
)
BATCH_SIZE = 4
LINEAR_WEIGHT = ((0.5, -1.0), (1.0, 0.5), (-0.5, 0.2))
LINEAR_BIAS = (0.1, -0.2, 0.3)
GAMMA = (2.0, 0.5, 1.5)
BETA = (0.5, -1.0, 0.2)
EPS = 1e-5
MOMENTUM = 0.1
# Enough passes over the two batches for the running statistics to settle.
LONG_RUN_STEPS = 40
NEW_EXAMPLE = (2.0, 1.0)


@dataclass(frozen=True, eq=False)  # arrays do not compare with ==
class EvalResult(ReadOnlyArrays):
    """The new example in eval mode, after ``steps`` training steps."""

    steps: int
    running_mean: np.ndarray  # (3,) the estimates the layer uses in eval mode
    running_var: np.ndarray  # (3,)
    normalized: np.ndarray  # (3,) (hidden - running_mean) / sqrt(running_var + eps)
    output: np.ndarray  # (3,) gamma * normalized + beta, from the layer in eval mode


@dataclass(frozen=True, eq=False)
class BatchNormExample(ReadOnlyArrays):
    """Arrays are float64 and read-only; rows are examples, columns hidden units."""

    dataset: np.ndarray  # (8, 2) all examples
    batch_size: int  # 4: batch b is dataset[b * 4 : (b + 1) * 4]
    batch: np.ndarray  # (4, 2) the first batch, the one the slide follows
    linear_weight: np.ndarray  # (3, 2) hidden = batch @ linear_weight.T + linear_bias
    linear_bias: np.ndarray  # (3,)
    hidden: np.ndarray  # (4, 3) pre-normalisation hidden values
    mean: np.ndarray  # (3,) per-unit batch mean
    variance: np.ndarray  # (3,) per-unit biased batch variance (divide by n)
    unbiased_variance: np.ndarray  # (3,) divide by n - 1: what the running estimate uses
    eps: float
    momentum: float
    normalized: np.ndarray  # (4, 3) (hidden - mean) / sqrt(variance + eps)
    normalized_sums: np.ndarray  # (3,) column sums of normalized, zero up to rounding
    gamma: np.ndarray  # (3,) scale, the layer's weight
    beta: np.ndarray  # (3,) shift, the layer's bias
    output: np.ndarray  # (4, 3) the layer's output in training mode
    running_mean_history: np.ndarray  # (41, 3) row k: after k steps (row 0: initial zeros)
    running_var_history: np.ndarray  # (41, 3) row 0: initial ones
    new_example: np.ndarray  # (2,) an unseen input for eval mode
    new_hidden: np.ndarray  # (3,) its hidden values
    after_one_step: EvalResult
    after_many_steps: EvalResult  # after LONG_RUN_STEPS steps over both batches in turn


def _layers() -> tuple[nn.Linear, nn.BatchNorm1d]:
    import torch
    from torch import nn

    linear = nn.Linear(2, 3).double()
    norm = nn.BatchNorm1d(3, eps=EPS, momentum=MOMENTUM).double()
    with torch.no_grad():
        linear.weight.copy_(torch.tensor(LINEAR_WEIGHT))
        linear.bias.copy_(torch.tensor(LINEAR_BIAS))
        norm.weight.copy_(torch.tensor(GAMMA))
        norm.bias.copy_(torch.tensor(BETA))
    return linear, norm


def _running(norm: nn.BatchNorm1d) -> tuple[torch.Tensor, torch.Tensor]:
    """The layer's running mean and variance (it tracks them by default)."""
    assert norm.running_mean is not None and norm.running_var is not None
    return norm.running_mean, norm.running_var


def _evaluate(linear: nn.Linear, norm: nn.BatchNorm1d, example: torch.Tensor, steps: int) -> EvalResult:
    import torch

    norm.eval()
    hidden = linear(example.unsqueeze(0))
    output = norm(hidden)[0]
    normalized = (hidden[0] - _running(norm)[0]) / torch.sqrt(_running(norm)[1] + norm.eps)
    norm.train()
    return EvalResult(
        steps=steps,
        running_mean=frozen(_running(norm)[0]),
        running_var=frozen(_running(norm)[1]),
        normalized=frozen(normalized),
        output=frozen(output),
    )


@cached("batchnorm_example")
def batchnorm_example() -> BatchNormExample:
    """One batch through ``nn.BatchNorm1d`` in training mode, then one example in eval mode."""
    import torch

    with torch.no_grad():
        linear, norm = _layers()
        dataset = torch.tensor(DATASET, dtype=torch.float64)
        batches = dataset.split(BATCH_SIZE)
        new_example = torch.tensor(NEW_EXAMPLE, dtype=torch.float64)

        batch = batches[0]
        hidden = linear(batch)
        mean = hidden.mean(dim=0)
        variance = hidden.var(dim=0, unbiased=False)
        unbiased_variance = hidden.var(dim=0, unbiased=True)
        normalized = (hidden - mean) / torch.sqrt(variance + EPS)

        means = [_running(norm)[0].clone()]
        variances = [_running(norm)[1].clone()]
        norm.train()
        output = norm(hidden)
        means.append(_running(norm)[0].clone())
        variances.append(_running(norm)[1].clone())
        after_one_step = _evaluate(linear, norm, new_example, steps=1)

        for step in range(1, LONG_RUN_STEPS):
            norm(linear(batches[step % len(batches)]))
            means.append(_running(norm)[0].clone())
            variances.append(_running(norm)[1].clone())
        after_many_steps = _evaluate(linear, norm, new_example, steps=LONG_RUN_STEPS)

        return BatchNormExample(
            dataset=frozen(dataset),
            batch_size=BATCH_SIZE,
            batch=frozen(batch),
            linear_weight=frozen(linear.weight),
            linear_bias=frozen(linear.bias),
            hidden=frozen(hidden),
            mean=frozen(mean),
            variance=frozen(variance),
            unbiased_variance=frozen(unbiased_variance),
            eps=EPS,
            momentum=MOMENTUM,
            normalized=frozen(normalized),
            normalized_sums=frozen(normalized.sum(dim=0)),
            gamma=frozen(norm.weight),
            beta=frozen(norm.bias),
            output=frozen(output),
            running_mean_history=frozen(torch.stack(means)),
            running_var_history=frozen(torch.stack(variances)),
            new_example=frozen(new_example),
            new_hidden=frozen(linear(new_example)),
            after_one_step=after_one_step,
            after_many_steps=after_many_steps,
        )
