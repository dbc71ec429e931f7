"""The four experiments at tiny budgets (shapes, sanity, determinism), the effects that are
robust even at that size (the same verdict from two independent seed sets), the consistency
check that rejects a record whose runs disagree with its verdict, and the canonical records."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import torch

from model.cifar import blocks_per_stage, resnet_cifar
from model.codec import records_equal
from model.experiments import datasets
from model.experiments import degradation as degradation_module
from model.experiments import sharpening as sharpening_module
from model.experiments import spread as stats
from model.experiments import transfer as transfer_module
from model.experiments.degradation import degradation, run_key
from model.experiments.gradient_flow import gradient_flow
from model.experiments.sharpening import sharpening
from model.experiments.sharpening_net import SharpeningNet
from model.experiments.training import error_rate
from model.experiments.transfer import transfer

ALL_RECORDS = (gradient_flow, degradation, sharpening, transfer)


def _psnr_bytes(image: np.ndarray, reference: np.ndarray) -> float:
    """PSNR written out independently of the package's helper."""
    mse = np.mean((image.astype(np.float64) - reference.astype(np.float64)) ** 2) / 255.0**2
    return float(10.0 * math.log10(1.0 / mse))


# --- data -------------------------------------------------------------------------------------


def test_digits_split_is_balanced_disjoint_and_seeded() -> None:
    train, val = datasets.digits_train_val(8, val_per_class=40, seed=0)
    assert len(train) + len(val) == 1797
    assert np.bincount(val.labels.numpy()).tolist() == [40] * 10
    assert torch.isfinite(train.images).all() and train.images.shape[1:] == (1, 8, 8)
    first, rest = datasets.stratified_split(np.arange(50) % 5, 3, seed=1)
    assert set(first).isdisjoint(rest) and len(first) == 15 and len(rest) == 35
    again, _ = datasets.stratified_split(np.arange(50) % 5, 3, seed=1)
    np.testing.assert_array_equal(first, again)


def test_blur_is_eight_bit_and_psnr_matches_its_formula() -> None:
    sharp = datasets.photo("coins")
    blurry = datasets.gaussian_blur(sharp, sigma=2.0)
    np.testing.assert_allclose(blurry * 255, np.rint(blurry * 255), atol=1e-3)
    assert blurry.shape == sharp.shape and blurry.dtype == np.float32
    expected = _psnr_bytes(datasets.to_uint8(blurry), datasets.to_uint8(sharp))
    score = datasets.psnr(blurry, datasets.to_uint8(sharp) / 255.0)
    assert score == pytest.approx(expected, abs=1e-4)
    with pytest.raises(KeyError, match="offline photos"):
        datasets.photo("eagle")


def test_seeded_restores_the_callers_torch_settings() -> None:
    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    with datasets.seeded(3):
        assert torch.get_num_threads() == 1 and torch.are_deterministic_algorithms_enabled()
    assert torch.get_num_threads() == threads
    assert torch.are_deterministic_algorithms_enabled() == deterministic


# --- gradient flow ----------------------------------------------------------------------------


def test_gradient_flow_small_is_positive_finite_and_deterministic() -> None:
    record = gradient_flow(depths=(8, 20), batch_size=8)
    again = gradient_flow(depths=(8, 20), batch_size=8)
    assert records_equal(record, again)
    for depth in (8, 20):
        for kind in ("plain", "residual"):
            key = f"{kind}-{depth}"
            norms = record.grad_norms[key]
            assert norms.shape == (3 * blocks_per_stage(depth),) and norms.dtype == np.float32
            assert np.isfinite(norms).all() and (norms > 0).all()
            assert record.relative_norms[key][-1] == pytest.approx(1.0)
            assert record.first_over_last[key] == pytest.approx(norms[0] / norms[-1], rel=1e-5)
            assert math.isfinite(record.losses[key]) and record.losses[key] > 0


def test_plain_110_gradient_spans_far_more_decades_than_residual_110() -> None:
    # Robust at initialisation even for one small batch: with batch norm, the plain net's
    # gradient grows block by block towards the input (by about 10^7 over 54 blocks), while
    # the skips keep the residual net's within about two decades.
    record = gradient_flow(depths=(110,), batch_size=16)
    plain, residual = record.first_over_last["plain-110"], record.first_over_last["residual-110"]
    assert math.log10(plain) > math.log10(residual) + 3
    assert record.spread_decades["plain-110"] > record.spread_decades["residual-110"] + 3


# --- spread and criterion -----------------------------------------------------------------------


