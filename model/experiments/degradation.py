"""Claim 2: a deeper plain net trains *worse* (higher training error); a deeper ResNet does not.

Plain and residual CIFAR-design nets of a shallow and a deep depth are trained on handwritten
digits at their native 8x8 resolution with one recipe: same optimiser, schedule, batches and
epochs, and plain and residual nets of a depth start from the same weights. Training error is
measured on the whole training set after every epoch; validation error on 400 held-out digits.

Every run is repeated with each seed in ``SEEDS`` (the seed picks the validation split, the
initial weights and the batch order). Each seed is its own cached record, which also keeps
the weights of the deepest plain and residual nets (``trained_pair``); the ``degradation``
record gathers the runs, their spread and the verdict. The verdict compares what the paper
compares: the deep plain net's final training error against the shallow plain net's and
against the deep residual net's, each with a margin taken from the spread over seeds
(``model.experiments.spread``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from model.cache import CachedFunction, cached
from model.experiments import spread as stats
from model.experiments.datasets import (
    DIGITS_LICENCE,
    DIGITS_SOURCE,
    Digits,
    digits_train_val,
    run_key,
    seeded,
)
from model.experiments.spread import Spread
from model.experiments.training import Schedule, error_rate, train_classifier

R = TypeVar("R")

if TYPE_CHECKING:
    import torch

SEEDS = (0, 1, 2)
DEPTHS = (20, 56)
EPOCHS = 20
WIDTH = 8
IMAGE_SIZE = 8
BATCH_SIZE = 64
LR = 0.1
WEIGHT_DECAY = 1e-4
WARMUP_EPOCHS = 1

PROVENANCE = {"dataset": DIGITS_SOURCE + ", native 8x8", "licence": DIGITS_LICENCE}

CRITERION = (
    "Degradation is observed when the deepest plain net's final training error is clearly "
    "larger than the shallowest plain net's (depth hurts without skips) and clearly larger "
    "than the deepest residual net's (the skips remove the harm), over every seed. " + stats.RULE
)


def training_data(seed: int, image_size: int = IMAGE_SIZE) -> tuple[Digits, Digits]:
    """The (train, validation) digits that the nets of ``seed`` were trained and scored on."""
    return digits_train_val(image_size, seed=seed)


def _init_seed(seed: int, depth: int) -> int:
    # Plain and residual nets of one depth share it: identical initial weights, since
    # option A shortcuts add no parameters.
    return 1000 * seed + depth


def _net(plain: bool, depth: int, width: int) -> torch.nn.Module:
    from model.cifar import resnet_cifar

    return resnet_cifar(depth, plain=plain, width=width, in_channels=1, num_classes=10)


def _float_state(net: torch.nn.Module) -> list[tuple[str, torch.Tensor]]:
    """The floating-point entries of a state dict, in order (batch counts are left out)."""
    return [(k, v) for k, v in net.state_dict().items() if v.is_floating_point()]


def pack_weights(net: torch.nn.Module) -> tuple[np.ndarray, np.ndarray]:
    """Every floating-point parameter and buffer of ``net``, flattened: (float16 values, float32
    scales). Each tensor is divided by its largest magnitude (its scale) before rounding to
    float16, so a huge batch-norm variance in a deep plain net neither overflows nor loses digits.
    """
    values, scales = [], []
    for _, v in _float_state(net):
        flat = v.detach().reshape(-1).double().numpy()
        scale = float(np.abs(flat).max()) if flat.size else 0.0
        scale = scale if scale > 0.0 else 1.0
        values.append((flat / scale).astype(np.float16))
        scales.append(scale)
    return np.concatenate(values), np.asarray(scales, dtype=np.float32)


def unpack_weights(net: torch.nn.Module, packed: np.ndarray, scales: np.ndarray) -> torch.nn.Module:
    """Load weights written by ``pack_weights`` into a net of the same design; eval mode."""
    import torch

    entries = _float_state(net)
    expected = sum(v.numel() for _, v in entries)
    if packed.shape != (expected,) or scales.shape != (len(entries),):
        raise ValueError(
            f"stored weights have {packed.size} values in {scales.size} tensors, "
            f"the net needs {expected} in {len(entries)}"
        )
    state, start = {}, 0
    for (name, value), scale in zip(entries, scales):
        chunk = packed[start : start + value.numel()].astype(np.float32) * np.float32(scale)
        state[name] = torch.from_numpy(chunk).reshape(value.shape)
        start += value.numel()
    net.load_state_dict(state, strict=False)
    return net.eval()


@dataclass(frozen=True)
class DegradationRun:
    """One seed: curves keyed "plain-20", "residual-56", ...; float32 (epochs,), errors in [0, 1]."""

    seed: int
    depths: tuple[int, ...]
    epochs: int
    width: int
    n_train: int
    n_val: int
    train_error: dict[str, np.ndarray]
    val_error: dict[str, np.ndarray]
    train_loss: dict[str, np.ndarray]  # mean cross-entropy over each epoch's batches
    # weights of the deepest plain and residual nets: float16 values, float32 per-tensor
    # scales (see pack_weights)
    plain_weights: np.ndarray
    plain_scales: np.ndarray
    residual_weights: np.ndarray
    residual_scales: np.ndarray
    # training error of those nets after their weights went through float16
    stored_train_error: dict[str, float]


def train_run(
    seed: int,
    *,
    depths: tuple[int, ...] = DEPTHS,
    epochs: int = EPOCHS,
    width: int = WIDTH,
    image_size: int = IMAGE_SIZE,
    batch_size: int = BATCH_SIZE,
    lr: float = LR,
    weight_decay: float = WEIGHT_DECAY,
    warmup_epochs: int = WARMUP_EPOCHS,
) -> DegradationRun:
    """Train a plain and a residual net of every depth with one seed."""
    train, val = training_data(seed, image_size)
    schedule = Schedule(
        epochs=epochs,
        lr=lr,
        weight_decay=weight_decay,
        batch_size=batch_size,
        warmup_epochs=warmup_epochs,
    )
    train_error, val_error, train_loss, deepest = {}, {}, {}, {}
    for depth in depths:
        for plain in (True, False):
            key = run_key(plain, depth)
            with seeded(_init_seed(seed, depth)):
                net = _net(plain, depth, width)
                curves = train_classifier(net, train, val, schedule, seed=seed)
            train_error[key], val_error[key] = curves.train_error, curves.val_error
            train_loss[key] = curves.train_loss
            if depth == max(depths):
                deepest[plain] = pack_weights(net)
    stored_error = {}
    for plain in (True, False):
        with seeded(seed):
            net = unpack_weights(_net(plain, max(depths), width), *deepest[plain])
            stored_error[run_key(plain, max(depths))] = error_rate(net, train)
    return DegradationRun(
        seed=seed,
        depths=tuple(depths),
        epochs=epochs,
        width=width,
        n_train=len(train),
        n_val=len(val),
        train_error=train_error,
        val_error=val_error,
        train_loss=train_loss,
        plain_weights=deepest[True][0],
        plain_scales=deepest[True][1],
        residual_weights=deepest[False][0],
        residual_scales=deepest[False][1],
        stored_train_error=stored_error,
    )


RECIPE = tuple(p for p in inspect.signature(train_run).parameters.values() if p.kind is p.KEYWORD_ONLY)
"""The training recipe: ``train_run``'s keyword arguments, each with its default."""


