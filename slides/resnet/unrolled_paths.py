"""A residual net unrolled: n blocks are 2^n paths, most of them of middling length."""

from __future__ import annotations

import itertools

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    FadeIn,
    GrowFromEdge,
    Line,
    RoundedRectangle,
    VGroup,
    Write,
)

from model.experiments import lesion as experiment
from slides import theme
from slides.base import LectureSlide
from slides.common.bars import BarPlot, BarSeries
from slides.common.diagrams import LayerBox, SkipArc
from slides.common.layout import fill_between
from slides.common.text import label

SOURCE = "Veit et al. 2016, arXiv:1605.06431"
SMALL = 3  # blocks in the unrolled picture


def lesion_data() -> experiment.Lesion:
    """The lesion experiment's canonical (cached) record, which holds the path counts."""
    return experiment.lesion()


def small_counts() -> tuple[np.ndarray, np.ndarray]:
    return experiment.path_counts(SMALL)


def path_row(bits: tuple[int, ...]) -> VGroup:
    """One path through the blocks: an f_i in the layer colour where it passes block i's layers,
    a line in the skip colour where it takes the skip."""
    cells = VGroup()
    for index, through in enumerate(bits, start=1):
        if through:
            cell = VGroup(
                RoundedRectangle(
                    width=0.75, height=0.5, corner_radius=0.08, color=theme.LAYER, stroke_width=3
                ).set_fill(theme.PANEL, opacity=1.0)
            )
            cell.add(label(f"f{index}", size=theme.MIN_FONT).move_to(cell[0]))
        else:
            cell = VGroup(Line(LEFT * 0.375, RIGHT * 0.375, color=theme.SKIP, stroke_width=7))
        cells.add(cell)
    cells.arrange(RIGHT, buff=0.12)
    ends = VGroup(
        Line(LEFT * 0.2, RIGHT * 0.05, color=theme.DATA, stroke_width=3).next_to(cells, LEFT, buff=0.05),
        Line(LEFT * 0.05, RIGHT * 0.2, color=theme.DATA, stroke_width=3).next_to(cells, RIGHT, buff=0.05),
    )
    return VGroup(ends, cells)


class UnrolledPaths(LectureSlide):
    def construct(self) -> None:
        record = lesion_data()
        lengths, counts = small_counts()
        self.next_slide(
            notes="Why does a residual net survive losing a block? Unroll it. Each block either sends "
            "the signal through its layers or past them on the skip, and the output adds both. Three "
            f"blocks give 2 to the {SMALL} = {int(counts.sum())} paths: "
            + ", ".join(f"{int(c)} through {int(k)} block{'s' if k != 1 else ''}" for k, c in zip(lengths, counts))
            + ". Deleting a block removes only the paths through it; the others still reach the output."
        )
        heading = self.title(f"{SMALL} residual blocks are {int(counts.sum())} paths")
        chain = self.block_chain()
        columns = VGroup()
        for k, count in zip(lengths, counts):
            rows = [path_row(bits) for bits in itertools.product((0, 1), repeat=SMALL) if sum(bits) == k]
            if len(rows) != int(count):
                raise ValueError(f"{len(rows)} paths of length {k} drawn, the model counts {int(count)}")
            stack = VGroup(*rows).arrange(UP, buff=0.22)
            caption = label(f"{int(count)} path{'s' if count != 1 else ''}\nthrough {int(k)}", size=theme.LABEL_FONT)
            columns.add(VGroup(caption, stack).arrange(DOWN, buff=0.3))
        columns.arrange(RIGHT, buff=0.35, aligned_edge=DOWN)
        # Captions under the stacks, stacks standing on one line: the columns read as a histogram.
        base = min(c[1].get_bottom()[1] for c in columns)
        for column in columns:
            column[1].shift((base - column[1].get_bottom()[1]) * UP)
            column[0].next_to(column[1], DOWN, buff=0.3).set_y(columns[0][0].get_y())
        equals = label(
            "unrolled, by the number of blocks whose layers a path passes:", size=theme.LABEL_FONT, color=theme.MUTED
        )
        body = VGroup(chain, equals, columns).arrange(DOWN, buff=0.45)
        source = self.caption(f"after {SOURCE}, Figure 1")
        fill_between(body, heading.get_bottom()[1], source.get_top()[1])
        self.play(Write(heading), FadeIn(chain), FadeIn(source))
        self.play(FadeIn(equals))
        for column in columns:
            self.play(FadeIn(column[1], shift=0.2 * UP), FadeIn(column[0]), run_time=0.6)

        self.next_slide(
            notes=f"Our {record.depth}-layer residual net has {record.n_blocks} blocks, so "
            f"{int(record.path_counts.sum()):,} paths. How many blocks a path passes follows the binomial "
            f"distribution: only one path passes all {record.n_blocks} blocks, most pass about half. The "
            "deep net behaves like a large ensemble of much shallower nets; Veit and colleagues found "
            "that in ResNet-110 almost all of the gradient during training comes from paths 10 to 34 "
            "layers deep."
        )
        self.clear_slide()
        self.show_histogram(record)

    def block_chain(self) -> VGroup:
        boxes = VGroup(*(LayerBox(f"f{i}", width=1.5, height=0.9) for i in range(1, SMALL + 1)))
        boxes.arrange(RIGHT, buff=1.3)
        x_in = label("x", color=theme.DATA, size=theme.BODY_FONT).next_to(boxes, LEFT, buff=1.0)
        y_out = label("y", color=theme.OUTPUT, size=theme.BODY_FONT).next_to(boxes, RIGHT, buff=1.0)
        stops = [x_in, *boxes, y_out]
        arrows = VGroup(
            *(
                Arrow(
                    a.get_right(),
                    b.get_left(),
                    buff=0.1,
                    color=theme.DATA,
                    stroke_width=4,
                    max_tip_length_to_length_ratio=0.25,
                )
                for a, b in itertools.pairwise(stops)
            )
        )
        skips = VGroup(
            *(
                SkipArc(
                    arrows[i].get_center() + 0.1 * UP, arrows[i + 1].get_center() + 0.1 * UP, bend=-1.6, stroke_width=5
                )
                for i in range(SMALL)
            )
        )
        return VGroup(x_in, boxes, y_out, arrows, skips)

    def show_histogram(self, record: experiment.Lesion) -> None:
        n = record.n_blocks
        total = int(record.path_counts.sum())
        share = record.path_counts.astype(np.float64) / total
        heading = self.title(f"{n} blocks: {total:,} paths")
        plot = BarPlot(
            [BarSeries(share, "paths", theme.SKIP)],
            [str(k) for k in record.path_lengths],
            x_label="residual branches on the path (each has 2 conv layers)",
            y_label="share of all paths",
            width=11.0,
            height=3.4,
            percent_y=True,
            labelled=[k for k in range(n + 1) if k % 3 == 0],
            group_fill=0.75,
        )
        most = int(record.path_lengths[int(np.argmax(record.path_counts))])
        facts = label(f"most common: {most} of {n} blocks;  exactly 1 path passes all {n}", size=theme.LABEL_FONT)
        body = VGroup(plot, facts).arrange(DOWN, buff=0.35)
        source = self.caption(f"C({n}, k) paths through k blocks \u00b7 {SOURCE}")
        fill_between(body, heading.get_bottom()[1], source.get_top()[1])
        self.play(Write(heading), FadeIn(source))
        self.play(FadeIn(VGroup(*(m for m in plot if m is not plot.bars))))
        self.play(*(GrowFromEdge(b, DOWN) for b in plot.bars[0]), run_time=1.5)
        self.play(FadeIn(facts))
