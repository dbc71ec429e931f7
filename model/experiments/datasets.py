"""Real data that loads offline: scikit-learn's digits and scikit-image's bundled photos.

Everything here is deterministic: splits come from a seeded generator, resizing and
blurring are fixed filters, so the same seed always gives the same tensors.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch

from model.seeding import seeded as seeded  # the experiments seed each net with it

DIGITS_SOURCE = (
    "scikit-learn load_digits: 1,797 8x8 handwritten digits "
    "(UCI ML Optical Recognition of Handwritten Digits, E. Alpaydin and C. Kaynak, 1998)"
)
DIGITS_LICENCE = "CC BY 4.0 (UCI Machine Learning Repository)"

# Photo name -> licence as stated in its scikit-image docstring.
PHOTO_LICENCES: dict[str, str] = {
    "camera": "CC0 (Lav Varshney)",
    "astronaut": "public domain (NASA)",
    "coffee": "CC0 (Rachel Michetti)",
    "chelsea": "CC0 (Stefan van der Walt)",
    "rocket": "public domain (SpaceX)",
    "coins": "no known copyright restrictions (Brooklyn Museum)",
    "text": "public domain (Wikipedia)",
    "brick": "CC0 (CC0Textures)",
    "grass": "CC0 (DeviantArt, linolafett)",
    "gravel": "CC0 (CC0Textures)",
}


# ----------------------------------------------------------------------------- digits


@dataclass(frozen=True)
class Digits:
    """Digits as a float tensor (N, 1, size, size), standardised, with labels (N,)."""

    images: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, index: np.ndarray) -> Digits:
        import torch

        index_t = torch.as_tensor(index, dtype=torch.long)
        return Digits(self.images[index_t], self.labels[index_t])


@cache
def _digits_raw() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return bunch.images.astype(np.float32) / 16.0, bunch.target.astype(np.int64)


def digits(size: int = 8) -> Digits:
    """All 1,797 digits, resized bilinearly from 8x8 to size x size and standardised.

    The mean and standard deviation are those of the whole set: they are two numbers
    and leak nothing about individual validation images.
    """
    import torch
    import torch.nn.functional as F

    images, labels = _digits_raw()
    x = torch.from_numpy(images)[:, None]
    if size != 8:
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    x = (x - x.mean()) / x.std()
    return Digits(x.contiguous(), torch.from_numpy(labels))


def stratified_split(labels: np.ndarray | torch.Tensor, per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of `per_class` random examples of every class, and of all the others."""
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    chosen = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        chosen.append(rng.choice(members, size=min(per_class, len(members)), replace=False))
    first = np.sort(np.concatenate(chosen))
    rest = np.setdiff1d(np.arange(len(labels)), first)
    return first, rest


def digits_train_val(size: int, val_per_class: int = 40, seed: int = 0) -> tuple[Digits, Digits]:
    """A fixed, class-balanced validation set (400 images) and the rest for training (1,397)."""
    data = digits(size)
    val, train = stratified_split(data.labels, val_per_class, seed)
    return data.subset(train), data.subset(val)


def batches(n: int, batch_size: int, generator: torch.Generator) -> Iterator[torch.Tensor]:
    """A fresh random order of range(n) in mini-batches; the last short batch is dropped
    so batch norm never sees a batch of one."""
    import torch

    order = torch.randperm(n, generator=generator)
    for start in range(0, n - batch_size + 1, batch_size):
        yield order[start : start + batch_size]


# ----------------------------------------------------------------------------- photos


def photo(name: str) -> np.ndarray:
    """A bundled scikit-image photo as grey float32 in [0, 1] (colour photos go to luminance)."""
    import skimage.data
    from skimage.color import rgb2gray

    if name not in PHOTO_LICENCES:
        raise KeyError(f"{name!r} is not one of the offline photos {sorted(PHOTO_LICENCES)}")
    image = getattr(skimage.data, name)()
    if image.ndim == 3:
        return rgb2gray(image).astype(np.float32)
    return (image.astype(np.float32) / 255.0).astype(np.float32)


def gaussian_blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """The known degradation: a Gaussian blur with mirrored borders, then rounding to 8 bits,
    as a blurry photo would be stored; the stored uint8 image is exactly the network's input."""
    from skimage.filters import gaussian

    blurred = gaussian(image, sigma=sigma, mode="reflect", preserve_range=True)
    return (to_uint8(blurred) / np.float32(255.0)).astype(np.float32)


def psnr(estimate: np.ndarray, reference: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB for images in [0, 1]."""
    difference = np.asarray(estimate, np.float64) - np.asarray(reference, np.float64)
    mse = float(np.mean(difference**2))
    return float("inf") if mse == 0.0 else 10.0 * float(np.log10(1.0 / mse))


def to_uint8(image: np.ndarray) -> np.ndarray:
    """Round a [0, 1] image to bytes for storage; out-of-range values are clipped."""
    return np.clip(np.rint(np.asarray(image) * 255.0), 0, 255).astype(np.uint8)


def run_key(plain: bool, depth: int) -> str:
    """How the experiments name one network in their records: ``plain-56``, ``residual-20``."""
    return f"{'plain' if plain else 'residual'}-{depth}"