def _taking_the_recipe(function: Callable[..., R]) -> Callable[..., R]:
    """``function(*, <its own keywords>, **recipe)`` with the recipe's keywords written out in its
    signature, so the cache sees each one and its default (the stored run's arguments)."""
    signature = inspect.signature(function)
    own = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
    function.__signature__ = signature.replace(parameters=[*own, *RECIPE])  # type: ignore[attr-defined]
    return function


def _run_record(seed: int) -> CachedFunction[..., DegradationRun]:
    @_taking_the_recipe
    def degradation_run(*, seed: int = seed, **recipe: Any) -> DegradationRun:
        return train_run(seed, **recipe)

    return cached(f"degradation_seed{seed}", provenance=PROVENANCE)(degradation_run)


RUNS: dict[int, CachedFunction[..., DegradationRun]] = {seed: _run_record(seed) for seed in SEEDS}
"""The cached run of each seed in ``SEEDS``: ``RUNS[0]()`` is seed 0's stored run."""


def trained_pair(seed: int) -> tuple[torch.nn.Module, torch.nn.Module]:
    """(plain, residual): the deepest nets trained by the degradation recipe, eval mode.

    ``seed`` must be one of ``SEEDS``; the weights come from that seed's stored run (scaled
    float16, so the nets' training error is ``stored_train_error``, within a fraction of a
    point of the run's own final error). The data they were trained on is ``training_data(seed)``.
    """
    if seed not in RUNS:
        raise ValueError(f"seed {seed} has no stored run; use one of {SEEDS}")
    run = RUNS[seed]()
    depth = max(run.depths)
    with seeded(seed):
        plain = unpack_weights(_net(True, depth, run.width), run.plain_weights, run.plain_scales)
        residual = unpack_weights(_net(False, depth, run.width), run.residual_weights, run.residual_scales)
    return plain, residual


