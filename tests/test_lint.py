"""ruff's lint rules and formatting (pyproject.toml) hold over the whole code; mypy finds no type
error in ``model/`` or ``slides/``.

The cached records' code hashes cover the syntax tree of the model's sources, not their text, so
formatting ``model/`` keeps every record fresh (tests/test_model_cache.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_finds_nothing() -> None:
    result = _ruff("check", "--output-format", "concise", "model", "slides", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_is_formatted() -> None:
    result = _ruff("format", "--check", "model", "slides", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_would_catch_an_unused_import(tmp_path: Path) -> None:
    # The check above reads the project's configuration; a file that breaks a rule fails it.
    broken = tmp_path / "broken.py"
    broken.write_text("import os\n")
    result = _ruff("check", "--config", str(ROOT / "pyproject.toml"), str(broken))
    assert result.returncode != 0 and "F401" in result.stdout


def _mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_mypy_finds_nothing_in_model_and_slides() -> None:
    result = _mypy("model", "slides")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_would_catch_a_wrong_argument(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("def half(x: float) -> float:\n    return x / 2\n\n\nhalf('two')\n")
    result = _mypy("--cache-dir", str(tmp_path / "cache"), str(broken))
    assert result.returncode != 0 and "arg-type" in result.stdout
