"""Weight-space symmetry: swapping two hidden units keeps the loss, so the loss is not convex."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    Indicate,
    Line,
    Transform,
    VGroup,
    Write,
)

from model.concepts.symmetry import WeightSwapExample, weight_swap_example
from slides import theme
from slides.base import LectureSlide
from slides.common.graphs import LayeredGraph
from slides.common.grids import WIDE_CELL, Grid, decimals
from slides.common.numbers import fixed
from slides.common.plots import CurvePlot, Series
from slides.common.text import fit, label

# The two exchanged units: a colour-blind-safe pair the eye can follow through the swap.
UNIT_COLORS = (theme.PEER_A, theme.PEER_B)
LOSS_DECIMALS = 4
OUTPUT_WIDTH = 1.15  # a signed two-decimal output at the minimum font size


def weight_swap_data() -> WeightSwapExample:
    """The network, its swapped twin and the loss along the line between them, from torch."""
    return weight_swap_example()


def output_column(values: np.ndarray) -> Grid:
    """The network's outputs, one a row, in two decimals."""
    return Grid(
        values.reshape(-1, 1),
        cell=(OUTPUT_WIDTH, WIDE_CELL[1]),
        format=decimals(2),
        color=theme.MUTED,
        ink=theme.OUTPUT,
    )


