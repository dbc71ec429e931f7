"""Residual nets behave like ensembles of shallow paths (Veit, Wilber, Belongie 2016): delete
blocks from the trained deepest plain and residual nets of the degradation experiment at test
time and measure the validation error.

Deleting block i of the residual net removes its residual branch F and keeps the skip, so the
block passes on shortcut(x): x itself, or for the two blocks that halve the map, x subsampled
with zero channels appended (option A, no weights). Deleting block i of the plain net removes
its two convolutions with their BN and ReLU, so the block passes x on unchanged; that needs
the block's input and output to have one shape, which holds for every block except the two
that halve the map (their rows are NaN for the plain net). Random deletions draw k of the
blocks deletable in both nets, the same draws for both.

An n-block residual net unrolls into 2^n paths from input to output: each block is either
passed through F or skipped, so the number of paths through k residual branches is C(n, k).
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.cache import cached
from model.experiments import spread as stats
from model.experiments.datasets import DIGITS_LICENCE, DIGITS_SOURCE, Digits, seeded
from model.experiments.degradation import SEEDS, trained_pair, training_data
from model.experiments.seeds import seed_key
from model.experiments.spread import Spread
from model.experiments.training import error_rate

if TYPE_CHECKING:
    from torch import nn

    from model.blocks import ResidualBlock

CRITERION = (
    "Deleting one block hurts the residual net less than the plain net when the plain net's "
    "median damage (validation error after deleting one block minus the full net's error, "
    "median over the blocks deletable in both nets) is clearly larger than the residual "
    "net's, over every seed. " + stats.RULE
)


@dataclass(frozen=True)
class Lesion:
    """Runs are keyed "plain-s0", "residual-s1", ... (kind and seed); errors in [0, 1].
    Summaries are keyed by kind ("plain", "residual") and spread over seeds; they cover the
    blocks deletable in both nets."""

    seeds: tuple[int, ...]
    depth: int
    n_blocks: int
    n_val: int
    deletable_in_plain: np.ndarray  # bool (n_blocks,): the block keeps its input's shape
    full_error: dict[str, float]  # no block deleted
    single_error: dict[str, np.ndarray]  # float32 (n_blocks,): error after deleting block i
    deleted_counts: tuple[int, ...]  # k for the random deletions
    draws: int
    random_error: dict[str, np.ndarray]  # float32 (len(deleted_counts), draws)
    full: dict[str, Spread]  # the full nets' error
    single_median: dict[str, Spread]  # median error after deleting one block
    single_worst: dict[str, Spread]  # worst error after deleting one block
    median_damage: dict[str, Spread]  # median of (error after deleting one block - full error)
    random_mean: dict[str, np.ndarray]  # float32 (seeds, len(deleted_counts)): mean over draws
    path_lengths: np.ndarray  # int64 (n_blocks + 1,): 0 .. n residual branches on a path
    path_counts: np.ndarray  # int64 (n_blocks + 1,): C(n, k)
    residual_robust: bool  # plain median damage clearly larger than residual
    criterion: str
    summary: str


def blocks_of(net: nn.Module) -> list[ResidualBlock]:
    """The blocks in the order the input meets them."""
    from model.blocks import ResidualBlock

    return [m for m in net.modules() if isinstance(m, ResidualBlock)]


def keeps_shape(block: ResidualBlock) -> bool:
    return block.stride == 1 and block.in_channels == block.out_channels


def without_blocks(net: nn.Module, deleted: set[int] | list[int] | tuple[int, ...]) -> nn.Module:
    """A copy of ``net`` with the blocks at positions ``deleted`` removed; ``net`` is unchanged."""
    from model.blocks import ResidualBlock
    from model.experiments.deleted_block import Deleted

    lesioned = copy.deepcopy(net)
    blocks = blocks_of(lesioned)
    chosen = set(deleted)
    for index in chosen:
        block = blocks[index]
        if not block.residual and not keeps_shape(block):
            raise ValueError(f"block {index} of the plain net changes the shape; it cannot be deleted")
    replacements = [
        (parent, name, child)
        for parent in lesioned.modules()
        for name, child in parent.named_children()
        if isinstance(child, ResidualBlock) and blocks.index(child) in chosen
    ]
    for parent, name, child in replacements:
        setattr(parent, name, Deleted(child))
    return lesioned.eval()


def path_counts(n_blocks: int) -> tuple[np.ndarray, np.ndarray]:
    """Path lengths 0..n and the number of paths of each length, C(n, k); they sum to 2^n."""
    lengths = np.arange(n_blocks + 1, dtype=np.int64)
    return lengths, np.array([math.comb(n_blocks, int(k)) for k in lengths], dtype=np.int64)


def lesion_run(
    net: nn.Module, val: Digits, deletable: list[int], counts: tuple[int, ...], draws: list[list[list[int]]]
) -> tuple[float, np.ndarray, np.ndarray]:
    """Full error, error after deleting each block (NaN where impossible), random deletions."""
    n = len(blocks_of(net))
    single = np.full(n, np.nan, dtype=np.float32)
    for index in range(n):
        if index in deletable or getattr(blocks_of(net)[index], "residual", False):
            single[index] = error_rate(without_blocks(net, [index]), val)
    random = np.zeros((len(counts), len(draws[0])), dtype=np.float32)
    for row, subsets in enumerate(draws):
        for col, subset in enumerate(subsets):
            random[row, col] = error_rate(without_blocks(net, subset), val)
    return error_rate(net, val), single, random


Summaries = tuple[
    dict[str, Spread], dict[str, Spread], dict[str, Spread], dict[str, Spread], dict[str, np.ndarray], bool
]


def summarise(
    seeds: tuple[int, ...],
    deletable: np.ndarray,
    full_error: dict[str, float],
    single_error: dict[str, np.ndarray],
    random_error: dict[str, np.ndarray],
) -> Summaries:
    """Spreads over seeds of the full error, median and worst single deletion, median damage;
    the random-deletion curve of every seed; and the verdict."""
    full, median, worst, damage, random_mean = {}, {}, {}, {}, {}
    for kind, plain in (("plain", True), ("residual", False)):
        keys = [seed_key(plain, s) for s in seeds]
        both = [single_error[k][deletable].astype(np.float64) for k in keys]
        full[kind] = stats.spread([full_error[k] for k in keys])
        median[kind] = stats.spread([np.median(b) for b in both])
        worst[kind] = stats.spread([np.max(b) for b in both])
        damage[kind] = stats.spread([np.median(b - full_error[k]) for b, k in zip(both, keys)])
        random_mean[kind] = np.stack([random_error[k].mean(axis=1) for k in keys]).astype(np.float32)
    robust = stats.clearly_larger(damage["plain"], damage["residual"])
    return full, median, worst, damage, random_mean, robust


def check(record: Lesion) -> str | None:
    """Why a stored record disagrees with its own runs, or None."""
    fresh = summarise(
        record.seeds, record.deletable_in_plain, record.full_error, record.single_error, record.random_error
    )
    for name, stored, computed in (
        ("full", record.full, fresh[0]),
        ("median", record.single_median, fresh[1]),
        ("worst", record.single_worst, fresh[2]),
        ("damage", record.median_damage, fresh[3]),
    ):
        for kind, spread in computed.items():
            if not stats.agrees(stored[kind], spread.runs):
                return f"the {kind} {name} spread is not that of its runs"
    for kind, curve in fresh[4].items():
        if not np.allclose(record.random_mean[kind], curve):
            return f"the {kind} random-deletion curve is not the mean of its draws"
    if fresh[5] != record.residual_robust:
        return "the verdict is not the criterion applied to the runs"
    return None


def describe(
    seeds: tuple[int, ...], median: dict[str, Spread], worst: dict[str, Spread], damage: dict[str, Spread], robust: bool
) -> str:
    def one(kind: str) -> str:
        m, w = median[kind], worst[kind]
        return (
            f"{kind} median {100 * m.mean:.1f}% (seeds {100 * m.low:.1f}-{100 * m.high:.1f}%), "
            f"worst {100 * w.mean:.1f}% (seeds {100 * w.low:.1f}-{100 * w.high:.1f}%)"
        )

    margin = stats.margin(damage["plain"], damage["residual"])
    return (
        f"Validation error after deleting one block, {len(seeds)} seeds: {one('plain')}; "
        f"{one('residual')}. Median damage: plain {100 * damage['plain'].mean:.1f} points, residual "
        f"{100 * damage['residual'].mean:.1f} points, margin {100 * margin:.1f} points. "
        + (
            "Deleting a block clearly hurts the residual net less."
            if robust
            else "The residual net is NOT clearly more robust to deleting a block on this data."
        )
    )


@cached(
    "lesion",
    provenance={
        "dataset": DIGITS_SOURCE + ", native 8x8, validation split",
        "licence": DIGITS_LICENCE,
        "method": "Veit, Wilber, Belongie 2016, arXiv:1605.06431: delete blocks at test time; "
        "the residual net keeps the skip of a deleted block, the plain net loses the block's "
        "layers where input and output shapes agree (all blocks but the two that halve the map)",
        "criterion": CRITERION,
    },
    check=check,
)
def lesion(*, deleted_counts: tuple[int, ...] = (1, 2, 3, 4, 6, 8, 10), draws: int = 5) -> Lesion:
    full_error, single_error, random_error = {}, {}, {}
    depth, n_blocks, n_val, deletable_mask = 0, 0, 0, np.zeros(0, dtype=bool)
    for seed in SEEDS:
        plain_net, residual_net = trained_pair(seed)
        _, val = training_data(seed)
        blocks = blocks_of(plain_net)
        n_blocks, n_val = len(blocks), len(val)
        depth = int(getattr(plain_net, "depth", 0))
        deletable_mask = np.array([keeps_shape(b) for b in blocks])
        deletable = [int(i) for i in np.flatnonzero(deletable_mask)]
        # The same random subsets for both nets of a seed.
        rng = np.random.default_rng(2000 + seed)
        subsets = [
            [sorted(rng.choice(deletable, size=k, replace=False).tolist()) for _ in range(draws)]
            for k in deleted_counts
        ]
        with seeded(seed):
            for plain, net in ((True, plain_net), (False, residual_net)):
                key = seed_key(plain, seed)
                full_error[key], single_error[key], random_error[key] = lesion_run(
                    net, val, deletable, tuple(deleted_counts), subsets
                )
    seeds = tuple(SEEDS)
    full, median, worst, damage, random_mean, robust = summarise(
        seeds, deletable_mask, full_error, single_error, random_error
    )
    lengths, counts = path_counts(n_blocks)
    return Lesion(
        seeds=seeds,
        depth=depth,
        n_blocks=n_blocks,
        n_val=n_val,
        deletable_in_plain=deletable_mask,
        full_error=full_error,
        single_error=single_error,
        deleted_counts=tuple(deleted_counts),
        draws=draws,
        random_error=random_error,
        full=full,
        single_median=median,
        single_worst=worst,
        median_damage=damage,
        random_mean=random_mean,
        path_lengths=lengths,
        path_counts=counts,
        residual_robust=robust,
        criterion=CRITERION,
        summary=describe(seeds, median, worst, damage, robust),
    )
