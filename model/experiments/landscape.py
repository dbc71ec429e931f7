"""Why skips help, seen as terrain: the training loss around the trained deepest plain and
residual nets of the degradation experiment (Li, Xu, Taylor, Studer, Goldstein 2018).

The loss is measured at theta* + a d1 + b d2 on a square grid of (a, b), with d1 and d2 random
Gaussian directions normalised filter by filter: each filter of d (one output channel of a
convolution, one row of the final linear layer) is scaled to the norm of the same filter of
the trained weights theta*, so a step of 1 moves every filter by its own size. Batch-norm
weights and biases are not perturbed (their direction is zero), and the nets run in
evaluation mode, with the running statistics they were trained to. Plain and residual nets
have the same parameter shapes (option A shortcuts add none), so one draw of Gaussian noise
per seed gives both of them their directions, and both are measured on the same grid.

How rough a surface is: the fraction of interior grid points where the surface is not locally
convex, i.e. where the 2x2 Hessian from central differences has a clearly negative eigenvalue.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.cache import cached
from model.experiments import spread as stats
from model.experiments.datasets import (
    DIGITS_LICENCE,
    DIGITS_SOURCE,
    Digits,
    seeded,
    stratified_split,
)
from model.experiments.degradation import SEEDS, trained_pair, training_data
from model.experiments.seeds import seed_key
from model.experiments.spread import Spread

if TYPE_CHECKING:
    import torch
    from torch import nn

# A negative curvature smaller than this share of the largest curvature at the same point is
# a flat direction, not a hill or a saddle.
FLAT_SHARE = 0.01

CRITERION = (
    "The residual net's loss surface is smoother when the plain net's non-convex fraction "
    "(share of interior grid points where the finite-difference Hessian has an eigenvalue "
    f"below -{FLAT_SHARE:g} times its largest absolute eigenvalue) is clearly larger than "
    "the residual net's, over every seed. " + stats.RULE
)


@dataclass(frozen=True)
class LossLandscape:
    """Surfaces are keyed "plain-s0", "residual-s2", ... (kind and seed); each is float32
    (steps, steps) with ``surface[row, col]`` the loss at a = coordinates[col],
    b = coordinates[row]; the centre is the trained net."""

    seeds: tuple[int, ...]
    depth: int
    coordinates: np.ndarray  # float32 (steps,), symmetric around 0
    n_images: int  # training images the loss is averaged over
    flat_share: float
    surfaces: dict[str, np.ndarray]
    centre_loss: dict[str, float]  # the trained net's loss on the same images
    nonconvex_fraction: dict[str, float]
    # kind ("plain", "residual") -> the non-convex fraction over seeds
    roughness: dict[str, Spread]
    residual_smoother: bool  # plain roughness clearly larger than residual
    criterion: str
    summary: str


def is_perturbed(parameter: torch.Tensor) -> bool:
    """Filters (conv kernels, linear rows) move; BN weights and biases (1-D) stay."""
    return parameter.dim() > 1


def filter_normalised(noise: dict[str, torch.Tensor], net: nn.Module) -> dict[str, torch.Tensor]:
    """Scale every filter of ``noise`` to the norm of the same filter of ``net``; zero for BN."""
    import torch

    direction = {}
    for name, weight in net.named_parameters():
        d = noise[name]
        if not is_perturbed(weight):
            direction[name] = torch.zeros_like(weight)
            continue
        w_norm = weight.detach().flatten(1).norm(dim=1)
        d_norm = d.flatten(1).norm(dim=1)
        scale = w_norm / d_norm.clamp_min(1e-12)
        direction[name] = d * scale.view(-1, *([1] * (d.dim() - 1)))
    return direction


def gaussian_noise(net: nn.Module, generator: torch.Generator) -> dict[str, torch.Tensor]:
    """One standard normal tensor per parameter, drawn in the net's parameter order."""
    import torch

    return {name: torch.randn(p.shape, generator=generator, dtype=p.dtype) for name, p in net.named_parameters()}


@contextmanager
def moved(net: nn.Module, steps: list[tuple[float, dict[str, torch.Tensor]]]) -> Iterator[nn.Module]:
    """``net`` with its weights moved by sum(step * direction); restored on exit."""
    import torch

    saved = {name: p.detach().clone() for name, p in net.named_parameters()}
    try:
        with torch.no_grad():
            for name, p in net.named_parameters():
                for step, direction in steps:
                    if step:
                        p.add_(direction[name], alpha=step)
        yield net
    finally:
        with torch.no_grad():
            for name, p in net.named_parameters():
                p.copy_(saved[name])


def mean_loss(net: nn.Module, data: Digits, batch_size: int = 512) -> float:
    """Mean cross-entropy over ``data`` in evaluation mode."""
    import torch
    import torch.nn.functional as F

    with torch.no_grad():
        net.eval()
        total = 0.0
        for start in range(0, len(data), batch_size):
            logits = net(data.images[start : start + batch_size])
            total += float(F.cross_entropy(logits, data.labels[start : start + batch_size], reduction="sum"))
        return total / len(data)


def loss_surface(
    net: nn.Module, data: Digits, d1: dict[str, torch.Tensor], d2: dict[str, torch.Tensor], coordinates: np.ndarray
) -> np.ndarray:
    """float32 (steps, steps): the loss at theta* + a d1 + b d2, rows over b, columns over a."""
    surface = np.zeros((len(coordinates), len(coordinates)), dtype=np.float32)
    for row, b in enumerate(coordinates):
        for col, a in enumerate(coordinates):
            with moved(net, [(float(a), d1), (float(b), d2)]):
                surface[row, col] = mean_loss(net, data)
    return surface