class WeightSwapSymmetry(LectureSlide):
    def construct(self) -> None:
        self.next_slide(
            notes="A small ReLU network that fits XOR. We will find a second set of weights with exactly "
            "the same loss, and see what that says about the shape of the loss."
        )
        self.data = weight_swap_data()
        self.show_network()
        self.show_outputs()
        self.swap_units()
        self.show_loss_path()
        self.show_conclusion()

    # The network -------------------------------------------------------------------------

    def unit_color(self, unit: int) -> str:
        first, second = self.data.swapped_units
        return {first: UNIT_COLORS[0], second: UNIT_COLORS[1]}.get(unit, theme.MUTED)

    def show_network(self) -> None:
        data = self.data
        self.heading = self.title("Swapping two hidden units")
        inputs = [f"x{i + 1}" for i in range(data.inputs.shape[1])]
        hidden = [f"h{j + 1}" for j in range(len(data.hidden_bias))]
        edges = [(x, h) for h in hidden for x in inputs] + [(h, "y") for h in hidden]
        self.graph = LayeredGraph(
            [inputs, hidden, ["y"]],
            edges,
            radius=0.5,
            layer_gap=2.7,
            node_gap=1.8,
            node_color=theme.MUTED,
            node_colors={"y": theme.OUTPUT},
        )
        self.graph.next_to(self.heading, DOWN, buff=0.5).to_edge(LEFT, buff=0.9)
        # Each unit's edges carry its colour; thickness follows the weight's size.
        for j, h in enumerate(hidden):
            color = self.unit_color(j)
            self.graph.node(h).set_stroke(color)
            for i, x in enumerate(inputs):
                self.graph.edge(x, h).set_stroke(color, width=1.5 + 3 * abs(data.hidden_weight[j, i]))
            self.graph.edge(h, "y").set_stroke(color, width=1.5 + 3 * abs(data.output_weight[j]))
        self.names = {
            name: label(name, size=theme.MIN_FONT).move_to(self.graph.node(name)) for name in [*inputs, *hidden, "y"]
        }
        self.hidden_names = hidden

        weights = np.column_stack([data.hidden_weight, data.hidden_bias, data.output_weight])
        self.table = Grid(
            weights,
            cell=(1.0, WIDE_CELL[1]),
            format=decimals(1),
            color=theme.MUTED,
            ink=[self.unit_color(j) for j in range(len(weights))],
        )
        headers = VGroup(
            *(
                label(text, size=theme.MIN_FONT, color=theme.MUTED).next_to(cell, UP, buff=0.12)
                for text, cell in zip(("in 1", "in 2", "bias", "out"), self.table.rows[0])
            )
        )
        fit(headers, width=self.table.width)
        slots = VGroup(
            *(
                label(f"unit {j + 1}", size=theme.MIN_FONT, color=theme.MUTED).next_to(row, LEFT, buff=0.2)
                for j, row in enumerate(self.table.rows)
            )
        )
        self.weights = VGroup(self.table, headers, slots)
        self.weights.next_to(self.heading, DOWN, buff=0.4).to_edge(RIGHT, buff=0.6)
        self.play(Write(self.heading), run_time=0.8)
        self.play(Create(self.graph), FadeIn(*self.names.values()), run_time=1.5)
        self.play(FadeIn(self.weights), run_time=0.8)

    def show_outputs(self) -> None:
        data = self.data
        self.next_slide(
            notes=f"On the {len(data.inputs)} XOR inputs the outputs are close to the targets; the loss, half the mean "
            f"squared error, is {fixed(data.loss, LOSS_DECIMALS)}."
        )
        # Inputs and targets are whole numbers; the outputs need two decimals.
        examples = Grid(np.column_stack([data.inputs, data.targets]), cell=(0.9, WIDE_CELL[1]), color=theme.MUTED)
        outputs = output_column(data.outputs)
        self.outputs = VGroup(examples, outputs).arrange(RIGHT, buff=0)
        self.outputs.next_to(self.weights, DOWN, buff=0.6).align_to(self.table, RIGHT).shift(-OUTPUT_WIDTH * RIGHT)
        headers = VGroup(
            *(
                label(text, size=theme.MIN_FONT, color=theme.MUTED).next_to(cell, UP, buff=0.12)
                for text, cell in zip(("x1", "x2", "target", "y"), [*examples.rows[0], outputs.rows[0][0]])
            )
        )
        self.loss = label(f"loss = {fixed(data.loss, LOSS_DECIMALS)}", color=theme.OUTPUT)
        # Under the network: the right side fills up with the swapped outputs.
        self.loss.next_to(self.graph, DOWN, buff=0.5).align_to(self.graph, LEFT)
        self.play(FadeIn(self.outputs), FadeIn(headers), run_time=0.8)
        self.play(FadeIn(self.loss), run_time=0.6)
        self.output_headers = headers

    def swap_units(self) -> None:
        data = self.data
        first, second = data.swapped_units
        self.next_slide(
            notes=f"Now exchange units {first + 1} and {second + 1}: their incoming weights, biases and "
            "outgoing weights trade places: in the diagram the two units swap positions with their "
            "edges, and in the table their rows swap. The network computes exactly the same "
            "outputs, so the loss is the same, yet the weight vector is a different point."
        )
        a, b = self.hidden_names[first], self.hidden_names[second]
        where = {a: self.graph.node(b).get_center(), b: self.graph.node(a).get_center()}
        moves: list = []
        for name, target in where.items():
            moves.append(self.graph.node(name).animate.move_to(target))
            moves.append(self.names[name].animate.move_to(target))
        for (parent, child), edge in self.graph.edges.items():
            start = where.get(parent, self.graph.node(parent).get_center())
            end = where.get(child, self.graph.node(child).get_center())
            if parent in where or child in where:
                moved = self.graph.connector(start, end).set_stroke(edge.get_color(), edge.get_stroke_width())
                moves.append(Transform(edge, moved))
        # Box by box and number by number: animating a whole row group would pull it out of the
        # table, and the slide's description would then read the table in pieces.
        rows = self.table.rows
        offset = rows[second].get_center() - rows[first].get_center()
        for row, shift in ((rows[first], offset), (rows[second], -offset)):
            moves += [part.animate.shift(shift) for cell in row for part in cell]
        self.play(*moves, run_time=1.5)

        after = output_column(data.swapped_outputs)
        after.next_to(self.outputs, RIGHT, buff=0)
        header = label("swapped", size=theme.MIN_FONT, color=theme.MUTED).next_to(after, UP, buff=0.12)
        header.align_to(self.output_headers, DOWN).align_to(after, LEFT)
        loss_after = label(f"loss after the swap = {fixed(data.swapped_loss, LOSS_DECIMALS)}", color=theme.OUTPUT)
        loss_after.next_to(self.loss, DOWN, buff=0.15).align_to(self.loss, LEFT)
        self.play(FadeIn(after), FadeIn(header), run_time=0.8)
        self.play(FadeIn(loss_after), Indicate(self.loss, color=theme.HIGHLIGHT), run_time=0.8)

    # The loss between the two -------------------------------------------------------------

    def show_loss_path(self) -> None:
        data = self.data
        self.next_slide(
            notes="Walk in a straight line from the original weights to the swapped ones, and compute "
            "the loss at each point. Both ends have the same small loss; the middle does not."
        )
        self.clear_slide(self.heading)
        heading = self.title("Loss on the straight line between them")
        self.plot = CurvePlot(
            [Series(data.path_t, data.loss_path, "loss", theme.OUTPUT)],
            x_label="t   (weights: (1 − t) · original + t · swapped)",
            y_label="loss",
            width=11.0,
            height=4.2,
            legend=False,
        )
        self.plot.next_to(heading, DOWN, buff=0.35)
        ends = VGroup(
            Dot(self.plot.point(data.path_t[0], data.loss_path[0]), color=UNIT_COLORS[0], radius=0.1),
            Dot(self.plot.point(data.path_t[-1], data.loss_path[-1]), color=UNIT_COLORS[1], radius=0.1),
        )
        end_names = VGroup(
            label("original", size=theme.MIN_FONT, color=UNIT_COLORS[0])
            .next_to(ends[0], UP, buff=0.6)
            .align_to(ends[0], LEFT)
            .shift(0.2 * RIGHT),
            label("swapped", size=theme.MIN_FONT, color=UNIT_COLORS[1])
            .next_to(ends[1], UP, buff=0.6)
            .align_to(ends[1], RIGHT),
        )
        self.play(FadeOut(self.heading), FadeIn(heading), FadeIn(self.plot.axes), run_time=0.8)
        self.play(
            FadeIn(VGroup(*(m for m in self.plot if m not in (self.plot.curves, self.plot.axes)))),
            FadeIn(ends),
            FadeIn(end_names),
            run_time=0.6,
        )
        self.play(Create(self.plot.curves), run_time=1.5)
        self.heading = heading
        self.ends = ends

    def show_conclusion(self) -> None:
        data = self.data
        peak = int(np.argmax(data.loss_path))
        self.next_slide(
            notes=f"A convex function never rises above the chord between two of its points. Here the "
            f"loss rises by {fixed(data.bump, LOSS_DECIMALS)} above both ends, so the loss is not convex: "
            "symmetric copies of a good solution are separated by a bump."
        )
        chord = DashedLine(self.ends[0].get_center(), self.ends[1].get_center(), color=theme.MUTED)
        top = Dot(self.plot.point(data.path_t[peak], data.loss_path[peak]), color=theme.HIGHLIGHT, radius=0.1)
        rise = Line(
            self.plot.point(data.path_t[peak], max(data.loss_path[0], data.loss_path[-1])),
            top.get_center(),
            color=theme.HIGHLIGHT,
            stroke_width=4,
        )
        note = label(
            f"rises {fixed(data.bump, LOSS_DECIMALS)} above the ends", size=theme.MIN_FONT, color=theme.HIGHLIGHT
        )
        note.next_to(top, RIGHT, buff=0.2)
        verdict = self.caption(
            "equal losses at both ends, higher in between: the loss is not convex", color=theme.HIGHLIGHT
        )
        self.play(Create(chord), run_time=0.8)
        self.play(AnimationGroup(FadeIn(top), Create(rise)), FadeIn(note), run_time=0.8)
        self.play(FadeIn(verdict), run_time=0.6)
