"""Claim 1: at initialisation, a gradient keeps a usable size through a deep residual net,
while through the plain net of the same depth it changes by orders of magnitude.

One forward and backward pass of a freshly initialised CIFAR-design net on one real batch
(digits resized to 32x32, one channel); the norm of dL/dx at the input x of every residual
block, first block to last, for plain and residual nets of each depth. With batch norm the
plain nets' gradients do not vanish: they grow towards the input (the paper notes that its
BN plain nets had no vanishing gradients), so the lesson is the spread, not the direction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.cache import cached
from model.experiments.datasets import DIGITS_LICENCE, DIGITS_SOURCE, digits, run_key, seeded
from model.measure import capture_block_inputs

if TYPE_CHECKING:
    import torch

    from model.resnet import StagedNetwork


@dataclass(frozen=True)
class GradientFlow:
    """Gradient norms per block, keyed "plain-20", "residual-20", ... (block 0 is nearest
    the input). Batch statistics are used in batch norm, as in a training step."""

    seed: int
    depths: tuple[int, ...]
    batch_size: int
    image_size: int
    width: int
    data: str
    # "kind-depth" -> float32 (number of blocks,): ||dL/d(block input)||, Frobenius over the batch
    grad_norms: dict[str, np.ndarray]
    # "kind-depth" -> float32 (number of blocks,): each norm over the last block's norm
    relative_norms: dict[str, np.ndarray]
    # "kind-depth" -> first block's norm over last block's norm
    first_over_last: dict[str, float]
    # "kind-depth" -> log10(largest norm / smallest norm): how many decades the curve spans
    spread_decades: dict[str, float]
    # "kind-depth" -> cross-entropy of the untrained net on the batch
    losses: dict[str, float]


def block_input_gradients(net: StagedNetwork, x: torch.Tensor, y: torch.Tensor) -> tuple[np.ndarray, float]:
    """||dL/dx_b|| for the input x_b of every block b of `net`, in block order."""
    import torch.nn.functional as F

    with capture_block_inputs(net) as inputs:
        loss = F.cross_entropy(net(x), y)
        loss.backward()
    norms = [float(t.grad.norm()) if t.grad is not None else 0.0 for t in inputs]
    return np.asarray(norms, dtype=np.float32), float(loss.detach())


@cached(
    "gradient_flow",
    provenance={"dataset": DIGITS_SOURCE + ", resized to 32x32", "licence": DIGITS_LICENCE},
)
def gradient_flow(
    *,
    seed: int = 0,
    depths: tuple[int, ...] = (20, 56, 110),
    batch_size: int = 128,
    image_size: int = 32,
    width: int = 16,
) -> GradientFlow:
    import torch

    from model.cifar import resnet_cifar

    data = digits(image_size)
    # One fixed batch of real digits, the same for every net.
    pick = torch.randperm(len(data), generator=torch.Generator().manual_seed(seed))[:batch_size]
    x, y = data.images[pick], data.labels[pick]

    grad_norms, relative, ratio, spread, losses = {}, {}, {}, {}, {}
    for depth in depths:
        for plain in (True, False):
            key = run_key(plain, depth)
            # Same seed per depth, so plain and residual nets start from the same weights.
            with seeded(seed + depth):
                net = resnet_cifar(depth, plain=plain, width=width, in_channels=1, num_classes=10)
                net.train()
                norms, loss = block_input_gradients(net, x, y)
            grad_norms[key] = norms
            relative[key] = (norms / norms[-1]).astype(np.float32)
            ratio[key] = float(norms[0] / norms[-1])
            spread[key] = float(np.log10(norms.max() / norms.min()))
            losses[key] = loss
    return GradientFlow(
        seed=seed,
        depths=tuple(depths),
        batch_size=batch_size,
        image_size=image_size,
        width=width,
        data=f"{batch_size} digits from scikit-learn load_digits, bilinearly resized "
        f"8x8 -> {image_size}x{image_size}, standardised, one channel",
        grad_norms=grad_norms,
        relative_norms=relative,
        first_over_last=ratio,
        spread_decades=spread,
        losses=losses,
    )
