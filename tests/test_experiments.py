"""The four experiments at tiny budgets (shapes, sanity, determinism), the one effect that is
robust even at that size, and the fields of the canonical records the slides read."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from model.cache import records_equal
from model.cifar import blocks_per_stage
from model.experiments import datasets
from model.experiments.degradation import degradation, run_key
from model.experiments.gradient_flow import gradient_flow
from model.experiments.sharpening import SharpeningNet, sharpening
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


# --- degradation ------------------------------------------------------------------------------


def test_degradation_small_run_has_sane_curves() -> None:
    record = degradation(depths=(8, 14), epochs=2, width=4)
    assert record.depths == (8, 14) and record.n_train + record.n_val == 1797
    for depth in record.depths:
        for plain in (True, False):
            key = run_key(plain, depth)
            for curves in (record.train_error, record.val_error, record.train_loss):
                assert curves[key].shape == (2,) and np.isfinite(curves[key]).all()
            assert ((record.train_error[key] >= 0) & (record.train_error[key] <= 1)).all()
            final = record.final_train_error[key]
            assert final == pytest.approx(float(record.train_error[key][-1]))
    assert record.effect_observed == (record.plain_degrades and not record.residual_degrades)
    assert "plain-14" in record.summary


# --- sharpening -------------------------------------------------------------------------------


def test_sharpening_net_with_skip_starts_as_the_identity() -> None:
    x = torch.rand(2, 1, 12, 12)
    torch.testing.assert_close(SharpeningNet(depth=4, width=4, skip=True)(x), x)
    assert SharpeningNet(depth=4, width=4, skip=False)(x).abs().max() == 0


def test_sharpening_small_run_is_consistent() -> None:
    record = sharpening(steps=4, depth=3, width=4, batch_size=4, patch_size=16, crop=32)
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
    assert record.loss_curve.shape == record.plain_loss_curve.shape == (4,)


# --- transfer ---------------------------------------------------------------------------------


def test_transfer_small_run_has_accuracies_in_range() -> None:
    record = transfer(
        depth=8, width=4, shots=2, pretrain_epochs=1, finetune_epochs=2, sweep_shots=(1, 2)
    )
    assert record.n_target_train == 2 * len(record.target_classes) and record.n_target_val == 500
    curves = (record.transfer_accuracy, record.scratch_accuracy, record.transfer_train_accuracy)
    for curve in curves:
        assert curve.shape == (2,) and ((curve >= 0) & (curve <= 1)).all()
    assert record.pretrain_curve.shape == (1,)
    assert record.sweep_transfer_accuracy.shape == record.sweep_scratch_accuracy.shape == (2,)
    assert record.sweep_transfer_accuracy[1] == pytest.approx(record.final_transfer_accuracy)
    better = record.final_transfer_accuracy > record.final_scratch_accuracy
    assert record.effect_observed == better


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
    assert len(record.depths) >= 2
    for key, curve in record.train_error.items():
        assert curve.shape == (record.epochs,) and record.val_error[key].shape == (record.epochs,)
    assert record.effect_observed == (record.plain_degrades and not record.residual_degrades)
    assert isinstance(record.summary, str) and record.summary


def test_canonical_sharpening_record(canonical) -> None:
    record = canonical(sharpening)
    assert record.blurry.shape == record.output.shape == record.plain_output.shape == (160, 160)
    assert record.residual.dtype == np.float16
    assert _psnr_bytes(record.output, record.sharp) == pytest.approx(record.psnr_output, abs=1e-6)
    assert record.first_layer_weight.shape == (record.width, 1, 3, 3)


def test_canonical_transfer_record(canonical) -> None:
    record = canonical(transfer)
    epochs = (record.finetune_epochs,)
    assert record.transfer_accuracy.shape == record.scratch_accuracy.shape == epochs
    assert len(record.sweep_shots) == len(record.sweep_transfer_accuracy)


def test_canonical_records_stay_small(canonical) -> None:
    # The records share assets/data with others: together they must stay well under 3 MB.
    for function in ALL_RECORDS:
        canonical(function)
    files = [p for f in ALL_RECORDS for p in (f.json_path, f.npz_path)]
    assert sum(p.stat().st_size for p in files) < 3_000_000
