"""Renders that travel: scenes rendered in shards on separate machines, merged, exported.

Each shard renders into its own build folder, as a CI job on its own machine would; the
merge copies only what a shard uploads (``slides/``, ``render/``, ``timings/``) into a
third folder, where ``make`` exports without rendering. The result is compared with the
single-machine build of the same deck (the ``built_deck`` fixture).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import av
import pptx
import pytest
from bs4 import BeautifulSoup

from slides.pipeline.catalog import load_decks, source_digest
from slides.pipeline.makerules import ordered_scenes
from slides.pipeline.render import PROVENANCE, scene_paths, why_not_reusable
from tests.conftest import ROOT, BuiltDeck, run_make

SHIPPED = ("slides", "render", "timings")  # what a shard job uploads from its build folder
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"


def _plan(**variables: str) -> list[list[str]]:
    result = run_make("matrix", **variables)
    assert result.returncode == 0, result.stdout + result.stderr
    include = json.loads(result.stdout)["include"]
    assert [entry["shard"] for entry in include] == list(range(1, len(include) + 1))
    return [entry["scenes"].split() for entry in include]


def _rendered(stdout: str) -> list[str]:
    return re.findall(r"\] (\w+): rendering", stdout)


def _video_facts(path: Path) -> tuple[int, int, int]:
    """Frames decoded, width and height of a slide video."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        return frames, stream.codec_context.width, stream.codec_context.height


def _deck_facts(build: Path, out: Path, deck: str, scenes: list[str]) -> dict:
    """What a viewer meets: per slide its notes and video, and the exported files' counts."""
    slides = []
    for scene in scenes:
        for slide in json.loads((build / "slides" / f"{scene}.json").read_text())["slides"]:
            slides.append((slide["notes"], _video_facts(build / slide["file"])))
    soup = BeautifulSoup((out / f"{deck}.html").read_text(), "html.parser")
    presentation = pptx.Presentation(str(out / f"{deck}.pptx"))
    pdf = subprocess.run(["pdfinfo", str(out / f"{deck}.pdf")], capture_output=True, text=True, check=True).stdout
    return {
        "slides": slides,
        "html_sections": len(soup.select("div.slides > section")),
        "html_notes": [n.get_text(strip=True) for n in soup.select("aside.notes")],
        "pptx_notes": [s.notes_slide.notes_text_frame.text.strip() for s in presentation.slides],
        "pdf_pages": int(re.search(r"^Pages:\s+(\d+)", pdf, re.M).group(1)),
    }


