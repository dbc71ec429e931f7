"""Measurements of the networks: shapes, parameters and FLOPs, computed, never typed.

FLOPs come from ``torch.utils.flop_counter.FlopCounterMode``, which counts convolutions and
matrix products as 2 FLOPs per multiply-add and ignores BN, ReLU, pooling and additions.
Measurements run on the ``meta`` device when the model lives there, so even ResNet-152 at
224x224 costs no arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch
    from torch import Tensor, nn

    from model.resnet import StagedNetwork

PAPER_GIGA_MULTIPLY_ADDS: dict[str, float] = {
    "resnet18": 1.8,
    "resnet34": 3.6,
    "resnet50": 3.8,
    "resnet101": 7.6,
    "resnet152": 11.3,
}
"""From the paper (He et al. 2015, Table 1, "FLOPs" row): multiply-adds x 10^9 at 224x224.

What we measure differs slightly because (1) the paper rounds and its counts leave out
BN, ReLU, additions and pooling (ours do too) while its treatment of the FC layer is unstated,
and (2) torchvision, like this package, strides the bottleneck's 3x3 conv ("v1.5"), whereas the
paper's models strided the first 1x1 conv; the 3x3 of each stage's first block then runs on
4x as many positions. ``Bottleneck(stride_on="conv1")`` reproduces the paper's placement.
"""

PAPER_VGG19_GIGA_MULTIPLY_ADDS = 19.6
"""From the paper (Table 3 caption / Fig. 3): VGG-19's multiply-adds x 10^9, for comparison."""

TORCHVISION_TOP1_ERROR: dict[str, float] = {
    "resnet18": 100 - 69.758,
    "resnet34": 100 - 73.314,
    "resnet50": 100 - 76.130,
    "resnet101": 100 - 77.374,
    "resnet152": 100 - 78.312,
}
"""From torchvision's model table (IMAGENET1K_V1 weights, ImageNet val, single 224 crop):
top-1 error in percent, 100 - the listed top-1 accuracy."""

TOP1_ERROR_SOURCE = "torchvision IMAGENET1K_V1 weights, ImageNet val, single crop"

PAPER_IMAGENET_TOP1_ERROR_10CROP: dict[str, float] = {
    "plain18": 27.94,
    "plain34": 28.54,
    "resnet18": 27.88,
    "resnet34": 25.03,
}
"""From the paper (Table 2): ImageNet val top-1 error %, 10-crop; plain-34 is worse than
plain-18 (degradation) while ResNet-34 is better than ResNet-18."""

PAPER_CIFAR_TEST_ERROR: dict[int, float] = {20: 8.75, 32: 7.51, 44: 7.17, 56: 6.97, 110: 6.43}
"""From the paper (Table 6): CIFAR-10 test error % of the residual nets, by depth."""


def model_names() -> tuple[str, ...]:
    """Every name ``build_model`` accepts: ImageNet and CIFAR ResNets and their plain twins."""
    from model.cifar import CIFAR_DEPTHS
    from model.resnet import IMAGENET_LAYOUTS

    imagenet = tuple(IMAGENET_LAYOUTS)
    cifar = tuple(f"resnet{d}" for d in CIFAR_DEPTHS)
    plain = tuple(name.replace("resnet", "plain") for name in imagenet + cifar)
    return imagenet + cifar + plain


def build_model(name: str, device: torch.device | str | None = None) -> StagedNetwork:
    """The network called ``name`` (see ``model_names``); ``device="meta"`` skips the weights."""
    import torch

    from model.cifar import resnet_cifar
    from model.resnet import resnet18, resnet34, resnet50, resnet101, resnet152

    if name not in model_names():
        raise ValueError(f"unknown model {name!r}; valid names: {', '.join(model_names())}")
    plain = name.startswith("plain")
    key = name.replace("plain", "resnet")
    factories: dict[str, Callable[..., StagedNetwork]] = {
        "resnet18": resnet18,
        "resnet34": resnet34,
        "resnet50": resnet50,
        "resnet101": resnet101,
        "resnet152": resnet152,
    }
    with torch.device(device if device is not None else "cpu"):
        if key in factories:
            return factories[key](plain=plain)
        return resnet_cifar(int(key.removeprefix("resnet")), plain=plain)


