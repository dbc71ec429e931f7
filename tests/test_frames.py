"""The course's render process draws the same frames as manim.

``slides.pipeline.frames`` reuses and moves paths, runs plain fades as opacity changes and
redraws only the rows that moving objects cover; a scene that exercises all of it (fades with
and without a shift or a target position, thick mitred strokes, an image moving up and down and
off the frame's edge), and the cases that must fall back to manim's own code (a fade with a
scale, a lag or an arc, an image in a faded group, a transform), is rendered frame by frame as
PNGs by plain manim and by the course's process, and every frame compared. Its video, whose
frames are converted only where rows changed, is compared with one converted whole.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from manim import Mobject
from PIL import Image

from slides.pipeline import frames
from slides.pipeline.catalog import ROOT
from tests.conftest import user_env

SCENE = """
import numpy as np
from manim import *

class Exercise(Scene):
    def construct(self):
        title = Text("Fades and moves", font_size=40).to_edge(UP)
        box = Square(1.5, fill_opacity=0.5, stroke_opacity=0.7).shift(2 * LEFT)
        ring = Circle(0.8, color=RED, fill_opacity=0.3).shift(2 * RIGHT)
        ring.set_stroke(opacity=[0.2, 1.0])
        words = VGroup(*(Text(w, font_size=28) for w in ("one", "two", "three"))).arrange(DOWN)
        words[1].set_opacity(0.4)
        picture = ImageMobject(np.uint8([[0, 128, 255], [255, 128, 0]] * 3)).scale(20).shift(DOWN)
        # A still backdrop whose every row differs from the next, behind everything.
        backdrop = np.random.default_rng(0).integers(0, 70, (160, 4, 3), dtype=np.uint8)
        self.add(ImageMobject(backdrop).stretch_to_fit_width(config.frame_width).stretch_to_fit_height(config.frame_height))
        self.play(FadeIn(title), FadeIn(box), run_time=0.5)
        self.play(FadeIn(words, shift=0.3 * UP), FadeIn(ring, scale=1.5), run_time=0.5)
        self.play(box.animate.shift(RIGHT), FadeOut(words), run_time=0.5)
        self.play(FadeIn(Group(picture, Dot())), Transform(ring, Triangle()), run_time=0.5)
        self.play(FadeOut(ring, shift=RIGHT, path_arc=PI / 2), run_time=0.5)
        self.play(FadeIn(ring, shift=LEFT, path_arc=PI / 2), run_time=0.5)
        self.wait(0.5)
        self.play(FadeOut(title, shift=0.5 * UP), FadeOut(box, target_position=ORIGIN), run_time=0.5)
        self.play(FadeIn(title, target_position=3 * RIGHT), FadeIn(words, lag_ratio=0.5), run_time=0.5)
        self.play(FadeOut(Group(picture, ring, words)), FadeOut(title), run_time=0.5)
        star = Star(7, outer_radius=1.2, inner_radius=0.25, stroke_width=24).to_edge(UP, buff=0.1)
        self.play(FadeIn(star), picture.animate.to_edge(DOWN, buff=0), run_time=0.5)
        self.play(star.animate.to_edge(DOWN, buff=0.05).rotate(0.4), run_time=0.5)
        self.play(star.animate.shift(4 * UP), picture.animate.shift(3 * UP).scale(0.5), run_time=0.5)
        # Half off the frame's left edge and turned: blended where it lies on the frame.
        self.play(picture.animate.to_edge(LEFT, buff=-1.0).rotate(0.3), run_time=0.5)
"""

RUN = """
import json, sys
if sys.argv[1].startswith("course"):
    from slides.pipeline import lean_imports
    lean_imports.install()
from manim.__main__ import main
used = {"paths reused": 0, "paths moved": 0, "opacity fades": 0, "transform fades": 0, "rows redrawn": 0,
        "rows converted": 0, "shapes loaded": 0}
if sys.argv[1].startswith("course"):
    from manim.renderer.cairo_renderer import CairoRenderer
    from slides.pipeline import frames, manim_run, shapes
    from slides.pipeline.manim_run import use_course_preset
    if sys.argv[1] == "course-whole":
        frames.drawn_rows = lambda camera, drawn: None
    if sys.argv[1] == "course-unmoved":
        frames.PlanarFit.motion = lambda fit, after: None
    lookup, parts = frames.PathCache.lookup, frames.plain_fade_parts
    def counted_lookup(*args):
        found = lookup(*args)
        used["paths reused"] += found is not None
        used["paths moved"] += found is not None and found[1] is not None
        return found
    def counted_parts(fade):
        found = parts(fade)
        used["opacity fades" if found is not None else "transform fades"] += 1
        return found
    frames.PathCache.lookup, frames.plain_fade_parts = counted_lookup, counted_parts
    convert_rows = manim_run._convert_rows
    def counted_convert_rows(*args):
        used["rows converted"] += 1
        return convert_rows(*args)
    manim_run._convert_rows = counted_convert_rows
    load = shapes._load
    def counted_load(*args):
        found = load(*args)
        used["shapes loaded"] += found is not None
        return found
    shapes._load = counted_load
    use_course_preset()
    update_frame = CairoRenderer.update_frame
    def counted_update_frame(renderer, *args, **kwargs):
        update_frame(renderer, *args, **kwargs)
        used["rows redrawn"] += frames._ROWS[renderer.camera].changed is not None
    CairoRenderer.update_frame = counted_update_frame
