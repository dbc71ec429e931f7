"""Claim 2: a deeper plain net trains *worse* (higher training error); a deeper ResNet does not.

Plain and residual CIFAR-design nets of each depth are trained on handwritten digits at
their native 8x8 resolution with one recipe: same optimiser, schedule, batches and epochs,
and plain and residual nets of a depth start from the same weights. Training error is
measured on the whole training set after every epoch; validation error on 400 held-out
digits. Whether the paper's effect appeared is computed from the curves, not asserted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.cache import cached
from model.cifar import resnet_cifar
from model.experiments.datasets import DIGITS_LICENCE, DIGITS_SOURCE, digits_train_val, run_key, seeded
from model.experiments.training import Schedule, train_classifier

# Differences in final training error below one point are noise on 1,397 images.
TOLERANCE = 0.01


@dataclass(frozen=True)
class Degradation:
    """Curves are keyed "plain-20", "residual-56", ...; float32 (epochs,), errors in [0, 1]."""

    seed: int
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
    train_loss: dict[str, np.ndarray]  # mean cross-entropy over each epoch's batches
    # "kind-depth" -> error after the last epoch
    final_train_error: dict[str, float]
    final_val_error: dict[str, float]
    plain_degrades: bool  # deepest plain net ends with higher training error than shallowest
    residual_degrades: bool  # same test for the residual nets
    effect_observed: bool  # plain degrades and residual does not: the paper's claim
    summary: str


@cached(
    "degradation",
    provenance={"dataset": DIGITS_SOURCE + ", native 8x8", "licence": DIGITS_LICENCE},
)
def degradation(
    *,
    seed: int = 0,
    depths: tuple[int, ...] = (20, 32, 44, 56),
    epochs: int = 20,
    width: int = 16,
    image_size: int = 8,
    batch_size: int = 64,
    lr: float = 0.1,
    weight_decay: float = 1e-4,
    warmup_epochs: int = 1,
) -> Degradation:
    train, val = digits_train_val(image_size, seed=seed)
    schedule = Schedule(
        epochs=epochs, lr=lr, weight_decay=weight_decay, batch_size=batch_size,
        warmup_epochs=warmup_epochs,
    )
    train_error, val_error, train_loss, final_train, final_val = {}, {}, {}, {}, {}
    for depth in depths:
        for plain in (True, False):
            key = run_key(plain, depth)
            # Same seed for plain and residual of one depth: identical initial weights,
            # since option A shortcuts add no parameters.
            with seeded(seed + depth):
                net = resnet_cifar(depth, plain=plain, width=width, in_channels=1, num_classes=10)
                curves = train_classifier(net, train, val, schedule, seed=seed)
            train_error[key], val_error[key] = curves.train_error, curves.val_error
            train_loss[key] = curves.train_loss
            final_train[key] = float(curves.train_error[-1])
            final_val[key] = float(curves.val_error[-1])

    shallow, deep = min(depths), max(depths)

    def degrades(plain: bool) -> bool:
        gap = final_train[run_key(plain, deep)] - final_train[run_key(plain, shallow)]
        return bool(gap > TOLERANCE)

    plain_degrades, residual_degrades = degrades(True), degrades(False)
    effect = plain_degrades and not residual_degrades
    finals = ", ".join(f"{k} {100 * v:.1f}%" for k, v in final_train.items())
    summary = (
        f"final training error after {epochs} epochs: {finals}. "
        + ("Degradation observed: " if effect else "Degradation NOT observed as claimed: ")
        + f"plain-{deep} vs plain-{shallow} {'higher' if plain_degrades else 'not higher'}, "
        f"residual-{deep} vs residual-{shallow} {'higher' if residual_degrades else 'not higher'} "
        f"(tolerance {100 * TOLERANCE:.0f} point)."
    )
    return Degradation(
        seed=seed,
        depths=tuple(depths),
        epochs=epochs,
        width=width,
        image_size=image_size,
        batch_size=batch_size,
        lr=lr,
        weight_decay=weight_decay,
        warmup_epochs=warmup_epochs,
        n_train=len(train),
        n_val=len(val),
        train_error=train_error,
        val_error=val_error,
        train_loss=train_loss,
        final_train_error=final_train,
        final_val_error=final_val,
        plain_degrades=plain_degrades,
        residual_degrades=residual_degrades,
        effect_observed=effect,
        summary=summary,
    )
