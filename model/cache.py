"""Disk cache for slow records: ``<name>.npz`` (arrays) + ``<name>.json`` (everything else).

Usage::

    @cached("gradient_flow", provenance={"dataset": "sklearn digits", "licence": "..."})
    def gradient_flow(*, seed: int = 0, steps: int = 100) -> GradientFlow:
        ...

Calling with the default arguments (the canonical run) returns the stored record when it is
fresh: same code hash (``code_hash``), same arguments, same record schema. Any other arguments
compute without touching the disk, so tests can run small budgets. Nothing is ever pickled:
``model.codec`` puts arrays in the .npz (read with ``allow_pickle=False``) and the rest in the
JSON, and rebuilds the record from its type hints.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib
import inspect
import io
import json
import os
import pkgutil
import platform
import sys
import tempfile
import time
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, ParamSpec, TypeVar

import numpy as np

from model.codec import JSON, CorruptRecord, decode, encode, schema_of
from model.seeding import COMPUTE_THREADS, seeded
from model.sources import ProjectSources, code_fingerprint

DATA_DIR_ENV = "LECTURE_DATA_DIR"
"""Environment variable that moves the data directory (tests point it at a temporary one)."""

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_DATA_DIR = PACKAGE_DIR.parent / "assets" / "data"

REGISTERING_PACKAGES: tuple[str, ...] = ("model",)
"""Where cached functions live (any module of these packages, subpackages included);
``load_registered_modules`` imports them (absent ones skipped)."""

P = ParamSpec("P")
R = TypeVar("R")


def data_dir() -> Path:
    """``$LECTURE_DATA_DIR`` if set, else ``<repo>/assets/data``."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else DEFAULT_DATA_DIR


# --- the code that made a record --------------------------------------------------------------

STORAGE_MODULES = frozenset({"model.cache", "model.codec", "model.sources"})
"""Modules that store records rather than compute them: left out of every code hash, since a
record's ``schema`` already guards the stored format."""

RUN_AROUND_EVERY_RECORD: tuple[str, ...] = ("model.seeding",)
"""Modules the cache runs around every computation (``compute``): part of every code hash."""


def code_sources(module_name: str, root: Path = PACKAGE_DIR.parent) -> dict[str, str]:
    """Source text of ``module_name`` and of every project module it loads, transitively.

    The packages Python loads on the way are included; ``STORAGE_MODULES`` are not, nor what
    only they import. ``RUN_AROUND_EVERY_RECORD`` (and what it loads) always is. ``root`` is the
    folder that holds the ``model`` package.
    """
    project = ProjectSources(root, (PACKAGE_DIR.name,))
    found: dict[str, Path] = {}
    for name in (module_name, *RUN_AROUND_EVERY_RECORD):
        path = project.module_file(name)
        if path is None:  # a module outside the project (a test's): where Python loaded it from
            loaded = getattr(sys.modules.get(name), "__file__", None)
            path = Path(loaded) if loaded else None
        if path is None:
            raise ValueError(f"cannot find the source of module {name!r}")
        found.update(project.reached(path, stop=STORAGE_MODULES, module=name))
    return {name: path.read_text(encoding="utf-8") for name, path in found.items()}


def code_hash(module_name: str, root: Path = PACKAGE_DIR.parent) -> str:
    """SHA-256 over what the code of ``code_sources`` does, in module name order.

    Each module counts by its ``code_fingerprint``: reformatting the code, or editing its comments
    and docstrings, keeps every record fresh.
    """
    digest = hashlib.sha256()
    for name, source in sorted(code_sources(module_name, root).items()):
        digest.update(name.encode() + b"\0" + code_fingerprint(source, name).encode() + b"\0")
    return digest.hexdigest()


# --- files ------------------------------------------------------------------------------------


