"""The record codec: a dataclass record to JSON plus named arrays, and back, checked by type.

A record is a frozen dataclass whose fields are floats, ints, strings, booleans, ``None``,
tuples, lists and ``dict[str, ...]`` of those, ``np.ndarray`` and nested dataclasses.
``encode`` turns one into JSON that names its arrays; ``decode`` rebuilds it from that JSON and
the arrays, reading every field's type from the record's type hints, so nothing is pickled.
``schema_of`` describes a record type in text: a stored record whose schema differs is stale.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

import numpy as np

JSON = Any


class CorruptRecord(Exception):
    """A stored record that cannot be read back as its type; the message says why."""


def _is_array_hint(hint: Any) -> bool:
    return hint is np.ndarray or typing.get_origin(hint) is np.ndarray


def _optional_inner(hint: Any) -> Any | None:
    """``X`` for ``X | None``; ``None`` for any other hint."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(members) == 1 and len(typing.get_args(hint)) == 2:
            return members[0]
    return None


def _is_record_type(hint: Any) -> typing.TypeGuard[type[Any]]:
    """Whether ``hint`` is a dataclass type (not an instance of one)."""
    return isinstance(hint, type) and dataclasses.is_dataclass(hint)


def _field_hints(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


def schema_of(hint: Any) -> str:
    """A text description of a record type, compared on load to spot changed records."""
    if _is_array_hint(hint):
        return "ndarray"
    if _is_record_type(hint):
        inner = ",".join(f"{k}:{schema_of(v)}" for k, v in _field_hints(hint).items())
        return f"{hint.__module__}.{hint.__qualname__}({inner})"
    inner_optional = _optional_inner(hint)
    if inner_optional is not None:
        return f"optional[{schema_of(inner_optional)}]"
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (tuple, list, dict):
        inner = ",".join("..." if a is Ellipsis else schema_of(a) for a in args)
        return f"{origin.__name__}[{inner}]"
    if hint in (bool, int, float, str, type(None)):
        return hint.__name__
    raise TypeError(
        f"unsupported field type {hint!r}: use float, int, str, bool, tuples/lists of those, "
        "np.ndarray, dict[str, ...] or a nested dataclass"
    )


def encode(value: Any, hint: Any, where: str, arrays: dict[str, np.ndarray]) -> JSON:
    """JSON for ``value`` of type ``hint``; arrays go into ``arrays`` and JSON keeps their key."""
    if _is_array_hint(hint):
        if not isinstance(value, np.ndarray):
            raise TypeError(f"{where}: expected np.ndarray, got {type(value).__name__}")
        if value.dtype.hasobject:
            raise TypeError(f"{where}: object arrays cannot be stored without pickle")
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"array": key, "dtype": value.dtype.str, "shape": list(value.shape)}
    if _is_record_type(hint):
        if type(value) is not hint:
            raise TypeError(f"{where}: expected {hint.__name__}, got {type(value).__name__}")
        return {
            name: encode(getattr(value, name), field_hint, f"{where}.{name}", arrays)
            for name, field_hint in _field_hints(hint).items()
        }
    inner_optional = _optional_inner(hint)
    if inner_optional is not None:
        return None if value is None else encode(value, inner_optional, where, arrays)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (tuple, list):
        if not isinstance(value, origin):
            raise TypeError(f"{where}: expected {origin.__name__}, got {type(value).__name__}")
        item_hints = _item_hints(args, len(value), where)
        return [encode(v, h, f"{where}[{i}]", arrays) for i, (v, h) in enumerate(zip(value, item_hints))]
    if origin is dict:
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise TypeError(f"{where}: expected a dict with str keys")
        return {k: encode(v, args[1], f"{where}[{k!r}]", arrays) for k, v in value.items()}
    _check_scalar(value, hint, where, TypeError)
    return value


def _item_hints(args: tuple[Any, ...], length: int, where: str) -> list[Any]:
    if (len(args) == 2 and args[1] is Ellipsis) or len(args) == 1:
        return [args[0]] * length
    if len(args) != length:
        raise TypeError(f"{where}: expected {len(args)} items, got {length}")
    return list(args)


def _check_scalar(value: Any, hint: Any, where: str, error: type[Exception]) -> None:
    if hint is type(None):
        ok = value is None
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif hint is float:
        ok = isinstance(value, float)
    else:
        ok = isinstance(value, hint)
    if not ok:
        raise error(f"{where}: expected {hint.__name__}, got {type(value).__name__}")


def decode(data: JSON, hint: Any, where: str, arrays: dict[str, np.ndarray]) -> Any:
    """Inverse of ``encode``; any mismatch raises ``CorruptRecord``."""
    if _is_array_hint(hint):
        if not isinstance(data, dict) or data.get("array") not in arrays:
            raise CorruptRecord(f"{where}: array missing from the .npz")
        array = arrays[data["array"]]
        if array.dtype.str != data.get("dtype") or list(array.shape) != data.get("shape"):
            raise CorruptRecord(f"{where}: array dtype or shape differs from the .json")
        return array
    if _is_record_type(hint):
        fields = _field_hints(hint)
        if not isinstance(data, dict) or set(data) != set(fields):
            raise CorruptRecord(f"{where}: fields differ from {hint.__name__}")
        values = {k: decode(data[k], h, f"{where}.{k}", arrays) for k, h in fields.items()}
        return hint(**values)
    inner_optional = _optional_inner(hint)
    if inner_optional is not None:
        return None if data is None else decode(data, inner_optional, where, arrays)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (tuple, list):
        if not isinstance(data, list):
            raise CorruptRecord(f"{where}: expected a list")
        try:
            item_hints = _item_hints(args, len(data), where)
        except TypeError as error:
            raise CorruptRecord(str(error)) from None
        items = [decode(v, h, f"{where}[{i}]", arrays) for i, (v, h) in enumerate(zip(data, item_hints))]
        return origin(items)
    if origin is dict:
        if not isinstance(data, dict):
            raise CorruptRecord(f"{where}: expected an object")
        return {k: decode(v, args[1], f"{where}[{k!r}]", arrays) for k, v in data.items()}
    _check_scalar(data, hint, where, CorruptRecord)
    return data


def records_equal(a: Any, b: Any) -> bool:
    """Deep equality of records, arrays compared by dtype, shape and values (NaN equal to NaN)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
        )
    if type(a) is not type(b):
        return False
    if dataclasses.is_dataclass(a):
        return all(records_equal(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(records_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(records_equal(a[k], b[k]) for k in a)
    if isinstance(a, float) and a != a:
        return b != b
    return bool(a == b)
