"""Claim 3: learning a residual (what to add to the input) is easier than learning the whole map.

A small fully convolutional net is trained to undo a known Gaussian blur on patches of
bundled photos, once as output = input + F(input) and once as output = F(input) with the
same layers, data, optimiser and number of steps. Both are judged on a photo that was never
seen in training (the cameraman), by PSNR against the sharp original.

Both nets are trained with every seed in ``SEEDS`` (the seed picks the initial weights and
the stream of training patches). The record keeps every run's scores, their mean and
spread, and the images of the first seed's run; the verdict compares the runs' PSNRs with
a margin taken from their spread (``model.experiments.spread``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from model.cache import cached
from model.experiments import spread as stats
from model.experiments.datasets import (
    PHOTO_LICENCES,
    gaussian_blur,
    photo,
    psnr,
    seeded,
    to_uint8,
)
from model.experiments.spread import Spread

if TYPE_CHECKING:
    import torch

    from model.experiments.sharpening_net import SharpeningNet

SEEDS = (0, 1, 2)

TRAIN_PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "coins", "text", "brick", "grass", "gravel")
TEST_PHOTO = "camera"
# (row, column) of the top-left corner of the evaluation crop: the cameraman's face and camera.
TEST_CROP_ORIGIN = (60, 150)

CRITERION = (
    "The skip helps when the PSNR of the net with the skip (output = input + F(input)) is "
    "clearly larger than that of the same layers without it, and clearly larger than the "
    "blurry input's, over every seed. " + stats.RULE
)


def _patches(
    blurred: list[torch.Tensor], sharp: list[torch.Tensor], n: int, size: int, g: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """n random aligned (blurred, sharp) patches, drawn from photos in proportion to their area."""
    import torch

    areas = torch.tensor([float(b.shape[-2] * b.shape[-1]) for b in blurred])
    which = torch.multinomial(areas, n, replacement=True, generator=g)
    xs, ys = [], []
    for k in which.tolist():
        h, w = blurred[k].shape[-2:]
        r = int(torch.randint(0, h - size + 1, (1,), generator=g))
        c = int(torch.randint(0, w - size + 1, (1,), generator=g))
        xs.append(blurred[k][None, r : r + size, c : c + size])
        ys.append(sharp[k][None, r : r + size, c : c + size])
    return torch.stack(xs), torch.stack(ys)


def train_sharpener(
    skip: bool,
    steps: int,
    seed: int,
    sigma: float,
    depth: int,
    width: int,
    batch_size: int,
    patch_size: int,
    lr: float,
) -> tuple[SharpeningNet, np.ndarray]:
    """Adam on mean squared error, cosine-decayed; returns the net and its loss per step."""
    import torch
    import torch.nn.functional as F

    from model.experiments.sharpening_net import SharpeningNet

    sharp_np = [photo(name) for name in TRAIN_PHOTOS]
    # Blur whole photos, then crop, so patch borders never see the blur's padding.
    blurred = [torch.from_numpy(gaussian_blur(p, sigma)) for p in sharp_np]
    sharp = [torch.from_numpy(p) for p in sharp_np]
    with seeded(seed):
        net = SharpeningNet(depth=depth, width=width, skip=skip)
        # The same stream of patches for both nets: only the skip differs.
        g = torch.Generator().manual_seed(seed)
        optimiser = torch.optim.Adam(net.parameters(), lr=lr)
        losses = np.empty(steps, dtype=np.float32)
        for step in range(steps):
            for group in optimiser.param_groups:
                group["lr"] = lr * 0.5 * (1.0 + math.cos(math.pi * step / steps))
            x, y = _patches(blurred, sharp, batch_size, patch_size, g)
            loss = F.mse_loss(net(x), y)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            losses[step] = float(loss.detach())
    return net, losses


@dataclass(frozen=True)
class Sharpening:
    """Images are uint8 (crop, crop) grey crops of the held-out photo, 0 = black, from the run
    of the first seed (``seeds[0]``); the scores and loss curves cover every seed."""

    seeds: tuple[int, ...]
    steps: int
    sigma: float
    depth: int
    width: int
    batch_size: int
    patch_size: int
    train_photos: tuple[str, ...]
    test_photo: str
    crop_origin: tuple[int, int]
    blurry: np.ndarray  # uint8 (crop, crop): the network's input, exactly (blurred, 8-bit)
    sharp: np.ndarray  # uint8 (crop, crop): the original
    output: np.ndarray  # uint8 (crop, crop): clip(blurry / 255 + residual) in bytes
    residual: np.ndarray  # float16 (crop, crop): F(input), in units of full scale (1 = white)
    plain_output: np.ndarray  # uint8 (crop, crop): F(input) of the net without the skip
    # PSNR in dB against `sharp`, computed from the stored uint8 images (first seed's run)
    psnr_blurry: float
    psnr_output: float  # residual net
    psnr_plain: float  # same layers without the skip
    # PSNR of every seed's run (in `seeds` order), with mean and spread
    output_psnr: Spread
    plain_psnr: Spread
    loss_curve: np.ndarray  # float32 (seeds, steps): training MSE of the residual nets
    plain_loss_curve: np.ndarray  # float32 (seeds, steps): training MSE of the plain nets
    sharpens: bool  # the skip net's PSNR clearly above the blurry input's
    skip_helps: bool  # the skip net's PSNR clearly above the plain net's
    effect_observed: bool  # both
    criterion: str
    first_layer_weight: np.ndarray  # float32 (width, 1, 3, 3): residual net's first filters
    first_layer_bias: np.ndarray  # float32 (width,)
    # uint8 (width, crop, crop): relu(first conv) of the blurry crop, each map scaled by its
    # own maximum (first_layer_max, float32 (width,); 0 where the channel is off over the
    # whole crop) so that 255 is that map's peak. Computed on the whole photo, then cropped.
    first_layer_maps: np.ndarray
    first_layer_max: np.ndarray


def verdict(output_psnr: Spread, plain_psnr: Spread, psnr_blurry: float) -> tuple[bool, bool]:
    """(sharpens, skip helps) by the criterion."""
    blurry = stats.spread([psnr_blurry] * len(output_psnr.runs))
    return stats.clearly_larger(output_psnr, blurry), stats.clearly_larger(output_psnr, plain_psnr)


def check(record: Sharpening) -> str | None:
    """Why a record is inconsistent (scores or verdict not those of its runs), or None."""
    n = len(record.seeds)
    if len(record.output_psnr.runs) != n or len(record.plain_psnr.runs) != n:
        return "the scores do not hold one run per seed"
    if not record.loss_curve.shape == record.plain_loss_curve.shape == (n, record.steps):
        return "the loss curves do not hold one row per seed"
    sharp = record.sharp / 255.0
    for image, shown in (
        (record.blurry, record.psnr_blurry),
        (record.output, record.psnr_output),
        (record.plain_output, record.psnr_plain),
    ):
        if not math.isclose(psnr(image / 255.0, sharp), shown, abs_tol=1e-9):
            return "a stored PSNR is not that of its image"
    for stored, shown in ((record.output_psnr, record.psnr_output), (record.plain_psnr, record.psnr_plain)):
        if not stats.agrees(stored, stored.runs) or not math.isclose(stored.runs[0], shown):
            return "a PSNR summary is not that of its runs"
    sharpens, helps = verdict(record.output_psnr, record.plain_psnr, record.psnr_blurry)
    if (sharpens, helps, sharpens and helps) != (record.sharpens, record.skip_helps, record.effect_observed):
        return "the verdict disagrees with the runs"
    return None


@cached(
    "sharpening",
    provenance={
        "dataset": "scikit-image bundled photos (grey): train "
        + ", ".join(TRAIN_PHOTOS)
        + f"; held-out test {TEST_PHOTO}",
        "licence": "; ".join(f"{n}: {PHOTO_LICENCES[n]}" for n in (*TRAIN_PHOTOS, TEST_PHOTO)),
        "criterion": CRITERION,
    },
    check=check,
)
def sharpening(
    *,
    seeds: tuple[int, ...] = SEEDS,
    steps: int = 600,
    sigma: float = 2.0,
    depth: int = 6,
    width: int = 16,
    batch_size: int = 16,
    patch_size: int = 32,
    lr: float = 2e-3,
    crop: int = 160,
) -> Sharpening:
    import torch
    import torch.nn.functional as F

    sharp_full = photo(TEST_PHOTO)
    blurry_full = torch.from_numpy(gaussian_blur(sharp_full, sigma))[None, None]
    r, c = TEST_CROP_ORIGIN
    window = (slice(r, r + crop), slice(c, c + crop))
    blurry = to_uint8(blurry_full[0, 0].numpy()[window])
    sharp = to_uint8(sharp_full[window])

    def score(image: np.ndarray) -> float:
        # Scored on the stored bytes, so anyone can recompute it from the record.
        return psnr(image / 255.0, sharp / 255.0)

    runs = []
    for seed in seeds:
        common: dict[str, Any] = dict(
            steps=steps,
            seed=seed,
            sigma=sigma,
            depth=depth,
            width=width,
            batch_size=batch_size,
            patch_size=patch_size,
            lr=lr,
        )
        net, loss_curve = train_sharpener(skip=True, **common)
        plain, plain_loss_curve = train_sharpener(skip=False, **common)
        # Run on the whole held-out photo, then crop, so the crop has no zero-padding artefacts.
        with seeded(seed), torch.no_grad():
            residual = net.residual(blurry_full)[0, 0].numpy()[window]
            plain_out = plain(blurry_full)[0, 0].numpy()[window]
        output = to_uint8(blurry / 255.0 + residual)
        plain_output = to_uint8(plain_out)
        runs.append((net, residual, output, plain_output, loss_curve, plain_loss_curve))

    net, residual, output, plain_output, _, _ = runs[0]
    with seeded(seeds[0]), torch.no_grad():
        maps = F.relu(net.convs[0](blurry_full))[0].numpy()[(slice(None), *window)]
    peak = maps.reshape(len(maps), -1).max(axis=1).astype(np.float32)
    output_psnr = stats.spread([score(run[2]) for run in runs])
    plain_psnr = stats.spread([score(run[3]) for run in runs])
    psnr_blurry = score(blurry)
    sharpens, helps = verdict(output_psnr, plain_psnr, psnr_blurry)

    return Sharpening(
        seeds=tuple(seeds),
        steps=steps,
        sigma=sigma,
        depth=depth,
        width=width,
        batch_size=batch_size,
        patch_size=patch_size,
        train_photos=TRAIN_PHOTOS,
        test_photo=TEST_PHOTO,
        crop_origin=TEST_CROP_ORIGIN,
        blurry=blurry,
        sharp=sharp,
        output=output,
        residual=residual.astype(np.float16),
        plain_output=plain_output,
        psnr_blurry=psnr_blurry,
        psnr_output=score(output),
        psnr_plain=score(plain_output),
        output_psnr=output_psnr,
        plain_psnr=plain_psnr,
        loss_curve=np.stack([run[4] for run in runs]).astype(np.float32),
        plain_loss_curve=np.stack([run[5] for run in runs]).astype(np.float32),
        sharpens=sharpens,
        skip_helps=helps,
        effect_observed=sharpens and helps,
        criterion=CRITERION,
        first_layer_weight=net.convs[0].get_parameter("weight").detach().numpy().astype(np.float32),
        first_layer_bias=net.convs[0].get_parameter("bias").detach().numpy().astype(np.float32),
        # A channel whose ReLU is off over the whole crop stays an all-zero map.
        first_layer_maps=to_uint8(maps / np.maximum(peak, 1e-12)[:, None, None]),
        first_layer_max=peak,
    )
