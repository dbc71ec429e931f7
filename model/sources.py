"""What Python source files import, read with :mod:`ast` and never executed.

``ProjectSources`` walks the import graph of the project's packages: from one file, every
project module it reaches through its imports, and the packages Python loads on the way. The
record cache uses it to hash the code that made a record (``code_fingerprint``); the build uses
it to find the files a scene depends on. The build loads this file by its path with the system
Python before any virtual environment exists, so it imports only the standard library.
"""

from __future__ import annotations

import ast
from pathlib import Path


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported_names(path: Path, module: str) -> list[tuple[str, str | None]]:
    """Every import in the file at ``path``, the source of ``module``, with relative imports resolved.

    ``import a.b`` gives ``("a.b", None)``; ``from a import b`` gives ``("a", "b")``,
    where ``b`` may be a submodule of ``a`` or a name defined in it.
    """
    tree = _parse(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found += [(base, alias.name) for alias in node.names]
    return found


class UnreadableSource(Exception):
    """A project source file that cannot be read or parsed: ``path`` and the ``error`` why."""

    def __init__(self, path: Path, error: BaseException) -> None:
        super().__init__(f"cannot read {path}: {error}")
        self.path = path
        self.error = error


class MissingModule(Exception):
    """``importer`` imports project module ``module``, which has no source file."""

    def __init__(self, importer: Path, module: str, expected: Path) -> None:
        super().__init__(f"{importer} imports {module}, but {expected} does not exist")
        self.importer = importer
        self.module = module
        self.expected = expected


class ProjectSources:
    """The source files of the packages named ``packages`` under ``root``, and their imports.

    Each file's imports are read once per instance: make a new instance to see edited files.
    """

    def __init__(self, root: Path, packages: tuple[str, ...]) -> None:
        self.root = root
        self.packages = packages
        self._imports: dict[Path, frozenset[str]] = {}

    def module_file(self, module: str) -> Path | None:
        """The source file of project module ``module`` (``model.x.y``); None for other modules."""
        parts = module.split(".")
        if parts[0] not in self.packages:
            return None
        base = self.root.joinpath(*parts)
        for candidate in (base / "__init__.py", base.with_suffix(".py")):
            if candidate.is_file():
                return candidate
        return None

    def module_name(self, path: Path) -> str:
        """The module whose source is ``path``: ``model/cache.py`` is ``model.cache``."""
        parts = path.relative_to(self.root).with_suffix("").parts
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    def imports(self, path: Path, module: str | None = None) -> frozenset[str]:
        """Project modules that loading ``path`` (module ``module``) loads directly, parent
        packages included.

        ``from pkg import x`` loads submodule ``pkg.x`` when there is one, else just ``pkg``.
        Raises ``UnreadableSource`` or ``MissingModule``.
        """
        if path not in self._imports:
            try:
                names = imported_names(path, module if module is not None else self.module_name(path))
            except (OSError, UnicodeDecodeError, SyntaxError, ValueError) as error:
                raise UnreadableSource(path, error) from None
            found: set[str] = set()
            for base, name in names:
                if base.split(".")[0] not in self.packages:
                    continue
                if self.module_file(base) is None:
                    raise MissingModule(path, base, self.root.joinpath(*base.split(".")).with_suffix(".py"))
                submodule = f"{base}.{name}" if name else None
                found |= _with_parents(submodule if submodule and self.module_file(submodule) else base)
            self._imports[path] = frozenset(found)
        return self._imports[path]

    def reached(self, path: Path, stop: frozenset[str] = frozenset(), module: str | None = None) -> dict[str, Path]:
        """Module name -> file of ``path`` and every project module it loads, transitively.

        ``module`` names ``path`` when it lies outside the project (by default its name under
        ``root``). The packages that contain ``path`` are loaded with it. The modules named in
        ``stop`` are neither included nor followed.
        """
        start = module if module is not None else self.module_name(path)
        pending: list[tuple[str, Path | None]] = [(start, path)]
        pending += [(parent, self.module_file(parent)) for parent in _with_parents(start) - {start}]
        found: dict[str, Path] = {}
        while pending:
            name, current = pending.pop()
            if current is None or name in found or name in stop:
                continue
            found[name] = current
            pending += [(m, self.module_file(m)) for m in self.imports(current, name) if m not in found]
        return found


def _with_parents(module: str) -> set[str]:
    """``a.b.c`` with the packages Python loads first: ``{"a", "a.b", "a.b.c"}``."""
    pieces = module.split(".")
    return {".".join(pieces[: i + 1]) for i in range(len(pieces))}


def code_fingerprint(source: str, filename: str = "<source>") -> str:
    """What a module's code does, as text: its syntax tree without docstrings or positions.

    Reformatting a module, or editing its comments and docstrings, leaves this unchanged; any
    change to a name, a constant or an operator changes it. ``ast.dump`` is not used because its
    output differs between Python versions for the same code (3.12 adds empty ``type_params``,
    3.13 leaves out empty fields); here empty and ``None`` fields are always left out.
    """
    return _fingerprint(_without_docstrings(ast.parse(source, filename=filename)))


def _without_docstrings(tree: ast.Module) -> ast.Module:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                node.body = node.body[1:]
    return tree


def _fingerprint(node: object) -> str:
    if isinstance(node, ast.AST):
        fields = [
            f"{name}={_fingerprint(value)}"
            for name, value in ast.iter_fields(node)
            if value is not None and value != []
        ]
        return f"{type(node).__name__}({','.join(fields)})"
    if isinstance(node, list):
        return f"[{','.join(_fingerprint(item) for item in node)}]"
    return repr(node)
