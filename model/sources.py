"""What a Python source file imports, read with :mod:`ast` and never executed.

The record cache uses it to hash the code that made a record; the build uses it
to find the files a scene depends on. The build reads this file with the system
Python before any virtual environment exists, so it imports only the standard
library.
"""

from __future__ import annotations

import ast
from pathlib import Path


def imported_names(path: Path, module: str) -> list[tuple[str, str | None]]:
    """Every import in the file at ``path``, the source of ``module``, with relative imports resolved.

    ``import a.b`` gives ``("a.b", None)``; ``from a import b`` gives ``("a", "b")``,
    where ``b`` may be a submodule of ``a`` or a name defined in it.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
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
