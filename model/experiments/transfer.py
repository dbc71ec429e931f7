"""Claim 4: features learned on one task give a head start on another with few labels.

A small CIFAR-design ResNet is trained on digits 0-4. Its weights (all but the classifier)
then start a net for a different task, digits 5-9, that sees only `shots` labelled images
per class; the same net trained from random weights on the same images, with the same
schedule, is the baseline. Both are scored on a fixed set of 500 other 5-9 digits after
every epoch. A sweep over the number of labels shows where the head start stops mattering.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from model.cache import cached
from model.cifar import resnet_cifar
from model.experiments.datasets import (
    DIGITS_LICENCE,
    DIGITS_SOURCE,
    Digits,
    digits,
    seeded,
    stratified_split,
)
from model.experiments.training import Curves, Schedule, train_classifier

SOURCE_CLASSES = (0, 1, 2, 3, 4)
TARGET_CLASSES = (5, 6, 7, 8, 9)
SOURCE_VAL_PER_CLASS = 40
TARGET_VAL_PER_CLASS = 100


def _task(data: Digits, classes: tuple[int, ...]) -> Digits:
    """The images of `classes`, relabelled 0..len(classes)-1."""
    keep = np.flatnonzero(np.isin(data.labels.numpy(), classes))
    subset = data.subset(keep)
    relabel = torch.full((10,), -1, dtype=torch.long)
    relabel[list(classes)] = torch.arange(len(classes))
    return Digits(subset.images, relabel[subset.labels])


@dataclass(frozen=True)
class Transfer:
    """Accuracies are fractions in [0, 1]; curves are float32 (finetune_epochs,)."""

    seed: int
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
    pretrain_val_accuracy: float  # on held-out 0-4 digits, after pretraining
    pretrain_curve: np.ndarray  # float32 (pretrain_epochs,): validation accuracy on 0-4
    transfer_accuracy: np.ndarray  # validation accuracy on 5-9, pretrained start
    scratch_accuracy: np.ndarray  # validation accuracy on 5-9, random start
    transfer_train_accuracy: np.ndarray  # accuracy on the few labelled 5-9 images
    scratch_train_accuracy: np.ndarray
    final_transfer_accuracy: float
    final_scratch_accuracy: float
    effect_observed: bool  # pretrained start ends more accurate than random start
    sweep_shots: tuple[int, ...]  # labels per class in the sweep
    sweep_transfer_accuracy: np.ndarray  # float32 (len(sweep_shots),): final accuracy
    sweep_scratch_accuracy: np.ndarray


@cached(
    "transfer",
    provenance={"dataset": DIGITS_SOURCE + ", resized to 16x16", "licence": DIGITS_LICENCE},
)
def transfer(
    *,
    seed: int = 0,
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
                curves.append(
                    train_classifier(net, few, target_val_d, schedule, seed + 2, every_epoch)
                )
        return curves[0], curves[1], len(few)

    def accuracy(errors: np.ndarray) -> np.ndarray:
        return (1.0 - errors).astype(np.float32)

    transferred, from_scratch, n_target_train = pair(shots, every_epoch=True)
    # The main comparison already has its own number of shots; reuse it rather than rerun.
    sweep = [
        (transferred, from_scratch, n_target_train) if n == shots else pair(n, every_epoch=False)
        for n in sweep_shots
    ]
    transfer_acc, scratch_acc = accuracy(transferred.val_error), accuracy(from_scratch.val_error)
    return Transfer(
        seed=seed,
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
        n_source_train=len(source_train),
        n_target_train=n_target_train,
        n_target_val=len(target_val_d),
        pretrain_val_accuracy=float(1.0 - pretrain.val_error[-1]),
        pretrain_curve=accuracy(pretrain.val_error),
        transfer_accuracy=transfer_acc,
        scratch_accuracy=scratch_acc,
        transfer_train_accuracy=accuracy(transferred.train_error),
        scratch_train_accuracy=accuracy(from_scratch.train_error),
        final_transfer_accuracy=float(transfer_acc[-1]),
        final_scratch_accuracy=float(scratch_acc[-1]),
        effect_observed=bool(transfer_acc[-1] > scratch_acc[-1]),
        sweep_shots=tuple(sweep_shots),
        sweep_transfer_accuracy=np.asarray(
            [1.0 - t.val_error[-1] for t, _, _ in sweep], dtype=np.float32
        ),
        sweep_scratch_accuracy=np.asarray(
            [1.0 - s.val_error[-1] for _, s, _ in sweep], dtype=np.float32
        ),
    )