@pytest.mark.slow
def test_shards_rendered_apart_and_merged_export_like_one_machine(built_deck: BuiltDeck, tmp_path: Path) -> None:
    deck = built_deck.name
    (intro,) = [d for d in load_decks() if d.name == deck]
    plan = _plan(DECKS=deck, SHARDS="2", BUILD=str(tmp_path / "plan"))
    assert sorted(s for shard in plan for s in shard) == sorted(intro.scenes) and len(plan) == 2

    merged = tmp_path / "merged"
    for number, scenes in enumerate(plan, start=1):
        shard = tmp_path / f"shard{number}"
        result = run_make("render", SCENES=" ".join(scenes), DECKS=deck, BUILD=str(shard), OUT=str(tmp_path / "none"))
        assert result.returncode == 0, result.stdout + result.stderr
        assert _rendered(result.stdout) == scenes, result.stdout
        for folder in SHIPPED:
            shutil.copytree(shard / folder, merged / folder, dirs_exist_ok=True)
    assert not (tmp_path / "none").exists(), "rendering a shard exports nothing"

    out = tmp_path / "site"
    result = run_make(DECKS=deck, BUILD=str(merged), OUT=str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert _rendered(result.stdout) == [], result.stdout
    assert sorted(re.findall(r"\] (\w+): kept", result.stdout)) == sorted(intro.scenes)
    assert _deck_facts(merged, out, deck, list(intro.scenes)) == _deck_facts(
        built_deck.build, built_deck.out, deck, list(intro.scenes)
    )

    # A merged scene whose source differs on this machine is rendered here, not exported stale.
    source = ROOT / "slides" / "intro" / "welcome.py"
    original, stat = source.read_bytes(), source.stat()
    try:
        source.write_bytes(original + b"\n# Changed after the shards rendered.\n")
        result = run_make(DECKS=deck, BUILD=str(merged), OUT=str(out))
    finally:
        source.write_bytes(original)
        os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert result.returncode == 0, result.stdout + result.stderr
    assert _rendered(result.stdout) == ["Welcome"], result.stdout
    assert "Welcome: rendering slides/intro/welcome.py at 480p15 (its sources changed" in result.stdout
    assert re.findall(r"\[export\] \S+/(\S+):", result.stdout), "the deck is exported again"


def test_a_record_is_kept_only_for_the_same_quality_sources_and_files(built_deck: BuiltDeck, tmp_path: Path) -> None:
    build = tmp_path / "build"
    for folder in SHIPPED:
        shutil.copytree(built_deck.build / folder, build / folder)
    paths = scene_paths(build, "Welcome")
    digest = source_digest("Welcome")
    record = json.loads(paths["target"].read_text())
    assert record[PROVENANCE] == {"scene": "Welcome", "quality": "l", "sources_sha256": digest}
    assert why_not_reusable(paths, "Welcome", "l", digest) is None
    assert why_not_reusable(paths, "Welcome", "m", digest) == "its record was rendered at quality l"
    assert why_not_reusable(paths, "Welcome", "l", "0" * 64) == "its sources changed since it was rendered"
    video = build / record["slides"][0]["file"]
    video.unlink()
    assert why_not_reusable(paths, "Welcome", "l", digest) == "a video of its record is missing"


def test_matrix_covers_every_scene_exactly_once(tmp_path: Path) -> None:
    scenes = ordered_scenes(load_decks())
    for count in (1, 4, 8, 100):
        plan = _plan(SHARDS=str(count), BUILD=str(tmp_path / "none"))
        flat = [s for shard in plan for s in shard]
        assert sorted(flat) == sorted(scenes) and len(flat) == len(set(flat))
        assert len(plan) == min(count, len(scenes)) and all(plan)


def test_matrix_balances_measured_costs(tmp_path: Path) -> None:
    scenes = ordered_scenes(load_decks())
    build = tmp_path / "build" / "h"
    (build / "timings").mkdir(parents=True)
    # One long scene and many short ones: the long one must get a shard to itself.
    costs = {scene: 5.0 + i for i, scene in enumerate(scenes)}
    costs[scenes[3]] = 300.0
    for scene, cpu in costs.items():
        (build / "timings" / f"{scene}.json").write_text(json.dumps({"cpu_s": cpu, "video_s": cpu / 3}))
    result = run_make("matrix", SHARDS="4", BUILD=str(build))
    assert result.returncode == 0, result.stderr
    include = json.loads(result.stdout)["include"]
    loads = [sum(costs[s] for s in entry["scenes"].split()) for entry in include]
    assert [entry["cost_s"] for entry in include] == pytest.approx(loads, abs=0.1)
    assert [scenes[3]] in [entry["scenes"].split() for entry in include]
    rest = sorted(loads)[:-1]
    assert max(rest) - min(rest) <= max(c for s, c in costs.items() if s != scenes[3])
    assert f"{len(scenes)} measured" in result.stderr


def test_matrix_falls_back_to_video_seconds_from_another_quality(tmp_path: Path) -> None:
    scenes = ordered_scenes(load_decks())
    low = tmp_path / "build" / "l" / "timings"
    low.mkdir(parents=True)
    for i, scene in enumerate(scenes):
        (low / f"{scene}.json").write_text(json.dumps({"cpu_s": 1.0, "video_s": 10.0 * (i + 1)}))
    result = run_make("matrix", SHARDS="2", BUILD=str(tmp_path / "build" / "h"))
    assert result.returncode == 0, result.stderr
    include = json.loads(result.stdout)["include"]
    assert sum(entry["cost_s"] for entry in include) == pytest.approx(sum(10.0 * (i + 1) for i in range(len(scenes))))
    assert f"{len(scenes)} from video seconds" in result.stderr


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def test_bad_shard_count_is_one_line() -> None:
    assert "SHARDS='many'" in _one_line_error(run_make("matrix", SHARDS="many"))


def test_unknown_quality_is_one_line_and_leaves_no_build_folder() -> None:
    # The default build folder for QUALITY=x, build/x, must not appear.
    assert not (ROOT / "build" / "x").exists()
    line = _one_line_error(run_make(QUALITY="x"))
    assert "unknown QUALITY 'x'" in line and "l m h k" in line
    assert not (ROOT / "build" / "x").exists()


def test_unknown_scene_in_a_shard_is_one_line() -> None:
    line = _one_line_error(run_make("render", SCENES="Welcome Welcom", DECKS="intro"))
    assert "unknown scene 'Welcom'" in line


def test_source_file_vanished_while_generating_rules_is_one_line(tmp_path: Path) -> None:
    # A file listed under slides/ that cannot be read when the rules are written: a dangling link
    # is what a file deleted between listing and reading looks like.
    vanished = ROOT / "slides" / f"zz_vanished_{os.getpid()}.py"
    vanished.symlink_to(tmp_path / "deleted.py")
    try:
        line = _one_line_error(run_make("list", BUILD=str(tmp_path / "b")))
    finally:
        vanished.unlink()
    assert f"slides/{vanished.name}" in line and "deleted" in line


def test_deleted_module_a_scene_imports_is_one_line(tmp_path: Path) -> None:
    scene_file = ROOT / "slides" / f"zz_orphan_{os.getpid()}.py"
    scene_file.write_text(
        "from slides.base import LectureSlide\n"
        "from slides.zz_deleted_helpers import shape\n\n\n"
        "class OrphanScene(LectureSlide):\n    pass\n"
    )
    decks_file = tmp_path / "decks.py"
    decks_file.write_text("from slides.decks import Deck\nDECKS = (Deck('o', 'O', 'One scene', ('OrphanScene',)),)\n")
    try:
        line = _one_line_error(run_make("-n", DECKS_FILE=str(decks_file), BUILD=str(tmp_path / "b")))
    finally:
        scene_file.unlink()
    assert f"slides/{scene_file.name} imports slides.zz_deleted_helpers" in line
    assert "slides/zz_deleted_helpers.py does not exist" in line


def test_actionlint_finds_nothing_in_the_publishing_workflow(tmp_path: Path) -> None:
    actionlint = Path(sys.executable).parent / "actionlint"
    assert actionlint.is_file(), "actionlint comes with the test requirements (pyproject.toml)"
    clean = subprocess.run([str(actionlint), "-no-color", str(WORKFLOW)], capture_output=True, text=True, cwd=ROOT)
    assert clean.returncode == 0 and clean.stdout == "", clean.stdout + clean.stderr
    # The same check does fail on a mistake: a job that needs a job that does not exist.
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("needs: plan", "needs: plann", 1))
    found = subprocess.run([str(actionlint), "-no-color", str(broken)], capture_output=True, text=True, cwd=ROOT)
    assert found.returncode != 0 and "plann" in found.stdout


