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

# --- WhatIsAFunction --------------------------------------------------------------------------


def test_line_example_is_two_x_plus_one() -> None:
    from model.functions import line_example

    example = line_example()
    x = torch.tensor(example.inputs, dtype=torch.float64)
    expected = example.slope * x + example.intercept
    assert example.outputs == pytest.approx(expected.tolist())
    assert len(example.outputs) == len(example.inputs) >= 2


# --- SharpenPhoto -----------------------------------------------------------------------------


def _psnr(estimate: np.ndarray, reference: np.ndarray) -> float:
    mse = np.mean((estimate.astype(np.float64) / 255 - reference.astype(np.float64) / 255) ** 2)
    return float(10 * np.log10(1.0 / mse))


def test_sharpening_psnr_matches_the_images(canonical) -> None:
    canonical(sharpening)
    from slides.resnet.sharpen_photo import sharpening_data

    record = sharpening_data()
    from slides.resnet.sharpen_photo import psnr_range_text, runs_notes

    runs = np.array(record.output_psnr.runs)
    shown = "PSNR " + _mean_range(runs, 1.0, " dB", 1).replace(" (", "\n(")
    assert psnr_range_text(record.output_psnr) == shown
    plain = "PSNR " + _mean_range(np.array(record.plain_psnr.runs), 1.0, " dB", 1)
    assert psnr_range_text(record.plain_psnr) == plain.replace(" (", "\n(")
    assert f"{len(record.seeds)} times" in runs_notes(record)
    # The record stores 8-bit images; rounding moves PSNR by far less than the 0.1 dB shown.
    assert _psnr(record.blurry, record.sharp) == pytest.approx(record.psnr_blurry, abs=0.05)
    assert _psnr(record.output, record.sharp) == pytest.approx(record.psnr_output, abs=0.05)
    assert _psnr(record.plain_output, record.sharp) == pytest.approx(record.psnr_plain, abs=0.05)


def test_sharpened_output_is_input_plus_residual(canonical) -> None:
    record = canonical(sharpening)
    rebuilt = np.clip(record.blurry / 255.0 + record.residual.astype(np.float64), 0, 1) * 255
    # One grey level of slack: the stored input was itself rounded to 8 bits.
    assert np.abs(rebuilt - record.output.astype(np.float64)).max() <= 1.01


# --- WhatIsF ----------------------------------------------------------------------------------


def test_resnet18_shapes_match_a_real_forward_pass() -> None:
    from model.layers import layer_table

    input_shape = (1, 3, 224, 224)  # one RGB image at ImageNet's size
    table = layer_table()
    network = resnet18().eval()
    x = torch.zeros(input_shape)
    layers = [
        network.conv1,
        network.bn1,
        network.relu,
        network.maxpool,
        network.layer1,
        network.layer2,
        network.layer3,
        network.layer4,
        network.avgpool,
        lambda t: torch.flatten(t, 1),
        network.fc,
    ]
    shapes = []
    with torch.no_grad():
        for layer in layers:
            x = layer(x)
            shapes.append(tuple(x.shape))
    assert table.trace.shapes == tuple(shapes)
    assert table.trace.input_shape == input_shape
    assert table.trace.total_params == sum(p.numel() for p in network.parameters())
    convs_and_fc = [
        m
        for m in network.modules()
        if isinstance(m, (nn.Conv2d, nn.Linear)) and not (isinstance(m, nn.Conv2d) and m.kernel_size == (1, 1))
    ]
    assert table.weighted_layers == len(convs_and_fc) == 18
    assert len(table.descriptions) == len(shapes)


# --- HowConvolutionWorks ----------------------------------------------------------------------


