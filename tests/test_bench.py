"""`make bench`'s per-scene cost table: CPU-seconds per second of video, the 3.0 target's verdict
and how many scenes miss it, read from real renders that a second run keeps; the renders' encoder
preset."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av

from slides.pipeline.bench import scene_cost_rows
from tests.conftest import ROOT, BuiltDeck, user_env


def table(lines: list[str]) -> dict[str, dict[str, str]]:
    """The markdown table in ``lines`` as {scene: {column: cell}}."""
    rows = [line for line in lines if line.startswith("| ")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    return {
        cells[0]: dict(zip(header, cells))
        for cells in ([cell.strip() for cell in row.strip("|").split("|")] for row in rows[1:])
    }


def timing(scene: str, video_s: float, cpu_s: float, **extra: object) -> dict:
    return {"scene": scene, "quality": "h", "wall_s": cpu_s, "cpu_s": cpu_s, "video_s": video_s, "slides": 1, **extra}


def test_count_and_verdict_per_scene() -> None:
    lines = scene_cost_rows(
        [timing("Cheap", 10.0, 12.0), timing("AtTarget", 10.0, 30.0), timing("Dear", 4.0, 18.0)], "h"
    )
    assert "1 of 3 scenes take more than 3 CPU-seconds per second of video at 1080p60: Dear." in [
        line.strip() for line in lines
    ]
    rows = table(lines)
    assert list(rows) == ["Dear", "AtTarget", "Cheap"]  # costliest first
    assert rows["Dear"]["CPU s per video s"] == "4.50" and rows["Dear"]["target"] == "MISSES 3"
    assert rows["AtTarget"]["target"] == "meets 3" and rows["Cheap"]["CPU s per video s"] == "1.20"
    assert "torch imported" not in rows["Dear"]


def test_import_columns_when_the_render_records_them() -> None:
    lines = scene_cost_rows(
        [timing("Old", 10.0, 20.0), timing("New", 10.0, 25.0, torch_imported=False, import_s=1.234)], "h"
    )
    rows = table(lines)
    assert rows["New"]["torch imported"] == "no" and rows["New"]["import s"] == "1.23"
    assert rows["Old"]["torch imported"] == "-" and rows["Old"]["import s"] == "-"
    assert "0 of 2 scenes" in lines[1]


def video_seconds(path: str) -> float:
    with av.open(path) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        # The stream's frame rate (every frame is one tick of it); the average rate muxers report
        # is taken over decoding timestamps, which a slide's joined animations leave uneven.
        assert stream.base_rate is not None, path
        return float(frames / Fraction(stream.base_rate))


def test_scene_table_from_renders_kept_on_a_second_run(built_deck: BuiltDeck) -> None:
    timings = {p.stem: p for p in (built_deck.build / "timings").glob("*.json")}
    before = {scene: path.stat().st_mtime_ns for scene, path in timings.items()}
    result = subprocess.run(
        [sys.executable, "-m", "slides.pipeline.bench", "--scenes-only", "--decks", built_deck.name]
        + ["--scene-quality", "l", "--scene-build", str(built_deck.build)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=user_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The deck's scenes were fresh: nothing rendered again, every timing kept.
    assert {scene: path.stat().st_mtime_ns for scene, path in timings.items()} == before
    rows = table(result.stdout.splitlines())
    assert set(rows) == set(built_deck.scene_slides()) == set(timings)
    # The machine's speed that day, measured on a fixed piece of work before and after the renders.
    reference = re.search(r"took ([0-9.]+) CPU-s before these renders and ([0-9.]+) after them", result.stdout)
    assert reference is not None, result.stdout
    assert all(0 < float(seconds) < 60 for seconds in reference.groups()), reference.groups()
    for scene, slides in built_deck.scene_slides().items():
        recorded = json.loads(timings[scene].read_text())
        seconds = sum(video_seconds(str(built_deck.build / slide["file"])) for slide in slides)
        assert abs(float(rows[scene]["video s"]) - seconds) < 0.1, scene
        assert abs(float(rows[scene]["CPU s per video s"]) - recorded["cpu_s"] / seconds) < 0.02, scene
        assert rows[scene]["target"].split()[0] == ("meets" if recorded["cpu_s"] / seconds <= 3.0 else "MISSES")


def x264_settings(path: Path) -> dict[str, str]:
    """The encoder settings libx264 writes into the stream it encodes."""
    data = path.read_bytes()
    start = data.index(b"options: ") + len(b"options: ")
    text = data[start : data.index(b"\x80", start)].decode("ascii", errors="replace")
    return dict(item.split("=", 1) for item in text.split() if "=" in item)


def test_slide_videos_encoded_with_the_course_settings(built_deck: BuiltDeck) -> None:
    # x264's veryfast preset (one reference frame, no trellis; medium: 3, 1) with a diamond motion
    # search, the cheapest subpixel refinement (veryfast: hex, 2; medium: hex, 7), one thread,
    # at manim's crf 23.
    for slide in built_deck.slides():
        settings = x264_settings(built_deck.build / slide["file"])
        found = tuple(settings[key] for key in ("ref", "trellis", "me", "subme", "threads", "crf"))
        assert found == ("1", "0", "dia", "1", "1", "23.0"), slide["file"]