def test_spread_matches_numpy_and_the_rule_needs_margin_and_separation() -> None:
    runs = [0.62, 0.55, 0.70]
    summary = stats.spread(runs)
    assert summary.mean == pytest.approx(np.mean(runs))
    assert summary.sd == pytest.approx(np.std(runs, ddof=1))
    assert (summary.low, summary.high, summary.runs) == (0.55, 0.70, tuple(runs))
    low = stats.spread([0.001, 0.0, 0.002])
    assert stats.clearly_larger(summary, low) and not stats.clearly_larger(low, summary)
    # Ranges that overlap are never "clearly" apart, however far apart the means.
    assert not stats.clearly_larger(stats.spread([0.9, 0.9, 0.1]), stats.spread([0.2, 0.2, 0.2]))
    # Separated ranges but a gap under two pooled standard deviations: not clearly apart.
    a, b = stats.spread([1.0, 1.1, 5.0]), stats.spread([0.0, 0.5, 0.9])
    pooled = math.sqrt((np.var([1.0, 1.1, 5.0], ddof=1) + np.var([0.0, 0.5, 0.9], ddof=1)) / 2)
    assert a.low > b.high and a.mean - b.mean < 2 * pooled
    assert stats.margin(a, b) == pytest.approx(2 * pooled)
    assert not stats.clearly_larger(a, b)


# --- degradation ------------------------------------------------------------------------------

SMALL_DEGRADATION = {"depths": (8, 26), "epochs": 2, "width": 4}


def test_degradation_small_run_has_sane_curves() -> None:
    record = degradation(seeds=(0, 1), depths=(8, 14), epochs=2, width=4)
    assert record.depths == (8, 14) and record.n_train + record.n_val == 1797
    for depth in record.depths:
        for plain in (True, False):
            key = run_key(plain, depth)
            for curves in (record.train_error, record.val_error, record.train_loss):
                assert curves[key].shape == (2, 2) and np.isfinite(curves[key]).all()
            assert ((record.train_error[key] >= 0) & (record.train_error[key] <= 1)).all()
            final = record.final_train_error[key]
            assert final.runs == pytest.approx(record.train_error[key][:, -1].tolist())
            assert final.mean == pytest.approx(float(record.train_error[key][:, -1].mean()))
    assert degradation_module.check(record) is None
    assert "plain-14" in record.summary and "2 seeds" in record.summary


def test_degradation_verdict_is_the_same_for_two_seed_sets() -> None:
    first = degradation(seeds=(0, 1, 2), **SMALL_DEGRADATION)
    second = degradation(seeds=(3, 4, 5), **SMALL_DEGRADATION)
    assert first.effect_observed == second.effect_observed
    assert (first.plain_degrades, first.residual_helps) == (second.plain_degrades, second.residual_helps)
    # At this budget the effect is there, and the verdict is the criterion's, recomputed.
    for record in (first, second):
        deep_plain = record.train_error["plain-26"][:, -1]
        others = (record.train_error["plain-8"][:, -1], record.train_error["residual-26"][:, -1])
        expected = all(
            deep_plain.mean() - other.mean() > 2 * math.sqrt((deep_plain.var(ddof=1) + other.var(ddof=1)) / 2)
            and deep_plain.min() > other.max()
            for other in others
        )
        assert record.effect_observed == expected


def test_degradation_check_rejects_runs_that_disagree_with_the_verdict() -> None:
    record = degradation(seeds=(0, 1), depths=(8, 14), epochs=1, width=4)
    assert degradation_module.check(record) is None
    flipped = dataclasses.replace(record, effect_observed=not record.effect_observed)
    assert "verdict" in degradation_module.check(flipped)
    errors = dict(record.train_error)
    errors["plain-14"] = errors["plain-14"].copy()
    errors["plain-14"][:, -1] = 1.0 - errors["plain-14"][:, -1]
    assert "not that of its runs" in degradation_module.check(dataclasses.replace(record, train_error=errors))


def test_stored_weights_rebuild_the_trained_nets() -> None:
    run = degradation_module.train_run(7, depths=(8, 14), epochs=1, width=4)
    train, _ = degradation_module.training_data(7)
    stored = ((True, run.plain_weights, run.plain_scales), (False, run.residual_weights, run.residual_scales))
    for plain, packed, scales in stored:
        assert packed.dtype == np.float16 and scales.dtype == np.float32
        net = degradation_module.unpack_weights(
            resnet_cifar(14, plain=plain, width=4, in_channels=1, num_classes=10),
            packed,
            scales,
        )
        assert not net.training
        assert error_rate(net, train) == run.stored_train_error[run_key(plain, 14)]
    with pytest.raises(ValueError, match="use one of"):
        degradation_module.trained_pair(99)


