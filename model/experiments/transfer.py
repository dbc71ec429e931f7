"""Claim 4: features learned on one task give a head start on another with few labels.

A small CIFAR-design ResNet is trained on digits 0-4. Its weights (all but the classifier)
then start a net for a different task, digits 5-9, that sees only `shots` labelled images
per class; the same net trained from random weights on the same images, with the same
schedule, is the baseline. Both are scored on a fixed set of 500 other 5-9 digits after
every epoch. A sweep over the number of labels shows where the head start stops mattering.

Everything is repeated with every seed in ``SEEDS`` (the seed picks the splits, the few
labelled images, the initial weights and the batch order); the record keeps every run, and
the verdict compares the runs' final accuracies with a margin taken from their spread
(``model.experiments.spread``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.cache import cached
from model.experiments import spread as stats
from model.experiments.datasets import (
    DIGITS_LICENCE,
    DIGITS_SOURCE,
    Digits,
    digits,
    seeded,
    stratified_split,
)
from model.experiments.spread import Spread
from model.experiments.training import Curves, Schedule, train_classifier

if TYPE_CHECKING:
    import torch

SEEDS = (0, 1, 2)

SOURCE_CLASSES = (0, 1, 2, 3, 4)
TARGET_CLASSES = (5, 6, 7, 8, 9)
SOURCE_VAL_PER_CLASS = 40
TARGET_VAL_PER_CLASS = 100

CRITERION = (
    "Transfer helps when the final validation accuracy on the new digits from the pretrained "
    "start is clearly larger than from the random start, over every seed. " + stats.RULE
)


def _task(data: Digits, classes: tuple[int, ...]) -> Digits:
    """The images of `classes`, relabelled 0..len(classes)-1."""
    import torch

    keep = np.flatnonzero(np.isin(data.labels.numpy(), classes))
    subset = data.subset(keep)
    relabel = torch.full((10,), -1, dtype=torch.long)
    relabel[list(classes)] = torch.arange(len(classes))
    return Digits(subset.images, relabel[subset.labels])


@dataclass(frozen=True)
class TransferRun:
    """One seed's run; accuracies are fractions in [0, 1], curves float32."""

    n_source_train: int
    n_target_train: int
    n_target_val: int
    pretrain_curve: np.ndarray  # (pretrain_epochs,): validation accuracy on 0-4
    transfer_accuracy: np.ndarray  # (finetune_epochs,): validation accuracy on 5-9, pretrained
    scratch_accuracy: np.ndarray  # (finetune_epochs,): same, random start
    transfer_train_accuracy: np.ndarray  # accuracy on the few labelled 5-9 images
    scratch_train_accuracy: np.ndarray
    sweep_transfer_accuracy: np.ndarray  # (len(sweep_shots),): final accuracy
    sweep_scratch_accuracy: np.ndarray


@dataclass(frozen=True)
class Transfer:
    """Accuracies are fractions in [0, 1]; curves are float32 (seeds, epochs), one row per
    seed in ``seeds`` order."""

    seeds: tuple[int, ...]
    depth: int
    width: int
    image_size: int
    shots: int  # labelled images per target class in the main comparison
    source_classes: tuple[int, ...]
    target_classes: tuple[int, ...]
    pretrain_epochs: int
    finetune_epochs: int
    pretrain_lr: float
    finetune_lr: float  # peak learning rate, the same for both starts
    n_source_train: int
    n_target_train: int  # shots x 5
    n_target_val: int
    pretrain_val_accuracy: Spread  # on held-out 0-4 digits, after pretraining
    pretrain_curve: np.ndarray  # float32 (seeds, pretrain_epochs): validation accuracy on 0-4
    transfer_accuracy: np.ndarray  # float32 (seeds, finetune_epochs): on 5-9, pretrained start
    scratch_accuracy: np.ndarray  # float32 (seeds, finetune_epochs): on 5-9, random start
    transfer_train_accuracy: np.ndarray  # accuracy on the few labelled 5-9 images
    scratch_train_accuracy: np.ndarray
    final_transfer_accuracy: Spread
    final_scratch_accuracy: Spread
    effect_observed: bool  # pretrained start clearly more accurate than random start
    criterion: str
    sweep_shots: tuple[int, ...]  # labels per class in the sweep
    sweep_transfer_accuracy: np.ndarray  # float32 (seeds, len(sweep_shots)): final accuracy
    sweep_scratch_accuracy: np.ndarray


