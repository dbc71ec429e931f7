"""Render one scene with manim into the build folder, safely.

The scene's manim-slides JSON is the make target. It is written last, through a
temporary name, after the render succeeded and its slides were checked, so an
interrupted or failed render never leaves a file that a later ``make`` takes as
finished. manim's own log goes to ``$(BUILD)/logs/<Scene>.log``; only its tail is
shown, and only when the scene fails.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from slides.pipeline.catalog import ROOT, PipelineError, scene_index

QUALITIES = {"l": "480p15", "m": "720p30", "h": "1080p60", "k": "2160p60"}
# The layout rules (text inside the frame, never below MIN_FONT, no overlaps) are checked
# by every scene as each slide ends; "strict" (the default) fails the render, "warn" reports
# and goes on.
LAYOUT_ENV = "LECTURE_LAYOUT"
LAYOUT_DEFAULT = "strict"
LOG_TAIL_LINES = 30


class RenderError(PipelineError):
    """A render that failed; the message is one line for the user."""


def scene_paths(build: Path, scene: str) -> dict[str, Path]:
    return {
        "target": build / "slides" / f"{scene}.json",
        "render": build / "render" / scene,
        "media": build / "media" / scene,
        "log": build / "logs" / f"{scene}.log",
        "timing": build / "timings" / f"{scene}.json",
    }


def check_slides(raw_json: Path, scene: str) -> list[dict]:
    """The slides manim-slides wrote, after checking each has a video and notes."""
    try:
        slides = json.loads(raw_json.read_text(encoding="utf-8"))["slides"]
    except (OSError, ValueError, KeyError) as error:
        raise RenderError(f"{scene}: manim-slides wrote no readable slide list ({error})") from None
    if not slides:
        raise RenderError(f"{scene}: the scene has no slides")
    for number, slide in enumerate(slides, start=1):
        if not Path(slide["file"]).is_file():
            raise RenderError(f"{scene}: slide {number}'s video {slide['file']} is missing")
        if not slide.get("notes", "").strip():
            raise RenderError(
                f"{scene}: slide {number} has no speaker notes; pass notes=... to the next_slide() that starts it"
            )
    return slides


def video_seconds(slides: list[dict]) -> float:
    import av  # imported here: the catalogue side of the pipeline stays stdlib-only

    total = 0.0
    for slide in slides:
        with av.open(slide["file"]) as container:
            total += float(container.duration or 0) / 1_000_000
    return total


def render(scene: str, quality: str, build: Path, position: str) -> None:
    if quality not in QUALITIES:
        raise RenderError(f"unknown QUALITY '{quality}'; use one of: {' '.join(QUALITIES)}")
    index = scene_index()
    if scene not in index:
        raise RenderError(f"unknown scene '{scene}'; defined scenes: {', '.join(sorted(index))}")
    source = index[scene]
    paths = scene_paths(build.resolve(), scene)
    paths["target"].unlink(missing_ok=True)
    shutil.rmtree(paths["render"], ignore_errors=True)
    for key in ("target", "log", "timing"):
        paths[key].parent.mkdir(parents=True, exist_ok=True)

    print(f"[{position}] {scene}: rendering {source.relative_to(ROOT)} at {QUALITIES[quality]}", flush=True)
    command = [
        sys.executable, "-m", "manim", "render", f"-q{quality}",
        "--media_dir", str(paths["media"]), "--progress_bar", "none",
        str(source), scene,
    ]
    env = dict(os.environ, LECTURE_RENDER_DIR=str(paths["render"]), PYTHONPATH=str(ROOT))
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        with paths["log"].open("w", encoding="utf-8") as log:
            result = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    except KeyboardInterrupt:
        _discard(paths)
        print(f"[{position}] {scene}: interrupted; partial output removed", flush=True)
        raise SystemExit(130) from None
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        _discard(paths)
        tail = paths["log"].read_text(encoding="utf-8", errors="replace").splitlines()[-LOG_TAIL_LINES:]
        print("\n".join(f"    {line}" for line in tail), file=sys.stderr)
        raise RenderError(
            f"[{position}] {scene}: manim failed after {wall:.1f} s (exit {result.returncode}); "
            f"full log: {paths['log'].relative_to(ROOT) if paths['log'].is_relative_to(ROOT) else paths['log']}"
        )
    raw = paths["render"] / f"{scene}.json"
    slides = check_slides(raw, scene)
    problems = json.loads(raw.read_text(encoding="utf-8")).get("layout", [])
    if problems:
        with paths["log"].open("a", encoding="utf-8") as log:
            log.write("\nlayout problems:\n" + "\n".join(problems) + "\n")
        more = f" (and {len(problems) - 1} more in {paths['log'].name})" if len(problems) > 1 else ""
        if (os.environ.get(LAYOUT_ENV) or LAYOUT_DEFAULT) != "warn":
            _discard(paths)
            raise RenderError(f"[{position}] {problems[0]}{more}")
        print(f"[{position}] warning: {problems[0]}{more}", flush=True)
    seconds = video_seconds(slides)
    timing = {
        "scene": scene,
        "quality": quality,
        "wall_s": round(wall, 3),
        "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 3),
        "peak_rss_mb": round(after.ru_maxrss / 1024, 1),
        "video_s": round(seconds, 3),
        "slides": len(slides),
    }
    _write_atomically(paths["timing"], json.dumps(timing, indent=2))
    _write_atomically(paths["target"], raw.read_text(encoding="utf-8"))
    print(
        f"[{position}] {scene}: done in {wall:.1f} s ({len(slides)} slides, {seconds:.1f} s of video)",
        flush=True,
    )


def _discard(paths: dict[str, Path]) -> None:
    """Remove what a failed render left: its slide files and manim's partial movies."""
    paths["target"].unlink(missing_ok=True)
    shutil.rmtree(paths["render"], ignore_errors=True)
    shutil.rmtree(paths["media"], ignore_errors=True)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
