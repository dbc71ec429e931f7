"""Inside f: a real ResNet-18, layer by layer, with the shape of the tensor after each layer."""

from __future__ import annotations

from manim import (
    DOWN,
    RIGHT,
    Arrow,
    FadeIn,
    FadeOut,
    GrowArrow,
    Indicate,
    LaggedStart,
    ReplacementTransform,
    SurroundingRectangle,
    VGroup,
    Write,
)

from model.layers import layer_table
from slides import theme
from slides.base import LectureSlide
from slides.common.diagrams import LayerBox
from slides.common.grids import Grid
from slides.common.text import label


def _shape_text(shape: tuple[int, ...]) -> str:
    return " x ".join(str(n) for n in shape)


class WhatIsF(LectureSlide):
    def construct(self) -> None:
        self.table = layer_table()
        trace = self.table.trace
        _, channels, height, width = trace.input_shape
        classes = trace.shapes[-1][-1]
        last_map = trace.shapes[trace.stage_names.index("layer4")]
        self.next_slide(
            notes=f"So what is f? Let us open a real one: ResNet-{self.table.weighted_layers}, which takes a "
            f"{height} by {width} colour image and returns {classes} scores, one per ImageNet class."
        )
        self.show_black_box()
        self.next_slide(
            notes="Inside, f is a chain of simple layers. Next to each layer is the exact shape of "
            "the tensor it outputs, measured by running the model: batch, channels, height, width."
        )
        self.open_box()
        self.next_slide(
            notes=f"Read the shapes down the column: the picture shrinks from {width} to {last_map[-1]} "
            f"pixels across while the channels grow from {channels} to {last_map[1]}. Space is traded "
            "for features."
        )
        self.show_trend()
        self.next_slide(
            notes="Counting only layers with weights, the convolutions and the final fully connected "
            f"layer, gives the {self.table.weighted_layers} in the name, and "
            f"{trace.total_params / 1e6:.1f} million parameters."
        )
        self.show_totals()

    def show_black_box(self) -> None:
        trace = self.table.trace
        self.heading = self.title("What is f?  ResNet-18, opened")
        self.box = LayerBox("f", detail="ResNet-18", width=2.4, height=1.4, font_size=theme.HEADING_FONT)
        x_text = label(f"x: {_shape_text(trace.input_shape)}", size=theme.LABEL_FONT, color=theme.DATA, mono=True)
        y_text = label(f"y: {_shape_text(trace.shapes[-1])}", size=theme.LABEL_FONT, color=theme.OUTPUT, mono=True)
        VGroup(x_text, self.box, y_text).arrange(RIGHT, buff=1.2)
        arrow_in = Arrow(x_text.get_right(), self.box.get_left(), buff=0.1, color=theme.DATA)
        arrow_out = Arrow(self.box.get_right(), y_text.get_left(), buff=0.1, color=theme.OUTPUT)
        self.outside = VGroup(x_text, y_text, VGroup(arrow_in, arrow_out))
        self.play(Write(self.heading))
        self.play(FadeIn(self.box), FadeIn(x_text), GrowArrow(arrow_in))
        self.play(GrowArrow(arrow_out), FadeIn(y_text))

    def open_box(self) -> None:
        trace, descriptions = self.table.trace, self.table.descriptions
        size = theme.MIN_FONT
        # Three aligned columns: layer name, what it does, output shape.
        cells = [["input", "a colour image", _shape_text(trace.input_shape)]]
        inks: list[list[str]] = [[theme.DATA, theme.MUTED, theme.DATA]]
        for name, text, shape in zip(trace.stage_names, descriptions, trace.shapes):
            cells.append([name, text, _shape_text(shape)])
            inks.append([theme.LAYER, theme.TEXT, theme.OUTPUT if name == trace.stage_names[-1] else theme.DATA])
        self.rows = Grid(
            cells,
            cell=None,
            header=("layer", "what it does", "output shape"),
            header_buff=0.3,
            ink=inks,
            size=size,
            mono=(True, False, True),
            align="left",
            buff=(0.6, 0.12),
            pitch=0.43,
        )
        header, rows = self.rows.rows[0], self.rows.rows[1:]
        self.rows.next_to(self.heading, DOWN, buff=0.25)
        self.play(FadeOut(self.outside), ReplacementTransform(self.box, header))
        self.play(LaggedStart(*(FadeIn(r, shift=0.2 * DOWN) for r in rows), lag_ratio=0.15), run_time=1.5)
        self.shape_rows = rows

    def show_trend(self) -> None:
        rows = self.shape_rows
        first, last_map = rows[0][2], rows[self.table.trace.stage_names.index("layer4") + 1][2]
        frames = VGroup(*(SurroundingRectangle(m, color=theme.HIGHLIGHT, buff=0.06) for m in (first, last_map)))
        self.play(FadeIn(frames))
        self.play(Indicate(last_map, color=theme.HIGHLIGHT, scale_factor=1.05))
        self.frames = frames

    def show_totals(self) -> None:
        trace = self.table.trace
        total = label(
            f"{self.table.weighted_layers} weighted layers  ·  {trace.total_params:,} parameters  ·  "
            f"{trace.total_macs / 1e9:.1f} G multiply-adds",
            size=theme.MIN_FONT,
            color=theme.HIGHLIGHT,
        )
        total.next_to(self.rows, DOWN, buff=0.25)
        self.play(FadeOut(self.frames), Write(total))
