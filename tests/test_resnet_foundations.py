"""The data behind the first half of the ResNet lecture, recomputed independently with torch.

Each scene reads its numbers through one function in its own module; these tests rebuild the
same numbers another way (torch's own layers, numpy formulas) and compare.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from model.experiments.sharpening import sharpening
from model.resnet import resnet18


def _needs_record(function) -> None:
    """Canonical experiment records are built by `make data`; without one a call would train."""
    if function.status().state != "fresh":
        pytest.skip(f"assets/data/{function.name}.json is not built (run `make data`)")


# --- WhatIsAFunction --------------------------------------------------------------------------


def test_line_example_is_two_x_plus_one() -> None:
    from slides.resnet.what_is_a_function import line_example

    example = line_example()
    x = torch.tensor(example.inputs, dtype=torch.float64)
    expected = example.slope * x + example.intercept
    assert example.outputs == pytest.approx(expected.tolist())
    assert len(example.outputs) == len(example.inputs) >= 2


# --- SharpenPhoto -----------------------------------------------------------------------------


def _psnr(estimate: np.ndarray, reference: np.ndarray) -> float:
    mse = np.mean((estimate.astype(np.float64) / 255 - reference.astype(np.float64) / 255) ** 2)
    return float(10 * np.log10(1.0 / mse))


def test_sharpening_psnr_matches_the_images() -> None:
    _needs_record(sharpening)
    from slides.resnet.sharpen_photo import sharpening_data

    record = sharpening_data()
    # The record stores 8-bit images; rounding moves PSNR by far less than the 0.1 dB shown.
    assert _psnr(record.blurry, record.sharp) == pytest.approx(record.psnr_blurry, abs=0.05)
    assert _psnr(record.output, record.sharp) == pytest.approx(record.psnr_output, abs=0.05)
    assert _psnr(record.plain_output, record.sharp) == pytest.approx(record.psnr_plain, abs=0.05)


def test_sharpened_output_is_input_plus_residual() -> None:
    _needs_record(sharpening)
    from slides.resnet.sharpen_photo import sharpening_data

    record = sharpening_data()
    rebuilt = np.clip(record.blurry / 255.0 + record.residual.astype(np.float64), 0, 1) * 255
    # One grey level of slack: the stored input was itself rounded to 8 bits.
    assert np.abs(rebuilt - record.output.astype(np.float64)).max() <= 1.01


# --- WhatIsF ----------------------------------------------------------------------------------


def test_resnet18_shapes_match_a_real_forward_pass() -> None:
    from slides.resnet.what_is_f import INPUT_SHAPE, layer_table

    table = layer_table()
    network = resnet18().eval()
    x = torch.zeros(INPUT_SHAPE)
    layers = [network.conv1, network.bn1, network.relu, network.maxpool, network.layer1,
              network.layer2, network.layer3, network.layer4, network.avgpool,
              lambda t: torch.flatten(t, 1), network.fc]
    shapes = []
    with torch.no_grad():
        for layer in layers:
            x = layer(x)
            shapes.append(tuple(x.shape))
    assert table.trace.shapes == tuple(shapes)
    assert table.trace.input_shape == INPUT_SHAPE
    assert table.trace.total_params == sum(p.numel() for p in network.parameters())
    convs_and_fc = [m for m in network.modules() if isinstance(m, (nn.Conv2d, nn.Linear))
                    and not (isinstance(m, nn.Conv2d) and m.kernel_size == (1, 1))]
    assert table.weighted_layers == len(convs_and_fc) == 18
    assert len(table.descriptions) == len(shapes)