def default_input_shape(name: str, batch: int = 1) -> tuple[int, int, int, int]:
    """The input the named model was designed for: 224x224 RGB for ImageNet, 32x32 for CIFAR."""
    from model.resnet import IMAGENET_LAYOUTS

    size = 224 if name.replace("plain", "resnet") in IMAGENET_LAYOUTS else 32
    return (batch, 3, size, size)


@dataclass(frozen=True)
class StageMeasure:
    """One stage of ``named_stages``: the shape it outputs, its parameters and FLOPs."""

    name: str
    output_shape: tuple[int, ...]
    params: int
    flops: int

    @property
    def macs(self) -> int:
        return self.flops // 2


def _device_of(network: nn.Module) -> torch.device:
    return next(network.parameters()).device


@contextmanager
def _evaluating(network: nn.Module) -> Iterator[None]:
    """Eval mode and no autograd for a measurement, restoring the caller's mode after, so a
    measurement never updates BN running statistics."""
    import torch

    was_training = network.training
    network.eval()
    try:
        with torch.no_grad():
            yield
    finally:
        network.train(was_training)


def _flops_of(module: nn.Module, x: Tensor) -> tuple[Tensor, int]:
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        y = module(x)
    return y, int(counter.get_total_flops())


def count_flops(network: nn.Module, input_shape: tuple[int, ...]) -> int:
    """FLOPs (2 per multiply-add) of one forward pass on an input of ``input_shape``."""
    import torch

    with _evaluating(network):
        x = torch.zeros(input_shape, device=_device_of(network))
        return _flops_of(network, x)[1]


def trace_stages(network: StagedNetwork, input_shape: tuple[int, ...] = (2, 3, 224, 224)) -> list[StageMeasure]:
    """Run the network stage by stage and measure each one."""
    import torch

    from model.resnet import count_parameters

    measures = []
    with _evaluating(network):
        x = torch.zeros(input_shape, device=_device_of(network))
        for name, stage in network.named_stages():
            x, flops = _flops_of(stage, x)
            measures.append(StageMeasure(name, tuple(x.shape), count_parameters(stage), flops))
    return measures


def shape_trace(
    network: StagedNetwork, input_shape: tuple[int, ...] = (2, 3, 224, 224)
) -> list[tuple[str, tuple[int, ...]]]:
    """Output shape after every stage, e.g. ``("maxpool", (2, 64, 56, 56))``, ending at fc."""
    return [(m.name, m.output_shape) for m in trace_stages(network, input_shape)]


@contextmanager
def capture_block_inputs(network: StagedNetwork) -> Iterator[list[Tensor]]:
    """Collect each block's input during a forward pass, with ``retain_grad`` set.

    After ``loss.backward()`` inside the ``with``, ``inputs[i].grad`` is dLoss/d(input of
    block i), the quantity whose size shows whether gradients reach early blocks.
    """
    inputs: list[Tensor] = []

    def keep(_: nn.Module, args: tuple[Tensor, ...]) -> None:
        if args[0].requires_grad:
            args[0].retain_grad()
        inputs.append(args[0])

    handles = [unit.register_forward_pre_hook(keep) for unit in network.blocks()]
    try:
        yield inputs
    finally:
        for handle in handles:
            handle.remove()


__all__ = [
    "PAPER_CIFAR_TEST_ERROR",
    "PAPER_GIGA_MULTIPLY_ADDS",
    "PAPER_IMAGENET_TOP1_ERROR_10CROP",
    "PAPER_VGG19_GIGA_MULTIPLY_ADDS",
    "TOP1_ERROR_SOURCE",
    "TORCHVISION_TOP1_ERROR",
    "StageMeasure",
    "build_model",
    "capture_block_inputs",
    "count_flops",
    "default_input_shape",
    "model_names",
    "shape_trace",
    "trace_stages",
]
