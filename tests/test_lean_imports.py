"""The stand-in for scipy's rotations gives scipy's matrices, and hands the rest to scipy."""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation as ScipyRotation

from slides.pipeline import lean_imports


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
