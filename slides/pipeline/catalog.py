"""Where each scene lives, which decks play it, and which files it depends on.

Everything here reads source files with :mod:`ast`; nothing imports manim or
torch, so it runs in milliseconds with the system Python.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import runpy
from functools import cache
from pathlib import Path

from slides.decks import Deck

ROOT = Path(__file__).resolve().parents[2]
SLIDES_DIR = ROOT / "slides"
DEFAULT_DECKS_FILE = SLIDES_DIR / "decks.py"
# Where shared pieces live: classes here are never scenes.
SHARED_PLACES = (SLIDES_DIR / "common", SLIDES_DIR / "base.py")
# Packages whose source a scene may import; other imports are third-party.
PROJECT_PACKAGES = ("slides", "model")
# Where the cached model records a scene reads live (``name.json`` + ``name.npz``).
RECORDS_DIR = ROOT / "assets" / "data"
QUALITIES = {"l": "480p15", "m": "720p30", "h": "1080p60", "k": "2160p60"}
# Part of every scene's source digest: raise it when a rendered record's meaning changes,
# so that records made by an older build are rendered again rather than reused.
DIGEST_VERSION = "1"


class PipelineError(Exception):
    """A build failure the user can act on; its message is one line."""


class CatalogError(PipelineError):
    """A deck list that cannot be built."""


def check_quality(quality: str) -> None:
    if quality not in QUALITIES:
        raise CatalogError(f"unknown QUALITY '{quality}'; use one of: {' '.join(QUALITIES)}")


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _unreadable(path: Path, error: BaseException) -> CatalogError:
    """One line naming a source file the build cannot read, and why."""
    if isinstance(error, SyntaxError):
        why = f"syntax error on line {error.lineno}: {error.msg}"
    elif isinstance(error, FileNotFoundError):
        why = "it was deleted or is a broken link"
    elif isinstance(error, UnicodeDecodeError):
        why = "it is not UTF-8 text"
    else:
        why = getattr(error, "strerror", None) or str(error)
    return CatalogError(f"cannot read source file {_shown(path)}: {why}; fix or restore it, then run make again")


@cache
def parse_source(path: Path) -> ast.Module:
    """The syntax tree of a project source file; a file that cannot be read is one line."""
    try:
        return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError) as error:
        raise _unreadable(path, error) from None


def load_decks(decks_file: Path = DEFAULT_DECKS_FILE) -> tuple[Deck, ...]:
    """Read the deck list from ``decks_file`` (a Python file defining ``DECKS``)."""
    if not decks_file.is_file():
        raise CatalogError(f"deck list {decks_file} does not exist")
    try:
        namespace = runpy.run_path(str(decks_file))
    except Exception as error:  # a broken deck list is a user error, shown in one line
        raise CatalogError(f"deck list {decks_file} failed to load: {error}") from None
    decks = namespace.get("DECKS")
    if not decks:
        raise CatalogError(f"deck list {decks_file} defines no DECKS")
    entries = tuple(Deck(d.name, d.title, d.summary, tuple(d.scenes)) for d in decks)
    names = [d.name for d in entries]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise CatalogError(f"deck names used twice in {decks_file}: {', '.join(duplicated)}")
    return entries


@cache
def scene_index() -> dict[str, Path]:
    """Map every scene class under ``slides/`` to its file.

    A scene is a class that derives, directly or through other classes here, from
    manim-slides' ``Slide``; shared pieces (mobjects, base classes) are not scenes
    even when they derive from it, if they live in ``slides/common`` or ``slides/base.py``.
    """
    bases: dict[str, list[str]] = {}
    places: dict[str, list[Path]] = {}
    for path in sorted(SLIDES_DIR.rglob("*.py")):
        if "pipeline" in path.relative_to(SLIDES_DIR).parts:
            continue
        tree = parse_source(path)
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                bases[node.name] = [b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases]
                if not any(path == p or p in path.parents for p in SHARED_PLACES):
                    places.setdefault(node.name, []).append(path)

    def is_slide(name: str, seen: frozenset[str] = frozenset()) -> bool:
        if name in ("Slide", "ThreeDSlide"):
            return True
        return name not in seen and any(is_slide(b, seen | {name}) for b in bases.get(name, []))

    scenes = {name: paths for name, paths in places.items() if is_slide(name)}
    clashes = sorted(name for name, paths in scenes.items() if len(paths) > 1)
    if clashes:
        raise CatalogError(f"scene classes defined twice under slides/: {', '.join(clashes)}")
    return {name: paths[0] for name, paths in scenes.items()}


def check_decks(decks: tuple[Deck, ...]) -> None:
    """Every scene a deck names must be a class under ``slides/``."""
    index = scene_index()
    for deck in decks:
        if not deck.scenes:
            raise CatalogError(f"deck '{deck.name}' lists no scenes")
        for scene in deck.scenes:
            if scene not in index:
                valid = ", ".join(sorted(index))
                raise CatalogError(
                    f"deck '{deck.name}' names scene '{scene}', which no file in slides/ defines; "
                    f"defined scenes: {valid}"
                )


def select(decks: tuple[Deck, ...], wanted: list[str]) -> tuple[Deck, ...]:
    """The decks named in ``wanted`` (all when empty), in deck-list order."""
    names = [d.name for d in decks]
    unknown = [w for w in wanted if w not in names]
    if unknown:
        raise CatalogError(f"unknown deck '{unknown[0]}'; valid decks: {' '.join(names)}")
    return tuple(d for d in decks if not wanted or d.name in wanted)


def _load_sources_module():
    """``model/sources.py``, loaded from its file: importing it as ``model.sources`` would make
    this depend on the ``model`` package, and this runs with the system Python before any
    virtual environment exists."""
    spec = importlib.util.spec_from_file_location("_model_sources", ROOT / "model" / "sources.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_sources = _load_sources_module()
PROJECT = _sources.ProjectSources(ROOT, PROJECT_PACKAGES)


@cache
def dependencies(path: Path) -> tuple[Path, ...]:
    """``path`` and every project source file it imports, transitively, sorted.

    The packages that contain these files are included: Python loads them first.
    """
    try:
        return tuple(sorted(PROJECT.reached(path).values()))
    except _sources.UnreadableSource as error:
        raise _unreadable(error.path, error.error) from None
    except _sources.MissingModule as error:
        raise CatalogError(
            f"{_shown(error.importer)} imports {error.module}, but {_shown(error.expected)} does not exist; "
            "restore it or fix the import"
        ) from None


def cached_records(paths: tuple[Path, ...]) -> list[str]:
    """Names of the cached model records (``@cached("name")``) defined in ``paths``."""
    return sorted({name for path in paths for name in _records_defined_in(path)})


@cache
def _records_defined_in(path: Path) -> frozenset[str]:
    names: set[str] = set()
    for node in ast.walk(parse_source(path)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and getattr(decorator.func, "id", getattr(decorator.func, "attr", None)) == "cached"
                and decorator.args
                and isinstance(decorator.args[0], ast.Constant)
            ):
                names.add(str(decorator.args[0].value))
    return frozenset(names)


def record_files(names: list[str]) -> list[Path]:
    """The files of the named cached records that exist now."""
    candidates = (RECORDS_DIR / f"{name}{suffix}" for name in names for suffix in (".json", ".npz"))
    return [path for path in candidates if path.is_file()]


def scene_inputs(scene: str) -> tuple[Path, ...]:
    """Every file whose content a render of ``scene`` depends on: its sources and its records."""
    deps = dependencies(scene_index()[scene])
    return deps + tuple(record_files(cached_records(deps)))


@cache
def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        raise _unreadable(path, error) from None


def source_digest(scene: str) -> str:
    """SHA-256 over the content (not the timestamps) of every input of ``scene``.

    Equal digests mean a render would see the same sources and records, on any machine:
    the paths are relative to the project root and the content is hashed byte for byte.
    """
    digest = hashlib.sha256(f"scene {scene}\ndigest {DIGEST_VERSION}\n".encode())
    for path in scene_inputs(scene):
        digest.update(f"{path.relative_to(ROOT).as_posix()} {_file_digest(path)}\n".encode())
    return digest.hexdigest()
