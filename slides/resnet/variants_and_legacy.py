"""After ResNet: pre-activation, ResNeXt, Wide ResNet, DenseNet, and the skip in U-Net and Transformers."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    FadeIn,
    Indicate,
    Line,
    Text,
    VGroup,
    Write,
)

from model.variants import VariantNumbers, variant_numbers
from slides import theme
from slides.base import LectureSlide
from slides.common.diagrams import LayerBox
from slides.common.residual import MergeNode, ResidualBlockDiagram
from slides.common.text import label


def row_with_title(title: str, diagram: VGroup, color: str = theme.HIGHLIGHT) -> VGroup:
    return VGroup(label(title, color=color), diagram).arrange(DOWN, buff=0.25)


class VariantsAndLegacy(LectureSlide):
    def construct(self) -> None:
        self.next_slide(
            notes="ResNet started a family. First, its own authors' revision a year later: move batch norm "
            "and ReLU before each convolution, and put nothing after the addition."
        )
        numbers = variant_numbers()
        self.show_preactivation(numbers)
        self.show_resnext(numbers)
        self.show_wide(numbers)
        self.show_densenet()
        self.show_unet()
        self.show_transformer()

    def new_page(self, heading: str, source: str) -> Text:
        self.clear_slide()
        title = self.title(heading)
        self.play(Write(title), FadeIn(self.caption(source)))
        return title

    def show_preactivation(self, numbers: VariantNumbers) -> None:
        title = self.new_page("Pre-activation ResNet", "He et al. 2016, Identity Mappings in Deep Residual Networks")
        original = ResidualBlockDiagram(
            ("conv", "BN", "ReLU", "conv", "BN"),
            after=("ReLU",),
            box_width=1.25,
            box_height=0.7,
            gap=0.3,
            skip_offset=0.5,
            skip_label=None,
        )
        preact = ResidualBlockDiagram(
            ("BN", "ReLU", "conv", "BN", "ReLU", "conv"),
            after=(),
            box_width=1.25,
            box_height=0.7,
            gap=0.3,
            skip_offset=0.5,
            skip_label=None,
        )
        rows = VGroup(
            row_with_title("original: ReLU after the addition", original, theme.MUTED),
            row_with_title("pre-activation: nothing after the addition, a clean identity path", preact),
        )
        rows.arrange(DOWN, buff=0.45).next_to(title, DOWN, buff=0.35)
        same = label(
            f"parameters: {numbers.preact_params:,} vs {numbers.basic_params:,}: only the order changes",
            size=theme.MIN_FONT,
            color=theme.TEXT,
        ).next_to(rows, DOWN, buff=0.35)
        self.play(FadeIn(rows[0]))
        self.play(FadeIn(rows[1]))
        self.play(Indicate(preact.skip, color=theme.HIGHLIGHT), FadeIn(same))

    def show_resnext(self, numbers: VariantNumbers) -> None:
        self.next_slide(
            notes="ResNeXt splits the 3x3 convolution into many thin groups, like many small paths in "
            "parallel. The same width costs far fewer weights."
        )
        title = self.new_page(
            "ResNeXt: grouped convolutions", "Xie et al. 2017; widths and groups as in their ResNeXt-50 (32x4d)"
        )
        paths = VGroup(
            *(LayerBox("3x3", width=1.1, height=0.7) for _ in range(3)),
            label("\u2026"),
            LayerBox("3x3", width=1.1, height=0.7),
        ).arrange(RIGHT, buff=0.3)
        reduce = LayerBox("1x1 conv", width=paths.width, height=0.6)
        expand = LayerBox("1x1 conv", width=paths.width, height=0.6)
        column = VGroup(reduce, paths, expand).arrange(DOWN, buff=0.35)
        merge = MergeNode().next_to(column, DOWN, buff=0.35)
        source = label("x", color=theme.DATA).next_to(column, UP, buff=0.6)
        flow = VGroup(
            Arrow(source.get_bottom(), reduce.get_top(), buff=0.08, color=theme.DATA),
            Arrow(expand.get_bottom(), merge.get_top(), buff=0.08, color=theme.DATA),
        )
        fork = flow[0].get_center()
        side = column.get_right()[0] + 0.6
        skip = VGroup(
            Line(fork, np.array([side, fork[1], 0.0]), color=theme.SKIP, stroke_width=6),
            Line(
                np.array([side, fork[1], 0.0]), np.array([side, merge.get_y(), 0.0]), color=theme.SKIP, stroke_width=6
            ),
            Arrow([side, merge.get_y(), 0], merge.get_right(), buff=0.02, color=theme.SKIP, stroke_width=6),
        )
        picture = VGroup(source, flow, column, merge, skip).next_to(title, DOWN, buff=0.4).to_edge(LEFT, buff=0.8)
        counts = (
            VGroup(
                label(
                    f"3x3 conv, {numbers.resnext_width} \u2192 {numbers.resnext_width} channels:", size=theme.MIN_FONT
                ),
                label(f"dense: {numbers.dense_3x3_params:,} weights", size=theme.MIN_FONT, color=theme.LAYER),
                label(
                    f"{numbers.resnext_groups} groups: {numbers.grouped_3x3_params:,} weights",
                    size=theme.MIN_FONT,
                    color=theme.HIGHLIGHT,
                ),
            )
            .arrange(DOWN, aligned_edge=LEFT, buff=0.2)
            .next_to(picture, RIGHT, buff=0.8)
        )
        self.play(FadeIn(picture))
        self.play(FadeIn(counts))

    def show_wide(self, numbers: VariantNumbers) -> None:
        self.next_slide(
            notes="Wide ResNets go the other way from depth: fewer blocks, each with more channels. "
            "Wider blocks cost more weights each but run well in parallel on a GPU."
        )
        title = self.new_page("Wide ResNet: width, not depth", "Zagoruyko & Komodakis 2016")
        thin_detail, wide_detail = f"{numbers.channels} ch", f"{numbers.wide_channels} ch"
        # Box heights drawn in proportion to the channels would not fit; the wide one is just taller.
        thin = ResidualBlockDiagram(
            ("3x3 conv", "3x3 conv"),
            after=(),
            details=(thin_detail, thin_detail),
            box_width=2.4,
            box_height=0.95,
            skip_label=None,
            skip_offset=0.5,
        )
        wide = ResidualBlockDiagram(
            ("3x3 conv", "3x3 conv"),
            after=(),
            details=(wide_detail, wide_detail),
            box_width=2.4,
            box_height=1.8,
            skip_label=None,
            skip_offset=0.5,
        )
        pictures = (
            VGroup(
                row_with_title(f"basic block: {numbers.basic_params:,} parameters", thin, theme.TEXT),
                row_with_title(f"{numbers.widen}x wider: {numbers.wide_params:,} parameters", wide, theme.HIGHLIGHT),
            )
            .arrange(DOWN, buff=0.35)
            .next_to(title, DOWN, buff=0.3)
        )
        self.play(FadeIn(pictures[0]))
        self.play(FadeIn(pictures[1]))

    def show_densenet(self) -> None:
        self.next_slide(
            notes="DenseNet keeps the skip but concatenates instead of adding: every layer sees the "
            "feature maps of all layers before it, and the channels pile up."
        )
        title = self.new_page("DenseNet: concatenate, not add", "Huang et al. 2017")
        add = ResidualBlockDiagram(
            ("BN-ReLU-conv",), after=(), box_width=3.0, output_label="x + F(x)", skip_label="x", skip_offset=0.5
        )
        concat = ResidualBlockDiagram(
            ("BN-ReLU-conv",),
            after=(),
            merge="C",
            box_width=3.0,
            output_label="[x, F(x)]",
            skip_label="x",
            skip_offset=0.5,
        )
        rows = VGroup(
            row_with_title("ResNet: add (same channels)", add, theme.MUTED),
            row_with_title("DenseNet: concatenate (channels grow)", concat),
        ).arrange(DOWN, buff=0.6)
        rows.next_to(title, DOWN, buff=0.5)
        self.play(FadeIn(rows[0]))
        self.play(FadeIn(rows[1]))

    def show_unet(self) -> None:
        self.next_slide(
            notes="The idea left image classification. U-Net, for segmentation, copies each encoder map "
            "across to the decoder at the same resolution: long skips that keep the fine detail."
        )
        title = self.new_page("U-Net: skips across the U", "Ronneberger et al. 2015")
        levels = 3
        encoder = VGroup(*(LayerBox("encode", width=2.0, height=0.7) for _ in range(levels)))
        decoder = VGroup(*(LayerBox("decode", width=2.0, height=0.7, color=theme.OUTPUT) for _ in range(levels)))
        for i in range(levels):
            # Each level sits lower and further in: the U.
            encoder[i].move_to(np.array([-4.5 + 1.4 * i, -1.1 * i, 0.0]))
            decoder[i].move_to(np.array([4.5 - 1.4 * i, -1.1 * i, 0.0]))
        bottom = LayerBox("bottleneck", width=2.4, height=0.7).move_to(np.array([0.0, -1.1 * levels, 0.0]))
        down = VGroup(
            *(
                Arrow(a.get_bottom(), b.get_top(), buff=0.05, color=theme.DATA)
                for a, b in zip([*encoder], [*encoder[1:], bottom])
            )
        )
        up = VGroup(
            *(
                Arrow(a.get_top(), b.get_bottom(), buff=0.05, color=theme.DATA)
                for a, b in zip([bottom, *decoder[::-1][:-1]], [*decoder[::-1]])
            )
        )
        skips = VGroup(
            *(
                Arrow(e.get_right(), d.get_left(), buff=0.1, color=theme.SKIP, stroke_width=6)
                for e, d in zip(encoder, decoder)
            )
        )
        copy = label("copy", color=theme.SKIP, size=theme.MIN_FONT).next_to(skips[0], UP, buff=0.1)
        VGroup(encoder, decoder, bottom, down, up, skips, copy).next_to(title, DOWN, buff=0.6)
        self.play(FadeIn(VGroup(encoder, decoder, bottom, down, up)))
        self.play(*(Create(s) for s in skips), FadeIn(copy))

    def show_transformer(self) -> None:
        self.next_slide(
            notes="And every Transformer layer is two residual blocks: x plus attention of the normalised x, "
            "then the same around the MLP. The skip from 2015 is inside every large language model."
        )
        title = self.new_page("Inside every Transformer layer", "Vaswani et al. 2017; pre-LN form")
        attention = ResidualBlockDiagram(
            ("LayerNorm", "Attention"), after=(), box_width=2.2, skip_label="x", skip_offset=0.5, input_label="x"
        )
        mlp = ResidualBlockDiagram(
            ("LayerNorm", "MLP"), after=(), box_width=2.2, skip_label="y", skip_offset=0.5, input_label="y"
        )
        layer = VGroup(attention, mlp).arrange(DOWN, buff=0.5).next_to(title, DOWN, buff=0.5)
        formula = label("y = x + Attention(LN(x)),   out = y + MLP(LN(y))", color=theme.TEXT)
        formula.next_to(layer, DOWN, buff=0.5)
        self.play(FadeIn(attention))
        self.play(FadeIn(mlp), FadeIn(formula))
        self.play(Indicate(VGroup(attention.skip, mlp.skip), color=theme.HIGHLIGHT))