def _write_atomic(path: Path, payload: bytes) -> None:
    """Write to a temporary file in the same directory, then rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def processor_model() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux), else what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition(":")
            if key.strip() in ("model name", "Model", "Hardware") and value.strip():
                return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def machine() -> dict[str, Any]:
    """What a record's numbers may depend on beyond the code: processor, vector kernels, threads.

    Float sums depend on the processor's vector kernels, so records computed on another
    processor differ in their last digits and, after training, in their numbers; the
    experiments' verdicts are stated with margins taken from their seed spread for that reason.
    """
    import torch

    return {
        "processor": processor_model(),
        "architecture": platform.machine(),
        "cpu_count": os.cpu_count(),
        "torch_cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "threads": COMPUTE_THREADS,
    }


@dataclass(frozen=True)
class Status:
    """State of one stored record: ``fresh``, ``missing``, ``stale`` or ``corrupt``."""

    state: str
    reason: str = ""

    def describe(self, path: Path) -> str:
        if self.state == "missing":
            return f"{_display(path)} is missing; building"
        return f"{_display(path)} is {self.state} ({self.reason}); rebuilding"


@dataclass(frozen=True)
class BuildResult:
    name: str
    rebuilt: bool
    seconds: float

    def __str__(self) -> str:
        if self.rebuilt:
            return f"{self.name}: rebuilt in {self.seconds:.1f} s"
        return f"{self.name}: up to date"


class CachedFunction(Generic[P, R]):
    """A function whose canonical (all-defaults) result is stored on disk; see module docs."""

    def __init__(
        self,
        name: str,
        function: Callable[P, R],
        provenance: dict[str, Any] | None,
        check: Callable[[R], str | None] | None = None,
        needs: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.function = function
        self.provenance = dict(provenance or {})
        self.check = check
        self.needs = tuple(needs)
        self.last_cpu_seconds = 0.0
        self.signature = inspect.signature(function)
        for parameter in self.signature.parameters.values():
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                raise TypeError(f"cached function {name!r} cannot take *args or **kwargs")
            if parameter.default is parameter.empty:
                raise TypeError(
                    f"cached function {name!r}: argument {parameter.name!r} needs a default, "
                    "since the defaults define the stored run"
                )
        json.dumps(self.provenance)
        functools.update_wrapper(self, function)

    # The defaults are the canonical run; JSON round-trip makes tuples and lists compare equal.
    @property
    def defaults(self) -> dict[str, JSON]:
        return {name: _normalise(parameter.default) for name, parameter in self.signature.parameters.items()}

    @property
    def record_type(self) -> type:
        hint = typing.get_type_hints(self.function).get("return")
        if not (dataclasses.is_dataclass(hint) and isinstance(hint, type)):
            raise TypeError(f"cached function {self.name!r} must be annotated to return a dataclass")
        return hint

    @property
    def json_path(self) -> Path:
        return data_dir() / f"{self.name}.json"

    @property
    def npz_path(self) -> Path:
        return data_dir() / f"{self.name}.npz"

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        bound = self.signature.bind(*args, **kwargs)
        defaults = self.defaults
        if all(_normalise_or_marker(v) == defaults[k] for k, v in bound.arguments.items()):
            return self.get()
        bound.apply_defaults()
        return self.compute(**bound.arguments)[0]  # type: ignore[arg-type]

    def compute(self, **arguments: Any) -> tuple[R, float]:
        """Run the function (seeded), check that its record can be stored; no disk access."""
        bound = self.signature.bind(**arguments)
        bound.apply_defaults()
        seed = bound.arguments.get("seed")
        start, cpu = time.perf_counter(), time.process_time()
        with seeded(seed if isinstance(seed, int) and not isinstance(seed, bool) else 0, strict=False):
            record = self.function(*bound.args, **bound.kwargs)
        seconds = time.perf_counter() - start
        self.last_cpu_seconds = time.process_time() - cpu
        encode(record, self.record_type, self.name, {})
        problem = self.check(record) if self.check is not None else None
        if problem:
            raise ValueError(f"{self.name}: the computed record is inconsistent: {problem}")
        return record, seconds

    def get(self, force: bool = False) -> R:
        """The canonical record: from disk if fresh, else computed and stored."""
        return self._get(force)[0]

    def _get(self, force: bool) -> tuple[R, BuildResult]:
        if not force:
            status, record = self._read()
            if status.state == "fresh":
                return record, BuildResult(self.name, False, 0.0)  # type: ignore[return-value]
            print(status.describe(self.json_path), file=sys.stderr)
        record, seconds = self.compute()
        self._write(record, seconds)
        return record, BuildResult(self.name, True, seconds)

    def build(self, force: bool = False) -> BuildResult:
        """Rebuild the stored record if it is not fresh (or always, with ``force``)."""
        return self._get(force)[1]

    def status(self) -> Status:
        return self._read()[0]

    def last_seconds(self) -> float:
        """Seconds the stored record took to compute (infinity when none is stored)."""
        try:
            seconds = json.loads(self.json_path.read_text(encoding="utf-8")).get("seconds")
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
            return float("inf")
        return float(seconds) if isinstance(seconds, (int, float)) else float("inf")

    def _expected(self) -> dict[str, JSON]:
        return {
            "code_hash": code_hash(self.function.__module__),
            "arguments": self.defaults,
            "schema": schema_of(self.record_type),
        }

    def _read(self) -> tuple[Status, R | None]:
        if not self.json_path.exists():
            return Status("missing"), None
        try:
            stored = json.loads(self.json_path.read_text(encoding="utf-8"))
            if not isinstance(stored, dict):
                raise CorruptRecord("the .json is not an object")
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            return Status("corrupt", f"bad json: {error}"), None
        except CorruptRecord as error:
            return Status("corrupt", str(error)), None
        expected = self._expected()
        for key, meaning in (
            ("code_hash", "code changed"),
            ("arguments", "arguments changed"),
            ("schema", "record schema changed"),
        ):
            if key not in stored:
                return Status("corrupt", f"missing {key!r}"), None
            if stored[key] != expected[key]:
                return Status("stale", meaning), None
        try:
            payload = self.npz_path.read_bytes()
            if hashlib.sha256(payload).hexdigest() != stored.get("npz_sha256"):
                raise CorruptRecord("the .npz does not match the .json")
            with np.load(io.BytesIO(payload), allow_pickle=False) as archive:
                arrays = {key: archive[key] for key in archive.files}
            if "record" not in stored:
                raise CorruptRecord("missing 'record'")
            record = decode(stored["record"], self.record_type, self.name, arrays)
        except FileNotFoundError:
            return Status("corrupt", "the .npz is missing"), None
        except CorruptRecord as error:
            return Status("corrupt", str(error)), None
        except (OSError, ValueError) as error:
            return Status("corrupt", f"bad npz: {error}"), None
        # A record must agree with itself: its summaries and verdict are recomputed from its runs.
        problem = self.check(record) if self.check is not None else None
        if problem:
            return Status("corrupt", problem), None
        return Status("fresh"), record

    def _write(self, record: R, seconds: float) -> None:
        import torch

        arrays: dict[str, np.ndarray] = {}
        encoded = encode(record, self.record_type, self.name, arrays)
        buffer = io.BytesIO()
        np.savez(buffer, allow_pickle=False, **arrays)
        payload = buffer.getvalue()
        expected = self._expected()
        seed = self.defaults.get("seed")
        document = {
            "name": self.name,
            "function": f"{self.function.__module__}.{self.function.__qualname__}",
            **expected,
            "seed": seed if isinstance(seed, int) else None,
            "torch_version": torch.__version__,
            "numpy_version": np.__version__,
            "python_version": platform.python_version(),
            "seconds": round(seconds, 3),
            "cpu_seconds": round(self.last_cpu_seconds, 3),
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "code_modules": sorted(code_sources(self.function.__module__)),
            "provenance": {**self.provenance, "machine": machine()},
            "npz_sha256": hashlib.sha256(payload).hexdigest(),
            "record": encoded,
        }
        # The .npz goes first and the .json last, and the .json names the .npz's hash, so a
        # half-written pair never reads as complete.
        _write_atomic(self.npz_path, payload)
        _write_atomic(self.json_path, json.dumps(document, indent=1).encode("utf-8"))


def _normalise(value: Any) -> JSON:
    return json.loads(json.dumps(value))


_UNSERIALISABLE = object()


def _normalise_or_marker(value: Any) -> JSON:
    """``_normalise``, or a marker equal to no default when the value has no JSON form."""
    try:
        return _normalise(value)
    except (TypeError, ValueError):
        return _UNSERIALISABLE


REGISTRY: dict[str, CachedFunction[Any, Any]] = {}
"""Every cached function, by record name."""


def cached(
    name: str,
    provenance: dict[str, Any] | None = None,
    check: Callable[[Any], str | None] | None = None,
    needs: tuple[str, ...] = (),
) -> Callable[[Callable[P, R]], CachedFunction[P, R]]:
    """Store the canonical result of the decorated function as ``<data dir>/<name>.{npz,json}``.

    ``check(record)`` returns why a record is inconsistent (None when it is not): a stored
    record it rejects reads as corrupt and is rebuilt. ``needs`` names records the function
    reads, which ``python -m model build-data`` builds first (records of imported modules
    are found without it).
    """

    def register(function: Callable[P, R]) -> CachedFunction[P, R]:
        wrapper = CachedFunction(name, function, provenance, check, needs)
        existing = REGISTRY.get(name)
        if existing is not None and _origin(existing.function) != _origin(function):
            raise ValueError(f"record name {name!r} is already used by {_origin(existing.function)}")
        REGISTRY[name] = wrapper
        return wrapper

    return register


def _origin(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def load_registered_modules() -> None:
    """Import every module that may register cached functions, skipping packages not written yet."""
    for package_name in REGISTERING_PACKAGES:
        try:
            package = importlib.import_module(package_name)
        except ModuleNotFoundError as error:
            if error.name == package_name:
                continue
            raise
        for info in pkgutil.walk_packages(getattr(package, "__path__", []), f"{package_name}."):
            if info.name.rpartition(".")[2] != "__main__":
                importlib.import_module(info.name)


def build_order(
    functions: list[CachedFunction[Any, Any]],
) -> tuple[dict[str, set[str]], list[CachedFunction[Any, Any]]]:
    """The records ``functions`` read, transitively, and all of them in an order to build.

    A record reads those named in its ``needs`` and every record defined in a project module
    that its module imports. Returns (name -> names it reads, records dependencies first).
    """
    modules = {name: set(code_sources(f.function.__module__)) for name, f in REGISTRY.items()}
    needs: dict[str, set[str]] = {}
    for name, function in REGISTRY.items():
        own = function.function.__module__
        imported = {
            other
            for other, f in REGISTRY.items()
            if f.function.__module__ != own and f.function.__module__ in modules[name]
        }
        unknown = [n for n in function.needs if n not in REGISTRY]
        if unknown:
            raise KeyError(f"record {name!r} needs {unknown[0]!r}, which is not registered")
        needs[name] = imported | set(function.needs)
    order: list[CachedFunction[Any, Any]] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if any(f.name == name for f in order):
            return
        if name in visiting:
            raise KeyError(f"records read each other in a circle through {name!r}")
        visiting.add(name)
        for other in sorted(needs[name]):
            visit(other)
        visiting.discard(name)
        order.append(REGISTRY[name])

    for function in functions:
        visit(function.name)
    selected = {f.name for f in order}
    return {n: needs[n] & selected for n in selected}, order


def resolve_names(names: list[str]) -> list[CachedFunction[Any, Any]]:
    """Registered functions for ``names`` (all if empty); ``KeyError`` names the valid ones."""
    load_registered_modules()
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        raise KeyError(f"unknown record {unknown[0]!r}; valid names: {', '.join(sorted(REGISTRY)) or 'none'}")
    return [REGISTRY[n] for n in (names or sorted(REGISTRY))]