@pytest.mark.slow
def test_site_check_passes_the_exported_deck_and_names_what_breaks_it(built_deck: BuiltDeck, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_deck.out, site)
    result = run_make("check-site", DECKS=built_deck.name, BUILD=str(built_deck.build), OUT=str(site))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "nothing loads from the network" in result.stdout

    page = site / f"{built_deck.name}.html"
    soup = BeautifulSoup(page.read_text(), "html.parser")
    video = soup.select("div.slides > section")[-1]["data-background-video"]
    (site / video).unlink()
    page.write_text(
        page.read_text().replace("</head>", '<script src="https://cdn.example.org/x.js"></script></head>', 1)
    )
    result = run_make("check-site", DECKS=built_deck.name, BUILD=str(built_deck.build), OUT=str(site))
    assert result.returncode != 0
    assert f"names {video}, which is not in the site" in result.stdout
    assert "loads https://cdn.example.org/x.js from the network" in result.stdout


def test_a_formula_compiled_once_is_not_compiled_again_by_another_scene(tmp_path: Path) -> None:
    """The shared LaTeX cache: an SVG one scene compiled serves another scene, with no LaTeX run."""
    from slides.pipeline.render import collect_tex, seed_tex

    compile_in = (
        "import sys\n"
        "from manim import config\n"
        "from manim.utils.tex_file_writing import tex_to_svg_file\n"
        "config.tex_dir = sys.argv[1]\n"
        "print(tex_to_svg_file(r'\\frac{\\partial L}{\\partial x} = y + 1', environment='align*').name)\n"
    )
    first, second, cache = tmp_path / "first" / "Tex", tmp_path / "second" / "Tex", tmp_path / "cache"
    result = subprocess.run([sys.executable, "-c", compile_in, str(first)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    svg = result.stdout.split()[-1]
    assert collect_tex(first, cache) == 1 and (cache / svg).is_file()
    assert collect_tex(first, cache) == 0, "a cached SVG is not copied twice"
    assert seed_tex(cache, second) == 1
    # No LaTeX on the PATH: the second scene can only get its formula from the cache.
    no_latex = dict(os.environ, PATH=str(Path(sys.executable).parent))
    result = subprocess.run(
        [sys.executable, "-c", compile_in, str(second)], capture_output=True, text=True, env=no_latex
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == svg
    assert (second / svg).read_bytes() == (first / svg).read_bytes()
    # And without the cache the same call does need LaTeX.
    result = subprocess.run(
        [sys.executable, "-c", compile_in, str(tmp_path / "third")], capture_output=True, text=True, env=no_latex
    )
    assert result.returncode != 0
