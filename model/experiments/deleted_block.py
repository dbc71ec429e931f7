"""What a lesion leaves of a residual block: its skip, or nothing at all."""

from __future__ import annotations

import torch
from torch import nn

from model.blocks import ResidualBlock


class Deleted(nn.Module):
    """What is left of a block once its layers are removed: the skip, or nothing at all."""

    def __init__(self, block: ResidualBlock) -> None:
        super().__init__()
        self.residual = block.residual
        self.downsample = block.downsample  # None for an identity skip (and in a plain net)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.residual and self.downsample is not None:
            return self.downsample(x)
        return x
