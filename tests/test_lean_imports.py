"""The stand-ins for scipy's rotations and networkx give those packages' results."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
from scipy.spatial.transform import Rotation as ScipyRotation

from slides.pipeline import lean_imports
from slides.pipeline.catalog import ROOT
from tests.conftest import user_env


def test_rotation_matrices_are_scipys() -> None:
    rng = np.random.default_rng(0)
    for scale in (0.0, 1e-9, 1e-3, 1.0, np.pi, 20.0):
        for vector in rng.normal(size=(200, 3)) * scale:
            ours = lean_imports.Rotation.from_rotvec(vector).as_matrix()
            assert np.allclose(ours, ScipyRotation.from_rotvec(vector).as_matrix(), rtol=0, atol=4e-15)
    turn = lean_imports.Rotation.from_rotvec([0.0, 0.0, np.pi / 2]).as_matrix()
    assert np.allclose(turn @ [1.0, 0.0, 0.0], [0.0, 1.0, 0.0])  # counterclockwise about +z


def test_other_uses_reach_scipy() -> None:
    assert np.allclose(lean_imports.Rotation.from_quat([0, 0, 0, 1]).as_matrix(), np.eye(3))
    in_degrees = lean_imports.Rotation.from_rotvec([0.0, 0.0, 90.0], degrees=True)
    assert isinstance(in_degrees, ScipyRotation)
    several = lean_imports.Rotation.from_rotvec(np.zeros((2, 3)))
    assert isinstance(several, ScipyRotation) and len(several) == 2


GRAPH = """
import json, sys
if sys.argv[1] == "lean":
    from slides.pipeline import lean_imports
    lean_imports.install()
import importlib.util
import manim
# What torch asks of networkx when it is imported: where its files are.
assert importlib.util.find_spec("networkx").origin.endswith("__init__.py")
assert importlib.util.find_spec("scipy.spatial.transform") is not None
before = sorted(name for name in ("scipy", "networkx.classes") if name in sys.modules)
positions = {}
for layout in ("circular", "spring", "kamada_kawai", "tree"):
    kwargs = {"root_vertex": 1} if layout == "tree" else {"layout_config": {"seed": 1}} if layout == "spring" else {}
    graph = manim.Graph([1, 2, 3, 4, 5], [(1, 2), (2, 3), (2, 4), (4, 5)], layout=layout, **kwargs)
    positions[layout] = [graph[v].get_center().round(9).tolist() for v in graph.vertices]
print(json.dumps({"imported at first": before, "positions": positions}))
"""


def test_graphs_lay_out_as_with_networkx_imported() -> None:
    runs = {}
    for how in ("plain", "lean"):
        result = subprocess.run(
            [sys.executable, "-c", GRAPH, how], cwd=ROOT, capture_output=True, text=True, env=user_env()
        )
        assert result.returncode == 0, result.stderr[-2000:]
        runs[how] = json.loads(result.stdout.strip().splitlines()[-1])
    assert runs["plain"]["imported at first"] == ["networkx.classes", "scipy"]
    assert runs["lean"]["imported at first"] == []  # manim imported without either
    assert runs["lean"]["positions"] == runs["plain"]["positions"]
