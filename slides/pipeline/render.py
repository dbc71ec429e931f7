"""Render one scene with manim into the build folder, safely.

The scene's manim-slides JSON is the make target. It is written last, through a
temporary name, after the render succeeded and its slides were checked, so an
interrupted or failed render never leaves a file that a later ``make`` takes as
finished. manim's own log goes to ``$(BUILD)/logs/<Scene>.log``; only its tail is
shown, and only when the scene fails.

The record is portable: it names its videos relative to the build folder (where
manim-slides resolves them) and says which quality and which input digest it was
rendered from. A scene's files (``slides/<Scene>.json``, ``render/<Scene>/``,
``timings/<Scene>.json``) copied into another machine's build folder are kept there
when that machine's sources give the same digest, and rendered again when not.
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

from slides.pipeline.catalog import QUALITIES, ROOT, PipelineError, check_quality, scene_index, source_digest
from slides.pipeline.makerules import stamp_path, write_if_changed

# The layout rules (text inside the frame, never below MIN_FONT, no overlaps) are checked
# by every scene as each slide ends; "strict" (the default) fails the render, "warn" reports
# and goes on.
LAYOUT_ENV = "LECTURE_LAYOUT"
LAYOUT_DEFAULT = "strict"
LOG_TAIL_LINES = 30
# LaTeX results shared by every scene and every build: manim names each formula's SVG by a
# hash of its whole LaTeX source (template included) and compiles only when that SVG is
# missing from the scene's Tex folder. So a render starts with every SVG compiled before,
# anywhere, and adds the ones it compiled.
TEX_CACHE_ENV = "LECTURE_TEX_CACHE"
# The key of a record that says what it was rendered from.
PROVENANCE = "built_from"


class RenderError(PipelineError):
    """A render that failed; the message is one line for the user."""


def scene_paths(build: Path, scene: str) -> dict[str, Path]:
    return {
        "target": build / "slides" / f"{scene}.json",
        "render": build / "render" / scene,
        "media": build / "media" / scene,
        "log": build / "logs" / f"{scene}.log",
        "timing": build / "timings" / f"{scene}.json",
        "process": build / "logs" / f"{scene}.process.json",
    }


def rendered_here_before(media: Path, scene: str, quality: str) -> bool:
    """Whether this build folder holds animations of an earlier render of the scene at ``quality``.

    manim names each animation's video by a hash of the scene's state before it, so that a
    re-render of an edited scene reuses the animations before the edit; computing the hash walks
    every object on screen, about a tenth of a render's CPU time. A scene never rendered here at
    this quality (a fresh clone, CI, the bench) has nothing to reuse and renders without it; its
    next render hashes again, so the one after an edit can reuse what did not change.
    """
    folders = (media / "videos").glob(f"*/{QUALITIES[quality]}/partial_movie_files/{scene}")
    return any(any(folder.glob("*.mp4")) for folder in folders)


def check_slides(record: Path, scene: str) -> list[dict]:
    """The slides of a manim-slides JSON, after checking each has a video and notes.

    Video paths may be relative: manim-slides reads them against the JSON's grandparent
    folder (the build folder, for a record in ``$(BUILD)/slides/``); the returned slides
    carry absolute paths.
    """
    try:
        slides = json.loads(record.read_text(encoding="utf-8"))["slides"]
    except (OSError, ValueError, KeyError) as error:
        raise RenderError(f"{scene}: manim-slides wrote no readable slide list ({error})") from None
    if not slides:
        raise RenderError(f"{scene}: the scene has no slides")
    base = record.resolve().parent.parent
    for number, slide in enumerate(slides, start=1):
        for key in ("file", "rev_file"):
            if key in slide:
                slide[key] = str(base / slide[key])
        if not Path(slide["file"]).is_file():
            raise RenderError(f"{scene}: slide {number}'s video {slide['file']} is missing")
        if not slide.get("notes", "").strip():
            raise RenderError(
                f"{scene}: slide {number} has no speaker notes; pass notes=... to the next_slide() that starts it"
            )
    return slides


def portable_record(raw: Path, build: Path, provenance: dict) -> str:
    """manim-slides' JSON with its video paths relative to ``build`` and the provenance added."""
    data = json.loads(raw.read_text(encoding="utf-8"))
    for slide in data["slides"]:
        for key in ("file", "rev_file"):
            if key in slide:
                slide[key] = Path(slide[key]).resolve().relative_to(build).as_posix()
    data[PROVENANCE] = provenance
    return json.dumps(data, indent=2)


def why_not_reusable(paths: dict[str, Path], scene: str, quality: str, digest: str) -> str | None:
    """None when the scene's existing record can be kept as it is; else why it cannot."""
    if not paths["target"].is_file():
        return "not rendered yet"
    try:
        made_from = json.loads(paths["target"].read_text(encoding="utf-8")).get(PROVENANCE) or {}
    except (OSError, ValueError):
        return "its record is unreadable"
    if not made_from:
        return "its record does not say what it was rendered from"
    if made_from.get("quality") != quality:
        return f"its record was rendered at quality {made_from.get('quality')}"
    if made_from.get("sources_sha256") != digest:
        return "its sources changed since it was rendered"
    if not paths["timing"].is_file():
        return f"{paths['timing'].name} is missing"
    try:
        check_slides(paths["target"], scene)
    except RenderError:
        return "a video of its record is missing"
    return None


