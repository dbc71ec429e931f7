"""Automatic differentiation: a loss as a graph, values forwards, gradients backwards."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    FadeIn,
    FadeOut,
    GrowFromCenter,
    Indicate,
    LaggedStart,
    MathTex,
    Mobject,
    Text,
    TransformFromCopy,
    VGroup,
    Write,
)

from model.concepts.autodiff import AutodiffExample, GraphNode, autodiff_example
from slides import theme
from slides.base import LectureSlide
from slides.common.graphs import LayeredGraph
from slides.common.layout import centre_below
from slides.common.numbers import fixed
from slides.common.text import equation, fit, label

DECIMALS = 2
LIT_WIDTH = 7  # an edge the error signal has travelled


def autodiff_data() -> AutodiffExample:
    """Forward values, local derivatives and autograd gradients of the example network."""
    return autodiff_example()


def tex_result(value: float) -> str:
    """A value at the end of a formula (no "-0.00"); LaTeX draws the minus itself."""
    return fixed(value, DECIMALS, minus="-")


def tex_number(value: float) -> str:
    """A value inside a formula, bracketed when negative so products read unambiguously."""
    text = tex_result(value)
    return f"({text})" if float(text) < 0 else text


def partial(top: str, bottom: str) -> str:
    return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"


class AutomaticDifferentiation(LectureSlide):
    def construct(self) -> None:
        self.data = autodiff_data()
        inputs, hidden, outputs = (sum(1 for n in self.data.nodes if n.name[0] == kind) for kind in ("x", "h", "y"))
        self.next_slide(
            notes=f"A tiny network: {inputs} inputs, {hidden} sigmoid hidden units, {outputs} linear output, "
            "and a squared-error loss. Written out, the loss is a composition of simple steps."
        )
        self.show_network()
        self.decompose()
        for name in self.data.forward_order:
            if self.data.node(name).layer > 0 or name == self.data.forward_order[0]:
                self.forward_step(name)
        for name in self.data.backward_order:
            self.backward_step(name)
        self.show_parameter_gradients()

    # The picture -------------------------------------------------------------------------

    def show_network(self) -> None:
        heading = self.title("Automatic differentiation")
        lines = VGroup(
            *(equation(node.expression, size=theme.BODY_FONT + 10) for node in self.data.nodes if node.layer > 0)
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        target = label(f"target t = {fixed(self.data.target, DECIMALS)}", size=theme.BODY_FONT, color=theme.MUTED)
        target.next_to(lines, DOWN, buff=0.45).align_to(lines, LEFT)
        self.recipe = centre_below(VGroup(lines, target), heading)
        self.play(Write(heading), run_time=0.8)
        self.play(
            LaggedStart(*(FadeIn(line, shift=0.2 * RIGHT) for line in lines), lag_ratio=0.2),
            FadeIn(target),
            run_time=1.5,
        )

    def decompose(self) -> None:
        data = self.data
        self.next_slide(
            notes="Each step becomes a node of a computation graph, each input of a step an edge. "
            "We decompose the loss from the top: L needs y, y needs h1 and h2, each h needs its z."
        )
        layers: list[list[str]] = []
        for node in data.nodes:
            while len(layers) <= node.layer:
                layers.append([])
            layers[node.layer].append(node.name)
        self.graph = LayeredGraph(
            layers,
            [(e.parent, e.child) for e in data.edges],
            radius=0.6,
            layer_gap=2.75,
            node_gap=2.5,
            node_colors={data.backward_order[0]: theme.OUTPUT},
        )
        self.graph.move_to(0.45 * UP)
        # In a column of two, the symbol sits on the outer side and the gradient on the inner one.
        self.symbols: dict[str, MathTex] = {}
        self.gradient_spots: dict[str, tuple[Mobject, np.ndarray]] = {}
        for layer in layers:
            for index, name in enumerate(layer):
                outer = DOWN if (len(layer) == 2 and index == 1) else UP
                circle = self.graph.node(name)
                self.symbols[name] = MathTex(
                    data.node(name).latex, font_size=theme.BODY_FONT + 4, color=theme.TEXT
                ).next_to(circle, outer, buff=0.12)
                self.gradient_spots[name] = (circle, -outer)
        graph_parts = [
            VGroup(
                *(self.graph.node(n) for n in layer),
                *(self.symbols[n] for n in layer),
                *(e for n in layer for e in self.graph.edges_out_of(n)),
            )
            for layer in layers
        ]
        self.play(FadeOut(self.recipe), run_time=0.5)
        self.play(LaggedStart(*(FadeIn(part) for part in reversed(graph_parts)), lag_ratio=0.35), run_time=1.5)
        self.values: dict[str, Mobject] = {}
        self.gradients: dict[str, Mobject] = {}
        self.formula: Mobject | None = None

    def show_formula(self, tex: str) -> list[Animation]:
        """Animations that put ``tex`` in the formula line under the graph."""
        line = MathTex(tex, font_size=theme.BODY_FONT + 4, color=theme.TEXT)
        line.to_edge(DOWN, buff=theme.MARGIN)
        fit(line, width=13.0)
        animations = [FadeOut(self.formula)] if self.formula is not None else []
        self.formula = line
        return [*animations, FadeIn(line, shift=0.2 * UP)]

    # Forward ----------------------------------------------------------------------------

    def forward_step(self, name: str) -> None:
        data = self.data
        node = data.node(name)
        inputs = [n for n in data.nodes if n.layer == 0]
        filled = inputs if node.layer == 0 else [node]
        if node.layer == 0:
            notes = "Forward pass: the inputs go in first."
            tex = r",\quad ".join(f"{n.latex} = {tex_result(n.value)}" for n in inputs)
        else:
            notes = (
                f"Forward: {name} from the values already in its parents, "
                f"{fixed(node.value, DECIMALS)}. Each node remembers its value for the backward pass."
            )
            tex = f"{node.expression} = {tex_result(node.value)}"
        self.next_slide(notes=notes)
        values = [self.value_text(n) for n in filled]
        sources = [self.values[e.parent] for e in data.edges if e.child == name]
        self.play(*self.show_formula(tex), run_time=0.6)
        self.play(
            *(Write(v) for v in values),
            *(Indicate(s, color=theme.HIGHLIGHT, scale_factor=1.15) for s in sources),
            run_time=0.8,
        )
        for n, v in zip(filled, values):
            self.values[n.name] = v

    def value_text(self, node: GraphNode) -> Text:
        text = label(fixed(node.value, DECIMALS), size=theme.MIN_FONT, mono=True, color=theme.DATA)
        return text.move_to(self.graph.node(node.name))

    # Backward ---------------------------------------------------------------------------

    def backward_step(self, name: str) -> None:
        data = self.data
        node = data.node(name)
        outgoing = [e for e in data.edges if e.parent == name]
        top = r"\mathcal{L}"
        if not outgoing:
            notes = "Backward pass: start at the loss, whose derivative with respect to itself is 1."
            tex = f"{partial(top, node.latex)} = {tex_result(node.grad)}"
        else:
            terms = " + ".join(
                f"{partial(top, data.node(e.child).latex)} {partial(data.node(e.child).latex, node.latex)}"
                for e in outgoing
            )
            products = " + ".join(
                f"{tex_number(data.node(e.child).grad)} \\cdot {tex_number(e.local_derivative)}" for e in outgoing
            )
            tex = f"{partial(top, node.latex)} = {terms} = {products} = {tex_result(node.grad)}"
            children = " and ".join(e.child for e in outgoing)
            notes = (
                f"The error signal reaches {name} from {children}: the gradient there times the local "
                f"derivative along each edge, summed. It is {fixed(node.grad, DECIMALS)}, the value torch.autograd "
                "stores in .grad."
            )
        self.next_slide(notes=notes)
        gradient = label(fixed(node.grad, DECIMALS), size=theme.MIN_FONT, mono=True, color=theme.GRADIENT)
        circle, side = self.gradient_spots[name]
        gradient.next_to(circle, side, buff=0.12)
        edges = [self.graph.edge(e.parent, e.child) for e in outgoing]
        self.play(*self.show_formula(tex), run_time=0.6)
        if edges:
            self.play(*(edge.animate.set_stroke(theme.GRADIENT, width=LIT_WIDTH) for edge in edges), run_time=0.6)
        # One copy per child flies in (two for a node that feeds two children), then the label stays.
        copies = [gradient.copy() for _ in outgoing]
        arrivals: list[Animation] = [TransformFromCopy(self.gradients[e.child], c) for e, c in zip(outgoing, copies)]
        self.play(*(arrivals or [GrowFromCenter(gradient)]), circle.animate.set_stroke(theme.GRADIENT), run_time=0.8)
        self.remove(*copies)
        self.add(gradient)
        self.gradients[name] = gradient

    def show_parameter_gradients(self) -> None:
        data = self.data
        self.next_slide(
            notes="The same rule gives every weight and bias its gradient, for instance dL/dw11 = "
            "dL/dz1 times x1. These are exactly the numbers torch.autograd leaves in each parameter's "
            ".grad, ready for a gradient-descent step."
        )
        columns = VGroup(
            *(
                VGroup(
                    MathTex(p.latex, font_size=theme.BODY_FONT + 4, color=theme.LAYER),
                    label(fixed(p.grad, DECIMALS), size=theme.MIN_FONT, mono=True, color=theme.GRADIENT),
                ).arrange(DOWN, buff=0.15)
                for p in data.parameters
            )
        ).arrange(RIGHT, buff=0.35, aligned_edge=UP)
        name = label(".grad", mono=True, color=theme.GRADIENT).next_to(columns, LEFT, buff=0.4)
        name.align_to(columns[0][1], DOWN)
        VGroup(name, columns).to_edge(DOWN, buff=theme.MARGIN).set_x(0)
        if self.formula is not None:
            self.play(FadeOut(self.formula), run_time=0.4)
        self.play(LaggedStart(*(FadeIn(c, shift=0.2 * UP) for c in columns), lag_ratio=0.1), FadeIn(name), run_time=1.2)
        self.formula = None
