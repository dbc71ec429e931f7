"""Copies of mobjects, as ``copy.deepcopy`` makes them, in a fraction of its time.

Every ``Transform`` copies its mobject and its target, ``.animate`` copies its mobject, and a
slide copies tables and formulas to move them; manim's ``Mobject.__deepcopy__`` hands each
attribute to ``copy.deepcopy``, whose general machinery (a dispatch per value, ``__reduce_ex__``
and a rebuild for every colour) costs a few microseconds per value: a table of a few dozen words
holds tens of thousands of values, and such a copy takes 20 ms at 1080p's slide sizes.

``deepcopy_mobject`` does what manim's does, with the common values copied directly: numbers,
strings, enums and functions are kept (``copy.deepcopy`` keeps them too), arrays are copied,
lists, tuples and dicts are copied item by item, colours and other plain objects (no copy hooks
of their own) are rebuilt from a copy of their ``__dict__``, and a mobject inside is copied the
same way. Anything else goes to ``copy.deepcopy`` with the same memo, so an object reached twice
is copied once, as before. ``tests/test_copies.py`` compares both copies value by value.
"""

from __future__ import annotations

import copy
import types
import weakref
from collections.abc import Callable
from enum import Enum
from typing import Any

import numpy as np
from manim import Mobject
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

MANIM_DEEPCOPY = Mobject.__deepcopy__
_MISSING = object()
_KEPT = (
    type(None), int, float, bool, complex, str, bytes, type, range, types.BuiltinFunctionType,
    types.FunctionType, types.CodeType, weakref.ref, property, type(Ellipsis), type(NotImplemented),
)  # fmt: skip
# Attributes that copies share with their original: a glyph's or a formula part's parsed SVG path
# (svgelements objects, copied by copy.deepcopy at great cost) is read when the mobject builds its
# points, and never changed or read again.
SHARED_ATTRIBUTES = ((VMobjectFromSVGPath, "path_obj"),)
_plans: dict[type, tuple[frozenset[str], frozenset[str]]] = {}
# The types whose values copies keep, enums added as they are met.
_kept_types: set[type] = set(_KEPT)
# How each type's values are copied, found once per type.
_copiers: dict[type, Callable[[Any, dict[int, Any]], Any]] = {}


def _kept(value: Any, memo: dict[int, Any]) -> Any:
    return value


def _array(value: np.ndarray, memo: dict[int, Any]) -> Any:
    if value.dtype.hasobject:
        return _fallback(value, memo)
    result = memo[id(value)] = value.copy()
    return result


def _list(value: list, memo: dict[int, Any]) -> Any:
    result: list = []
    memo[id(value)] = result
    result.extend([_copy(item, memo) for item in value])
    return result


def _dict(value: dict, memo: dict[int, Any]) -> Any:
    result: dict = {}
    memo[id(value)] = result
    for key, item in value.items():
        result[_copy(key, memo)] = _copy(item, memo)
    return result


def _tuple(value: tuple, memo: dict[int, Any]) -> Any:
    items = [_copy(item, memo) for item in value]
    # A tuple reached again while its items were copied has its copy already (copy.deepcopy's rule).
    if id(value) in memo:
        return memo[id(value)]
    result = value if all(a is b for a, b in zip(items, value)) else tuple(items)
    memo[id(value)] = result
    return result


def _plain(value: Any, memo: dict[int, Any]) -> Any:
    cls = type(value)
    result = object.__new__(cls)  # _is_plain: the class has no __new__ of its own
    memo[id(value)] = result
    state = value.__dict__
    if state:
        result.__dict__.update({key: _copy(item, memo) for key, item in state.items()})
    return result


def _is_plain(cls: type) -> bool:
    """Whether ``copy.deepcopy`` rebuilds values of ``cls`` as ``cls.__new__(cls)`` with a deep copy
    of their ``__dict__``: no copy hooks, slots or pickling methods of their own."""
    return (
        getattr(cls, "__deepcopy__", None) is None
        and cls.__reduce_ex__ is object.__reduce_ex__
        and cls.__reduce__ is object.__reduce__
        and cls.__getstate__ is object.__getstate__  # type: ignore[attr-defined]
        and getattr(cls, "__setstate__", None) is None
        and cls.__new__ is object.__new__
        and "__slots__" not in {name for klass in cls.__mro__ for name in vars(klass)}
        and "__dict__" in {name for klass in cls.__mro__ for name in vars(klass)}
    )


def _fallback(value: Any, memo: dict[int, Any]) -> Any:
    return copy.deepcopy(value, memo)


def _copier(cls: type) -> Callable[[Any, dict[int, Any]], Any]:
    if cls in _KEPT or issubclass(cls, Enum):
        _kept_types.add(cls)
        return _kept
    if issubclass(cls, Mobject) and cls.__deepcopy__ is deepcopy_mobject:
        return deepcopy_mobject
    if cls is np.ndarray:
        return _array
    simple: dict[type, Callable[[Any, dict[int, Any]], Any]] = {list: _list, dict: _dict, tuple: _tuple}
    if cls in simple:
        return simple[cls]
    return _plain if _is_plain(cls) else _fallback


def _copy(value: Any, memo: dict[int, Any]) -> Any:
    kind = type(value)
    if kind in _kept_types:
        return value
    found = memo.get(id(value), _MISSING)
    if found is not _MISSING:
        return found
    copier = _copiers.get(kind) or _copiers.setdefault(kind, _copier(kind))
    return copier(value, memo)


def _attributes(cls: type) -> tuple[frozenset[str], frozenset[str]]:
    """For a mobject class: the attributes its copies share, and the names the class defines as
    data descriptors (``setattr`` runs their setters, as manim's copy does)."""
    plan = _plans.get(cls)
    if plan is None:
        shared = frozenset(key for owner, key in SHARED_ATTRIBUTES if issubclass(cls, owner))
        described = frozenset(
            name for klass in cls.__mro__ for name, member in vars(klass).items() if hasattr(member, "__set__")
        )
        plan = _plans[cls] = (shared, described)
    return plan


def deepcopy_mobject(self: Mobject, memo: dict[int, Any]) -> Mobject:
    """``Mobject.__deepcopy__``: a new mobject of the same class with a deep copy of each attribute."""
    cls = self.__class__
    result = cls.__new__(cls)
    memo[id(self)] = result
    shared, described = _attributes(cls)
    copied = self.__dict__.copy()
    for key, value in copied.items():
        if type(value) not in _kept_types and key not in shared:
            copied[key] = _copy(value, memo)  # a key that is there: the dict keeps its size while read
    if described and not described.isdisjoint(copied):
        for key in described.intersection(copied):
            setattr(result, key, copied.pop(key))
    result.__dict__.update(copied)
    result.original_id = str(id(self))
    return result


def install() -> None:
    """Copy every mobject of this process with ``deepcopy_mobject``."""
    Mobject.__deepcopy__ = deepcopy_mobject  # type: ignore[method-assign, assignment]


__all__ = ["deepcopy_mobject", "install"]