@dataclass(frozen=True)
class Degradation:
    """Curves are keyed "plain-20", "residual-56", ...; float32 (seeds, epochs), errors in
    [0, 1], one row per seed in ``seeds`` order."""

    seeds: tuple[int, ...]
    depths: tuple[int, ...]
    epochs: int
    width: int
    image_size: int
    batch_size: int
    lr: float
    weight_decay: float
    warmup_epochs: int
    n_train: int
    n_val: int
    train_error: dict[str, np.ndarray]
    val_error: dict[str, np.ndarray]
    train_loss: dict[str, np.ndarray]
    # "kind-depth" -> error after the last epoch, every seed, with mean and spread
    final_train_error: dict[str, Spread]
    final_val_error: dict[str, Spread]
    plain_degrades: bool  # deepest plain clearly above shallowest plain
    residual_helps: bool  # deepest plain clearly above deepest residual
    effect_observed: bool  # both: the paper's claim
    criterion: str
    summary: str


def verdict(final_train_error: dict[str, Spread], depths: tuple[int, ...]) -> tuple[bool, bool]:
    """(plain degrades, residual helps) by the criterion, from the final training errors."""
    shallow, deep = min(depths), max(depths)
    deep_plain = final_train_error[run_key(True, deep)]
    degrades = stats.clearly_larger(deep_plain, final_train_error[run_key(True, shallow)])
    helps = stats.clearly_larger(deep_plain, final_train_error[run_key(False, deep)])
    return degrades, helps


def check(record: Degradation) -> str | None:
    """Why a record is inconsistent (its spreads or verdict not those of its runs), or None."""
    for curves, finals, what in (
        (record.train_error, record.final_train_error, "training"),
        (record.val_error, record.final_val_error, "validation"),
    ):
        if set(curves) != set(finals):
            return f"the final {what} errors name other runs than the curves"
        for key, runs in curves.items():
            if runs.shape != (len(record.seeds), record.epochs):
                return f"{what} curves of {key} do not hold one row per seed"
            if not stats.agrees(finals[key], runs[:, -1].tolist()):
                return f"the final {what} error of {key} is not that of its runs"
    degrades, helps = verdict(record.final_train_error, record.depths)
    if (degrades, helps, degrades and helps) != (record.plain_degrades, record.residual_helps, record.effect_observed):
        return "the verdict disagrees with the runs"
    return None


def _percent(s: Spread) -> str:
    return f"{100 * s.mean:.1f}% ({100 * s.low:.1f}-{100 * s.high:.1f}%)"


@cached(
    "degradation",
    provenance={**PROVENANCE, "criterion": CRITERION},
    check=check,
    needs=tuple(f"degradation_seed{seed}" for seed in SEEDS),
)
@_taking_the_recipe
def degradation(*, seeds: tuple[int, ...] = SEEDS, **recipe: Any) -> Degradation:
    # The cache passes every argument of the signature, so ``recipe`` holds all of RECIPE.
    params: dict[str, Any] = {**recipe, "depths": tuple(recipe["depths"])}
    depths, epochs = params["depths"], params["epochs"]
    # Stored runs are read back when the arguments are theirs; anything else trains here.
    runs = [RUNS[s](**params) if s in RUNS else train_run(s, **params) for s in seeds]
    keys = list(runs[0].train_error)

    def stack(field: str) -> dict[str, np.ndarray]:
        return {k: np.stack([getattr(r, field)[k] for r in runs]).astype(np.float32) for k in keys}

    train_error, val_error = stack("train_error"), stack("val_error")
    final_train = {k: stats.spread(v[:, -1].tolist()) for k, v in train_error.items()}
    final_val = {k: stats.spread(v[:, -1].tolist()) for k, v in val_error.items()}
    degrades, helps = verdict(final_train, tuple(depths))
    effect = degrades and helps
    shallow, deep = min(depths), max(depths)
    finals = ", ".join(f"{k} {_percent(v)}" for k, v in final_train.items())
    summary = (
        f"final training error after {epochs} epochs, mean (range) over {len(seeds)} seeds: "
        f"{finals}. "
        + ("Degradation observed: " if effect else "Degradation NOT observed as claimed: ")
        + f"plain-{deep} {'clearly' if degrades else 'not clearly'} above plain-{shallow}, "
        f"{'clearly' if helps else 'not clearly'} above residual-{deep}."
    )
    return Degradation(
        seeds=tuple(seeds),
        n_train=runs[0].n_train,
        n_val=runs[0].n_val,
        **params,
        train_error=train_error,
        val_error=val_error,
        train_loss=stack("train_loss"),
        final_train_error=final_train,
        final_val_error=final_val,
        plain_degrades=degrades,
        residual_helps=helps,
        effect_observed=effect,
        criterion=CRITERION,
        summary=summary,
    )
