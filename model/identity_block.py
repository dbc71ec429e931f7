"""A basic block that starts as the identity: its last batch norm zeroed, run by torch."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.cache import cached


@dataclass(frozen=True)
class IdentityBlockDemo:
    """A basic block whose last BN has gamma = beta = 0, in eval mode, on a non-negative input.

    ``branch_before_bn`` is the second conv's output (not zero: the branch still computes);
    ``residual`` is F(x), which the zeroed BN makes exactly zero; ``output`` = relu(x + F(x)) = x.
    """

    input: np.ndarray
    branch_before_bn: np.ndarray
    residual: np.ndarray
    output: np.ndarray
    gamma: float
    beta: float


@cached("identity_block_demo")
def identity_block_demo(size: int = 4, seed: int = 0) -> IdentityBlockDemo:
    """One channel, ``size`` x ``size`` small whole numbers through a zero-initialised block."""
    import torch

    from model.blocks import BasicBlock

    generator = torch.Generator().manual_seed(seed)
    block = BasicBlock(1, 1)
    for parameter in block.parameters():
        with torch.no_grad():
            parameter.copy_(torch.randn(parameter.shape, generator=generator))
    with torch.no_grad():
        block.bn2.weight.zero_()
        block.bn2.bias.zero_()
    block.eval()
    x = torch.randint(0, 10, (1, 1, size, size), generator=generator).float()
    captured: dict[str, torch.Tensor] = {}
    block.conv2.register_forward_hook(lambda _m, _i, out: captured.__setitem__("conv2", out))
    with torch.no_grad():
        residual = block.residual_branch(x)
        output = block(x)
    return IdentityBlockDemo(
        input=x[0, 0].numpy(),
        branch_before_bn=captured["conv2"][0, 0].numpy().copy(),
        # Adding 0.0 turns any -0.0 into 0.0, so the slide shows plain zeros.
        residual=residual[0, 0].numpy() + np.float32(0.0),
        output=output[0, 0].numpy(),
        gamma=float(block.bn2.weight.item()),
        beta=float(block.bn2.bias.item()),
    )
