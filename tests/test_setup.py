"""Setup: what `make` installs, and the one line it prints when it cannot."""

from __future__ import annotations

import os
import subprocess

import pytest
import tomllib

from slides.pipeline import system
from tests.conftest import ROOT


def test_without_root_missing_packages_are_named_with_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(system, "missing_debian_packages", lambda: ["libpulse0", "dvisvgm"])
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(system.SetupError) as error:
        system.install_debian_packages()
    message = str(error.value)
    assert "\n" not in message
    assert "libpulse0 dvisvgm" in message
    assert "sudo apt-get install -y --no-install-recommends libpulse0 dvisvgm" in message


def test_this_machine_has_every_debian_package() -> None:
    assert system.missing_debian_packages() == []


def test_requirements_come_from_pyproject_and_pin_the_known_pitfalls() -> None:
    requirements = system.python_requirements()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert set(project["dependencies"]) <= set(requirements)
    assert "manim==0.21.0" in requirements  # 0.22 breaks manim-slides 5.7
    assert "torch==2.13.0" in requirements  # unpinned pulls a CUDA build
    assert any(r.startswith("manim-slides[pyside6]==5.7") for r in requirements)


def test_help_lists_every_target_without_installing_anything() -> None:
    result = subprocess.run(["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0
    for target in ("all", "test", "present", "scene", "data", "list", "clean", "bench"):
        assert f"make {target} " in result.stdout
