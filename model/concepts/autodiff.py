"""Automatic differentiation: a loss written as a graph, run forwards, then backwards.

The network has two inputs, two sigmoid hidden units and one linear output, and a squared-error
loss. The slide first decomposes the loss into its graph, down to the pre-activations z1 and z2,
then fills in the forward values one node at a time, then walks the graph backwards: every
edge carries the local derivative d child / d parent, and every node's gradient d loss / d node
is the sum, over the edges leaving it, of the child's gradient times that local derivative.
All gradients come from ``torch.autograd`` (``retain_grad`` on the intermediate nodes), so the
numbers the slide multiplies together are the ones torch's backward pass produces.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from model.cache import cached

if TYPE_CHECKING:
    import torch


INPUTS = {"x1": 1.0, "x2": 2.0}
# Chosen so z1 is exactly 0 (sigmoid 0.5) and the other values stay short.
HIDDEN_WEIGHTS = {"w11": 0.5, "w12": -0.3, "w21": 0.2, "w22": 0.4}
HIDDEN_BIASES = {"b1": 0.1, "b2": -0.5}
OUTPUT_WEIGHTS = {"v1": 1.0, "v2": -1.5}
OUTPUT_BIAS = {"c": 0.2}
TARGET = 1.0


@dataclass(frozen=True)
class GraphNode:
    name: str  # plain identifier, also used by edges and orders
    latex: str  # symbol for MathTex, e.g. "z_1"
    expression: str  # how it is computed, as LaTeX, e.g. "z_1 = w_{11} x_1 + w_{12} x_2 + b_1"
    layer: int  # column on the slide: 0 inputs, 1 pre-activations, 2 hidden, 3 output, 4 loss
    value: float  # forward value
    grad: float  # d loss / d node, from torch.autograd


@dataclass(frozen=True)
class GraphEdge:
    parent: str  # the node that feeds...
    child: str  # ...this node
    local_derivative: float  # d child / d parent at the forward values, from torch.autograd


@dataclass(frozen=True)
class GraphParameter:
    name: str
    latex: str
    value: float
    grad: float  # the parameter's .grad after loss.backward()
    edge: tuple[str, str] | None  # the (parent, child) edge a weight sits on; None for a bias
    child: str  # the node the parameter enters


@dataclass(frozen=True)
class AutodiffExample:
    nodes: tuple[GraphNode, ...]  # in forward order
    edges: tuple[GraphEdge, ...]  # in the order the backward pass lights them
    parameters: tuple[GraphParameter, ...]
    target: float  # t in the loss
    forward_order: tuple[str, ...]  # node names, inputs first
    backward_order: tuple[str, ...]  # node names, loss first, each after all its children

    def node(self, name: str) -> GraphNode:
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(name)

    def parameter(self, name: str) -> GraphParameter:
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        raise KeyError(name)


def _leaf(value: float) -> torch.Tensor:
    import torch

    return torch.tensor(value, dtype=torch.float64, requires_grad=True)


def _grad(tensor: torch.Tensor) -> float:
    """The gradient ``backward`` left on ``tensor``: every tensor here takes part in the loss."""
    assert tensor.grad is not None
    return tensor.grad.item()


@cached("autodiff_example")
def autodiff_example() -> AutodiffExample:
    """Forward values, local derivatives and gradients of the two-hidden-unit network."""
    import torch

    x = {name: _leaf(value) for name, value in INPUTS.items()}
    params = {
        name: _leaf(value)
        for table in (HIDDEN_WEIGHTS, HIDDEN_BIASES, OUTPUT_WEIGHTS, OUTPUT_BIAS)
        for name, value in table.items()
    }
    p = params
    z1 = p["w11"] * x["x1"] + p["w12"] * x["x2"] + p["b1"]
    z2 = p["w21"] * x["x1"] + p["w22"] * x["x2"] + p["b2"]
    h1 = torch.sigmoid(z1)
    h2 = torch.sigmoid(z2)
    y = p["v1"] * h1 + p["v2"] * h2 + p["c"]
    loss = 0.5 * (y - TARGET) ** 2

    # (name, latex, expression, layer, tensor), listed in forward order.
    graph = (
        ("x1", "x_1", "x_1", 0, x["x1"]),
        ("x2", "x_2", "x_2", 0, x["x2"]),
        ("z1", "z_1", "z_1 = w_{11} x_1 + w_{12} x_2 + b_1", 1, z1),
        ("z2", "z_2", "z_2 = w_{21} x_1 + w_{22} x_2 + b_2", 1, z2),
        ("h1", "h_1", r"h_1 = \sigma(z_1)", 2, h1),
        ("h2", "h_2", r"h_2 = \sigma(z_2)", 2, h2),
        ("y", "y", "y = v_1 h_1 + v_2 h_2 + c", 3, y),
        ("L", r"\mathcal{L}", r"\mathcal{L} = \tfrac{1}{2}(y - t)^2", 4, loss),
    )
    tensors = {name: tensor for name, _, _, _, tensor in graph}
    parents = {
        "z1": ("x1", "x2"),
        "z2": ("x1", "x2"),
        "h1": ("z1",),
        "h2": ("z2",),
        "y": ("h1", "h2"),
        "L": ("y",),
    }

    # Local derivatives first: they need the graph, which backward() below frees.
    local = {
        (parent, child): torch.autograd.grad(tensors[child], tensors[parent], retain_graph=True)[0].item()
        for child, names in parents.items()
        for parent in names
    }

    for tensor in (z1, z2, h1, h2, y, loss):
        tensor.retain_grad()
    loss.backward()

    nodes = tuple(
        GraphNode(name, latex, expression, layer, tensor.item(), _grad(tensor))
        for name, latex, expression, layer, tensor in graph
    )
    forward_order = tuple(node.name for node in nodes)
    # Layer by layer from the loss; the sort is stable, so each layer keeps its top-to-bottom
    # order. Still a valid reverse topological order, and it reads naturally on the slide.
    backward_order = tuple(node.name for node in sorted(nodes, key=lambda node: -node.layer))
    # The error signal reaches an edge when it reaches the edge's child.
    edges = tuple(
        GraphEdge(parent, child, local[(parent, child)])
        for child in backward_order
        for parent in parents.get(child, ())
    )

    weight_edges = {
        "w11": ("x1", "z1"),
        "w12": ("x2", "z1"),
        "w21": ("x1", "z2"),
        "w22": ("x2", "z2"),
        "v1": ("h1", "y"),
        "v2": ("h2", "y"),
    }
    enters = {"b1": "z1", "b2": "z2", "c": "y"}
    latex_names = {
        "w11": "w_{11}",
        "w12": "w_{12}",
        "w21": "w_{21}",
        "w22": "w_{22}",
        "b1": "b_1",
        "b2": "b_2",
        "v1": "v_1",
        "v2": "v_2",
        "c": "c",
    }
    parameters = tuple(
        GraphParameter(
            name=name,
            latex=latex_names[name],
            value=tensor.item(),
            grad=_grad(tensor),
            edge=weight_edges.get(name),
            child=weight_edges[name][1] if name in weight_edges else enters[name],
        )
        for name, tensor in params.items()
    )
    return AutodiffExample(
        nodes=nodes,
        edges=edges,
        parameters=parameters,
        target=TARGET,
        forward_order=forward_order,
        backward_order=backward_order,
    )
