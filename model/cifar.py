"""CIFAR-10 ResNets (He et al. 2015, section 4.2): 6n+2 layers, option A shortcuts."""

from __future__ import annotations

from torch import nn

from model.blocks import BasicBlock, PreActBlock, ResidualBlock
from model.resnet import StagedNetwork, _init_weights

CIFAR_DEPTHS: tuple[int, ...] = (20, 32, 44, 56, 110)
"""Depths the paper trains on CIFAR-10 (Table 6, without the 1202-layer net)."""


def blocks_per_stage(depth: int) -> int:
    """n for a depth of 6n + 2; ``ValueError`` for any other depth."""
    if depth < 8 or (depth - 2) % 6 != 0:
        examples = ", ".join(str(6 * n + 2) for n in range(1, 6))
        raise ValueError(f"CIFAR ResNet depth must be 6n+2 with n >= 1 (e.g. {examples}, ..., 110), got {depth}")
    return (depth - 2) // 6


class CifarResNet(StagedNetwork):
    """3x3 conv, three stages of n blocks on 32/16/8 maps, global average pool, FC.

    Args:
        depth: 6n + 2 weighted layers.
        plain: same layers with no skip connections.
        width: filters in the first stage (the paper's 16); stages use width, 2x, 4x.
        in_channels: 3 for colour, 1 for grey images.
        num_classes: size of the final FC layer.
        preact: use pre-activation blocks (He et al. 2016); the stem is then a bare conv
            and a final BN + ReLU precedes the pooling, since no block ends in one.
    """

    def __init__(
        self,
        depth: int,
        plain: bool = False,
        width: int = 16,
        in_channels: int = 3,
        num_classes: int = 10,
        preact: bool = False,
    ) -> None:
        super().__init__()
        n = blocks_per_stage(depth)
        if width < 1:
            raise ValueError(f"width must be positive, got {width}")
        self.depth = depth
        self.plain = plain
        self.preact = preact
        block: type[BasicBlock] | type[PreActBlock] = PreActBlock if preact else BasicBlock
        self.conv1 = nn.Conv2d(in_channels, width, 3, padding=1, bias=False)
        self.bn1: nn.Module = nn.Identity() if preact else nn.BatchNorm2d(width)
        self.relu: nn.Module = nn.Identity() if preact else nn.ReLU(inplace=True)
        channels = width
        stages: list[nn.Sequential] = []
        for index in range(3):
            planes = width * 2**index
            units: list[ResidualBlock] = []
            for position in range(n):
                stride = 2 if index > 0 and position == 0 else 1
                units.append(block(channels, planes, stride, shortcut="option_a", residual=not plain))
                channels = planes
            stages.append(nn.Sequential(*units))
        self.layer1, self.layer2, self.layer3 = stages
        self.final_bn: nn.Module = nn.BatchNorm2d(channels) if preact else nn.Identity()
        self.final_relu: nn.Module = nn.ReLU() if preact else nn.Identity()
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.flatten = nn.Flatten(1)
        self.fc = nn.Linear(channels, num_classes)
        _init_weights(self)

    def named_stages(self) -> list[tuple[str, nn.Module]]:
        names = ["conv1", "bn1", "relu", "layer1", "layer2", "layer3"]
        if self.preact:
            names = ["conv1", "layer1", "layer2", "layer3", "final_bn", "final_relu"]
        names += ["avgpool", "flatten", "fc"]
        return [(name, getattr(self, name)) for name in names]


def resnet_cifar(
    depth: int,
    plain: bool = False,
    width: int = 16,
    in_channels: int = 3,
    num_classes: int = 10,
    preact: bool = False,
) -> CifarResNet:
    """CIFAR ResNet of ``depth`` = 6n+2 layers, e.g. ``resnet_cifar(20)`` has 269,722 parameters.

    ``plain=True`` removes the skips but keeps every parameter (option A shortcuts have none).
    """
    return CifarResNet(depth, plain, width, in_channels, num_classes, preact)
