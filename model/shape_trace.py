"""A network stage by stage: the output shape, parameters and multiply-adds of each stage."""

from __future__ import annotations

from dataclasses import dataclass

from model.cache import cached
from model.measure import build_model, default_input_shape, trace_stages

# The traces the slides show: model name -> images per batch. ResNet-50 runs on a batch of
# two, which shows that the batch dimension rides along through every stage.
SHOWN_TRACES: dict[str, int] = {"resnet18": 1, "resnet50": 2}


@dataclass(frozen=True)
class ShapeTrace:
    """A network stage by stage: output shape, parameters and multiply-adds of each stage."""

    model: str
    input_shape: tuple[int, ...]
    stage_names: tuple[str, ...]
    shapes: tuple[tuple[int, ...], ...]
    stage_params: tuple[int, ...]
    stage_macs: tuple[int, ...]
    total_params: int
    total_macs: int


def shape_trace_record(name: str = "resnet50", input_shape: tuple[int, ...] | None = None) -> ShapeTrace:
    """The stage-by-stage trace of model ``name`` (see ``model.measure.model_names``)."""
    shape = tuple(input_shape) if input_shape is not None else default_input_shape(name)
    stages = trace_stages(build_model(name, device="meta"), shape)
    return ShapeTrace(
        model=name,
        input_shape=shape,
        stage_names=tuple(s.name for s in stages),
        shapes=tuple(s.output_shape for s in stages),
        stage_params=tuple(s.params for s in stages),
        stage_macs=tuple(s.macs for s in stages),
        total_params=sum(s.params for s in stages),
        total_macs=sum(s.macs for s in stages),
    )


@dataclass(frozen=True)
class ShapeTraces:
    """The trace of every model in ``SHOWN_TRACES``, by name, on a batch of its design input."""

    traces: dict[str, ShapeTrace]


@cached("shape_traces")
def shape_traces() -> ShapeTraces:
    """``shape_trace_record`` of each model the slides show."""
    return ShapeTraces(
        {name: shape_trace_record(name, default_input_shape(name, batch=batch)) for name, batch in SHOWN_TRACES.items()}
    )
