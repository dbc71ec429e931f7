"""The ImageNet and CIFAR-10 ResNet families, measured, beside the published figures."""

from __future__ import annotations

from dataclasses import dataclass

from model.cache import cached
from model.measure import (
    PAPER_CIFAR_TEST_ERROR,
    PAPER_GIGA_MULTIPLY_ADDS,
    TOP1_ERROR_SOURCE,
    TORCHVISION_TOP1_ERROR,
    build_model,
    count_flops,
    trace_stages,
)


@dataclass(frozen=True)
class FamilyRow:
    """One ImageNet ResNet: measured here, beside the paper's and torchvision's figures.

    ``macs_stride_on_conv1`` is the same net with the bottleneck stride on the first 1x1 conv,
    the placement the paper's models used; it is what the paper's ``paper_giga_macs`` counts.
    """

    name: str
    layers: int
    block: str
    blocks_per_stage: tuple[int, ...]
    params: int
    macs: int
    flops: int
    macs_stride_on_conv1: int
    output_shape: tuple[int, ...]
    paper_giga_macs: float
    reference_top1_error: float


@dataclass(frozen=True)
class FamilyTable:
    """The ResNet family at one input size; ``top1_error_source`` says where errors come from."""

    input_shape: tuple[int, ...]
    rows: tuple[FamilyRow, ...]
    top1_error_source: str


@cached("family_table")
def family_table(input_size: int = 224) -> FamilyTable:
    """ResNet-18/34/50/101/152: layers, parameters, multiply-adds and output shape, measured."""
    import torch

    from model.blocks import Bottleneck
    from model.resnet import IMAGENET_LAYOUTS, ResNet, count_parameters, weighted_layers

    input_shape = (1, 3, input_size, input_size)
    rows = []
    for name, (block, layers) in IMAGENET_LAYOUTS.items():
        network = build_model(name, device="meta")
        with torch.device("meta"):
            paper_variant = ResNet(block, layers, stride_on="conv1")
        stages = trace_stages(network, input_shape)
        flops = sum(stage.flops for stage in stages)
        rows.append(
            FamilyRow(
                name=name,
                layers=weighted_layers(network),
                block="bottleneck" if block is Bottleneck else "basic",
                blocks_per_stage=tuple(layers),
                params=count_parameters(network),
                macs=flops // 2,
                flops=flops,
                macs_stride_on_conv1=count_flops(paper_variant, input_shape) // 2,
                output_shape=stages[-1].output_shape,
                paper_giga_macs=PAPER_GIGA_MULTIPLY_ADDS[name],
                reference_top1_error=round(TORCHVISION_TOP1_ERROR[name], 3),
            )
        )
    return FamilyTable(input_shape, tuple(rows), TOP1_ERROR_SOURCE)


@dataclass(frozen=True)
class CifarTable:
    """The CIFAR-10 family (6n+2 layers, option A): plain and residual share every parameter."""

    depths: tuple[int, ...]
    params: tuple[int, ...]
    plain_params: tuple[int, ...]
    macs: tuple[int, ...]
    paper_test_error: tuple[float, ...]


def cifar_table() -> CifarTable:
    """ResNet-20/32/44/56/110 measured at 32x32, with the paper's test errors (Table 6)."""
    import torch

    from model.cifar import CIFAR_DEPTHS, resnet_cifar
    from model.resnet import count_parameters

    params, plain_params, macs = [], [], []
    for depth in CIFAR_DEPTHS:
        with torch.device("meta"):
            residual, plain = resnet_cifar(depth), resnet_cifar(depth, plain=True)
        params.append(count_parameters(residual))
        plain_params.append(count_parameters(plain))
        macs.append(count_flops(residual, (1, 3, 32, 32)) // 2)
    return CifarTable(
        depths=CIFAR_DEPTHS,
        params=tuple(params),
        plain_params=tuple(plain_params),
        macs=tuple(macs),
        paper_test_error=tuple(PAPER_CIFAR_TEST_ERROR[d] for d in CIFAR_DEPTHS),
    )