def test_packed_weights_keep_huge_and_tiny_tensors() -> None:
    # A deep plain net's batch-norm variances can exceed float16's range (65,504).
    net = resnet_cifar(8, plain=True, width=4, in_channels=1, num_classes=10)
    with torch.no_grad():
        for module in net.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_var.copy_(torch.logspace(-6, 7, module.running_var.numel()))
    packed, scales = degradation_module.pack_weights(net)
    again = resnet_cifar(8, plain=True, width=4, in_channels=1, num_classes=10)
    degradation_module.unpack_weights(again, packed, scales)
    for (name, original), (_, restored) in zip(net.state_dict().items(), again.state_dict().items()):
        if original.is_floating_point():
            assert torch.isfinite(restored).all(), name
            scale = original.abs().max().clamp_min(1e-30)
            assert ((restored - original).abs() <= 1e-3 * scale).all(), name


# --- sharpening -------------------------------------------------------------------------------


def test_sharpening_net_with_skip_starts_as_the_identity() -> None:
    x = torch.rand(2, 1, 12, 12)
    torch.testing.assert_close(SharpeningNet(depth=4, width=4, skip=True)(x), x)
    assert SharpeningNet(depth=4, width=4, skip=False)(x).abs().max() == 0


SMALL_SHARPENING = {"steps": 60, "depth": 4, "width": 8, "batch_size": 8, "patch_size": 24, "crop": 64}


def test_sharpening_verdict_is_the_same_for_two_seed_sets() -> None:
    first = sharpening(seeds=(0, 1, 2), **SMALL_SHARPENING)
    second = sharpening(seeds=(3, 4, 5), **SMALL_SHARPENING)
    assert (first.effect_observed, first.sharpens, first.skip_helps) == (
        second.effect_observed,
        second.sharpens,
        second.skip_helps,
    )
    for record in (first, second):
        assert sharpening_module.check(record) is None
        assert record.output_psnr.runs[0] == pytest.approx(record.psnr_output)
        flipped = dataclasses.replace(record, skip_helps=not record.skip_helps)
        assert "verdict" in sharpening_module.check(flipped)


def test_sharpening_small_run_is_consistent() -> None:
    record = sharpening(seeds=(0,), steps=4, depth=3, width=4, batch_size=4, patch_size=16, crop=32)
    for image in (record.blurry, record.sharp, record.output, record.plain_output):
        assert image.shape == (32, 32) and image.dtype == np.uint8
    assert record.residual.shape == (32, 32) and record.residual.dtype == np.float16
    assert record.test_photo not in record.train_photos
    # The stored bytes reproduce the stored scores and output = input + residual.
    for image, score in (
        (record.blurry, record.psnr_blurry),
        (record.output, record.psnr_output),
        (record.plain_output, record.psnr_plain),
    ):
        assert _psnr_bytes(image, record.sharp) == pytest.approx(score, abs=1e-6)
    rebuilt = np.clip(record.blurry / 255.0 + record.residual.astype(np.float64), 0, 1) * 255
    assert np.abs(rebuilt - record.output).max() <= 0.55
    # The skip net starts as the identity, so even 4 steps leave it near the blurry score;
    # the plain net starts from a black image and after 4 steps is still far off.
    assert 15.0 < record.psnr_blurry < 40.0 and 15.0 < record.psnr_output < 40.0
    assert 0.0 < record.psnr_plain < 40.0
    assert record.first_layer_weight.shape == (4, 1, 3, 3)
    assert record.first_layer_maps.shape == (4, 32, 32)
    assert record.first_layer_maps.dtype == np.uint8
    assert record.loss_curve.shape == record.plain_loss_curve.shape == (1, 4)


# --- transfer ---------------------------------------------------------------------------------


SMALL_TRANSFER = {
    "depth": 8,
    "width": 8,
    "image_size": 8,
    "shots": 3,
    "pretrain_epochs": 8,
    "finetune_epochs": 20,
    "sweep_shots": (3,),
}


