"""``make bench``: how fast the course builds and rebuilds, how big the decks are.

Builds into its own folders (``build/bench-*``), so ``presentations/`` keeps the
lecturer's decks; writes the table to ``presentations/bench.md`` and prints it.
Wall times come from the standard library's monotonic clock, CPU time and peak
memory of each render from ``resource.getrusage`` (recorded by the render step).

    python -m slides.pipeline.bench [--quality m] [--runs 3] [--skip-serial] [--decks "intro resnet"]
    python -m slides.pipeline.bench --rebuilds-only   # what a change to each source re-renders; no render
    python -m slides.pipeline.bench --scenes-only     # CPU-s per video-s of every scene at h; renders what is stale

Every scene's render cost is reported at ``h`` (1080p60, the lecture hall's quality) whatever
quality the build is measured at: the scenes render into ``build/bench-scenes-h`` (or the
measured build, when that is ``h``), where a scene whose sources did not change is kept, so a
second run renders only what changed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from slides.pipeline.catalog import QUALITIES, ROOT, load_decks, select

TARGETS = {
    "clean_j2_default_s": 600.0,
    "clean_j2_high_s": 3600.0,
    "noop_s": 2.0,
    "cpu_per_video_s_at_h": 3.0,
    "pptx_mb_at_h": 100.0,
    "first_video_s": 1.0,
}


def make(*args: str, env: dict[str, str] | None = None) -> tuple[float, str]:
    started = time.monotonic()
    result = subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**{k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}, **(env or {})},
    )
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"error: make {' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return elapsed, result.stdout


def clean_build(quality: str, jobs: int, decks: str, build: Path, out: Path) -> float:
    shutil.rmtree(build, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    seconds, _ = make(f"-j{jobs}", f"QUALITY={quality}", f"BUILD={build}", f"OUT={out}", f"DECKS={decks}")
    return seconds


def first_video_seconds(page: Path, runs: int) -> float:
    """Median seconds from opening the deck from disk to its first video playing."""
    from playwright.sync_api import sync_playwright

    from slides.pipeline.sitecheck import launch_chromium

    times = []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        for _ in range(runs):
            context = browser.new_context(offline=True)
            tab = context.new_page()
            started = time.monotonic()
            tab.goto(page.as_uri())
            tab.wait_for_function(
                """() => { if (!window.Reveal || !Reveal.isReady()) return false;
                           const v = Reveal.getCurrentSlide().slideBackgroundElement.querySelector('video');
                           return v && v.currentTime > 0; }""",
                timeout=30000,
                polling=10,
            )
            times.append(time.monotonic() - started)
            context.close()
        browser.close()
    return statistics.median(times)


def size_mb(path: Path) -> float:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6
    return path.stat().st_size / 1e6 if path.exists() else float("nan")


def scene_inputs_from_rules(build: Path) -> dict[str, list[str]]:
    """Each scene's input files, as the generated rules ($(BUILD)/decks.mk) list them."""
    inputs = {}
    for line in (build / "decks.mk").read_text(encoding="utf-8").splitlines():
        match = re.match(r"SCENE_INPUTS_(\w+) := (.*)$", line)
        if match:
            inputs[match.group(1)] = match.group(2).split()
    return inputs


