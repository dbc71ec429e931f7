"""The autodiff scene's values and gradients, against torch.autograd and the chain rule by hand."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from model.concepts import autodiff as autodiff_model
from model.concepts.autodiff import autodiff_example
from tests.torch_values import close, double


def test_autodiff_values_and_gradients_match_autograd() -> None:
    data = autodiff_example()
    w = autodiff_model.HIDDEN_WEIGHTS
    hidden = nn.Linear(2, 2).double()
    output = nn.Linear(2, 1).double()
    with torch.no_grad():
        hidden.weight.copy_(double([[w["w11"], w["w12"]], [w["w21"], w["w22"]]]))
        hidden.bias.copy_(double(list(autodiff_model.HIDDEN_BIASES.values())))
        output.weight.copy_(double([list(autodiff_model.OUTPUT_WEIGHTS.values())]))
        output.bias.copy_(double(list(autodiff_model.OUTPUT_BIAS.values())))
    x = torch.tensor([list(autodiff_model.INPUTS.values())], dtype=torch.float64, requires_grad=True)
    z = hidden(x)
    h = torch.sigmoid(z)
    y = output(h)
    loss = F.mse_loss(y, torch.tensor([[data.target]], dtype=torch.float64)) / 2
    for tensor in (z, h, y):
        tensor.retain_grad()
    loss.backward()

    expected = {
        "x1": (x[0, 0], x.grad[0, 0]),
        "x2": (x[0, 1], x.grad[0, 1]),
        "z1": (z[0, 0], z.grad[0, 0]),
        "z2": (z[0, 1], z.grad[0, 1]),
        "h1": (h[0, 0], h.grad[0, 0]),
        "h2": (h[0, 1], h.grad[0, 1]),
        "y": (y[0, 0], y.grad[0, 0]),
        "L": (loss, 1.0),
    }
    assert set(expected) == {node.name for node in data.nodes}
    for name, (value, grad) in expected.items():
        assert close(data.node(name).value, value.detach()), name
        assert close(data.node(name).grad, grad), name
    parameter_grads = {
        "w11": hidden.weight.grad[0, 0],
        "w12": hidden.weight.grad[0, 1],
        "w21": hidden.weight.grad[1, 0],
        "w22": hidden.weight.grad[1, 1],
        "b1": hidden.bias.grad[0],
        "b2": hidden.bias.grad[1],
        "v1": output.weight.grad[0, 0],
        "v2": output.weight.grad[0, 1],
        "c": output.bias.grad[0],
    }
    assert {p.name for p in data.parameters} == set(parameter_grads)
    for name, grad in parameter_grads.items():
        assert close(data.parameter(name).grad, grad), name


def test_autodiff_edges_obey_the_chain_rule() -> None:
    record = autodiff_example()
    node = {n.name: n for n in record.nodes}
    param = {p.name: p.value for p in record.parameters}

    # Local derivatives by hand: linear maps give their weight, sigmoid h(1 - h), loss y - t.
    expected_local = {
        ("x1", "z1"): param["w11"],
        ("x2", "z1"): param["w12"],
        ("x1", "z2"): param["w21"],
        ("x2", "z2"): param["w22"],
        ("z1", "h1"): node["h1"].value * (1 - node["h1"].value),
        ("z2", "h2"): node["h2"].value * (1 - node["h2"].value),
        ("h1", "y"): param["v1"],
        ("h2", "y"): param["v2"],
        ("y", "L"): node["y"].value - record.target,
    }
    assert {(e.parent, e.child) for e in record.edges} == set(expected_local)
    for edge in record.edges:
        expected = expected_local[(edge.parent, edge.child)]
        assert edge.local_derivative == pytest.approx(expected, abs=1e-12)

    # A node's gradient is the sum over its outgoing edges of child gradient times local slope.
    for name, current in node.items():
        outgoing = [e for e in record.edges if e.parent == name]
        if outgoing:
            total = sum(node[e.child].grad * e.local_derivative for e in outgoing)
            assert current.grad == pytest.approx(total, abs=1e-12), name


def test_autodiff_orders_respect_the_graph() -> None:
    record = autodiff_example()
    forward = record.forward_order
    backward = record.backward_order
    assert sorted(forward) == sorted(backward) == sorted(n.name for n in record.nodes)
    for edge in record.edges:
        assert forward.index(edge.parent) < forward.index(edge.child)
        assert backward.index(edge.child) < backward.index(edge.parent)
    # Edges light up as the signal reaches them: never before an earlier edge's child.
    positions = [backward.index(edge.child) for edge in record.edges]
    assert positions == sorted(positions)
    assert backward[0] == "L" and forward[-1] == "L"
