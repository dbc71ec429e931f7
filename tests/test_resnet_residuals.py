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


def test_gradient_flow_record_is_positive_finite_and_complete(canonical) -> None:
    from model.cifar import blocks_per_stage
    from model.experiments import gradient_flow as experiment
    from slides.resnet.gradient_flow import shared_range

    record = canonical(experiment.gradient_flow)
    assert record.depths == (20, 56, 110)
    for depth in record.depths:
        for kind in ("plain", "residual"):
            norms = np.asarray(record.grad_norms[f"{kind}-{depth}"])
            assert norms.shape == (3 * blocks_per_stage(depth),)
            assert np.isfinite(norms).all() and (norms > 0).all()
            np.testing.assert_allclose(record.first_over_last[f"{kind}-{depth}"], norms[0] / norms[-1], rtol=1e-5)
    low, high = shared_range(record)
    every = np.concatenate([np.ravel(v) for v in record.grad_norms.values()])
    assert low <= every.min() and every.max() <= high


def test_gradient_flow_of_a_small_net_matches_autograd() -> None:
    # The measurement itself, on the 20-layer pair, against hooks written here.
    from model.cifar import resnet_cifar
    from model.experiments.gradient_flow import block_input_gradients

    torch.manual_seed(0)
    net = resnet_cifar(20, in_channels=1)
    x, y = torch.randn(8, 1, 32, 32), torch.randint(0, 10, (8,))
    norms, _ = block_input_gradients(net, x, y)
    net.zero_grad()
    inputs: list[torch.Tensor] = []
    hooks = [
        b.register_forward_pre_hook(lambda _m, a: (a[0].retain_grad(), inputs.append(a[0])) and None)
        for b in net.blocks()
    ]
    nn.functional.cross_entropy(net(x), y).backward()
    for h in hooks:
        h.remove()
    np.testing.assert_allclose(norms, [float(t.grad.norm()) for t in inputs], rtol=1e-4)


def test_transfer_record_holds_accuracies(canonical) -> None:
    from model.experiments import transfer as experiment
    from slides.common.spread import curve_band
    from slides.resnet.transfer_learning import criterion_notes, end_label, transfer_data

    canonical(experiment.transfer)
    record = transfer_data()
    for curve, final in (
        (record.transfer_accuracy, record.final_transfer_accuracy),
        (record.scratch_accuracy, record.final_scratch_accuracy),
    ):
        curve = np.asarray(curve, dtype=np.float64)
        assert curve.shape == (len(record.seeds), record.finetune_epochs)
        assert np.isfinite(curve).all() and (curve >= 0).all() and (curve <= 1).all()
        assert final.runs == pytest.approx(curve[:, -1].tolist())
        # The band and the end label on the slide are the spread of the runs.
        mean, low, high = curve_band(curve)
        np.testing.assert_allclose(mean, curve.mean(axis=0))
        np.testing.assert_array_equal(low, curve.min(axis=0))
        np.testing.assert_array_equal(high, curve.max(axis=0))
        last = curve[:, -1] * 100
        assert end_label(final) == f"{last.mean():.0f}% ({last.min():.0f}\u2013{last.max():.0f}%)"
    assert f"mean of {len(record.seeds)} runs" in criterion_notes(record)
    assert record.n_target_train == record.shots * len(record.target_classes)


def test_variant_numbers_match_fresh_modules() -> None:
    from model.variants import variant_numbers

    numbers = variant_numbers()
    # ResNet-18/34's first stage is 64 channels wide (He et al. 2015, Table 1).
    assert numbers.channels == 64
    assert numbers.preact_params == _params(PreActBlock(64, 64))
    assert numbers.basic_params == _params(BasicBlock(64, 64))
    assert numbers.wide_channels == 64 * numbers.widen
    assert numbers.wide_params == _params(BasicBlock(64 * numbers.widen, 64 * numbers.widen))
    # ResNeXt-50 (32x4d), first stage: 32 groups of 4 channels (Xie et al. 2017, Table 1).
    assert (numbers.resnext_groups, numbers.resnext_width) == (32, 128)
    k = numbers.resnext_width
    assert numbers.dense_3x3_params == k * k * 9
    assert numbers.grouped_3x3_params == k * (k // numbers.resnext_groups) * 9
