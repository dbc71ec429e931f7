"""Mobjects copied by ``slides.pipeline.copies`` equal manim's own deep copies, value by value."""

from __future__ import annotations

import copy
import types
from enum import Enum
from typing import Any

import numpy as np
import pytest
from manim import RIGHT, Arrow, Circle, Mobject, Square, Text, VGroup
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

from slides import theme
from slides.common.grids import Grid, decimals
from slides.common.surfaces import GridSurface
from slides.pipeline import copies

ATOMIC = (type(None), int, float, bool, str, bytes, complex)


def _samples() -> list[Mobject]:
    grid = Grid(np.array([[0.25, -1.5, 3.0], [2.0, 0.0, -0.125]]), cell=1.2, format=decimals(2))
    words = Grid([["ResNet-18", "18"], ["ResNet-50", "50"]], cell=None, header=["model", "layers"])
    x = np.linspace(-1, 1, 5)
    surface = GridSurface(np.add.outer(x**2, x**2), x, z_max=2.0, color=theme.RESIDUAL)
    square = Square()
    shared = VGroup(square, Circle(), square.copy())
    shared.submobjects = [*shared.submobjects, shared[0]]  # one part listed twice
    shared.label = shared[1]  # an attribute that is a part
    shared.pair = (shared[0], 3.5, "name")  # a tuple that holds a part
    shared.table = {"left": shared[0], "numbers": np.arange(4.0), "labels": np.array(["a", "b"], dtype=object)}
    shared.add_updater(lambda mob, dt: mob)
    arrow = Arrow(np.zeros(3), RIGHT)
    return [Text("residual"), grid, words, surface, shared, arrow]


def _compare(ours: Any, theirs: Any, original: Any, pairs: dict[int, int], path: str) -> None:
    """``ours`` and ``theirs`` are copies of ``original``: the same types and values, sharing
    nothing mutable with it, and the same objects shared within each copy."""
    assert type(ours) is type(theirs), path
    if isinstance(original, ATOMIC):
        assert ours == theirs or (ours != ours and theirs != theirs), path
        return
    if id(ours) in pairs:
        assert pairs[id(ours)] == id(theirs), f"{path}: shared differently"
        return
    pairs[id(ours)] = id(theirs)
    if isinstance(original, np.ndarray):
        assert ours is not original, f"{path}: the array is the original's"
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape, path
        if ours.dtype.hasobject:
            for index in np.ndindex(ours.shape):
                _compare(ours[index], theirs[index], original[index], pairs, f"{path}[{index}]")
        else:
            assert np.array_equal(ours, theirs, equal_nan=True), path
    elif isinstance(original, (list, tuple)):
        assert len(ours) == len(theirs) == len(original), path
        if isinstance(original, list):
            assert ours is not original, f"{path}: the list is the original's"
        for index, (a, b, o) in enumerate(zip(ours, theirs, original)):
            _compare(a, b, o, pairs, f"{path}[{index}]")
    elif isinstance(original, dict):
        assert ours is not original and list(ours) == list(theirs) == list(original), path
        for key in original:
            _compare(ours[key], theirs[key], original[key], pairs, f"{path}[{key!r}]")
    elif isinstance(original, (Enum, type, types.FunctionType, types.BuiltinFunctionType)):
        assert ours is theirs is original, path  # copy.deepcopy keeps these
    elif hasattr(original, "__dict__"):
        assert ours is not original, f"{path}: the object is the original's"
        assert list(vars(ours)) == list(vars(theirs)), path
        for key, value in vars(original).items():
            if isinstance(original, VMobjectFromSVGPath) and key == "path_obj":
                assert ours.path_obj is value, f"{path}: the parsed path is not shared"
            elif not (isinstance(original, Mobject) and key == "original_id"):
                _compare(getattr(ours, key), getattr(theirs, key), value, pairs, f"{path}.{key}")
    else:
        assert ours == theirs, path


@pytest.mark.parametrize("index", range(6))
def test_copies_are_manims(index: int, monkeypatch: pytest.MonkeyPatch) -> None:
    original = _samples()[index]
    monkeypatch.setattr(Mobject, "__deepcopy__", copies.MANIM_DEEPCOPY)
    theirs = copy.deepcopy(original)
    monkeypatch.setattr(Mobject, "__deepcopy__", copies.deepcopy_mobject)
    ours = original.copy()
    _compare(ours, theirs, original, {}, type(original).__name__)
    assert ours.original_id == str(id(original))
    # The copy is a mobject of its own: moving and recolouring it leaves the original as it was.
    before = [part.points.copy() for part in original.get_family()]
    colours = [part.get_fill_rgbas().copy() for part in original.get_family() if hasattr(part, "get_fill_rgbas")]
    ours.shift(RIGHT).set_color("#123456")
    assert all(np.array_equal(part.points, kept) for part, kept in zip(original.get_family(), before))
    parts = [part for part in original.get_family() if hasattr(part, "get_fill_rgbas")]
    assert all(np.array_equal(part.get_fill_rgbas(), kept) for part, kept in zip(parts, colours))


def test_sharing_within_a_copy_is_kept() -> None:
    group = _samples()[4]
    ours = copies.deepcopy_mobject(group, {})
    assert ours.submobjects[0] is ours.submobjects[3] is ours.pair[0] is ours.table["left"]
    assert ours.label is ours.submobjects[1] and ours.submobjects[0] is not group.submobjects[0]
    assert ours.submobjects[2] is not ours.submobjects[0]
    words = _samples()[2]
    copied = words.copy()
    assert all(any(part is kept for kept in copied.get_family()) for part in copied.rows.family_members_with_points())
