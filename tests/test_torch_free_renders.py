"""A scene's render process imports no torch when the records it reads are cached.

Importing torch costs a render process a few CPU-seconds and about 200 MB; the scenes only
read records, which numpy and json decode. A record that is missing or stale is still
computed during the render, with torch.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from slides.pipeline.catalog import ROOT, scene_index
from tests.conftest import user_env

SCENE_MODULES = sorted({".".join(p.relative_to(ROOT).with_suffix("").parts) for p in scene_index().values()})
# A cheap scene that reads a cached record (the parameter count of ResNet-18).
CHEAP_SCENE = "TorchNumber"

LOADED = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(m for m in sys.modules if m == "torch" or m.startswith("torch."))))
"""


@pytest.mark.parametrize("module", SCENE_MODULES)
def test_importing_a_scene_module_imports_no_torch(module: str) -> None:
    """What every render process loads before manim runs: the scene's module and all it imports."""
    result = subprocess.run(
        [sys.executable, "-c", LOADED, module], cwd=ROOT, capture_output=True, text=True, env=user_env()
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [], f"importing {module} imports torch"


def _render(build: Path, data: Path) -> dict:
    """Render ``CHEAP_SCENE`` at the lowest quality into ``build``, records read from ``data``."""
    env = dict(user_env(), LECTURE_DATA_DIR=str(data))
    command = [sys.executable, "-m", "slides.pipeline", "--build", str(build), "render", CHEAP_SCENE, "--quality", "l"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return json.loads((build / "timings" / f"{CHEAP_SCENE}.json").read_text())


@pytest.mark.slow
def test_a_render_imports_torch_only_to_compute_a_missing_record(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    # No record yet: the render computes it, with torch, and stores it.
    first = _render(tmp_path / "first", data)
    assert first["torch_imported"] is True
    assert (data / "shape_traces.json").is_file()
    # The record is now cached: the next render reads it without torch.
    second = _render(tmp_path / "second", data)
    assert second["torch_imported"] is False
    assert 0 < second["import_s"] < second["wall_s"]
    # The same slides either way.
    slides = [
        json.loads((tmp_path / run / "slides" / f"{CHEAP_SCENE}.json").read_text())["slides"]
        for run in ("first", "second")
    ]
    assert [s["notes"] for s in slides[0]] == [s["notes"] for s in slides[1]]
    assert any("parameters" in s["notes"] for s in slides[1])
