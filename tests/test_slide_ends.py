"""A slide's video ends on the slide's final state, not one frame short of it.

manim draws an animation's frames up to, not including, its end. A line drawn from left to right
at an even pace is missing its last fifteenth in the last frame at 15 fps; the slide's video, and
the PDF page made from that frame, must show the whole line, on every slide and on the last one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from slides.pipeline.catalog import ROOT
from tests.conftest import user_env

SCENE = """
from manim import LEFT, RIGHT, Create, FadeOut, Line, linear
from slides.base import LectureSlide

class DrawnLine(LectureSlide):
    def construct(self):
        for number in (1, 2):
            self.next_slide(notes=f"Slide {number}: a line drawn from left to right.")
            line = Line(6 * LEFT, 6 * RIGHT, stroke_width=40)
            self.play(Create(line), rate_func=linear, run_time=1)
            if number == 1:
                self.next_slide(notes="It leaves.")
                self.play(FadeOut(line))
"""


def _last_frame(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    return frames[-1]


@pytest.mark.slow
def test_slide_videos_end_on_the_final_state(tmp_path: Path) -> None:
    (tmp_path / "drawn_line.py").write_text(SCENE, encoding="utf-8")
    env = dict(user_env(), LECTURE_RENDER_DIR=str(tmp_path / "render"), PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "slides.pipeline.manim_run", "render", "-ql", "--disable_caching"]
    result = subprocess.run(
        [*command, "--media_dir", str(tmp_path / "media"), str(tmp_path / "drawn_line.py"), "DrawnLine"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    slides = json.loads((tmp_path / "render" / "DrawnLine.json").read_text())["slides"]
    assert len(slides) == 3
    for index in (0, 2):  # the two slides that end with the line drawn
        file = slides[index]["file"]
        frame = _last_frame(Path(file) if os.path.isabs(file) else tmp_path / file)
        height, width, _ = frame.shape
        row = frame[height // 2]
        # The line spans x = -6 to 6 of the frame's 14.2 units; its right end, at 95 % of its
        # length, is drawn as brightly as its middle.
        right_end = int(width * (0.5 + 0.95 * 6 / 14.22))
        assert row[right_end].mean() > 0.8 * row[width // 2].mean(), f"slide {index + 1} ends short of its line"