def rebuild_section(quality: str, decks: str, build: Path, out: Path) -> list[str]:
    """How many scenes a change to each source file re-renders (read from the generated rules,
    nothing rendered), and what a touch of every file that leaves its content alone re-renders."""
    make("-n", f"QUALITY={quality}", f"BUILD={build}", f"OUT={out}", f"DECKS={decks}")  # writes the rules
    inputs = scene_inputs_from_rules(build)
    sources = sorted(p for folder in ("model", "slides") for p in (ROOT / folder).rglob("*.py"))
    counts = {
        p.relative_to(ROOT).as_posix(): sum(p.relative_to(ROOT).as_posix() in files for files in inputs.values())
        for p in sources
    }
    values = sorted(counts.values())
    rows = [
        "## What a change re-renders\n",
        f"From the generated rules ({len(inputs)} scenes, {len(counts)} source files under `model/` and `slides/`): "
        f"a change to one file's content re-renders a median of {statistics.median(values):g} scenes, "
        f"at most {values[-1]}.\n",
        "| source file | scenes a change re-renders |",
        "|---|---|",
    ]
    for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:12]:
        rows.append(f"| `{name}` | {count} of {len(inputs)} |")
    for name in ("model/shape_trace.py", "slides/common/grids.py", "slides/resnet/sharpen_photo.py"):
        if name in counts and name not in [r.split("`")[1] for r in rows if r.startswith("| `")]:
            rows.append(f"| `{name}` | {counts[name]} of {len(inputs)} |")

    # Touch every file (new timestamps, same content), as a checkout or a copy does.
    files = [p for folder in ("model", "slides", "assets") for p in (ROOT / folder).rglob("*") if p.is_file()]
    stamps = sorted((build / "sources").glob("*.sha256"))
    before_stamps = {p: p.stat().st_mtime_ns for p in stamps}
    before = re.findall(
        r" render --quality \w+ (\w+) --position",
        make("-n", f"QUALITY={quality}", f"BUILD={build}", f"OUT={out}", f"DECKS={decks}")[1],
    )
    originals = {p: p.stat() for p in files}
    later = time.time() + 2
    try:
        for path in files:
            os.utime(path, (later, later))
        after = re.findall(
            r" render --quality \w+ (\w+) --position",
            make("-n", f"QUALITY={quality}", f"BUILD={build}", f"OUT={out}", f"DECKS={decks}")[1],
        )
    finally:
        for path, stat in originals.items():
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    moved = [p.stem for p in stamps if p.stat().st_mtime_ns != before_stamps[p]]
    added = sorted(set(after) - set(before))
    rows.append(
        f"\nTouching all {len(files)} files under `model/`, `slides/` and `assets/` without changing them "
        f"re-renders {len(added)} scenes ({'meets' if not added and not moved else 'MISSES'} the target of none): "
        f"no scene's input digest changed ({len(moved)} stamps rewritten), and `make -n` lists the same "
        f"{len(before)} renders before and after.\n"
    )
    return rows


def verdict(value: float, target: float) -> str:
    return "meets" if value <= target else "MISSES"


# Fields of a scene's timing record that only newer render steps write, shown when present:
# whether the render process imported torch, and how long its imports took.
OPTIONAL_COLUMNS = (("torch_imported", "torch imported"), ("import_s", "import s"))


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    return "-" if value is None else str(value)


def scene_cost_rows(timings: list[dict], quality: str, target: float = TARGETS["cpu_per_video_s_at_h"]) -> list[str]:
    """The per-scene table of render cost, costliest first, with the target's verdict and a count."""
    extra = [(key, title) for key, title in OPTIONAL_COLUMNS if any(key in t for t in timings)]
    ratios = {t["scene"]: t["cpu_s"] / t["video_s"] if t["video_s"] else float("inf") for t in timings}
    ordered = sorted(timings, key=lambda t: -ratios[t["scene"]])
    over = [t["scene"] for t in ordered if ratios[t["scene"]] > target]
    resolution = QUALITIES[quality]
    rows = [
        f"## Render cost per scene at `{quality}` ({resolution})\n",
        f"{len(over)} of {len(timings)} scenes take more than {target:g} CPU-seconds per second of video "
        f"at {resolution}" + (f": {', '.join(over)}." if over else ".") + "\n",
        "| scene | video s | render wall s | render CPU s | CPU s per video s | target "
        + "".join(f"| {title} " for _, title in extra)
        + "|",
        "|---|---|---|---|---|---" + "|---" * len(extra) + "|",
    ]
    for t in ordered:
        ratio = ratios[t["scene"]]
        rows.append(
            f"| {t['scene']} | {t['video_s']:.1f} | {t['wall_s']:.1f} | {t['cpu_s']:.1f} | {ratio:.2f} | "
            f"{verdict(ratio, target)} {target:g} " + "".join(f"| {_cell(t.get(key))} " for key, _ in extra) + "|"
        )
    return rows


