"""A small batch through batch norm then ReLU, every step computed by torch's own layers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.cache import cached


@dataclass(frozen=True)
class BatchNormReluExample:
    """A batch through ``BatchNorm2d`` (training mode) then ``ReLU``, every step from torch.

    Arrays are (batch, channels, height, width) except the per-channel ``mean``, ``var``
    (biased: what normalises), ``var_unbiased`` (what the running average takes), ``gamma``,
    ``beta`` and the running statistics after this one step.
    """

    input: np.ndarray
    mean: np.ndarray
    var: np.ndarray
    var_unbiased: np.ndarray
    eps: float
    normalised: np.ndarray
    gamma: np.ndarray
    beta: np.ndarray
    bn_output: np.ndarray
    output: np.ndarray
    momentum: float
    running_mean: np.ndarray
    running_var: np.ndarray


@cached("batchnorm_relu_example")
def batchnorm_relu_example(batch: int = 4, channels: int = 2, size: int = 1, seed: int = 0) -> BatchNormReluExample:
    """A small batch (values with one decimal) normalised per channel, then rectified."""
    import torch
    from torch import nn

    generator = torch.Generator().manual_seed(seed)
    noise = torch.randn(batch, channels, size, size, generator=generator, dtype=torch.float64)
    # One decimal place keeps the numbers readable on a slide.
    x = torch.round(noise * 20) / 10
    bn = nn.BatchNorm2d(channels).double().train()
    relu = nn.ReLU()
    with torch.no_grad():
        bn_output = bn(x)
        output = relu(bn_output)
    dims = (0, 2, 3)
    mean = x.mean(dim=dims)
    var = x.var(dim=dims, unbiased=False)
    normalised = (x - mean[None, :, None, None]) / torch.sqrt(var[None, :, None, None] + bn.eps)
    assert bn.running_mean is not None and bn.running_var is not None  # tracked by default
    return BatchNormReluExample(
        input=x.numpy(),
        mean=mean.numpy(),
        var=var.numpy(),
        var_unbiased=x.var(dim=dims, unbiased=True).numpy(),
        eps=float(bn.eps),
        normalised=normalised.numpy(),
        gamma=bn.weight.detach().numpy().copy(),
        beta=bn.bias.detach().numpy().copy(),
        bn_output=bn_output.numpy(),
        output=output.numpy(),
        momentum=float(bn.momentum or 0.0),
        running_mean=bn.running_mean.numpy().copy(),
        running_var=bn.running_var.numpy().copy(),
    )
