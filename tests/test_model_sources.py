"""The import walk that the record cache and the build share, and the code fingerprint."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.sources import MissingModule, ProjectSources, UnreadableSource, code_fingerprint
from slides.pipeline.catalog import ROOT, CatalogError, dependencies


def _project(tmp_path: Path, files: dict[str, str]) -> ProjectSources:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return ProjectSources(tmp_path, ("pkg",))


def test_the_walk_reaches_submodules_parent_packages_and_nothing_else(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "import os\nfrom pkg import b\nfrom pkg.sub.c import VALUE\n",
            "pkg/b.py": "from . import helpers\n",
            "pkg/helpers.py": "import numpy\n",
            "pkg/sub/__init__.py": "",
            "pkg/sub/c.py": "VALUE = 1\n",
            "pkg/sub/unused.py": "",
            "pkg/d.py": "from pkg import b as _b\n",
        },
    )
    reached = project.reached(tmp_path / "pkg" / "a.py")
    assert set(reached) == {"pkg", "pkg.a", "pkg.b", "pkg.helpers", "pkg.sub", "pkg.sub.c"}
    assert reached["pkg.sub"] == tmp_path / "pkg" / "sub" / "__init__.py"
    # A module named in ``stop`` is left out, and what only it imports too.
    assert set(project.reached(tmp_path / "pkg" / "d.py", stop=frozenset({"pkg.b"}))) == {"pkg", "pkg.d"}


def test_the_walk_names_a_missing_or_unreadable_module(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {"pkg/__init__.py": "", "pkg/a.py": "from pkg.gone import x\n", "pkg/b.py": "def broken(:\n"},
    )
    with pytest.raises(MissingModule) as missing:
        project.reached(tmp_path / "pkg" / "a.py")
    assert missing.value.module == "pkg.gone" and missing.value.expected == tmp_path / "pkg" / "gone.py"
    with pytest.raises(UnreadableSource) as unreadable:
        project.reached(tmp_path / "pkg" / "b.py")
    assert unreadable.value.path == tmp_path / "pkg" / "b.py"
    assert isinstance(unreadable.value.error, SyntaxError)


def test_the_build_reports_an_unreadable_imported_module_in_one_line(tmp_path: Path) -> None:
    broken = ROOT / "slides" / f"zz_broken_{tmp_path.name}.py"
    scene = ROOT / "slides" / f"zz_scene_{tmp_path.name}.py"
    broken.write_text("def broken(:\n")
    scene.write_text(f"from slides.{broken.stem} import broken\n")
    try:
        with pytest.raises(CatalogError) as error:
            dependencies(scene)
    finally:
        broken.unlink()
        scene.unlink()
    message = str(error.value)
    assert "\n" not in message and f"slides/{broken.name}: syntax error on line 1" in message


REFERENCE = '''"""A module."""

import math


def area(radius: float) -> float:
    """Area of a disc."""
    return math.pi * radius**2  # pi r squared
'''

REFORMATTED = """import math
def area(radius:float)->float:
    '''Area of a circle, reworded.'''

    # the formula
    return (math.pi*radius ** 2)
"""


def test_the_fingerprint_ignores_layout_comments_and_docstrings() -> None:
    assert code_fingerprint(REFORMATTED) == code_fingerprint(REFERENCE)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("radius**2", "radius**3"),  # a constant
        ("math.pi * radius", "math.pi + radius"),  # an operator
        ("radius**2", "radius**2.0"),  # an int that becomes a float
        ("def area(radius", "def disc_area(radius"),  # a name
        ('"""Area of a disc."""', '"""Area of a disc."""\n    radius = abs(radius)'),  # a statement
    ],
)
def test_the_fingerprint_follows_every_change_of_code(old: str, new: str) -> None:
    assert REFERENCE.count(old) == 1
    assert code_fingerprint(REFERENCE.replace(old, new)) != code_fingerprint(REFERENCE)
