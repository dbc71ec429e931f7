"""ResNet-50 stage by stage, then the whole family: layers, parameters, multiply-adds."""

from __future__ import annotations

from manim import DOWN, RIGHT, FadeIn, Indicate, LaggedStart, SurroundingRectangle, VGroup, Write, config

from model.family import FamilyRow, FamilyTable, family_table
from model.shape_trace import ShapeTrace, shape_traces
from slides import theme
from slides.base import LectureSlide
from slides.common.grids import Grid
from slides.common.layout import centre_below
from slides.common.numbers import fixed, thousands
from slides.common.text import fit, label

# Stages whose output shape equals the one before (BN, ReLU, flatten) are left off the slide.
SHOWN_STAGES = ("conv1", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "fc")
# The tables may span the frame less its margins.
TABLE_WIDTH = config.frame_width - 3 * theme.MARGIN


def resnet50_trace() -> ShapeTrace:
    """ResNet-50 run stage by stage on a batch of RGB images of its design size."""
    return shape_traces().traces["resnet50"]


def resnet_family() -> FamilyTable:
    """ResNet-18/34/50/101/152 measured at their design input size."""
    return family_table()


def _block_step(family: FamilyTable) -> tuple[FamilyRow, FamilyRow]:
    """The deepest net of basic blocks and the shallowest of bottlenecks: where the family switches."""
    basic = max((r for r in family.rows if r.block == "basic"), key=lambda r: r.layers)
    bottleneck = min((r for r in family.rows if r.block == "bottleneck"), key=lambda r: r.layers)
    return basic, bottleneck


def shape_text(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ")"


def table(rows: list[list[str]], colors: list[str], *, buff: float, size: int, row_buff: float) -> Grid:
    """Rows of cells with columns aligned: the name left, the numbers right-aligned."""
    others = len(rows[0]) - 1
    return Grid(
        rows,
        cell=None,
        ink=colors,
        size=size,
        mono=[False] + [True] * others,
        align=["left"] + ["right"] * others,
        buff=(buff, row_buff),
    )


class WholeNetwork(LectureSlide):
    def construct(self) -> None:
        trace = resnet50_trace()
        batch, _, height, width = trace.input_shape
        self.next_slide(
            notes=f"Now the whole ResNet-50. A batch of {batch} RGB images of {height} by {width} pixels goes "
            f"in; each stage halves the picture and widens the channels; {batch} rows of "
            f"{trace.shapes[-1][-1]} class scores come out."
        )
        self.heading = self.title("ResNet-50, stage by stage")
        self.show_trace(trace)
        self.show_family(resnet_family())

    def show_trace(self, trace: ShapeTrace) -> None:
        rows = [["input", shape_text(trace.input_shape), "parameters"]]
        colors = [theme.DATA]
        for name, shape, params in zip(trace.stage_names, trace.shapes, trace.stage_params):
            if name in SHOWN_STAGES:
                rows.append([name, shape_text(shape), thousands(params)])
                colors.append(theme.OUTPUT if name == "fc" else theme.TEXT)
        rows.append(["total", "all stages", thousands(trace.total_params)])
        colors.append(theme.HIGHLIGHT)
        grid = table(rows, colors, size=theme.BODY_FONT - 2, buff=0.7, row_buff=0.24)
        centre_below(fit(grid, width=TABLE_WIDTH), self.heading)
        self.play(Write(self.heading), FadeIn(grid.rows[0]))
        self.play(
            LaggedStart(*(FadeIn(line, shift=0.2 * RIGHT) for line in grid.rows[1:-1]), lag_ratio=0.25), run_time=1.5
        )
        self.play(FadeIn(grid.rows[-1]))

        features, scores = trace.shapes[trace.stage_names.index("flatten")][-1], trace.shapes[-1][-1]
        self.next_slide(
            notes="Most parameters sit in the last stages, where the maps are small but the channels "
            f"many; the final layer turns {features} features into {scores} scores."
        )
        self.play(Indicate(grid[-2], color=theme.HIGHLIGHT), Indicate(grid[-1], color=theme.HIGHLIGHT))
        self.trace_table = grid

    def show_family(self, family: FamilyTable) -> None:
        self.next_slide(
            notes="The family: the same stages with more blocks. Parameters and multiply-adds are "
            "counted by our model; the paper column is the paper's own figure, which counts the "
            "stride in a slightly different place. The error column is ImageNet top-1 error of "
            "published weights, not something we trained."
        )
        _, _, height, width = family.input_shape
        heading = self.title(f"The ResNet family ({height} x {width} input)")
        rows = [["model", "layers", "parameters", "mult-adds", "paper", "top-1 error"]]
        colors = [theme.MUTED]
        for row in family.rows:
            rows.append(
                [
                    row.name.replace("resnet", "ResNet-"),
                    str(row.layers),
                    thousands(row.params),
                    f"{fixed(row.macs / 1e9, 2)} G",
                    f"{fixed(row.paper_giga_macs, 1)} G",
                    f"{fixed(row.reference_top1_error, 2)} %",
                ]
            )
            colors.append(theme.TEXT)
        # As large as the frame's width allows, rows spread over the height above the sources.
        grid = table(rows, colors, size=theme.LABEL_FONT, buff=0.45, row_buff=0.5)
        fit(grid, width=TABLE_WIDTH)
        source = (
            VGroup(
                label("paper: He et al. 2015, Table 1", size=theme.MIN_FONT, color=theme.MUTED),
                label(f"top-1 error: {family.top1_error_source}", size=theme.MIN_FONT, color=theme.MUTED),
            )
            .arrange(DOWN, buff=0.12)
            .to_edge(DOWN, buff=theme.MARGIN)
        )
        centre_below(grid, heading, bottom=source.get_top()[1] + theme.GAP)
        self.clear_slide()
        self.play(Write(heading), FadeIn(grid.rows[0]), FadeIn(source))
        self.play(
            LaggedStart(*(FadeIn(line, shift=0.2 * RIGHT) for line in grid.rows[1:]), lag_ratio=0.2), run_time=1.5
        )

        basic, bottleneck = _block_step(family)
        self.next_slide(
            notes=f"Going from {basic.layers} to {bottleneck.layers} layers swaps basic blocks for "
            "bottlenecks: a few more parameters, about the same compute, and a better network."
        )
        # One frame around both rows (the header is line 0): the step between them is the comparison.
        step = VGroup(*(grid.rows[family.rows.index(row) + 1] for row in (basic, bottleneck)))
        frames = SurroundingRectangle(step, color=theme.HIGHLIGHT, buff=0.15)
        self.play(FadeIn(frames))