def test_transfer_small_run_has_accuracies_in_range() -> None:
    record = transfer(
        seeds=(0, 1),
        depth=8,
        width=4,
        shots=2,
        pretrain_epochs=1,
        finetune_epochs=2,
        sweep_shots=(1, 2),
    )
    assert record.n_target_train == 2 * len(record.target_classes) and record.n_target_val == 500
    curves = (record.transfer_accuracy, record.scratch_accuracy, record.transfer_train_accuracy)
    for curve in curves:
        assert curve.shape == (2, 2) and ((curve >= 0) & (curve <= 1)).all()
    assert record.pretrain_curve.shape == (2, 1)
    assert record.sweep_transfer_accuracy.shape == record.sweep_scratch_accuracy.shape == (2, 2)
    np.testing.assert_allclose(record.sweep_transfer_accuracy[:, 1], record.final_transfer_accuracy.runs)
    assert transfer_module.check(record) is None


def test_transfer_verdict_is_the_same_for_two_seed_sets() -> None:
    first = transfer(seeds=(0, 1, 2), **SMALL_TRANSFER)
    second = transfer(seeds=(3, 4, 5), **SMALL_TRANSFER)
    assert first.effect_observed == second.effect_observed
    for record in (first, second):
        pretrained = record.transfer_accuracy[:, -1]
        scratch = record.scratch_accuracy[:, -1]
        pooled = math.sqrt((pretrained.var(ddof=1) + scratch.var(ddof=1)) / 2)
        expected = bool(pretrained.mean() - scratch.mean() > 2 * pooled and pretrained.min() > scratch.max())
        assert record.effect_observed == expected
        flipped = dataclasses.replace(record, effect_observed=not expected)
        assert "verdict" in transfer_module.check(flipped)


# --- canonical records ------------------------------------------------------------------------


def test_canonical_gradient_flow_record(canonical) -> None:
    record = canonical(gradient_flow)
    assert record.depths == (20, 56, 110)
    for depth in record.depths:
        for kind in ("plain", "residual"):
            norms = record.grad_norms[f"{kind}-{depth}"]
            assert norms.shape == (3 * blocks_per_stage(depth),) and (norms > 0).all()
    assert record.spread_decades["plain-110"] > record.spread_decades["residual-110"]


def test_canonical_degradation_record(canonical) -> None:
    record = canonical(degradation)
    assert len(record.seeds) >= 3 and record.seeds == degradation_module.SEEDS
    for key, curve in record.train_error.items():
        assert curve.shape == (len(record.seeds), record.epochs)
        assert record.val_error[key].shape == curve.shape
    assert degradation_module.check(record) is None
    assert isinstance(record.summary, str) and record.summary


def test_canonical_trained_pair_is_the_stored_deepest_nets(canonical) -> None:
    canonical(degradation)
    seed = degradation_module.SEEDS[0]
    run = degradation_module.RUNS[seed]()
    plain, residual = degradation_module.trained_pair(seed)
    train, _ = degradation_module.training_data(seed)
    deep = max(run.depths)
    assert not plain.training and not residual.training
    assert error_rate(plain, train) == run.stored_train_error[run_key(True, deep)]
    assert error_rate(residual, train) == run.stored_train_error[run_key(False, deep)]
    # float16 weights keep the nets' errors within half a point of the runs' own.
    for plain_net in (True, False):
        final = float(run.train_error[run_key(plain_net, deep)][-1])
        assert run.stored_train_error[run_key(plain_net, deep)] == pytest.approx(final, abs=0.005)


def test_canonical_sharpening_record(canonical) -> None:
    record = canonical(sharpening)
    assert record.blurry.shape == record.output.shape == record.plain_output.shape == (160, 160)
    assert record.residual.dtype == np.float16
    assert _psnr_bytes(record.output, record.sharp) == pytest.approx(record.psnr_output, abs=1e-6)
    assert record.first_layer_weight.shape == (record.width, 1, 3, 3)
    assert len(record.output_psnr.runs) == len(record.seeds) >= 3
    assert sharpening_module.check(record) is None


def test_canonical_transfer_record(canonical) -> None:
    record = canonical(transfer)
    shape = (len(record.seeds), record.finetune_epochs)
    assert record.transfer_accuracy.shape == record.scratch_accuracy.shape == shape
    assert record.sweep_transfer_accuracy.shape == (len(record.seeds), len(record.sweep_shots))
    assert len(record.seeds) >= 3 and transfer_module.check(record) is None


def test_canonical_records_stay_small() -> None:
    # Every record under assets/data together, weights of the trained nets included.
    files = [p for p in gradient_flow.json_path.parent.iterdir() if p.suffix in (".json", ".npz")]
    assert sum(p.stat().st_size for p in files) < 5_000_000
