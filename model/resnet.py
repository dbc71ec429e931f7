"""ImageNet ResNets (He et al. 2015, Table 1) in torchvision's module layout."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from torch import Tensor, nn

from model.blocks import BasicBlock, Bottleneck, ResidualBlock, ShortcutKind


class StagedNetwork(nn.Module):
    """A network that runs as an ordered list of named stages.

    ``forward`` is the list run in order, so a shape trace that walks the same list shows
    exactly what ``forward`` computes.
    """

    def named_stages(self) -> list[tuple[str, nn.Module]]:
        raise NotImplementedError

    def forward(self, x: Tensor) -> Tensor:
        for _, stage in self.named_stages():
            x = stage(x)
        return x

    def blocks(self) -> list[ResidualBlock]:
        """The residual blocks in the order the input meets them (for hooks on their inputs)."""
        return [m for m in self.modules() if isinstance(m, ResidualBlock)]


def _init_weights(network: nn.Module) -> None:
    """He initialisation for convs and unit BN, as torchvision does."""
    for module in network.modules():
        if isinstance(module, nn.Conv2d):
            nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
        elif isinstance(module, nn.BatchNorm2d):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)


class ResNet(StagedNetwork):
    """ImageNet ResNet: 7x7/2 conv, 3x3/2 max-pool, four stages, global average pool, FC.

    Args:
        block: ``BasicBlock`` or ``Bottleneck``.
        layers: blocks per stage, e.g. ``(3, 4, 6, 3)``.
        num_classes: size of the final FC layer.
        plain: drop every shortcut (the paper's plain baseline).
        in_channels: image channels.
        shortcut: ``projection`` (torchvision) or ``option_a``.
        stride_on: for bottlenecks, which conv carries the stride (see ``Bottleneck``).
        zero_init_residual: start each block's last BN at gamma = 0, so every block
            begins as the identity.
    """

    def __init__(
        self,
        block: type[BasicBlock] | type[Bottleneck],
        layers: Sequence[int],
        num_classes: int = 1000,
        plain: bool = False,
        in_channels: int = 3,
        shortcut: ShortcutKind = "projection",
        stride_on: Literal["conv1", "conv2"] = "conv2",
        zero_init_residual: bool = False,
    ) -> None:
        super().__init__()
        if len(layers) != 4 or any(n < 1 for n in layers):
            raise ValueError(f"layers must be four positive block counts, got {tuple(layers)}")
        self.block_type = block
        self.layers_per_stage = tuple(layers)
        self.plain = plain
        self.conv1 = nn.Conv2d(in_channels, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        channels = 64
        stages: list[nn.Sequential] = []
        for index, (planes, count) in enumerate(zip((64, 128, 256, 512), layers)):
            stride = 1 if index == 0 else 2
            stage: list[nn.Module] = []
            for position in range(count):
                options: dict[str, object] = {"stride_on": stride_on} if block is Bottleneck else {}
                unit = block(
                    channels,
                    planes,
                    stride if position == 0 else 1,
                    shortcut=shortcut,
                    residual=not plain,
                    **options,  # type: ignore[arg-type]
                )
                stage.append(unit)
                channels = planes * block.expansion
            stages.append(nn.Sequential(*stage))
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.flatten = nn.Flatten(1)
        self.fc = nn.Linear(channels, num_classes)
        _init_weights(self)
        if zero_init_residual:
            for each in self.blocks():
                last_bn = "bn3" if isinstance(each, Bottleneck) else "bn2"
                nn.init.zeros_(each.get_parameter(f"{last_bn}.weight"))

    def named_stages(self) -> list[tuple[str, nn.Module]]:
        names = ("conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "flatten", "fc")
        return [(name, getattr(self, name)) for name in names]


IMAGENET_LAYOUTS: dict[str, tuple[type[BasicBlock] | type[Bottleneck], tuple[int, ...]]] = {
    "resnet18": (BasicBlock, (2, 2, 2, 2)),
    "resnet34": (BasicBlock, (3, 4, 6, 3)),
    "resnet50": (Bottleneck, (3, 4, 6, 3)),
    "resnet101": (Bottleneck, (3, 4, 23, 3)),
    "resnet152": (Bottleneck, (3, 8, 36, 3)),
}
"""Block type and blocks per stage of each ImageNet model (paper, Table 1)."""


def _imagenet(name: str, plain: bool, **kwargs: object) -> ResNet:
    block, layers = IMAGENET_LAYOUTS[name]
    return ResNet(block, layers, plain=plain, **kwargs)  # type: ignore[arg-type]


def resnet18(plain: bool = False, **kwargs: object) -> ResNet:
    """ResNet-18 (11,689,512 parameters); ``plain=True`` for the paper's plain-18."""
    return _imagenet("resnet18", plain, **kwargs)


def resnet34(plain: bool = False, **kwargs: object) -> ResNet:
    """ResNet-34 (21,797,672 parameters); ``plain=True`` for the paper's plain-34."""
    return _imagenet("resnet34", plain, **kwargs)


def resnet50(plain: bool = False, **kwargs: object) -> ResNet:
    """ResNet-50 (25,557,032 parameters)."""
    return _imagenet("resnet50", plain, **kwargs)


def resnet101(plain: bool = False, **kwargs: object) -> ResNet:
    """ResNet-101 (44,549,160 parameters)."""
    return _imagenet("resnet101", plain, **kwargs)


def resnet152(plain: bool = False, **kwargs: object) -> ResNet:
    """ResNet-152 (60,192,808 parameters)."""
    return _imagenet("resnet152", plain, **kwargs)


def count_parameters(network: nn.Module) -> int:
    """Number of learnable parameters (BN running statistics are buffers, not counted)."""
    return sum(p.numel() for p in network.parameters())


def weighted_layers(network: nn.Module) -> int:
    """Convs and FC layers on the main path: the "depth" in a ResNet's name.

    Projection shortcuts are not counted, as in the paper.
    """
    return sum(
        1
        for name, module in network.named_modules()
        if isinstance(module, (nn.Conv2d, nn.Linear)) and "downsample" not in name
    )
