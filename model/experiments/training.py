"""One training loop for every classifier experiment, so runs differ only in the network."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.experiments.datasets import Digits, batches

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class Schedule:
    """SGD with momentum, linear warm-up then cosine decay to zero, as one fixed recipe."""

    epochs: int
    lr: float = 0.1
    momentum: float = 0.9
    weight_decay: float = 1e-4
    batch_size: int = 64
    warmup_epochs: int = 1

    def lr_at(self, step: int, steps_per_epoch: int) -> float:
        warmup = self.warmup_epochs * steps_per_epoch
        total = self.epochs * steps_per_epoch
        if step < warmup:
            # The paper warms ResNet-110 up at a small rate; a linear ramp does the same job.
            return self.lr * (step + 1) / warmup
        progress = (step - warmup) / max(1, total - warmup)
        return self.lr * 0.5 * (1.0 + math.cos(math.pi * progress))


def error_rate(net: torch.nn.Module, data: Digits, batch_size: int = 500) -> float:
    """Top-1 error in evaluation mode (batch norm uses its running statistics)."""
    import torch

    with torch.no_grad():
        net.eval()
        wrong = 0
        for start in range(0, len(data), batch_size):
            logits = net(data.images[start : start + batch_size])
            wrong += int((logits.argmax(1) != data.labels[start : start + batch_size]).sum())
        return wrong / len(data)


@dataclass(frozen=True)
class Curves:
    """Per-epoch curves of one run, float32 (epochs,)."""

    train_error: np.ndarray
    val_error: np.ndarray
    train_loss: np.ndarray


def train_classifier(
    net: torch.nn.Module,
    train: Digits,
    val: Digits,
    schedule: Schedule,
    seed: int,
    every_epoch: bool = True,
) -> Curves:
    """Train `net` in place; after every epoch measure training and validation error.

    Training error is measured on the whole training set in evaluation mode after the
    epoch, not averaged over the epoch's batches, so it is the error of one fixed network.
    With `every_epoch=False` only the end is measured and the curves have one entry.
    """
    import torch
    import torch.nn.functional as F

    optimiser = torch.optim.SGD(
        net.parameters(),
        lr=schedule.lr,
        momentum=schedule.momentum,
        weight_decay=schedule.weight_decay,
    )
    order = torch.Generator().manual_seed(seed)
    steps_per_epoch = len(train) // schedule.batch_size
    train_error, val_error, train_loss = [], [], []
    step = 0
    for epoch in range(schedule.epochs):
        net.train()
        total_loss = 0.0
        for index in batches(len(train), schedule.batch_size, order):
            for group in optimiser.param_groups:
                group["lr"] = schedule.lr_at(step, steps_per_epoch)
            loss = F.cross_entropy(net(train.images[index]), train.labels[index])
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            total_loss += float(loss.detach())
            step += 1
        if every_epoch or epoch == schedule.epochs - 1:
            train_loss.append(total_loss / steps_per_epoch)
            train_error.append(error_rate(net, train))
            val_error.append(error_rate(net, val))
    return Curves(
        train_error=np.asarray(train_error, dtype=np.float32),
        val_error=np.asarray(val_error, dtype=np.float32),
        train_loss=np.asarray(train_loss, dtype=np.float32),
    )
