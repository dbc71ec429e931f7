"""Node-and-edge pictures: computation graphs and small fully connected networks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from manim import RIGHT, Circle, Line, VGroup

from slides import theme


class LayeredGraph(VGroup):
    """Named nodes in columns (one per layer), joined by straight edges drawn behind them.

    The same picture serves a neural network (layers of units) and a computation graph (layers
    of intermediate values): the scene adds its own labels, values and colours.

    >>> net = LayeredGraph([["x1", "x2"], ["h1", "h2", "h3"], ["y"]],
    ...                    [(a, b) for a in ("x1", "x2") for b in ("h1", "h2", "h3")]
    ...                    + [(h, "y") for h in ("h1", "h2", "h3")])
    >>> net.edge("x1", "h2").set_color(theme.GRADIENT)
    """

    def __init__(
        self,
        layers: Sequence[Sequence[str]],
        edges: Sequence[tuple[str, str]],
        *,
        radius: float = 0.45,
        layer_gap: float = 2.4,
        node_gap: float = 1.4,
        direction: np.ndarray = RIGHT,
        node_color: str = theme.DATA,
        node_colors: Mapping[str, str] | None = None,
        edge_color: str = theme.MUTED,
        edge_width: float = 3,
    ) -> None:
        super().__init__()
        self.radius = radius
        self.edge_color = edge_color
        self.edge_width = edge_width
        across = np.array([-direction[1], direction[0], 0.0])  # within a layer, at right angles
        self.nodes: dict[str, Circle] = {}
        for depth, layer in enumerate(layers):
            for index, name in enumerate(layer):
                offset = (index - (len(layer) - 1) / 2) * node_gap
                circle = Circle(radius=radius, color=(node_colors or {}).get(name, node_color), stroke_width=4)
                circle.set_fill(theme.PANEL, opacity=1.0)
                circle.move_to(depth * layer_gap * direction - offset * across)
                self.nodes[name] = circle
        self.edges: dict[tuple[str, str], Line] = {
            (a, b): self.connector(self.nodes[a].get_center(), self.nodes[b].get_center()) for a, b in edges
        }
        # Edges first, so nodes cover their ends.
        self.edge_group = VGroup(*self.edges.values())
        self.node_group = VGroup(*self.nodes.values())
        self.add(self.edge_group, self.node_group)
        self.center()

    def node(self, name: str) -> Circle:
        return self.nodes[name]

    def edge(self, parent: str, child: str) -> Line:
        return self.edges[(parent, child)]

    def edges_into(self, name: str) -> list[Line]:
        return [line for (a, b), line in self.edges.items() if b == name]

    def edges_out_of(self, name: str) -> list[Line]:
        return [line for (a, b), line in self.edges.items() if a == name]

    def connector(self, start: np.ndarray, end: np.ndarray) -> Line:
        """An edge in this graph's style between two node centres (e.g. after a node moves)."""
        return Line(start, end, buff=self.radius, color=self.edge_color, stroke_width=self.edge_width)


__all__ = ["LayeredGraph"]
