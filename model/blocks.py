"""Residual blocks of He et al. (2015, 2016) and their shortcuts.

Attribute names follow torchvision (``conv1``, ``bn1``, ..., ``downsample.0``/``downsample.1``)
so that a state dict in torchvision's layout loads into these modules unchanged.
"""

from __future__ import annotations

from typing import Literal

import torch.nn.functional as F
from torch import Tensor, nn

ShortcutKind = Literal["projection", "option_a"]
"""``projection``: 1x1 conv + BN when shapes change (torchvision, paper option B).
``option_a``: identity with zero-padded channels, no parameters (paper's CIFAR nets)."""

SHORTCUT_KINDS: tuple[str, ...] = ("projection", "option_a")


def conv3x3(in_channels: int, out_channels: int, stride: int = 1) -> nn.Conv2d:
    """3x3 convolution with padding 1 and no bias (a BN follows, so a bias would be redundant)."""
    return nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)


def conv1x1(in_channels: int, out_channels: int, stride: int = 1) -> nn.Conv2d:
    """1x1 convolution with no bias."""
    return nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False)


class ZeroPadShortcut(nn.Module):
    """Paper's option A: subsample by ``stride`` and append zero channels; no parameters."""

    def __init__(self, in_channels: int, out_channels: int, stride: int) -> None:
        super().__init__()
        if out_channels < in_channels:
            raise ValueError(f"option A can only add channels, got {in_channels} -> {out_channels}")
        self.extra_channels = out_channels - in_channels
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        if self.stride > 1:
            x = x[:, :, :: self.stride, :: self.stride]
        # Pad order is (W left, W right, H top, H bottom, C front, C back): new channels are zero.
        return F.pad(x, (0, 0, 0, 0, 0, self.extra_channels))

    def extra_repr(self) -> str:
        return f"stride={self.stride}, extra_channels={self.extra_channels}"


def make_shortcut(kind: str, in_channels: int, out_channels: int, stride: int) -> nn.Module | None:
    """The shortcut for a block: ``None`` (identity) when shapes match, else ``kind``'s mapping."""
    if kind not in SHORTCUT_KINDS:
        raise ValueError(f"unknown shortcut kind {kind!r}; valid kinds: {', '.join(SHORTCUT_KINDS)}")
    if stride == 1 and in_channels == out_channels:
        return None
    if kind == "option_a":
        return ZeroPadShortcut(in_channels, out_channels, stride)
    return nn.Sequential(conv1x1(in_channels, out_channels, stride), nn.BatchNorm2d(out_channels))


class ResidualBlock(nn.Module):
    """What every block does: ``relu(F(x) + shortcut(x))``, F being the block's ``residual_branch``.

    ``residual=False`` gives the paper's *plain* counterpart: same layers on the main path,
    no addition (and no projection parameters, since nothing would use them).
    A block class with ``relu_after_addition = False`` (pre-activation) leaves the sum as it is.
    """

    expansion: int = 1
    relu_after_addition: bool = True
    relu: nn.Module

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        stride: int,
        shortcut: str,
        residual: bool,
    ) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.stride = stride
        self.residual = residual
        self.downsample = make_shortcut(shortcut, in_channels, out_channels, stride) if residual else None

    def shortcut(self, x: Tensor) -> Tensor:
        """What the skip connection carries to the addition."""
        return x if self.downsample is None else self.downsample(x)

    def residual_branch(self, x: Tensor) -> Tensor:
        """F(x): the block's layers on the main path."""
        raise NotImplementedError

    def forward(self, x: Tensor) -> Tensor:
        out = self.residual_branch(x)
        if self.residual:
            out = out + self.shortcut(x)
        return self.relu(out) if self.relu_after_addition else out


class BasicBlock(ResidualBlock):
    """Two 3x3 convolutions (ResNet-18/34 and the CIFAR nets): ``relu(F(x) + shortcut(x))``."""

    expansion = 1

    def __init__(
        self,
        in_channels: int,
        planes: int,
        stride: int = 1,
        shortcut: ShortcutKind = "projection",
        residual: bool = True,
    ) -> None:
        super().__init__(in_channels, planes * self.expansion, stride, shortcut, residual)
        self.conv1 = conv3x3(in_channels, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)

    def residual_branch(self, x: Tensor) -> Tensor:
        """F(x): conv, BN, ReLU, conv, BN."""
        out = self.relu(self.bn1(self.conv1(x)))
        return self.bn2(self.conv2(out))


class Bottleneck(ResidualBlock):
    """1x1 reduce, 3x3, 1x1 expand (x4): ResNet-50/101/152.

    ``stride_on="conv2"`` puts the stride on the 3x3 conv as torchvision does ("ResNet v1.5");
    ``"conv1"`` puts it on the first 1x1 conv as the paper's original models did, which skips
    3/4 of the 3x3 work in the first block of a stage.
    """

    expansion = 4

    def __init__(
        self,
        in_channels: int,
        planes: int,
        stride: int = 1,
        shortcut: ShortcutKind = "projection",
        residual: bool = True,
        stride_on: Literal["conv1", "conv2"] = "conv2",
    ) -> None:
        super().__init__(in_channels, planes * self.expansion, stride, shortcut, residual)
        if stride_on not in ("conv1", "conv2"):
            raise ValueError(f"stride_on must be 'conv1' or 'conv2', got {stride_on!r}")
        first_stride, middle_stride = (stride, 1) if stride_on == "conv1" else (1, stride)
        self.conv1 = conv1x1(in_channels, planes, first_stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes, middle_stride)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = conv1x1(planes, planes * self.expansion)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)

    def residual_branch(self, x: Tensor) -> Tensor:
        """F(x): 1x1 conv, BN, ReLU, 3x3 conv, BN, ReLU, 1x1 conv, BN."""
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        return self.bn3(self.conv3(out))


class PreActBlock(ResidualBlock):
    """Pre-activation block (He et al. 2016): BN, ReLU, conv, BN, ReLU, conv, then ``+ x``.

    Nothing follows the addition, so the shortcut path is a pure identity from block to block.
    """

    expansion = 1
    relu_after_addition = False

    def __init__(
        self,
        in_channels: int,
        planes: int,
        stride: int = 1,
        shortcut: ShortcutKind = "option_a",
        residual: bool = True,
    ) -> None:
        super().__init__(in_channels, planes * self.expansion, stride, shortcut, residual)
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.relu = nn.ReLU()
        self.conv1 = conv3x3(in_channels, planes, stride)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes)

    def residual_branch(self, x: Tensor) -> Tensor:
        """F(x): BN, ReLU, conv, BN, ReLU, conv."""
        out = self.conv1(self.relu(self.bn1(x)))
        return self.conv2(self.relu(self.bn2(out)))


BlockType = type[BasicBlock] | type[Bottleneck] | type[PreActBlock]
"""A block class: each takes ``(in_channels, planes, stride, shortcut, residual)``."""

BLOCK_KINDS: dict[str, BlockType] = {
    "basic": BasicBlock,
    "bottleneck": Bottleneck,
    "preact": PreActBlock,
}


def block_class(kind: str) -> BlockType:
    """The block class named ``kind`` (``basic``, ``bottleneck`` or ``preact``)."""
    try:
        return BLOCK_KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown block kind {kind!r}; valid kinds: {', '.join(BLOCK_KINDS)}") from None
