"""The two block types: basic (3x3, 3x3) and bottleneck (1x1, 3x3, 1x1), with their costs."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, Indicate, VGroup, Write, config

from model.block_pair import block_pair
from model.block_trace import BlockTrace
from slides import theme
from slides.base import LectureSlide
from slides.common.residual import ResidualBlockDiagram
from slides.common.text import label


def block_traces() -> tuple[BlockTrace, BlockTrace]:
    """The basic block of ResNet-18/34 and the bottleneck of ResNet-50, both on a 56x56 map."""
    pair = block_pair()
    return pair.basic, pair.bottleneck


def _kernel(size: int) -> str:
    return f"{size}x{size}"


def _count(n: int) -> str:
    """Small counts as words, as a lecturer says them."""
    return ("no", "one", "two", "three", "four", "five")[n] if n <= 5 else str(n)


def layer_lines(trace: BlockTrace) -> tuple[list[str], list[str]]:
    """Box names ("3x3 conv") and details (channels in -> out, weights) for each conv."""
    names = [f"{k}x{k} conv" for k in trace.kernel_sizes]
    details = [
        f"{c_in} \u2192 {c_out},  {params:,} w"
        for c_in, c_out, params in zip(trace.layer_in_channels, trace.layer_out_channels, trace.layer_params)
    ]
    return names, details


def block_picture(trace: BlockTrace) -> ResidualBlockDiagram:
    names, details = layer_lines(trace)
    return ResidualBlockDiagram(
        names,
        details=details,
        after=(),
        direction=DOWN,
        side=RIGHT,
        input_label=f"{trace.in_channels} ch",
        output_label=None,
        skip_label=None,
        box_width=3.8,
        box_height=0.78,
        gap=0.16,
        skip_offset=0.5,
    )


def cost_lines(trace: BlockTrace) -> VGroup:
    """The whole block's parameters and multiply-adds (BN included), as the model counts them."""
    return VGroup(
        label(f"parameters: {trace.params:,}", color=theme.TEXT),
        label(f"mult-adds ({trace.size}x{trace.size}): {trace.macs / 1e6:.1f} M", color=theme.TEXT),
    ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)


class BasicVsBottleneck(LectureSlide):
    def construct(self) -> None:
        basic, bottleneck = block_traces()
        squeeze, middle, expand = zip(
            bottleneck.kernel_sizes, bottleneck.layer_in_channels, bottleneck.layer_out_channels
        )
        self.next_slide(
            notes=f"ResNets use two kinds of block. ResNet-18 and 34 use the basic block: "
            f"{_count(len(basic.kernel_sizes))} {_kernel(basic.kernel_sizes[0])} convolutions on "
            f"{basic.in_channels} channels, with the skip around them."
        )
        self.heading = self.title("Basic block vs bottleneck block")
        self.basic = self.show_block(basic, "basic (ResNet-18/34)", LEFT)

        self.next_slide(
            notes=f"ResNet-50 and deeper use the bottleneck: a {_kernel(squeeze[0])} convolution squeezes "
            f"{squeeze[1]} channels to {squeeze[2]}, the {_kernel(middle[0])} works on {middle[1]}, and "
            f"another {_kernel(expand[0])} expands back to {expand[2]}."
        )
        self.bottleneck = self.show_block(bottleneck, "bottleneck (ResNet-50/101/152)", RIGHT)

        ratio = bottleneck.in_channels / basic.in_channels
        self.next_slide(
            notes=f"The cost, counted by the model: the bottleneck carries {ratio:g} times as many channels "
            "for about the same parameters and multiply-adds. That is what makes 50, 101 and 152 "
            "layers affordable."
        )
        self.show_costs(basic, bottleneck)

    def show_block(self, trace: BlockTrace, name: str, edge: np.ndarray) -> VGroup:
        picture = block_picture(trace)
        heading = label(name, size=theme.LABEL_FONT, color=theme.HIGHLIGHT)
        column = VGroup(heading, picture).arrange(DOWN, buff=0.2)
        # Each block owns one half of the frame, centred in it.
        column.next_to(self.heading, DOWN, buff=0.3).set_x(float(edge[0]) * config.frame_width / 4)
        if edge is LEFT:
            # Alone on its slide, the basic block stands in the middle; it moves aside
            # when the bottleneck joins it.
            column.set_x(0)
            self.play(Write(self.heading), FadeIn(heading))
        else:
            self.play(self.basic[0].animate.set_x(-config.frame_width / 4), FadeIn(heading))
        self.play(FadeIn(picture.main_parts), run_time=1.0)
        self.play(Create(picture.skip), run_time=0.8)
        return VGroup(column, picture)

    def show_costs(self, basic: BlockTrace, bottleneck: BlockTrace) -> None:
        lines = []
        # Both blocks' costs on one line of sight, under the taller picture.
        bottom = min(self.basic[0].get_bottom()[1], self.bottleneck[0].get_bottom()[1])
        for block, trace in ((self.basic, basic), (self.bottleneck, bottleneck)):
            costs = cost_lines(trace).set_x(block[0].get_x())
            lines.append(costs.shift(UP * (bottom - 0.2 - costs.get_top()[1])))
        self.play(*(FadeIn(c, shift=0.2 * UP) for c in lines))
        self.play(*(Indicate(c, color=theme.HIGHLIGHT) for c in lines))
