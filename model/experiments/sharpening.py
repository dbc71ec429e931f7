"""Claim 3: learning a residual (what to add to the input) is easier than learning the whole map.

A small fully convolutional net is trained to undo a known Gaussian blur on patches of
bundled photos, once as output = input + F(input) and once as output = F(input) with the
same layers, data, optimiser and number of steps. Both are judged on a photo that was never
seen in training (the cameraman), by PSNR against the sharp original.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from model.cache import cached
from model.experiments.datasets import (
    PHOTO_LICENCES,
    gaussian_blur,
    photo,
    psnr,
    seeded,
    to_uint8,
)

TRAIN_PHOTOS = (
    "astronaut", "coffee", "chelsea", "rocket", "coins", "text", "brick", "grass", "gravel"
)
TEST_PHOTO = "camera"
# (row, column) of the top-left corner of the evaluation crop: the cameraman's face and camera.
TEST_CROP_ORIGIN = (60, 150)


class SharpeningNet(nn.Module):
    """`depth` 3x3 convolutions with ReLUs between them; with `skip`, the input is added back."""

    def __init__(self, depth: int = 6, width: int = 16, skip: bool = True) -> None:
        super().__init__()
        channels = [1] + [width] * (depth - 1) + [1]
        self.convs = nn.ModuleList(
            nn.Conv2d(c_in, c_out, 3, padding=1) for c_in, c_out in zip(channels, channels[1:])
        )
        self.skip = skip
        # He initialisation with zero biases keeps every ReLU channel alive at the start
        # (PyTorch's default random biases left some first-layer maps dead on this data).
        for conv in self.convs:
            nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
            nn.init.zeros_(conv.bias)
        # The last layer starts at zero, so the residual net starts as the identity and the
        # plain net as the zero image: each begins from what its own design makes natural.
        nn.init.zeros_(self.convs[-1].weight)

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        for conv in self.convs[:-1]:
            x = F.relu(conv(x))
        return self.convs[-1](x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        correction = self.residual(x)
        return x + correction if self.skip else correction


def _patches(
    blurred: list[torch.Tensor], sharp: list[torch.Tensor], n: int, size: int, g: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """n random aligned (blurred, sharp) patches, drawn from photos in proportion to their area."""
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
    skip: bool, steps: int, seed: int, sigma: float, depth: int, width: int,
    batch_size: int, patch_size: int, lr: float,
) -> tuple[SharpeningNet, np.ndarray]:
    """Adam on mean squared error, cosine-decayed; returns the net and its loss per step."""
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
    """Images are uint8 (crop, crop) grey crops of the held-out photo, 0 = black."""

    seed: int
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
    # PSNR in dB against `sharp`, computed from the stored uint8 images
    psnr_blurry: float
    psnr_output: float  # residual net
    psnr_plain: float  # same layers without the skip
    loss_curve: np.ndarray  # float32 (steps,): training MSE of the residual net
    plain_loss_curve: np.ndarray  # float32 (steps,): training MSE of the plain net
    first_layer_weight: np.ndarray  # float32 (width, 1, 3, 3): residual net's first filters
    first_layer_bias: np.ndarray  # float32 (width,)
    # uint8 (width, crop, crop): relu(first conv) of the blurry crop, each map scaled by its
    # own maximum (first_layer_max, float32 (width,); 0 where the channel is off over the
    # whole crop) so that 255 is that map's peak. Computed on the whole photo, then cropped.
    first_layer_maps: np.ndarray
    first_layer_max: np.ndarray


@cached(
    "sharpening",
    provenance={
        "dataset": "scikit-image bundled photos (grey): train "
        + ", ".join(TRAIN_PHOTOS)
        + f"; held-out test {TEST_PHOTO}",
        "licence": "; ".join(f"{n}: {PHOTO_LICENCES[n]}" for n in (*TRAIN_PHOTOS, TEST_PHOTO)),
    },
)
def sharpening(
    *,
    seed: int = 0,
    steps: int = 600,
    sigma: float = 2.0,
    depth: int = 6,
    width: int = 16,
    batch_size: int = 16,
    patch_size: int = 32,
    lr: float = 2e-3,
    crop: int = 160,
) -> Sharpening:
    common = dict(
        steps=steps, seed=seed, sigma=sigma, depth=depth, width=width,
        batch_size=batch_size, patch_size=patch_size, lr=lr,
    )
    net, loss_curve = train_sharpener(skip=True, **common)
    plain, plain_loss_curve = train_sharpener(skip=False, **common)

    # Run on the whole held-out photo, then crop, so the crop has no zero-padding artefacts.
    sharp_full = photo(TEST_PHOTO)
    blurry_full = torch.from_numpy(gaussian_blur(sharp_full, sigma))[None, None]
    r, c = TEST_CROP_ORIGIN
    window = (slice(r, r + crop), slice(c, c + crop))
    with seeded(seed), torch.no_grad():
        residual = net.residual(blurry_full)[0, 0].numpy()[window]
        plain_out = plain(blurry_full)[0, 0].numpy()[window]
        maps = F.relu(net.convs[0](blurry_full))[0].numpy()[(slice(None), *window)]
    blurry = to_uint8(blurry_full[0, 0].numpy()[window])
    sharp = to_uint8(sharp_full[window])
    output = to_uint8(blurry / 255.0 + residual)
    plain_output = to_uint8(plain_out)
    peak = maps.reshape(len(maps), -1).max(axis=1).astype(np.float32)

    def score(image: np.ndarray) -> float:
        # Scored on the stored bytes, so anyone can recompute it from the record.
        return psnr(image / 255.0, sharp / 255.0)

    return Sharpening(
        seed=seed,
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
        psnr_blurry=score(blurry),
        psnr_output=score(output),
        psnr_plain=score(plain_output),
        loss_curve=loss_curve,
        plain_loss_curve=plain_loss_curve,
        first_layer_weight=net.convs[0].weight.detach().numpy().astype(np.float32),
        first_layer_bias=net.convs[0].bias.detach().numpy().astype(np.float32),
        # A channel whose ReLU is off over the whole crop stays an all-zero map.
        first_layer_maps=to_uint8(maps / np.maximum(peak, 1e-12)[:, None, None]),
        first_layer_max=peak,
    )
