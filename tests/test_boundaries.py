"""Where code may reach: slides never import torch, package files import nothing, and a scene
depends on no other scene, so a change re-renders only the scenes that use what changed.

Read from the source with the same import reader the build uses to write its make rules.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from model.sources import imported_names
from slides.pipeline.catalog import ROOT, dependencies, scene_index

LIGHT_PACKAGES = ("model", "model/experiments", "model/concepts", "slides/common")


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _scenes_using(relative: str) -> set[str]:
    target = ROOT / relative
    assert target.is_file(), relative
    return {name for name, path in scene_index().items() if target in dependencies(path)}


def test_no_slide_module_imports_torch() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {base}"
        for path in sorted((ROOT / "slides").rglob("*.py"))
        for base, _ in imported_names(path, _module(path))
        if base == "torch" or base.startswith("torch.")
    ]
    assert offenders == []


@pytest.mark.parametrize("package", LIGHT_PACKAGES)
def test_package_files_import_nothing(package: str) -> None:
    init = ROOT / package / "__init__.py"
    imports = [base for base, _ in imported_names(init, _module(init)) if base != "__future__"]
    assert imports == []


def test_no_scene_depends_on_another_scene() -> None:
    scenes = scene_index()
    files = {path: name for name, path in scenes.items()}
    for name, path in scenes.items():
        others = sorted(files[d] for d in dependencies(path) if d in files and d != path)
        assert others == [], f"{name} depends on the scene modules of {others}"


@pytest.mark.parametrize(
    ("changed", "rerendered"),
    [
        ("slides/resnet/sharpen_photo.py", {"SharpenPhoto"}),
        ("model/convolution.py", {"HowConvolutionWorks"}),
        ("model/functions.py", {"WhatIsAFunction", "NestedFunctions"}),
        ("model/family.py", {"WholeNetwork"}),
        ("model/variants.py", {"VariantsAndLegacy"}),
        ("model/identity_block.py", {"ResidualConnection"}),
        ("model/concepts/rnn.py", {"RecurrentNetwork"}),
        ("slides/common/spread.py", {"DegradationProblem", "SharpenPhoto", "TransferLearning"}),
    ],
)
def test_a_change_rerenders_only_the_scenes_that_use_it(changed: str, rerendered: set[str]) -> None:
    assert _scenes_using(changed) == rerendered