def reference_work_cpu_s(frames: int = 60) -> float:
    """CPU seconds of a fixed piece of render work, to read the scene table against: the machine's
    speed drifts from day to day (it is a share of a host), and CPU seconds with it. ``frames``
    1080p frames, each 400 antialiased polygons drawn with Cairo at positions that move from frame
    to frame, converted to YUV 4:2:0 and encoded with the course's x264 settings."""
    import tempfile

    import av
    import cairo
    import numpy as np
    from av.video.reformatter import VideoReformatter

    from slides.pipeline.manim_run import x264_options

    width, height = 1920, 1080
    random = np.random.default_rng(0)
    # Quadrilaterals about 50 pixels across, like the faces of a surface or the cells of a grid.
    corners = random.uniform((0, 0), (width, height), (400, 1, 2)) + random.uniform(-25, 25, (400, 4, 2))
    pixels = np.zeros((height, width, 4), np.uint8)
    surface = cairo.ImageSurface.create_for_data(pixels.data, cairo.FORMAT_ARGB32, width, height)
    context = cairo.Context(surface)
    reformatter = VideoReformatter()
    started = time.process_time()
    with tempfile.TemporaryDirectory() as folder, av.open(str(Path(folder) / "reference.mp4"), "w") as container:
        stream = container.add_stream("libx264", rate=60, options={"crf": "23", **x264_options()})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for number in range(frames):
            pixels[:] = 20
            for index, polygon in enumerate(corners):
                moved = polygon + 3 * number * np.array([np.cos(index), np.sin(index)])
                context.move_to(*moved[0])
                for corner in moved[1:]:
                    context.line_to(*corner)
                context.close_path()
                context.set_source_rgba((index % 7) / 7, (index % 5) / 5, (index % 3) / 3, 0.5)
                context.fill()
            frame = av.VideoFrame.from_numpy_buffer(pixels, format="rgba")
            for packet in stream.encode(reformatter.reformat(frame, width, height, "yuv420p", threads=1)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return time.process_time() - started


def scene_costs(scenes: list[str], quality: str, build: Path) -> list[dict]:
    """Each scene's timing record at ``quality``, rendering only the scenes not fresh in ``build``."""
    make("render", f"QUALITY={quality}", f"BUILD={build}", f"SCENES={' '.join(scenes)}")
    return [json.loads((build / "timings" / f"{scene}.json").read_text()) for scene in scenes]


def scene_cost_section(scenes: list[str], quality: str, build: Path) -> list[str]:
    before = reference_work_cpu_s()
    started = time.monotonic()
    timings = scene_costs(scenes, quality, build)
    elapsed = time.monotonic() - started
    after = reference_work_cpu_s()
    rows = scene_cost_rows(timings, quality)
    rows.insert(
        1,
        f"Rendered into `{build.relative_to(ROOT) if build.is_relative_to(ROOT) else build}`, one scene per "
        f"core; a scene whose sources did not change since its last render there is kept with its "
        f"timing ({elapsed:.0f} s for this step). CPU seconds follow the machine's speed, which drifts: "
        f"a fixed piece of render work (60 frames of 400 polygons drawn, converted and encoded at "
        f"1080p) took {before:.2f} CPU-s before these renders and {after:.2f} after them "
        f"({time.strftime('%Y-%m-%d %H:%M')}).\n",
    )
    return rows


def data_times() -> list[str]:
    """The model records' build times from the last `make data` that rebuilt any."""
    path = ROOT / "build" / "data-times.json"
    if not path.exists():
        return [
            "\n## Model records\n",
            ("No `make data` rebuild recorded yet (`python -m model build-data --force` measures one)."),
        ]
    times = json.loads(path.read_text())
    machine = times["machine"]
    rows = [
        "\n## Model records\n",
        (
            f"Last rebuild ({times['created']}): {times['total_wall_s']:.0f} s wall with "
            f"{times['processes']} processes, each on one thread; {machine['processor']}, torch CPU "
            f"capability {machine['torch_cpu_capability']}.\n"
        ),
        "| record | wall s | CPU s |",
        "|---|---|---|",
    ]
    for name, t in sorted(times["records"].items(), key=lambda item: -item[1]["cpu_s"]):
        rows.append(f"| {name} | {t['wall_s']:.1f} | {t['cpu_s']:.1f} |")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--quality", default=os.environ.get("QUALITY", "m"))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")))
    parser.add_argument("--decks", default=os.environ.get("DECKS", ""))
    parser.add_argument("--skip-serial", action="store_true", help="skip the -j1 clean build")
    parser.add_argument(
        "--rebuilds-only", action="store_true", help="only what a change to each source re-renders (no render)"
    )
    parser.add_argument(
        "--scenes-only", action="store_true", help="only each scene's CPU-s per video-s (renders what is stale)"
    )
    parser.add_argument("--scene-quality", default="h", help="the quality of the per-scene cost table")
    parser.add_argument("--scene-build", type=Path, help="where the per-scene renders live")
    args = parser.parse_args()
    decks = select(load_decks(), args.decks.split())
    deck_names = " ".join(d.name for d in decks)
    scenes = list(dict.fromkeys(scene for deck in decks for scene in deck.scenes))
    build = ROOT / "build" / f"bench-{args.quality}"
    out = ROOT / "build" / f"bench-{args.quality}-out"
    scene_build = args.scene_build or (
        build if args.scene_quality == args.quality else ROOT / "build" / f"bench-scenes-{args.scene_quality}"
    )
    if args.rebuilds_only:
        print("\n".join(rebuild_section(args.quality, deck_names, build, out)))
        return 0
    if args.scenes_only:
        print("\n".join(scene_cost_section(scenes, args.scene_quality, scene_build.resolve())))
        return 0
    make("data")  # trained records are not part of a render benchmark

    rows: list[str] = []
    parallel = clean_build(args.quality, 2, deck_names, build, out)
    serial = None if args.skip_serial else clean_build(args.quality, 1, deck_names, build, out)
    noops = [
        make(f"QUALITY={args.quality}", f"BUILD={build}", f"OUT={out}", f"DECKS={deck_names}")[0]
        for _ in range(max(args.runs, 3))
    ]
    noop = statistics.median(noops)

    # Edit one scene's source (its content changes) and see what re-renders; then undo the edit.
    first_scene = decks[0].scenes[0]
    from slides.pipeline.catalog import scene_index

    source = scene_index()[first_scene]
    original, stat = source.read_bytes(), source.stat()
    try:
        source.write_bytes(original + b"\n# An edit for the benchmark.\n")
        touched_s, log = make(f"QUALITY={args.quality}", f"BUILD={build}", f"OUT={out}", f"DECKS={deck_names}")
    finally:
        source.write_bytes(original)
        os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    rerendered = re.findall(r"\] (\w+): rendering", log)
    make(f"QUALITY={args.quality}", f"BUILD={build}", f"OUT={out}", f"DECKS={deck_names}")

    timings = [json.loads(p.read_text()) for p in sorted((build / "timings").glob("*.json"))]
    timings.sort(key=lambda t: -t["cpu_s"])
    peak = max(timings, key=lambda t: t["peak_rss_mb"])

    rows.append("# Build benchmark\n")
    rows.append(
        f"Machine: {platform.node()}, {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}; quality `{args.quality}`; "
        f"{time.strftime('%Y-%m-%d %H:%M')}.\n"
    )
    rows.append("## Whole course\n")
    rows.append("| measure | seconds | target | verdict |")
    rows.append("|---|---|---|---|")
    target = TARGETS["clean_j2_default_s"] if args.quality != "h" else TARGETS["clean_j2_high_s"]
    rows.append(f"| clean build, `-j2` | {parallel:.1f} | {target:.0f} | {verdict(parallel, target)} |")
    if serial is not None:
        rows.append(f"| clean build, `-j1` | {serial:.1f} | - | - |")
    rows.append(
        f"| no-op `make` (median of {len(noops)}) | {noop:.2f} | {TARGETS['noop_s']:.0f} | "
        f"{verdict(noop, TARGETS['noop_s'])} |"
    )
    only_touched = rerendered == [first_scene]
    rows.append(
        f"| edit `{source.relative_to(ROOT)}` and rebuild | {touched_s:.1f} | re-renders that scene only | "
        f"{'meets' if only_touched else 'MISSES'} (re-rendered: {', '.join(rerendered) or 'nothing'}) |"
    )
    rows.append(f"\nPeak memory of the largest render: {peak['peak_rss_mb']:.0f} MB ({peak['scene']}).\n")

    rows += rebuild_section(args.quality, deck_names, build, out)

    rows.append(f"## Per scene at `{args.quality}`\n")
    rows.append("| scene | video s | render wall s | render CPU s | CPU s per video s |")
    rows.append("|---|---|---|---|---|")
    for t in timings:
        ratio = t["cpu_s"] / t["video_s"] if t["video_s"] else float("nan")
        rows.append(f"| {t['scene']} | {t['video_s']:.1f} | {t['wall_s']:.1f} | {t['cpu_s']:.1f} | {ratio:.2f} |")
    rows.append("")
    rows += scene_cost_section(scenes, args.scene_quality, scene_build.resolve())
    rows.append("\n## Per deck\n")
    rows.append("| deck | slides | HTML folder MB | PPTX MB | PDF MB | first video playing, s |")
    rows.append("|---|---|---|---|---|---|")
    for deck in decks:
        html_mb = size_mb(out / f"{deck.name}.html") + size_mb(out / f"{deck.name}_assets")
        first = first_video_seconds(out / f"{deck.name}.html", args.runs)
        slides = sum(json.loads((build / "timings" / f"{s}.json").read_text())["slides"] for s in deck.scenes)
        rows.append(
            f"| {deck.name} | {slides} | {html_mb:.1f} | {size_mb(out / f'{deck.name}.pptx'):.1f} | "
            f"{size_mb(out / f'{deck.name}.pdf'):.1f} | {first:.2f} ({verdict(first, TARGETS['first_video_s'])}) |"
        )

    # Reversed videos serve only the Qt presenter's reverse key: what do they cost?
    longest = max(timings, key=lambda t: t["video_s"])["scene"]
    costs = {}
    for reverse in ("0", "1"):
        scratch = ROOT / "build" / f"bench-reverse-{reverse}"
        shutil.rmtree(scratch, ignore_errors=True)
        started = time.monotonic()
        subprocess.run(
            [
                str(ROOT / ".venv/bin/python"),
                "-m",
                "slides.pipeline",
                "--build",
                str(scratch),
                "render",
                longest,
                "--quality",
                args.quality,
            ],
            cwd=ROOT,
            env=dict(os.environ, LECTURE_REVERSE=reverse, PYTHONPATH=str(ROOT)),
            check=True,
            capture_output=True,
        )
        costs[reverse] = time.monotonic() - started
        shutil.rmtree(scratch, ignore_errors=True)
    extra = costs["1"] - costs["0"]
    rows.append("\n## Reversed videos\n")
    rows.append(
        f"Rendering `{longest}` (the longest scene) takes {costs['0']:.1f} s without reversed videos and "
        f"{costs['1']:.1f} s with them ({extra:+.1f} s, {100 * extra / costs['0']:+.0f} %). They only serve "
        "the Qt presenter's reverse key (V); PageUp replays the previous slide without them, so the build "
        "leaves them out unless `LECTURE_REVERSE=1`."
    )

    rows += data_times()

    text = "\n".join(rows) + "\n"
    print(text)
    dest = ROOT / "presentations" / "bench.md"
    dest.parent.mkdir(exist_ok=True)
    tmp = dest.with_name(".bench.md.tmp")
    tmp.write_text(text)
    tmp.replace(dest)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
