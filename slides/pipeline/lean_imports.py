"""Two of manim's imports that a render process does not pay for unless it needs them.

Importing manim costs a render process about 2 CPU-s, and a third of it goes to two packages
that slides do not use:

- **scipy.spatial** (0.5-0.7 CPU-s with the parts of scipy it pulls in). manim imports it for
  one call: ``rotation_matrix`` (every ``rotate``) asks scipy's ``Rotation.from_rotvec(v)`` for
  its matrix. :class:`Rotation` here gives that matrix by Rodrigues' formula (the same as
  scipy's to within one unit of rounding), and hands anything else to scipy, imported then.
- **networkx** (about 0.2 CPU-s), for manim's ``Graph``, which no slide draws. manim's graph
  module reads networkx's layout functions into a table when it is imported; those are stood in
  for by functions that import networkx when called, and any other name imports it at once.

:func:`install` must run before manim is imported; ``slides.pipeline.scene_process`` calls it
first. ``tests/test_frames.py`` renders a scene that turns objects with it, compares every frame
with manim's, and checks that neither package was imported; ``tests/test_lean_imports.py``
checks rotations and graph layouts against the packages'.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import math
import sys
import types
from typing import Any

import numpy as np

TRANSFORM = "scipy.spatial.transform"


class _StandIn(types.ModuleType):
    """In ``sys.modules`` in place of a module until a name it does not hold is read from it:
    then the real module is imported, and answers. The names in ``deferred`` (submodules read
    at import time for their functions) give :class:`_Deferred` functions until then."""

    def __init__(self, name: str, deferred: tuple[str, ...] = ()) -> None:
        super().__init__(name)
        self._deferred = deferred

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)  # what the import system asks of any module
        if name in self._deferred and isinstance(sys.modules.get(self.__name__), _StandIn):
            return _Deferred(f"{self.__name__}.{name}")
        return getattr(_real(self.__name__), name)


class _Deferred:
    """A function by its dotted name, found (its package imported) when it is first called."""

    def __init__(self, path: str) -> None:
        self._path = path

    def __getattr__(self, name: str) -> _Deferred:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Deferred(f"{self._path}.{name}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        top, *names = self._path.split(".")
        target = _real(top)
        for name in names:
            target = getattr(target, name)
        return target(*args, **kwargs)


def _real(name: str) -> Any:
    if isinstance(sys.modules.get(name), _StandIn):
        del sys.modules[name]
    return importlib.import_module(name)


def _scipy_rotation() -> Any:
    """scipy's own ``Rotation``, imported on first use."""
    return _real(TRANSFORM).Rotation


class _ScipyFirst(type):
    def __getattr__(cls, name: str) -> Any:
        return getattr(_scipy_rotation(), name)


class Rotation(metaclass=_ScipyFirst):
    """``Rotation.from_rotvec(v).as_matrix()`` for one rotation vector, without scipy."""

    def __init__(self, matrix: np.ndarray) -> None:
        self._matrix = matrix

    @classmethod
    def from_rotvec(cls, rotvec: Any, degrees: bool = False) -> Any:
        vector = np.asarray(rotvec, dtype=np.float64)
        if degrees or vector.shape != (3,) or not np.isfinite(vector).all():
            return _scipy_rotation().from_rotvec(rotvec, degrees=degrees)
        return cls(rodrigues(vector))

    def as_matrix(self) -> np.ndarray:
        return self._matrix.copy()


def rodrigues(vector: np.ndarray) -> np.ndarray:
    """The matrix that turns by ``|vector|`` radians about ``vector``, counterclockwise seen from
    its tip: ``I + sin(a) K + (1 - cos(a)) K^2``, with ``K`` the cross product by the unit axis."""
    angle = math.sqrt(float(vector @ vector))
    if angle == 0.0:
        return np.eye(3)
    x, y, z = (vector / angle).tolist()
    cross = np.array([[0.0, -z, y], [z, 0.0, -x], [-y, x, 0.0]])
    return np.eye(3) + math.sin(angle) * cross + (1.0 - math.cos(angle)) * (cross @ cross)


def install() -> None:
    """Stand in for scipy's rotations and for networkx (before manim is imported; a package
    already imported stays as it is). Each stand-in carries a module spec, as ``find_spec``
    expects of a module in ``sys.modules`` (torch asks it for networkx's folder)."""
    if TRANSFORM not in sys.modules and "scipy.spatial" not in sys.modules:
        transform = sys.modules[TRANSFORM] = _StandIn(TRANSFORM)
        # Its real spec would import scipy.spatial to find; a spec with no origin says "no file".
        transform.__spec__ = importlib.machinery.ModuleSpec(TRANSFORM, None)
        transform.Rotation = Rotation  # type: ignore[attr-defined]
    spec = importlib.util.find_spec("networkx") if "networkx" not in sys.modules else None
    if spec is not None:
        networkx = sys.modules["networkx"] = _StandIn("networkx", deferred=("layout",))
        networkx.__spec__ = spec


__all__ = ["Rotation", "install", "rodrigues"]
