"""A network stage by stage: the output shape, parameters and multiply-adds of each stage."""

from __future__ import annotations

from dataclasses import dataclass

from model.measure import build_model, default_input_shape, trace_stages


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


def shape_trace_record(
    name: str = "resnet50", input_shape: tuple[int, ...] | None = None
) -> ShapeTrace:
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