def nonconvex_fraction(surface: np.ndarray, flat_share: float = FLAT_SHARE) -> float:
    """Share of interior points whose finite-difference Hessian has a clearly negative
    eigenvalue (below -flat_share times the largest absolute eigenvalue there).

    The grid spacing scales every second difference alike, so it drops out of the test.
    """
    z = np.asarray(surface, dtype=np.float64)
    centre = z[1:-1, 1:-1]
    d_aa = z[1:-1, 2:] - 2 * centre + z[1:-1, :-2]
    d_bb = z[2:, 1:-1] - 2 * centre + z[:-2, 1:-1]
    d_ab = (z[2:, 2:] - z[2:, :-2] - z[:-2, 2:] + z[:-2, :-2]) / 4
    mean = (d_aa + d_bb) / 2
    radius = np.sqrt(((d_aa - d_bb) / 2) ** 2 + d_ab**2)
    smallest, largest = mean - radius, np.maximum(np.abs(mean - radius), np.abs(mean + radius))
    bent_down = smallest < -flat_share * largest
    return float(bent_down.mean())


def loss_images(train: Digits, per_class: int, seed: int) -> Digits:
    """A fixed class-balanced subset of the training images the loss is averaged over."""
    chosen, _ = stratified_split(train.labels, per_class, seed)
    return train.subset(chosen)


def landscape_runs(
    pairs: dict[int, tuple[nn.Module, nn.Module]], data: dict[int, Digits], coordinates: np.ndarray
) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """The surface and centre loss of every net; one Gaussian draw per seed for both nets."""
    import torch

    surfaces, centre = {}, {}
    for seed, (plain_net, residual_net) in pairs.items():
        generator = torch.Generator().manual_seed(1000 + seed)
        noise1 = gaussian_noise(plain_net, generator)
        noise2 = gaussian_noise(plain_net, generator)
        for plain, net in ((True, plain_net), (False, residual_net)):
            d1, d2 = filter_normalised(noise1, net), filter_normalised(noise2, net)
            key = seed_key(plain, seed)
            surfaces[key] = loss_surface(net, data[seed], d1, d2, coordinates)
            centre[key] = mean_loss(net, data[seed])
    return surfaces, centre


def roughness_over_seeds(seeds: tuple[int, ...], fractions: dict[str, float]) -> dict[str, Spread]:
    return {
        kind: stats.spread([fractions[seed_key(plain, s)] for s in seeds])
        for kind, plain in (("plain", True), ("residual", False))
    }


def describe(seeds: tuple[int, ...], roughness: dict[str, Spread], smoother: bool) -> str:
    def one(kind: str) -> str:
        r = roughness[kind]
        return f"{kind} {100 * r.mean:.0f}% (seeds {100 * r.low:.0f}-{100 * r.high:.0f}%)"

    margin = stats.margin(roughness["plain"], roughness["residual"])
    return (
        f"Share of the grid that is not locally convex, {len(seeds)} seeds: {one('plain')}, "
        f"{one('residual')}; margin {100 * margin:.1f} points. "
        + (
            "The residual surface is clearly smoother."
            if smoother
            else "The residual surface is NOT clearly smoother on this data."
        )
    )


def check(record: LossLandscape) -> str | None:
    """Why a stored record disagrees with its own surfaces, or None."""
    for key, surface in record.surfaces.items():
        if not np.isclose(nonconvex_fraction(surface, record.flat_share), record.nonconvex_fraction[key]):
            return f"the non-convex fraction of {key} is not that of its surface"
    fresh = roughness_over_seeds(record.seeds, record.nonconvex_fraction)
    for kind, spread in fresh.items():
        if not stats.agrees(record.roughness[kind], spread.runs):
            return f"the {kind} roughness is not the spread of its runs"
    if stats.clearly_larger(fresh["plain"], fresh["residual"]) != record.residual_smoother:
        return "the verdict is not the criterion applied to the runs"
    return None


@cached(
    "loss_landscape",
    provenance={
        "dataset": DIGITS_SOURCE + ", native 8x8, training split",
        "licence": DIGITS_LICENCE,
        "method": "Li, Xu, Taylor, Studer, Goldstein 2018, arXiv:1712.09913: filter-normalised "
        "random directions, BN parameters not perturbed, evaluation mode",
        "criterion": CRITERION,
    },
    check=check,
)
def loss_landscape(*, steps: int = 15, extent: float = 1.0, per_class: int = 26) -> LossLandscape:
    coordinates = np.linspace(-extent, extent, steps).astype(np.float32)
    pairs, data = {}, {}
    for seed in SEEDS:
        pairs[seed] = trained_pair(seed)
        train, _ = training_data(seed)
        data[seed] = loss_images(train, per_class, seed)
    with seeded(0):
        surfaces, centre = landscape_runs(pairs, data, coordinates)
    fractions = {key: nonconvex_fraction(surface) for key, surface in surfaces.items()}
    roughness = roughness_over_seeds(tuple(SEEDS), fractions)
    smoother = stats.clearly_larger(roughness["plain"], roughness["residual"])
    depth = int(getattr(pairs[SEEDS[0]][0], "depth", 0))
    return LossLandscape(
        seeds=tuple(SEEDS),
        depth=depth,
        coordinates=coordinates,
        n_images=len(data[SEEDS[0]]),
        flat_share=FLAT_SHARE,
        surfaces=surfaces,
        centre_loss=centre,
        nonconvex_fraction=fractions,
        roughness=roughness,
        residual_smoother=smoother,
        criterion=CRITERION,
        summary=describe(tuple(SEEDS), roughness, smoother),
    )
