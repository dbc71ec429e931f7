"""ResNet-18 opened layer by layer: what each stage is, read off the module, and its output shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from model.cache import cached
from model.measure import build_model, default_input_shape
from model.shape_trace import ShapeTrace, shape_trace_record

if TYPE_CHECKING:
    from torch import nn

MODEL = "resnet18"


@dataclass(frozen=True)
class LayerTable:
    """A network stage by stage: the measured trace, one description per stage, and the number
    of weighted layers (convolutions and the fully connected layer, the depth in its name)."""

    trace: ShapeTrace
    descriptions: tuple[str, ...]
    weighted_layers: int


def describe(module: nn.Module) -> str:
    """A one-line description of a stage, read from the module's own settings."""
    from torch import nn

    if isinstance(module, nn.Conv2d):
        k, s = module.kernel_size[0], module.stride[0]
        return f"conv {k}x{k}, {module.out_channels} filters, stride {s}"
    if isinstance(module, nn.BatchNorm2d):
        return f"batch norm over {module.num_features} channels"
    if isinstance(module, nn.ReLU):
        return "ReLU: max(0, x)"
    if isinstance(module, nn.MaxPool2d):
        return f"max pool {module.kernel_size}x{module.kernel_size}, stride {module.stride}"
    if isinstance(module, nn.Sequential):
        convs = [m for m in module.modules() if isinstance(m, nn.Conv2d) and m.kernel_size[0] == 3]
        return f"{len(module)} blocks: {len(convs)} convs 3x3, {convs[-1].out_channels} filters"
    if isinstance(module, nn.AdaptiveAvgPool2d):
        return "average pool over the whole map"
    if isinstance(module, nn.Flatten):
        return "flatten to a vector"
    if isinstance(module, nn.Linear):
        return f"fully connected {module.in_features} -> {module.out_features}"
    return type(module).__name__


@cached("layer_table")
def layer_table(name: str = MODEL) -> LayerTable:
    """The measured shape trace of ``name`` on one image of its design size, with descriptions."""
    from model.resnet import weighted_layers

    network = build_model(name, device="meta")
    trace = shape_trace_record(name, default_input_shape(name))
    stages = dict(network.named_stages())
    return LayerTable(
        trace=trace,
        descriptions=tuple(describe(stages[stage]) for stage in trace.stage_names),
        weighted_layers=weighted_layers(network),
    )
