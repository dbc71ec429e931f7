"""``make matrix``: the scenes of the selected decks in N balanced shards, as JSON.

Each shard is one CI job that renders its scenes on its own machine. A scene's cost is
the CPU time its last render at this quality took (``$(BUILD)/timings/<Scene>.json``);
a scene never rendered at this quality costs its seconds of video (from a render at any
other quality in a sibling build folder), scaled by the CPU seconds per video second of
the scenes that were measured; a scene never rendered anywhere costs the median of the
others. Shards are filled longest scene first, each into the least loaded shard.

Standard library only: the planning job runs it before any environment is installed.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from pathlib import Path

from slides.pipeline.catalog import CatalogError


@dataclass(frozen=True)
class Cost:
    seconds: float
    basis: str  # "measured", "video" or "unknown"


def _timing(path: Path) -> dict | None:
    try:
        timing = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return timing if isinstance(timing, dict) else None


def scene_costs(scenes: list[str], build: Path) -> dict[str, Cost]:
    measured: dict[str, float] = {}
    video: dict[str, float] = {}
    siblings = sorted(p for p in build.parent.glob("*/timings") if p.parent != build) if build.parent.is_dir() else []
    for scene in scenes:
        timing = _timing(build / "timings" / f"{scene}.json")
        if timing and timing.get("cpu_s"):
            measured[scene] = float(timing["cpu_s"])
            video[scene] = float(timing.get("video_s") or 0)
            continue
        for folder in siblings:
            other = _timing(folder / f"{scene}.json")
            if other and other.get("video_s"):
                video[scene] = float(other["video_s"])
                break
    measured_video = sum(video.get(s, 0) for s in measured)
    per_video_s = sum(measured.values()) / measured_video if measured and measured_video else 1.0
    costs: dict[str, Cost] = {s: Cost(c, "measured") for s, c in measured.items()}
    costs.update({s: Cost(v * per_video_s, "video") for s, v in video.items() if s not in measured})
    known = [c.seconds for c in costs.values()]
    fallback = statistics.median(known) if known else 1.0
    costs.update({s: Cost(fallback, "unknown") for s in scenes if s not in costs})
    return costs


def shards(scenes: list[str], costs: dict[str, Cost], count: int) -> list[list[str]]:
    """Longest-processing-time-first: each scene, costliest first, joins the lightest shard.
    Ties keep the deck order, so the same inputs always give the same plan."""
    if count < 1:
        raise CatalogError(f"SHARDS must be a whole number of at least 1, not {count}")
    bins: list[list[str]] = [[] for _ in range(min(count, len(scenes)))]
    loads = [0.0] * len(bins)
    for scene in sorted(scenes, key=lambda s: -costs[s].seconds):
        lightest = loads.index(min(loads))
        bins[lightest].append(scene)
        loads[lightest] += costs[scene].seconds
    order = {s: i for i, s in enumerate(scenes)}
    return [sorted(b, key=order.__getitem__) for b in bins]


def predicted_wall(scenes: list[str], costs: dict[str, Cost], jobs: int) -> float:
    """A shard's render time with ``jobs`` scenes at a time: its CPU time spread over the
    jobs, but never less than its longest scene (one scene renders on one core)."""
    if not scenes:
        return 0.0
    return max(sum(costs[s].seconds for s in scenes) / jobs, max(costs[s].seconds for s in scenes))


def matrix(scenes: list[str], build: Path, count: int, jobs: int) -> tuple[dict, str]:
    """The GitHub Actions matrix (``{"include": [...]}``) and a one-line summary."""
    costs = scene_costs(scenes, build)
    plan = shards(scenes, costs, count)
    include = [
        {
            "shard": number,
            "scenes": " ".join(group),
            "cost_s": round(sum(costs[s].seconds for s in group), 1),
            "predicted_wall_s": round(predicted_wall(group, costs, jobs), 1),
        }
        for number, group in enumerate(plan, start=1)
    ]
    bases = {basis: sum(1 for c in costs.values() if c.basis == basis) for basis in ("measured", "video", "unknown")}
    wall = max((predicted_wall(group, costs, jobs) for group in plan), default=0.0)
    if bases["unknown"] == len(scenes):
        return {"include": include}, (
            f"plan: {len(scenes)} scenes in {len(plan)} shards of equal size: no scene has been rendered "
            f"in {build} or a folder beside it, so there is no cost to balance by"
        )
    if bases["measured"]:
        slowest = f"the slowest shard renders in about {wall:.0f} s ({jobs} scenes at a time)"
    else:
        # Without one measured render there is no rate to turn seconds of video into render time.
        largest = max(sum(costs[s].seconds for s in group) for group in plan)
        slowest = (
            "costs are seconds of video (no render at this quality measured yet): "
            f"the largest shard holds {largest:.0f} s"
        )
    summary = (
        f"plan: {len(scenes)} scenes in {len(plan)} shards; {slowest}; costs: {bases['measured']} measured, "
        f"{bases['video']} from video seconds, {bases['unknown']} unknown (median)"
    )
    return {"include": include}, summary