def video_seconds(slides: list[dict]) -> float:
    import av  # imported here: the catalogue side of the pipeline stays stdlib-only

    total = 0.0
    for slide in slides:
        with av.open(slide["file"]) as container:
            total += float(container.duration or 0) / 1_000_000
    return total


def render(scene: str, quality: str, build: Path, position: str) -> None:
    check_quality(quality)
    index = scene_index()
    if scene not in index:
        raise RenderError(f"unknown scene '{scene}'; defined scenes: {', '.join(sorted(index))}")
    source = index[scene]
    build = build.resolve()
    paths = scene_paths(build, scene)
    digest = source_digest(scene)
    # The stamp make compared holds the digest from when make started; if an input changed
    # since (make data rebuilt a record), the stamp follows, and stays older than the record.
    write_if_changed(stamp_path(build, scene), digest + "\n")
    reason = why_not_reusable(paths, scene, quality, digest)
    if reason is None:
        # Same inputs, same quality (rendered here earlier, or on another machine and copied
        # in): keep it, and make it newer than its stamp so make sees it up to date.
        os.utime(paths["target"])
        print(f"[{position}] {scene}: kept, rendered earlier from the same sources at {QUALITIES[quality]}", flush=True)
        return
    paths["target"].unlink(missing_ok=True)
    paths["process"].unlink(missing_ok=True)
    shutil.rmtree(paths["render"], ignore_errors=True)
    for key in ("target", "log", "timing"):
        paths[key].parent.mkdir(parents=True, exist_ok=True)

    print(f"[{position}] {scene}: rendering {source.relative_to(ROOT)} at {QUALITIES[quality]} ({reason})", flush=True)
    # The process imports the scene's module first, timed, and reports whether torch was
    # imported: with its records cached, a scene's render needs numpy and json, not torch.
    module = ".".join(source.relative_to(ROOT).with_suffix("").parts)
    command = [
        sys.executable,
        "-m",
        "slides.pipeline.scene_process",
        str(paths["process"]),
        module,
        "render",
        f"-q{quality}",
        "--media_dir",
        str(paths["media"]),
        "--progress_bar",
        "none",
        # No request to PyPI after each render: it waits up to 10 s on a slow network, and the
        # newer manim it suggests breaks manim-slides (see pyproject.toml).
        "--silent",
        *([] if rendered_here_before(paths["media"], scene, quality) else ["--disable_caching"]),
        str(source),
        scene,
    ]
    env = dict(os.environ, LECTURE_RENDER_DIR=str(paths["render"]), PYTHONPATH=str(ROOT))
    # manim's Tex folder is {media_dir}/Tex.
    seed_tex(tex_cache(), paths["media"] / "Tex")
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
    collect_tex(paths["media"] / "Tex", tex_cache())
    seconds = video_seconds(slides)
    process = read_process_report(paths, scene)
    timing = {
        "scene": scene,
        "quality": quality,
        "wall_s": round(wall, 3),
        "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 3),
        "peak_rss_mb": round(after.ru_maxrss / 1024, 1),
        "video_s": round(seconds, 3),
        "slides": len(slides),
        "import_s": process["import_s"],
        "torch_imported": process["torch_imported"],
    }
    provenance = {"scene": scene, "quality": quality, "sources_sha256": digest}
    _write_atomically(paths["timing"], json.dumps(timing, indent=2))
    _write_atomically(paths["target"], portable_record(raw, build, provenance))
    print(
        f"[{position}] {scene}: done in {wall:.1f} s ({len(slides)} slides, {seconds:.1f} s of video)",
        flush=True,
    )


def read_process_report(paths: dict[str, Path], scene: str) -> dict:
    """What the render process said about itself (see ``scene_process``), then removed."""
    try:
        report = json.loads(paths["process"].read_text(encoding="utf-8"))
        paths["process"].unlink()
        return {"import_s": float(report["import_s"]), "torch_imported": bool(report["torch_imported"])}
    except (OSError, ValueError, KeyError, TypeError) as error:
        _discard(paths)
        raise RenderError(f"{scene}: the render process left no readable report ({error})") from None


def tex_cache() -> Path:
    return Path(os.environ.get(TEX_CACHE_ENV) or ROOT / "build" / "tex")


def seed_tex(cache: Path, scene_tex: Path) -> int:
    """Give the scene every cached SVG it lacks (hard links where possible); how many."""
    scene_tex.mkdir(parents=True, exist_ok=True)
    added = 0
    for svg in cache.glob("*.svg"):
        dest = scene_tex / svg.name
        if dest.exists():
            continue
        try:
            os.link(svg, dest)
        except OSError:
            shutil.copyfile(svg, dest)
        added += 1
    return added


def collect_tex(scene_tex: Path, cache: Path) -> int:
    """Add the scene's new SVGs to the cache, each whole or not at all (renders run in parallel)."""
    cache.mkdir(parents=True, exist_ok=True)
    added = 0
    for svg in scene_tex.glob("*.svg"):
        if (cache / svg.name).exists():
            continue
        tmp = cache / f".{svg.name}.{os.getpid()}.tmp"
        shutil.copyfile(svg, tmp)
        os.replace(tmp, cache / svg.name)
        added += 1
    return added


def _discard(paths: dict[str, Path]) -> None:
    """Remove what a failed render left: its slide files and manim's partial movies."""
    paths["target"].unlink(missing_ok=True)
    paths["process"].unlink(missing_ok=True)
    shutil.rmtree(paths["render"], ignore_errors=True)
    shutil.rmtree(paths["media"], ignore_errors=True)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
