"""The record cache: exact round trip, canonical runs only, stale and corrupt files rebuilt."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import torch

from model import cache, codec
from model.__main__ import main


@dataclass(frozen=True)
class Inner:
    label: str
    values: np.ndarray


@dataclass(frozen=True)
class ToyRecord:
    seed: int
    steps: int
    loss: float
    converged: bool
    name: str
    shape: tuple[int, ...]
    history: list[float]
    weights: np.ndarray
    counts: np.ndarray
    curves: dict[str, np.ndarray]
    inner: Inner
    note: str | None


@dataclass(frozen=True)
class Bad:
    value: np.ndarray


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    import model.__main__

    monkeypatch.setenv(cache.DATA_DIR_ENV, str(tmp_path))
    monkeypatch.setattr(cache, "REGISTRY", {})
    monkeypatch.setattr(model.__main__, "TIMES_FILE", tmp_path / "build" / "data-times.json")
    return tmp_path


@pytest.fixture
def toy(data_dir):
    calls = []

    @cache.cached("toy", provenance={"dataset": "random numbers", "licence": "none"})
    def toy_record(*, seed: int = 0, steps: int = 3) -> ToyRecord:
        calls.append((seed, steps))
        weights = torch.randn(steps, 2).numpy()  # seeded by the cache wrapper
        rng = np.random.default_rng(seed)
        return ToyRecord(
            seed=seed,
            steps=steps,
            loss=float(weights.sum()),
            converged=True,
            name="toy",
            shape=(steps, 2),
            history=[0.5, 0.25],
            weights=weights,
            counts=rng.integers(0, 9, size=(2, 3)).astype(np.int16),
            curves={"plain-20": np.arange(steps, dtype=np.float64), "resnet-20": np.ones(1)},
            inner=Inner("x", np.array([True, False])),
            note=None,
        )

    toy_record.calls = calls  # type: ignore[attr-defined]
    return toy_record


def test_canonical_run_is_stored_and_read_back_exactly(toy, data_dir):
    first = toy()
    assert (data_dir / "toy.json").exists() and (data_dir / "toy.npz").exists()
    second = toy()
    assert len(toy.calls) == 1
    assert codec.records_equal(first, second)
    assert second.counts.dtype == np.int16 and second.inner.values.dtype == np.bool_
    assert isinstance(second.shape, tuple) and isinstance(second.history, list)
    stored = json.loads((data_dir / "toy.json").read_text())
    assert stored["function"].endswith("toy_record")
    assert stored["arguments"] == {"seed": 0, "steps": 3} and stored["seed"] == 0
    machine = stored["provenance"].pop("machine")
    assert stored["provenance"] == {"dataset": "random numbers", "licence": "none"}
    assert machine["torch_cpu_capability"] == torch.backends.cpu.get_cpu_capability()
    assert machine["threads"] == 1 and machine["processor"] == _cpuinfo_model()
    assert stored["torch_version"] == torch.__version__ and stored["seconds"] >= 0
    assert not list(data_dir.glob("*.tmp"))


def test_other_arguments_bypass_the_cache(toy, data_dir):
    record = toy(steps=2)
    assert record.weights.shape == (2, 2)
    assert not list(data_dir.iterdir())
    toy(steps=3)  # equal to the default: the canonical run
    assert (data_dir / "toy.json").exists()


def test_runs_are_deterministic(toy):
    assert codec.records_equal(toy(seed=1), toy(seed=1))
    assert not codec.records_equal(toy(seed=1), toy(seed=2))


@pytest.mark.parametrize(
    "damage,reason",
    [
        (lambda d: (d / "toy.json").write_text("{not json"), "bad json"),
        (lambda d: (d / "toy.npz").write_bytes(b"PK\x03\x04 broken"), "does not match"),
        (lambda d: (d / "toy.npz").unlink(), "npz is missing"),
        (lambda d: _edit_json(d, lambda j: j["record"].pop("loss")), "fields differ"),
        (lambda d: _edit_json(d, lambda j: j["record"].update(steps="3")), "expected int"),
        (lambda d: _edit_json(d, lambda j: j.pop("code_hash")), "missing 'code_hash'"),
    ],
)
def test_corrupt_files_are_rebuilt(toy, data_dir, capsys, damage, reason):
    toy()
    damage(data_dir)
    capsys.readouterr()
    record = toy()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "toy.json is corrupt (" in err[0] and reason in err[0]
    assert err[0].endswith("; rebuilding")
    assert len(toy.calls) == 2 and record.weights.shape == (3, 2)
    toy()
    assert len(toy.calls) == 2  # the rebuilt pair is good again


@pytest.mark.parametrize(
    "field,value,meaning",
    [
        ("code_hash", "0" * 64, "code changed"),
        ("arguments", {"seed": 0, "steps": 99}, "arguments changed"),
        ("schema", "ToyRecord(old)", "record schema changed"),
    ],
)
def test_stale_files_are_rebuilt(toy, data_dir, capsys, field, value, meaning):
    toy()
    _edit_json(data_dir, lambda j: j.__setitem__(field, value))
    assert toy.status() == cache.Status("stale", meaning)
    capsys.readouterr()
    toy()
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"{data_dir / 'toy.json'} is stale ({meaning}); rebuilding"]
    assert len(toy.calls) == 2 and toy.status().state == "fresh"


def test_code_hash_follows_project_imports_only():
    # block_trace stores no record, and imports the networks inside the function that measures.
    modules = set(cache.code_sources("model.block_trace"))
    assert {"model.block_trace", "model.measure", "model.resnet", "model.blocks", "model.cifar"} <= modules
    assert "model.cache" not in modules and "model.__main__" not in modules
    # The package Python loads first, and the seeding the cache runs around every record.
    assert {"model", "model.seeding"} <= modules
    assert "model.blocks" in cache.code_sources("model.cifar")
    assert cache.code_hash("model.cifar") != cache.code_hash("model.family")
    # A record module that imports the cache does not hash the modules that store records.
    stored = set(cache.code_sources("model.experiments.degradation"))
    assert {"model.experiments.datasets", "model.experiments.training", "model.cifar"} <= stored
    assert not stored & {"model.cache", "model.codec", "model.sources"}


ROOT = Path(__file__).resolve().parents[1]


def _model_copy(tmp_path: Path) -> tuple[Path, list[str]]:
    """A copy of ``model/`` under ``tmp_path``, and the name of every module in it."""
    shutil.copytree(ROOT / "model", tmp_path / "model", ignore=shutil.ignore_patterns("__pycache__"))
    names = [
        ".".join(p.relative_to(tmp_path).with_suffix("").parts).removesuffix(".__init__")
        for p in sorted((tmp_path / "model").rglob("*.py"))
    ]
    return tmp_path, names


def _hashes(root: Path, names: list[str]) -> dict[str, str]:
    return {name: cache.code_hash(name, root) for name in names}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} is not in {path.name} once"
    path.write_text(text.replace(old, new))


def test_reformatting_the_model_keeps_every_code_hash(tmp_path):
    root, names = _model_copy(tmp_path)
    before = _hashes(root, names)
    texts = {p: p.read_text() for p in (root / "model").rglob("*.py")}
    # Narrow lines make ruff rewrap most of the code, then the project's own settings.
    for options in (["--line-length", "60"], ["--config", str(ROOT / "pyproject.toml")]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", "format", "--no-cache", *options, str(root / "model")],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
    # Comments, blank lines and docstrings edited by hand.
    blocks = root / "model" / "blocks.py"
    _edit(blocks, "class ZeroPadShortcut(nn.Module):\n", "\n\nclass ZeroPadShortcut(nn.Module):  # option A\n")
    _edit(blocks, '"""F(x): conv, BN, ReLU, conv, BN."""', '"""The main path.\n\n        Reworded."""')
    changed = [p for p, text in texts.items() if p.read_text() != text]
    assert len(changed) > len(texts) // 2
    assert _hashes(root, names) == before


@pytest.mark.parametrize(
    ("file", "old", "new", "changes", "keeps"),
    [
        # An operator in the blocks: every net that uses them, not the unrelated records.
        ("blocks.py", "out = out + self.shortcut(x)", "out = out - self.shortcut(x)", "model.cifar", "model.functions"),
        # A constant of one experiment: that experiment, not the nets.
        ("experiments/degradation.py", "EPOCHS = 20", "EPOCHS = 21", "model.experiments.degradation", "model.cifar"),
        # A default argument.
        ("seeding.py", "strict: bool = True", "strict: bool = False", "model.functions", None),
        # An integer that becomes a float of the same value.
        ("experiments/degradation.py", "WIDTH = 8", "WIDTH = 8.0", "model.experiments.degradation", "model.cifar"),
    ],
)
def test_a_change_of_code_changes_the_hash_of_what_uses_it(tmp_path, file, old, new, changes, keeps):
    root, names = _model_copy(tmp_path)
    before = _hashes(root, names)
    _edit(root / "model" / file, old, new)
    after = _hashes(root, names)
    assert after[changes] != before[changes]
    if keeps is not None:
        assert after[keeps] == before[keeps]
    else:  # the seeding runs around every record
        assert all(after[name] != before[name] for name in names)


def test_the_modules_that_store_records_are_in_no_hash(tmp_path):
    root, names = _model_copy(tmp_path)
    names = [n for n in names if n not in ("model.cache", "model.codec", "model.sources")]
    before = _hashes(root, names)
    for file in ("cache.py", "codec.py", "sources.py"):
        path = root / "model" / file
        path.write_text(path.read_text() + "\n\ndef added_later() -> int:\n    return 2\n")
    _edit(root / "model" / "cache.py", 'DATA_DIR_ENV = "LECTURE_DATA_DIR"', 'DATA_DIR_ENV = "OTHER"')
    assert _hashes(root, names) == before


def test_unstorable_records_fail_even_outside_the_canonical_run(data_dir):
    @cache.cached("bad")
    def bad(*, seed: int = 0) -> Bad:
        return Bad(np.float32(1.0))  # type: ignore[arg-type]

    with pytest.raises(TypeError, match="expected np.ndarray, got float32"):
        bad(seed=5)


def test_decorator_rejects_missing_defaults_and_name_clashes(data_dir, toy):
    with pytest.raises(TypeError, match="needs a default"):
        cache.cached("nodefault")(lambda steps: None)
    with pytest.raises(ValueError, match="already used"):
        cache.cached("toy")(lambda seed=0: None)


def test_build_and_check_commands(toy, data_dir, capsys, monkeypatch):
    monkeypatch.setattr(cache, "REGISTERING_PACKAGES", ())
    assert main(["check-data"]) == 1
    assert "toy: missing" in capsys.readouterr().out
    assert main(["build-data"]) == 0
    assert capsys.readouterr().out.startswith("toy: rebuilt in ")
    assert main(["build-data", "toy"]) == 0
    assert capsys.readouterr().out == "toy: up to date\n"
    assert main(["build-data", "--force", "toy"]) == 0
    assert "toy: rebuilt in" in capsys.readouterr().out
    assert main(["check-data"]) == 0
    assert main(["build-data", "nope"]) == 2
    assert "valid names: toy" in capsys.readouterr().err


def _cpuinfo_model() -> str:
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return ""


def _edit_json(directory, change):
    path = directory / "toy.json"
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


@dataclass(frozen=True)
class Verdict:
    runs: list[float]
    mean: float
    above_half: bool


def test_a_record_whose_runs_disagree_with_its_verdict_is_rejected(data_dir, capsys):
    def check(record: Verdict) -> str | None:
        if record.mean != sum(record.runs) / len(record.runs):
            return "the mean is not that of its runs"
        if record.above_half != (record.mean > 0.5):
            return "the verdict disagrees with the runs"
        return None

    @cache.cached("verdict", check=check)
    def verdict(*, seed: int = 0) -> Verdict:
        runs = [0.6, 0.7, 0.8]
        return Verdict(runs, sum(runs) / 3, True)

    verdict()
    assert verdict.status().state == "fresh"
    document = json.loads((data_dir / "verdict.json").read_text())
    document["record"]["runs"] = [0.25, 0.25, 0.25]
    document["record"]["mean"] = 0.25
    (data_dir / "verdict.json").write_text(json.dumps(document))
    assert verdict.status() == cache.Status("corrupt", "the verdict disagrees with the runs")
    capsys.readouterr()
    assert verdict().runs == [0.6, 0.7, 0.8]  # rebuilt
    assert "verdict.json is corrupt (the verdict disagrees" in capsys.readouterr().err

    @cache.cached("inconsistent", check=check)
    def inconsistent(*, seed: int = 0) -> Verdict:
        return Verdict([0.25, 0.75], 0.5, True)

    with pytest.raises(ValueError, match="inconsistent: the verdict disagrees"):
        inconsistent()
    assert not (data_dir / "inconsistent.json").exists()


def test_build_data_builds_what_a_record_needs_first(data_dir, capsys, monkeypatch):
    monkeypatch.setattr(cache, "REGISTERING_PACKAGES", ())
    built = []

    @cache.cached("part")
    def part(*, seed: int = 0) -> Inner:
        built.append("part")
        return Inner("part", np.arange(3))

    @cache.cached("whole", needs=("part",))
    def whole(*, seed: int = 0) -> Inner:
        built.append("whole")
        return Inner("whole", part().values * 2)

    needs, order = cache.build_order([whole])
    assert [f.name for f in order] == ["part", "whole"] and needs == {"part": set(), "whole": {"part"}}
    assert main(["build-data", "--jobs=1", "whole"]) == 0
    assert built == ["part", "whole"]
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("part: rebuilt in ") and out[1].startswith("whole: rebuilt in ")
    assert out[2].startswith("build-data: 2 of 2 records built in ")
    assert main(["build-data", "--jobs=x"]) == 2
    assert "--jobs needs a whole number" in capsys.readouterr().err
