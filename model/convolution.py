"""A convolution spelled out window by window, and learned filters applied to a photo.

Records are frozen dataclasses of plain values and numpy arrays; torch computes every number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.cache import cached
from model.experiments.datasets import photo
from model.experiments.sharpening import sharpening

PHOTO = "camera"
PHOTO_SIZE = 128  # the photo is shrunk so that a 6x6 patch still covers a visible edge
PATCH_ORIGIN = (26, 64)  # (row, column): the dark hair against the light sky
PATCH_SIZE = 6
GREY_LEVELS = 9  # grey values become whole numbers 0 (black) .. 9 (white), easy to multiply
# A vertical-edge detector (Sobel): it answers "how much brighter is the right than the left?"
EDGE_KERNEL = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64)
SHOWN_FILTERS = 4


@dataclass(frozen=True)
class ConvExample:
    """One 2-D convolution spelled out window by window.

    ``windows[i, j]`` is the patch under the kernel for output ``(i, j)``, whose top-left corner
    sits at ``window_origins[i, j]`` in ``padded_input``; ``products`` are the elementwise
    products with the kernel, ``sums`` their sums, and ``output`` is torch's ``conv2d``.
    """

    input: np.ndarray
    kernel: np.ndarray
    stride: int
    padding: int
    padded_input: np.ndarray
    window_origins: np.ndarray
    windows: np.ndarray
    products: np.ndarray
    sums: np.ndarray
    output: np.ndarray


def conv_example(image_patch: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: int = 0) -> ConvExample:
    """Convolve a 2-D patch with a 2-D kernel (cross-correlation, as every CNN does)."""
    import torch
    import torch.nn.functional as F

    patch = np.asarray(image_patch, dtype=np.float64)
    weights = np.asarray(kernel, dtype=np.float64)
    if patch.ndim != 2 or weights.ndim != 2:
        raise ValueError(f"image_patch and kernel must be 2-D, got shapes {patch.shape} and {weights.shape}")
    if stride < 1 or padding < 0:
        raise ValueError(f"need stride >= 1 and padding >= 0, got {stride} and {padding}")
    padded = np.pad(patch, padding)
    kh, kw = weights.shape
    out_h = (padded.shape[0] - kh) // stride + 1
    out_w = (padded.shape[1] - kw) // stride + 1
    if out_h < 1 or out_w < 1:
        raise ValueError(f"kernel {weights.shape} does not fit the padded input {padded.shape}")
    origins = np.zeros((out_h, out_w, 2), dtype=np.int64)
    windows = np.zeros((out_h, out_w, kh, kw))
    for i in range(out_h):
        for j in range(out_w):
            top, left = i * stride, j * stride
            origins[i, j] = (top, left)
            windows[i, j] = padded[top : top + kh, left : left + kw]
    products = windows * weights
    output = F.conv2d(
        torch.from_numpy(patch)[None, None],
        torch.from_numpy(weights)[None, None],
        stride=stride,
        padding=padding,
    )[0, 0].numpy()
    return ConvExample(
        input=patch,
        kernel=weights,
        stride=stride,
        padding=padding,
        padded_input=padded,
        window_origins=origins,
        windows=windows,
        products=products,
        sums=products.sum(axis=(2, 3)),
        output=output,
    )


@dataclass(frozen=True)
class FeatureMaps:
    """First-layer filters (learned elsewhere, passed in) applied to one image.

    ``maps`` are the convolution outputs before ReLU, ``activations`` after it; ``filter_indices``
    say which filters of the passed weights were shown.
    """

    image: np.ndarray
    filter_indices: tuple[int, ...]
    filters: np.ndarray
    maps: np.ndarray
    activations: np.ndarray


def load_photo(name: str = "camera", size: int | None = None) -> np.ndarray:
    """One of the offline photos (``datasets.photo``), grey in [0, 1], optionally resized to ``size``."""
    from skimage import transform

    image = photo(name)
    if size is not None:
        image = transform.resize(image, (size, size), anti_aliasing=True)
    return image.astype(np.float32)


def feature_maps(
    image: np.ndarray,
    weights: np.ndarray,
    n: int = 4,
    indices: tuple[int, ...] | None = None,
    stride: int = 1,
    padding: int | None = None,
    mean: float = 0.0,
    std: float = 1.0,
) -> FeatureMaps:
    """Apply conv weights ``(out, in, kh, kw)`` to ``image`` (``(H, W)`` or ``(H, W, C)``).

    Without ``indices``, shows the ``n`` filters whose responses vary most over the image
    (the maps with the most to see). ``mean``/``std`` are the normalisation the weights were
    trained with; ``padding`` defaults to "same" for odd kernels.
    """
    import torch
    import torch.nn.functional as F

    kernel = np.asarray(weights, dtype=np.float32)
    if kernel.ndim != 4:
        raise ValueError(f"weights must be (out, in, kh, kw), got shape {kernel.shape}")
    picture = np.asarray(image, dtype=np.float32)
    if picture.ndim == 2:
        picture = picture[..., None]
    if picture.ndim != 3:
        raise ValueError(f"image must be (H, W) or (H, W, C), got shape {np.shape(image)}")
    wanted = kernel.shape[1]
    if picture.shape[2] != wanted:
        if picture.shape[2] == 1:
            picture = np.repeat(picture, wanted, axis=2)
        elif wanted == 1:
            picture = picture.mean(axis=2, keepdims=True)
        else:
            raise ValueError(f"image has {picture.shape[2]} channels, weights expect {wanted}")
    pad = kernel.shape[2] // 2 if padding is None else padding
    x = (torch.from_numpy(picture).permute(2, 0, 1)[None] - mean) / std
    responses = F.conv2d(x, torch.from_numpy(kernel), stride=stride, padding=pad)[0]
    if indices is None:
        order = torch.argsort(responses.flatten(1).std(dim=1), descending=True, stable=True)
        chosen = tuple(int(i) for i in order[: min(n, kernel.shape[0])])
    else:
        chosen = tuple(int(i) for i in indices)
        if any(not 0 <= i < kernel.shape[0] for i in chosen):
            raise ValueError(f"indices must lie in [0, {kernel.shape[0]}), got {chosen}")
    maps = responses[list(chosen)]
    return FeatureMaps(
        image=picture,
        filter_indices=chosen,
        filters=kernel[list(chosen)],
        maps=maps.numpy(),
        activations=torch.relu(maps).numpy(),
    )


# --- the lecture's examples ---------------------------------------------------------------------


@dataclass(frozen=True)
class EdgePatch:
    """A small patch of a photo, as whole grey levels, convolved with a vertical-edge kernel.

    ``photo`` is the grey photo in [0, 1]; the patch's top-left pixel is ``origin``; its values
    run from 0 (black) to ``grey_levels`` (white).
    """

    photo: np.ndarray
    origin: tuple[int, int]
    grey_levels: int
    convolution: ConvExample


@cached("edge_patch")
def edge_patch() -> EdgePatch:
    """The cameraman's hair against the sky, 6x6 grey levels 0..9, through a Sobel kernel."""
    picture = load_photo(PHOTO, size=PHOTO_SIZE)
    r, c = PATCH_ORIGIN
    patch = np.rint(picture[r : r + PATCH_SIZE, c : c + PATCH_SIZE] * GREY_LEVELS)
    return EdgePatch(picture, PATCH_ORIGIN, GREY_LEVELS, conv_example(patch, EDGE_KERNEL))


def edge_filter_indices(weights: np.ndarray, n: int = SHOWN_FILTERS) -> tuple[int, ...]:
    """The ``n`` filters least sensitive to plain brightness: weights summing closest to zero
    relative to their size, so they answer to changes (edges, texture) rather than to grey level."""
    flat = np.asarray(weights, dtype=np.float64).reshape(len(weights), -1)
    brightness = np.abs(flat.sum(axis=1)) / np.linalg.norm(flat, axis=1)
    return tuple(int(i) for i in np.argsort(brightness, kind="stable")[:n])


@dataclass(frozen=True)
class LearnedFilters:
    """Some first-layer filters of the sharpening network on its blurry input; ``learned`` is
    how many filters that layer has in all."""

    maps: FeatureMaps
    learned: int


@cached("learned_filters")
def learned_filters() -> LearnedFilters:
    """The sharpening network's own first-layer edge filters applied to its blurry input photo."""
    record = sharpening()
    weights = record.first_layer_weight
    maps = feature_maps(record.blurry / 255.0, weights, indices=edge_filter_indices(weights))
    return LearnedFilters(maps, int(weights.shape[0]))