def check(record: Transfer) -> str | None:
    """Why a record is inconsistent (summaries or verdict not those of its runs), or None."""
    n = len(record.seeds)
    shapes = {
        "pretrain_curve": (n, record.pretrain_epochs),
        "transfer_accuracy": (n, record.finetune_epochs),
        "scratch_accuracy": (n, record.finetune_epochs),
        "sweep_transfer_accuracy": (n, len(record.sweep_shots)),
        "sweep_scratch_accuracy": (n, len(record.sweep_shots)),
    }
    for field, shape in shapes.items():
        if getattr(record, field).shape != shape:
            return f"{field} does not hold one row per seed"
    for stored, curves in (
        (record.pretrain_val_accuracy, record.pretrain_curve),
        (record.final_transfer_accuracy, record.transfer_accuracy),
        (record.final_scratch_accuracy, record.scratch_accuracy),
    ):
        if not stats.agrees(stored, curves[:, -1].tolist()):
            return "a final accuracy is not that of its runs"
    helps = stats.clearly_larger(record.final_transfer_accuracy, record.final_scratch_accuracy)
    if helps != record.effect_observed:
        return "the verdict disagrees with the runs"
    return None


@cached(
    "transfer",
    provenance={
        "dataset": DIGITS_SOURCE + ", resized to 16x16",
        "licence": DIGITS_LICENCE,
        "criterion": CRITERION,
    },
    check=check,
)
def transfer(
    *,
    seeds: tuple[int, ...] = SEEDS,
    depth: int = 14,
    width: int = 16,
    image_size: int = 16,
    shots: int = 5,
    pretrain_epochs: int = 12,
    finetune_epochs: int = 30,
    pretrain_lr: float = 0.05,
    finetune_lr: float = 0.01,
    sweep_shots: tuple[int, ...] = (2, 5, 10, 20),
) -> Transfer:
    data = digits(image_size)
    source, target = _task(data, SOURCE_CLASSES), _task(data, TARGET_CLASSES)
    runs = [
        _run(
            seed,
            source,
            target,
            depth,
            width,
            shots,
            pretrain_epochs,
            finetune_epochs,
            pretrain_lr,
            finetune_lr,
            tuple(sweep_shots),
        )
        for seed in seeds
    ]

    def stack(field: str) -> np.ndarray:
        return np.stack([getattr(run, field) for run in runs]).astype(np.float32)

    transfer_acc, scratch_acc = stack("transfer_accuracy"), stack("scratch_accuracy")
    pretrain_curve = stack("pretrain_curve")
    final_transfer = stats.spread(transfer_acc[:, -1].tolist())
    final_scratch = stats.spread(scratch_acc[:, -1].tolist())
    return Transfer(
        seeds=tuple(seeds),
        depth=depth,
        width=width,
        image_size=image_size,
        shots=shots,
        source_classes=SOURCE_CLASSES,
        target_classes=TARGET_CLASSES,
        pretrain_epochs=pretrain_epochs,
        finetune_epochs=finetune_epochs,
        pretrain_lr=pretrain_lr,
        finetune_lr=finetune_lr,
        n_source_train=runs[0].n_source_train,
        n_target_train=runs[0].n_target_train,
        n_target_val=runs[0].n_target_val,
        pretrain_val_accuracy=stats.spread(pretrain_curve[:, -1].tolist()),
        pretrain_curve=pretrain_curve,
        transfer_accuracy=transfer_acc,
        scratch_accuracy=scratch_acc,
        transfer_train_accuracy=stack("transfer_train_accuracy"),
        scratch_train_accuracy=stack("scratch_train_accuracy"),
        final_transfer_accuracy=final_transfer,
        final_scratch_accuracy=final_scratch,
        effect_observed=stats.clearly_larger(final_transfer, final_scratch),
        criterion=CRITERION,
        sweep_shots=tuple(sweep_shots),
        sweep_transfer_accuracy=stack("sweep_transfer_accuracy"),
        sweep_scratch_accuracy=stack("sweep_scratch_accuracy"),
    )