main(args=sys.argv[2:], prog_name="manim", standalone_mode=False)
used["scipy imported"] = int("scipy" in sys.modules)
used["networkx imported"] = int("networkx.classes" in sys.modules)
print(json.dumps(used))
"""


def _render(tmp_path: Path, how: str, *args: str) -> tuple[Path, dict[str, int]]:
    media = tmp_path / how
    shutil.rmtree(media, ignore_errors=True)
    scene = tmp_path / "exercise.py"
    scene.write_text(SCENE, encoding="utf-8")
    command = [sys.executable, "-c", RUN, how, "render", "-ql", "--disable_caching", "--media_dir", str(media)]
    # The shapes of its text are read from a folder of the test's own, empty at first.
    env = dict(user_env(), LECTURE_SHAPE_CACHE=str(tmp_path / "shapes"))
    command += [*args, str(scene), "Exercise"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return media, json.loads(result.stdout.strip().splitlines()[-1])


def _frames(media: Path) -> list[np.ndarray]:
    files = sorted((media / "images").rglob("*.png"))
    return [np.asarray(Image.open(f).convert("RGBA"), dtype=np.int16) for f in files]


def test_planar_fit_finds_the_map_or_none() -> None:
    rng = np.random.default_rng(1)
    points = rng.normal(size=(40, 3))
    fit = frames.PlanarFit(points)  # one fit, asked for several maps as over several frames
    turn = np.array([[np.cos(0.4), -np.sin(0.4)], [np.sin(0.4), np.cos(0.4)]]) * 1.7
    moved = points.copy()
    moved[:, :2] = points[:, :2] @ turn.T + [0.5, -2.0]
    matrix = fit.motion(moved)
    assert matrix is not None
    for x, y, _ in points:
        assert np.allclose(matrix.transform_point(x, y), turn @ [x, y] + [0.5, -2.0])
    shift = fit.motion(points + [0.25, 1.0, 3.0])
    assert shift is not None and np.allclose(shift.transform_point(0.0, 0.0), (0.25, 1.0))
    bent = moved.copy()
    bent[7, 0] += 1e-6  # one point off the map: not a motion
    assert fit.motion(bent) is None
    assert fit.motion(points * 2.5) is None  # grown, Cairo's rounding would show
    line = np.zeros((5, 3))
    line[:, 0] = np.arange(5)
    assert frames.PlanarFit(line).motion(line * 2) is None  # a line does not fix its turn


def _nested_family(mobject: Mobject) -> list[Mobject]:
    """How manim lists a family: the object, then each part's family, repeats removed at every
    level keeping each one's last place."""
    listed = [mobject] + [member for part in mobject.submobjects for member in _nested_family(part)]
    kept: list[Mobject] = []
    for member in reversed(listed):
        if member not in kept:
            kept.append(member)
    return kept[::-1]


def test_families_are_listed_as_manim_lists_them() -> None:
    rng = np.random.default_rng(2)
    for _ in range(200):
        nodes = [Mobject() for _ in range(int(rng.integers(1, 14)))]
        for index, node in enumerate(nodes[1:], start=1):
            # Each node joins one or two earlier ones: families that share parts.
            for parent in rng.choice(index, size=min(index, int(rng.integers(1, 3))), replace=False):
                nodes[int(parent)].submobjects.append(node)
        for node in nodes:
            assert frames.get_family(node) == _nested_family(node)


def _compare(plain: list[np.ndarray], course: list[np.ndarray]) -> tuple[int, int, int]:
    """The largest difference of a pixel in grey levels, how many pixels differ, of how many."""
    worst, changed = 0, 0
    for before, after in zip(plain, course):
        difference = np.abs(before - after).max(axis=2)
        worst = max(worst, int(difference.max()))
        changed += int((difference > 0).sum())
    return worst, changed, sum(frame.shape[0] * frame.shape[1] for frame in plain)


