"""The data behind the second half of the ResNet lecture, recomputed independently with torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from model.blocks import BasicBlock, Bottleneck, PreActBlock
from model.resnet import resnet50


def _params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def _macs(module: nn.Module, shape: tuple[int, ...]) -> int:
    module.eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        module(torch.zeros(shape))
    return counter.get_total_flops() // 2


def test_identity_demo_is_a_zeroed_basic_block() -> None:
    from slides.resnet.residual_connection import identity_demo_data

    demo = identity_demo_data()
    torch.manual_seed(1)
    block = BasicBlock(1, 1)
    with torch.no_grad():
        for p in block.parameters():
            p.normal_()
        block.bn2.weight.zero_()
        block.bn2.bias.zero_()
    block.eval()
    x = torch.from_numpy(demo.input)[None, None]
    with torch.no_grad():
        branch = block.bn2(block.conv2(block.relu(block.bn1(block.conv1(x)))))
        out = block(x)
    # Whatever the other weights, F(x) is zero and the block returns its (non-negative) input.
    np.testing.assert_array_equal(branch[0, 0].numpy(), np.zeros_like(demo.input))
    np.testing.assert_array_equal(demo.residual, np.zeros_like(demo.input))
    np.testing.assert_array_equal(out[0, 0].numpy(), demo.input)
    np.testing.assert_array_equal(demo.output, demo.input)
    assert demo.gamma == 0.0 and demo.beta == 0.0
    assert (demo.input >= 0).all() and demo.input.shape == (4, 4)


def test_block_costs_match_fresh_blocks() -> None:
    from slides.resnet.basic_vs_bottleneck import block_traces

    basic, bottleneck = block_traces()
    fresh_basic, fresh_bottleneck = BasicBlock(64, 64), Bottleneck(256, 64)
    assert basic.params == _params(fresh_basic) == 73_984
    assert bottleneck.params == _params(fresh_bottleneck) == 70_400
    assert basic.macs == _macs(fresh_basic, (1, 64, 56, 56))
    assert bottleneck.macs == _macs(fresh_bottleneck, (1, 256, 56, 56))
    assert bottleneck.layer_in_channels == (256, 64, 64)
    assert bottleneck.layer_out_channels == (64, 64, 256)
    assert basic.layer_in_channels == (64, 64) and basic.layer_out_channels == (64, 64)
    convs = [fresh_bottleneck.conv1, fresh_bottleneck.conv2, fresh_bottleneck.conv3]
    assert bottleneck.layer_params == tuple(_params(c) for c in convs)


def test_resnet50_trace_matches_a_forward_pass() -> None:
    from slides.resnet.whole_network import resnet50_trace

    trace = resnet50_trace()
    net = resnet50().eval()
    x = torch.zeros(trace.input_shape)
    shapes = []
    with torch.no_grad():
        for _, stage in net.named_stages():
            x = stage(x)
            shapes.append(tuple(x.shape))
    assert trace.input_shape == (2, 3, 224, 224)
    assert trace.shapes == tuple(shapes)
    assert trace.shapes[-1] == (2, 1000)
    assert trace.total_params == _params(net) == 25_557_032


def test_family_parameters_are_the_reference_counts() -> None:
    from slides.resnet.whole_network import resnet_family

    family = resnet_family()
    counts = [row.params for row in family.rows]
    assert counts == [11_689_512, 21_797_672, 25_557_032, 44_549_160, 60_192_808]
    assert [row.layers for row in family.rows] == [18, 34, 50, 101, 152]
    # ResNet-18 at 224x224, counted here without the model's own helper.
    from model.resnet import resnet18

    with torch.device("meta"):
        net18 = resnet18()
    net18.eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        net18(torch.zeros((1, 3, 224, 224), device="meta"))
    assert family.rows[0].macs == counter.get_total_flops() // 2