def _run(
    seed: int,
    source: Digits,
    target: Digits,
    depth: int,
    width: int,
    shots: int,
    pretrain_epochs: int,
    finetune_epochs: int,
    pretrain_lr: float,
    finetune_lr: float,
    sweep_shots: tuple[int, ...],
) -> TransferRun:
    """Pretrain on 0-4 and fine-tune on few 5-9 labels from both starts, with one seed."""
    from model.cifar import resnet_cifar

    source_val, source_train = stratified_split(source.labels, SOURCE_VAL_PER_CLASS, seed)
    # One fixed validation set for every run; the few labels come from what is left.
    target_val, target_pool = stratified_split(target.labels, TARGET_VAL_PER_CLASS, seed)
    target_val_d, pool = target.subset(target_val), target.subset(target_pool)

    def fresh_net() -> torch.nn.Module:
        return resnet_cifar(depth, width=width, in_channels=1, num_classes=len(TARGET_CLASSES))

    with seeded(seed):
        pretrained = fresh_net()
        pretrain = train_classifier(
            pretrained,
            source.subset(source_train),
            source.subset(source_val),
            Schedule(epochs=pretrain_epochs, lr=pretrain_lr),
            seed=seed,
        )
    # Everything but the classifier comes from the 0-4 net; the new task gets a fresh head.
    features = {k: v for k, v in pretrained.state_dict().items() if not k.startswith("fc.")}

    def pair(n_shots: int, every_epoch: bool) -> tuple[Curves, Curves, int]:
        """(pretrained start, random start) trained on the same n_shots images per class."""
        labelled, _ = stratified_split(pool.labels, n_shots, seed)
        few = pool.subset(labelled)
        # Batches of one image per class: n_shots steps per epoch, same for both runs.
        schedule = Schedule(epochs=finetune_epochs, lr=finetune_lr, batch_size=len(TARGET_CLASSES))
        curves = []
        for start_pretrained in (True, False):
            # Same random head (and, from scratch, body) for both starts.
            with seeded(seed + 1):
                net = fresh_net()
            if start_pretrained:
                net.load_state_dict(features, strict=False)
            with seeded(seed + 2):
                curves.append(train_classifier(net, few, target_val_d, schedule, seed + 2, every_epoch))
        return curves[0], curves[1], len(few)

    def accuracy(errors: np.ndarray) -> np.ndarray:
        return (1.0 - errors).astype(np.float32)

    transferred, from_scratch, n_target_train = pair(shots, every_epoch=True)
    # The main comparison already has its own number of shots; reuse it rather than rerun.
    sweep = [
        (transferred, from_scratch, n_target_train) if n == shots else pair(n, every_epoch=False) for n in sweep_shots
    ]
    return TransferRun(
        n_source_train=len(source_train),
        n_target_train=n_target_train,
        n_target_val=len(target_val_d),
        pretrain_curve=accuracy(pretrain.val_error),
        transfer_accuracy=accuracy(transferred.val_error),
        scratch_accuracy=accuracy(from_scratch.val_error),
        transfer_train_accuracy=accuracy(transferred.train_error),
        scratch_train_accuracy=accuracy(from_scratch.train_error),
        sweep_transfer_accuracy=np.asarray([1.0 - t.val_error[-1] for t, _, _ in sweep], dtype=np.float32),
        sweep_scratch_accuracy=np.asarray([1.0 - s.val_error[-1] for _, s, _ in sweep], dtype=np.float32),
    )