@pytest.mark.slow
def test_course_frames_are_manims_frames(tmp_path: Path) -> None:
    plain_media, _ = _render(tmp_path, "plain", "--format", "png")
    # Twice: the first render makes the shapes of the text from their SVGs, the second reads them.
    first = _frames(_render(tmp_path, "course", "--format", "png")[0])
    course_media, used = _render(tmp_path, "course", "--format", "png")
    # Both ways were taken: plain fades, fades that need manim's transform, reused and moved paths.
    assert used["opacity fades"] >= 8 and used["transform fades"] >= 6, used
    assert used["paths reused"] > 100 and used["paths moved"] > 30, used
    assert used["rows redrawn"] > 20, used
    assert used["shapes loaded"] >= 4, used  # the title and three words
    # The star turns (manim's rotation_matrix) with scipy's rotations stood in for.
    assert used["scipy imported"] == used["networkx imported"] == 0, used
    plain, course = _frames(plain_media), _frames(course_media)
    assert len(plain) == len(course) == len(first) > 40
    assert all(np.array_equal(one, other) for one, other in zip(first, course))
    worst, changed, pixels = _compare(plain, course)
    # A path moved with Cairo's transform is read onto Cairo's grid of 1/256 pixel from its
    # first frame's points, not from this frame's: an edge can land that much away, across one
    # of the 15 rows Cairo samples in a pixel (255 / 15 = 17 grey levels), on a few pixels. A
    # path moved wrongly would change whole edges, by far more.
    assert worst <= 17, f"a pixel differs by {worst} grey levels"
    assert changed <= pixels * 1e-3, f"{changed} of {pixels} pixels differ"
    # The frames compared are not blank (only a fade's very first frame may be).
    assert sum(int(frame[..., :3].max() > 0) for frame in course) >= len(course) - 1
    # Without moved paths, the rest (reused paths, fades, rows, shapes) is manim's to the pixel:
    # a colour that manim interpolates between two equal values can come out one unit of
    # floating-point rounding away; nothing else may differ.
    unmoved_media, used = _render(tmp_path, "course-unmoved", "--format", "png")
    assert used["paths moved"] == 0 and used["paths reused"] > 100, used
    worst, changed, pixels = _compare(plain, _frames(unmoved_media))
    assert worst <= 1, f"a pixel differs by {worst} grey levels"
    assert changed <= pixels * 1e-5, f"{changed} of {pixels} pixels differ"


def _video_frames(media: Path) -> list[np.ndarray]:
    import av

    (video,) = (media / "videos").rglob("Exercise.mp4")
    with av.open(str(video)) as container:
        return [frame.to_ndarray() for frame in container.decode(video=0)]


@pytest.mark.slow
def test_frames_converted_where_rows_changed_make_the_same_video(tmp_path: Path) -> None:
    # A width that is a multiple of 16 (as 720p, 1080p and 4K have): a frame's lines then end
    # where its picture does, with no bytes beyond the edge left as the allocator found them.
    size = ("--resolution", "640,360")
    rows_media, used = _render(tmp_path, "course", *size)
    whole_media, whole_used = _render(tmp_path, "course-whole", *size)
    assert used["rows converted"] > 20 and whole_used["rows converted"] == 0, (used, whole_used)
    rows, whole = _video_frames(rows_media), _video_frames(whole_media)
    assert len(rows) == len(whole) > 40
    for number, (one, other) in enumerate(zip(rows, whole)):
        assert np.array_equal(one, other), f"frame {number} differs"


def _video_timestamps(media: Path) -> list[int]:
    import av

    (video,) = (media / "videos").rglob("Exercise.mp4")
    with av.open(str(video)) as container:
        return [frame.pts for frame in container.decode(video=0)]


@pytest.mark.slow
def test_course_videos_hold_every_frame_of_manims(tmp_path: Path) -> None:
    # A wait holds one frame for many: each repeat is encoded as a frame of its own.
    plain = _video_timestamps(_render(tmp_path, "plain")[0])
    course = _video_timestamps(_render(tmp_path, "course")[0])
    assert len(course) == len(plain) > 40
    assert course == sorted(set(course))


def _pipeline_render(build: Path, scene: str) -> None:
    command = [sys.executable, "-m", "slides.pipeline", "--build", str(build), "render", scene, "--quality", "l"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=user_env(), timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (build / "slides" / f"{scene}.json").unlink()  # so that the next call renders again


@pytest.mark.slow
def test_first_render_skips_animation_hashes_and_later_ones_reuse_animations(tmp_path: Path) -> None:
    scene = "TorchNumber"
    build = tmp_path / "build"

    def videos() -> dict[str, int]:
        files = (build / "media" / scene).rglob("partial_movie_files/*/*.mp4")
        return {p.name: p.stat().st_mtime_ns for p in files}

    _pipeline_render(build, scene)
    first = videos()
    assert first and all(name.startswith("uncached_") for name in first), first
    _pipeline_render(build, scene)
    hashed = {name: mtime for name, mtime in videos().items() if not name.startswith("uncached_")}
    assert len(hashed) == len(first)
    # Nothing changed in the scene: the third render reuses every animation, writing none.
    _pipeline_render(build, scene)
    assert {name: mtime for name, mtime in videos().items() if not name.startswith("uncached_")} == hashed
    timing = json.loads((build / "timings" / f"{scene}.json").read_text())
    assert timing["video_s"] > 0
