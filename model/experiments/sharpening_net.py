"""The small fully convolutional net of the sharpening experiment, with or without its skip."""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


class SharpeningNet(nn.Module):
    """`depth` 3x3 convolutions with ReLUs between them; with `skip`, the input is added back."""

    def __init__(self, depth: int = 6, width: int = 16, skip: bool = True) -> None:
        super().__init__()
        channels = [1] + [width] * (depth - 1) + [1]
        self.convs = nn.ModuleList(nn.Conv2d(c_in, c_out, 3, padding=1) for c_in, c_out in zip(channels, channels[1:]))
        self.skip = skip
        # He initialisation with zero biases keeps every ReLU channel alive at the start
        # (PyTorch's default random biases left some first-layer maps dead on this data).
        for conv in self.convs:
            nn.init.kaiming_normal_(conv.get_parameter("weight"), nonlinearity="relu")
            nn.init.zeros_(conv.get_parameter("bias"))
        # The last layer starts at zero, so the residual net starts as the identity and the
        # plain net as the zero image: each begins from what its own design makes natural.
        nn.init.zeros_(self.convs[-1].get_parameter("weight"))

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        for conv in self.convs[:-1]:
            x = F.relu(conv(x))
        return self.convs[-1](x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        correction = self.residual(x)
        return x + correction if self.skip else correction