def test_convolution_steps_match_torch_conv2d() -> None:
    from skimage import data, transform

    from model.convolution import edge_patch

    lesson = edge_patch()
    example = lesson.convolution
    # The patch cut again from scikit-image's photo: 128x128, grey levels 0..9.
    photo = transform.resize(data.camera() / 255.0, (128, 128), anti_aliasing=True)
    r, c = lesson.origin
    patch = torch.tensor(np.rint(photo[r : r + 6, c : c + 6] * 9), dtype=torch.float64)
    np.testing.assert_array_equal(example.input, patch.numpy())
    assert lesson.grey_levels == 9
    kernel = torch.tensor([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=torch.float64)  # Sobel, x
    np.testing.assert_array_equal(example.kernel, kernel.numpy())
    expected = F.conv2d(patch[None, None], kernel[None, None])[0, 0]
    # The windows torch slides over, taken independently with unfold.
    windows = F.unfold(patch[None, None], kernel_size=3)[0].T.reshape(*expected.shape, 3, 3)
    np.testing.assert_array_equal(example.windows, windows.numpy())
    np.testing.assert_array_equal(example.products, (windows * kernel).numpy())
    np.testing.assert_array_equal(example.sums, expected.numpy())
    np.testing.assert_array_equal(example.output, expected.numpy())
    # Whole grey levels 0..9, so every product and sum on screen is a whole number.
    assert set(np.unique(example.input)) <= set(range(10))
    assert np.all(example.sums == np.round(example.sums))


def test_learned_feature_maps_match_torch_conv2d(canonical) -> None:
    from model.convolution import learned_filters

    record = canonical(sharpening)
    learned = learned_filters()
    maps = learned.maps
    assert len(maps.filter_indices) == 4
    assert learned.learned == record.first_layer_weight.shape[0]
    image = torch.tensor(record.blurry / 255.0, dtype=torch.float32)[None, None]
    weights = torch.tensor(record.first_layer_weight)
    expected = F.conv2d(image, weights, padding=1)[0, list(maps.filter_indices)]
    np.testing.assert_allclose(maps.maps, expected.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(maps.filters, record.first_layer_weight[list(maps.filter_indices)])


# --- BatchNormAndReLU -------------------------------------------------------------------------


def test_batchnorm_and_relu_match_fresh_torch_layers() -> None:
    from model.batchnorm_relu import batchnorm_relu_example

    record = batchnorm_relu_example()
    x = torch.tensor(record.input, dtype=torch.float64)
    bn = nn.BatchNorm2d(x.shape[1]).double().train()
    with torch.no_grad():
        after_bn = bn(x)
    # One training step moves the running statistics as the fresh layer's moved.
    np.testing.assert_allclose(record.running_mean, bn.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(record.running_var, bn.running_var.numpy(), rtol=1e-12)
    np.testing.assert_allclose(record.bn_output, after_bn.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(record.output, torch.relu(after_bn).numpy(), rtol=1e-12, atol=1e-12)
    flat = record.input.transpose(1, 0, 2, 3).reshape(x.shape[1], -1)
    np.testing.assert_allclose(record.mean, flat.mean(axis=1))
    np.testing.assert_allclose(record.var, flat.var(axis=1))
    # What the slide claims: each normalised channel has mean 0 and variance 1.
    normalised = record.normalised.transpose(1, 0, 2, 3).reshape(x.shape[1], -1)
    np.testing.assert_allclose(normalised.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(normalised.var(axis=1), 1, atol=1e-4)
    assert (record.output == 0).sum() == (record.normalised < 0).sum() > 0


# --- NestedFunctions --------------------------------------------------------------------------


def test_extra_zero_layer_forgets_f_unless_it_adds_its_input_back() -> None:
    from model.functions import extra_layer_example

    example = extra_layer_example()
    y = 2 * np.array(example.line.inputs) + 1
    np.testing.assert_array_equal(example.line.outputs, y)
    assert example.weight == example.bias == 0.0
    # A zero-weight layer relu(0 * y + 0) is 0 everywhere; y + that is y.
    np.testing.assert_array_equal(example.plain_outputs, np.maximum(0.0 * y + 0.0, 0.0))
    np.testing.assert_array_equal(example.residual_outputs, y)


# --- DegradationProblem -----------------------------------------------------------------------


def _mean_range(runs: np.ndarray, scale: float, unit: str, digits: int) -> str:
    """Mean (lowest-highest) of the runs, written out independently of the slides' helper."""
    runs = np.asarray(runs, dtype=np.float64) * scale
    return f"{runs.mean():.{digits}f}{unit} ({runs.min():.{digits}f}\u2013{runs.max():.{digits}f}{unit})"


def test_degradation_curves_are_error_rates_per_epoch(canonical) -> None:
    from model.experiments.degradation import degradation, run_key

    record = canonical(degradation)
    for depth in record.depths:
        for plain in (True, False):
            key = run_key(plain, depth)
            curves = np.asarray(record.train_error[key], dtype=np.float64)
            assert curves.shape == (len(record.seeds), record.epochs)
            assert np.all((curves >= 0) & (curves <= 1))
            # An error rate on n_train images is a whole number of mistakes.
            mistakes = curves * record.n_train
            np.testing.assert_allclose(mistakes, np.round(mistakes), atol=1e-3)
            assert record.final_train_error[key].runs == pytest.approx(curves[:, -1].tolist())


def test_degradation_slide_shows_the_spread_of_the_runs(canonical) -> None:
    from model.experiments.degradation import degradation, run_key

    canonical(degradation)
    from slides.common.spread import curve_band
    from slides.resnet.degradation_problem import (
        criterion_notes,
        degradation_data,
        legend_text,
        verdict_text,
    )

    record = degradation_data()
    for depth in record.depths:
        for plain in (True, False):
            key = run_key(plain, depth)
            runs = np.asarray(record.train_error[key], dtype=np.float64)
            mean, low, high = curve_band(record.train_error[key])
            np.testing.assert_allclose(mean, runs.mean(axis=0))
            np.testing.assert_array_equal(low, runs.min(axis=0))
            np.testing.assert_array_equal(high, runs.max(axis=0))
            shown = f"{key}: {_mean_range(runs[:, -1], 100, '%', 1)}".replace(" (", "\n(")
            assert legend_text(record, plain, depth) == shown
    notes = criterion_notes(record)
    assert f"mean of {len(record.seeds)} runs" in notes
    deep = max(record.depths)
    assert _mean_range(record.train_error[run_key(True, deep)][:, -1], 100, "%", 1) in notes
    # The verdict on the slide is the criterion recomputed from the runs.
    deep_plain = np.asarray(record.train_error[run_key(True, deep)][:, -1], dtype=np.float64)

    def clearly_above(other: np.ndarray) -> bool:
        other = np.asarray(other, dtype=np.float64)
        pooled = np.sqrt((deep_plain.var(ddof=1) + other.var(ddof=1)) / 2)
        return bool(deep_plain.mean() - other.mean() > 2 * pooled and deep_plain.min() > other.max())

    degrades = clearly_above(record.train_error[run_key(True, min(record.depths))][:, -1])
    helps = clearly_above(record.train_error[run_key(False, deep)][:, -1])
    assert (record.plain_degrades, record.residual_helps) == (degrades, helps)
    assert verdict_text(record).startswith("Measured" if degrades else "Honestly")


def test_paper_figures_are_the_papers() -> None:
    from model.measure import PAPER_IMAGENET_TOP1_ERROR_10CROP as paper
    from slides.resnet.degradation_problem import PAPER_ROWS

    assert {key for _, key in PAPER_ROWS} <= set(paper)
    # He et al. 2015, Table 2: the deeper plain net is worse, the deeper ResNet better.
    assert paper["plain34"] > paper["plain18"] and paper["resnet34"] < paper["resnet18"]
