"""The records slides show and the measurements behind them, pinned to torch."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from model.__main__ import main
from model.batchnorm_relu import batchnorm_relu_example
from model.block_trace import block_trace
from model.codec import records_equal
from model.convolution import conv_example, feature_maps
from model.identity_block import identity_block_demo
from model.measure import PAPER_GIGA_MULTIPLY_ADDS, build_model, count_flops, model_names, shape_trace
from model.shape_trace import shape_trace_record

RESNET50_TRACE = [
    ("conv1", (2, 64, 112, 112)),
    ("bn1", (2, 64, 112, 112)),
    ("relu", (2, 64, 112, 112)),
    ("maxpool", (2, 64, 56, 56)),
    ("layer1", (2, 256, 56, 56)),
    ("layer2", (2, 512, 28, 28)),
    ("layer3", (2, 1024, 14, 14)),
    ("layer4", (2, 2048, 7, 7)),
    ("avgpool", (2, 2048, 1, 1)),
    ("flatten", (2, 2048)),
    ("fc", (2, 1000)),
]


def _plain_values(record: object) -> list[object]:
    """Every leaf of a record, to check it holds no tensors."""
    leaves: list[object] = []
    pending = [record]
    while pending:
        item = pending.pop()
        if dataclasses.is_dataclass(item):
            pending.extend(getattr(item, f.name) for f in dataclasses.fields(item))
        elif isinstance(item, (tuple, list)):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
        else:
            leaves.append(item)
    return leaves


def test_resnet50_shape_trace():
    assert shape_trace(build_model("resnet50", device="meta"), (2, 3, 224, 224)) == RESNET50_TRACE


def test_trace_matches_a_real_forward_pass():
    torch.manual_seed(0)
    network = build_model("resnet20")
    traced = shape_trace(network, (2, 3, 32, 32))
    assert network.training  # measuring must not switch the caller's mode
    assert traced[-1] == ("fc", tuple(network(torch.randn(2, 3, 32, 32)).shape))


def test_shape_trace_record_totals():
    trace = shape_trace_record("resnet18")
    assert trace.shapes[-1] == (1, 1000)
    assert trace.total_params == 11_689_512
    assert trace.stage_names[:4] == ("conv1", "bn1", "relu", "maxpool")


def test_multiply_adds_near_the_paper():
    macs = count_flops(build_model("resnet18", device="meta"), (1, 3, 224, 224)) // 2
    assert macs == 1_814_073_344  # torchvision lists 1.814 GFLOPS for it
    assert abs(macs / 1e9 - PAPER_GIGA_MULTIPLY_ADDS["resnet18"]) < 0.05


def test_bottleneck_and_basic_block_traces():
    bottleneck = block_trace("bottleneck")
    assert bottleneck.layer_in_channels == (256, 64, 64)
    assert bottleneck.layer_out_channels == (64, 64, 256)
    assert bottleneck.kernel_sizes == (1, 3, 1)
    assert bottleneck.layer_params == (256 * 64, 64 * 64 * 9, 64 * 256)
    assert bottleneck.layer_macs == tuple(p * 56 * 56 for p in bottleneck.layer_params)
    assert bottleneck.params == sum(bottleneck.layer_params) + bottleneck.bn_params
    basic = block_trace("basic")
    assert basic.layer_in_channels == (64, 64) and basic.layer_out_channels == (64, 64)
    assert basic.params == 2 * 64 * 64 * 9 + 4 * 64
    projected = block_trace("bottleneck", in_channels=256, planes=128, stride=2, size=56)
    assert projected.shortcut_params == 256 * 512 + 2 * 512
    with pytest.raises(ValueError, match="valid kinds: basic, bottleneck, preact"):
        block_trace("inverted")


@pytest.mark.parametrize("stride,padding", [(1, 0), (2, 0), (1, 1), (2, 1)])
def test_conv_example_equals_torch(stride, padding):
    rng = np.random.default_rng(0)
    patch = rng.integers(0, 10, size=(6, 5)).astype(np.float64)
    kernel = rng.integers(-2, 3, size=(3, 3)).astype(np.float64)
    example = conv_example(patch, kernel, stride=stride, padding=padding)
    expected = F.conv2d(
        torch.from_numpy(patch)[None, None],
        torch.from_numpy(kernel)[None, None],
        stride=stride,
        padding=padding,
    )[0, 0].numpy()
    assert np.array_equal(example.output, expected)
    assert np.array_equal(example.sums, example.output)
    top, left = example.window_origins[-1, -1]
    last_window = example.padded_input[top : top + 3, left : left + 3]
    assert np.array_equal(example.windows[-1, -1], last_window)
    assert np.array_equal(example.products[-1, -1], example.windows[-1, -1] * kernel)


def test_conv_example_rejects_bad_shapes():
    with pytest.raises(ValueError, match="2-D"):
        conv_example(np.zeros((1, 4, 4)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="does not fit"):
        conv_example(np.zeros((2, 2)), np.ones((3, 3)))


def test_feature_maps_use_the_given_weights():
    rng = np.random.default_rng(0)
    image = rng.random((20, 24)).astype(np.float32)
    weights = rng.normal(size=(6, 3, 3, 3)).astype(np.float32)
    maps = feature_maps(image, weights, n=2)
    assert len(maps.filter_indices) == 2 and maps.maps.shape == (2, 20, 24)
    grey_as_rgb = torch.from_numpy(np.repeat(image[None], 3, axis=0))[None]
    expected = F.conv2d(grey_as_rgb, torch.from_numpy(weights), padding=1)[0]
    assert np.allclose(maps.maps, expected[list(maps.filter_indices)].numpy(), atol=1e-6)
    assert np.array_equal(maps.activations, np.maximum(maps.maps, 0))
    chosen = feature_maps(image, weights, indices=(5, 0))
    assert chosen.filter_indices == (5, 0)
    with pytest.raises(ValueError, match="indices"):
        feature_maps(image, weights, indices=(6,))


def test_records_hold_no_tensors_and_are_deterministic():
    records = [
        identity_block_demo(),
        batchnorm_relu_example(),
        block_trace("basic"),
        conv_example(np.eye(3), np.ones((2, 2))),
    ]
    for record in records:
        assert dataclasses.is_dataclass(record)
        leaves = _plain_values(record)
        assert all(isinstance(v, (int, float, str, bool, np.ndarray)) for v in leaves)
    assert records_equal(identity_block_demo(), identity_block_demo())
    assert records_equal(batchnorm_relu_example(), batchnorm_relu_example())


def test_unknown_model_name_is_rejected():
    with pytest.raises(ValueError, match="valid names: resnet18"):
        build_model("resnet51")
    assert "plain34" in model_names() and "resnet110" in model_names()


def test_cli_trace_and_bad_name(capsys):
    assert main(["resnet50"]) == 0
    out = capsys.readouterr().out
    assert "1x2048x7x7" in out and "25,557,032" in out
    assert main(["resnet51"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
    assert "resnet50" in captured.err


def test_import_model_stays_light():
    import subprocess
    import sys

    code = (
        "import sys, model; heavy = [m for m in ('sklearn', 'skimage', 'manim', "
        "'model.experiments') if m in sys.modules]; print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
