"""The shapes of text and formulas, read from their SVG once for every render.

Every ``Text`` (and every ``MathTex``) is an SVG that manim parses with svgelements and turns
into one vector object per glyph: about a tenth of a CPU-second for a line of text, paid again
by every render of every scene that shows the line, although the same SVG always gives the same
shapes. Here the shapes manim made from an SVG are kept in a folder shared by all scenes and
builds (``build/shapes``, or ``LECTURE_SHAPE_CACHE``), and a later render that meets the same SVG
with the same settings loads them instead.

An entry is named by everything the shapes depend on: the SVG file's bytes, the object's class,
the style defaults and path settings it was made with, and the versions of manim and Python. An
entry that cannot be read is made again; entries are written whole or not at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import zlib
from pathlib import Path
from typing import Any

import manim
from manim import config
from manim.mobject.svg.svg_mobject import SVGMobject

CACHE_ENV = "LECTURE_SHAPE_CACHE"

_generate = SVGMobject.generate_mobject
_folder: Path | None = None


def default_folder() -> Path:
    from slides.pipeline.catalog import ROOT

    return Path(os.environ.get(CACHE_ENV) or ROOT / "build" / "shapes")


def entry_name(mobject: SVGMobject) -> str | None:
    """The cache entry for this object's shapes, or None for a class that is not manim's own
    (a subclass may read the SVG in its own way)."""
    kind = type(mobject)
    if not kind.__module__.startswith("manim."):
        return None
    try:
        svg = mobject.get_file_path().read_bytes()
    except (OSError, ValueError):
        return None
    settings = repr(
        (
            kind.__module__,
            kind.__qualname__,
            sorted((str(k), str(v)) for k, v in mobject.svg_default.items()),
            sorted((str(k), str(v)) for k, v in mobject.path_string_config.items()),
            str(config.renderer),
            manim.__version__,
            sys.version_info[:2],
        )
    )
    digest = hashlib.sha256(settings.encode())
    digest.update(svg)
    return digest.hexdigest()[:40]


# What making the shapes changes on the object itself, besides adding them: manim flips the
# whole object upside down (SVG's y axis points down), which turns its sheen direction too.
OWN = ("id_to_vgroup_dict", "sheen_direction")


def _load(path: Path) -> tuple[list[Any], dict[str, Any]] | None:
    try:
        shapes, own = pickle.loads(zlib.decompress(path.read_bytes()))
    except Exception:  # noqa: BLE001 - a missing or damaged entry is made again
        return None
    if not isinstance(shapes, list) or not isinstance(own, dict):
        return None
    return shapes, own


def _store(path: Path, shapes: list[Any], own: dict[str, Any]) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        data = zlib.compress(pickle.dumps((shapes, own), protocol=pickle.HIGHEST_PROTOCOL), 1)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        os.replace(partial, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        # A shape that cannot be kept is made again next time; no partial entry stays behind.
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def generate_mobject(self: SVGMobject) -> SVGMobject:
    """manim's, or the shapes it made before from the same SVG with the same settings."""
    name = entry_name(self) if _folder is not None and not self.submobjects else None
    if name is None or _folder is None:
        return _generate(self)
    path = _folder / name[:2] / name
    found = _load(path)
    if found is not None:
        shapes, own = found
        self.add(*shapes)
        for attribute, value in own.items():
            setattr(self, attribute, value)
        return self
    _generate(self)
    own = {attribute: getattr(self, attribute) for attribute in OWN if hasattr(self, attribute)}
    _store(path, list(self.submobjects), own)
    return self


def install(folder: Path | None = None) -> None:
    """Read the shapes of every SVG this process meets from ``folder`` (the default: see above)."""
    global _folder
    _folder = folder or default_folder()
    SVGMobject.generate_mobject = generate_mobject  # type: ignore[method-assign, assignment]
