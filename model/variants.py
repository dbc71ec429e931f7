"""Parameter counts behind the ResNet variants: pre-activation, wide blocks, grouped convolutions."""

from __future__ import annotations

from dataclasses import dataclass

from model.block_trace import block_trace
from model.cache import cached

# ResNeXt's cardinality and bottleneck width for one stage (Xie et al. 2017, ResNeXt-50 32x4d,
# first stage: 32 groups of 4 channels, 128 in all), used as the example here.
PAPER_RESNEXT_GROUPS = 32
PAPER_RESNEXT_WIDTH = 128
WIDEN = 4  # an example widening factor for the Wide ResNet comparison


@dataclass(frozen=True)
class VariantNumbers:
    """Parameter counts of the blocks the variants slides compare, each from a torch module.

    ``channels`` is the basic block's width (its first stage) and ``wide_channels`` the same
    block ``widen`` times wider; the ResNeXt counts are one 3x3 convolution of ``resnext_width``
    channels, dense and in ``resnext_groups`` groups.
    """

    channels: int
    basic_params: int
    preact_params: int
    widen: int
    wide_channels: int
    wide_params: int
    resnext_width: int
    resnext_groups: int
    dense_3x3_params: int
    grouped_3x3_params: int


@cached("variant_numbers")
def variant_numbers() -> VariantNumbers:
    """The parameter counts of ``VariantNumbers``, each read off a torch module."""
    from torch import nn

    from model.resnet import count_parameters

    basic = block_trace("basic")
    wide = block_trace("basic", planes=basic.out_channels * WIDEN)
    width = PAPER_RESNEXT_WIDTH
    return VariantNumbers(
        channels=basic.out_channels,
        basic_params=basic.params,
        preact_params=block_trace("preact").params,
        widen=WIDEN,
        wide_channels=wide.out_channels,
        wide_params=wide.params,
        resnext_width=width,
        resnext_groups=PAPER_RESNEXT_GROUPS,
        dense_3x3_params=count_parameters(nn.Conv2d(width, width, 3, padding=1, bias=False)),
        grouped_3x3_params=count_parameters(
            nn.Conv2d(width, width, 3, padding=1, groups=PAPER_RESNEXT_GROUPS, bias=False)
        ),
    )
