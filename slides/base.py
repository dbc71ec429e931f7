"""The base class every lecture scene derives from."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from manim import DOWN, UP, Mobject, Text, config
from manim_slides.slide.manim import Slide, ThreeDSlide

from slides import theme
from slides.onscreen import description, description_text, follow_transforms, layout_problems, onscreen_texts

# The build sets this to a per-scene folder; a scene rendered by hand lands in build/scratch.
RENDER_DIR_ENV = "LECTURE_RENDER_DIR"
REVERSE_ENV = "LECTURE_REVERSE"
# Frames a slide's video holds its final state for.
FINAL_FRAMES = 1
_SCRATCH = Path(__file__).resolve().parent.parent / "build" / "scratch"


class LectureSlide(Slide):
    """A manim-slides ``Slide`` with the course theme and build folders.

    Every beat the lecturer clicks to starts with ``self.next_slide(notes=...)``;
    the build refuses a scene whose slides lack speaker notes.
    """

    # Reversed videos only serve the Qt presenter's "previous" key and cost a
    # second encode of every slide; the build turns them on with LECTURE_REVERSE=1.
    skip_reversing = os.environ.get(REVERSE_ENV, "0") != "1"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        folder = Path(os.environ.get(RENDER_DIR_ENV, _SCRATCH)).resolve()
        kwargs.setdefault("output_folder", folder)
        theme.apply()
        super().__init__(*args, **kwargs)
        # manim draws an animation's frames up to, not including, its end: a slide's video would
        # stop one frame short of its last state (a title's last letter half written, in the
        # PDF too). manim-slides' wait between slides adds that frame; loops do not get it.
        self.wait_time_between_slides = FINAL_FRAMES / config.frame_rate
        # One entry per slide, in the order manim-slides records them.
        self._slide_texts: list[dict[str, Any]] = []
        self._pictures: list[str] = []
        self._layout: list[str] = []

    # The moment a slide ends ------------------------------------------------

    def describe(self, sentence: str) -> None:
        """Say in words what a picture on the current slide shows (a curve, a heat map).

        The words, numbers and formulas on screen are collected by themselves; this is
        for what only a picture says.
        """
        self._pictures.append(sentence.strip())

    def play(self, *animations: Any, **kwargs: Any) -> None:
        super().play(*animations, **kwargs)
        follow_transforms(animations)

    def next_slide(self, *args: Any, **kwargs: Any) -> None:
        if self._current_animation > self._start_animation:
            self._end_slide()
        super().next_slide(*args, **kwargs)

    def _add_last_slide(self) -> None:
        if not (self._slides and self._current_animation == self._slides[-1].end_animation):
            # manim-slides waits between slides, not after the last one.
            if not self._base_slide_config.loop:
                self.wait(self.wait_time_between_slides)
            self._end_slide()
        super()._add_last_slide()

    def _end_slide(self) -> None:
        """Read what is on screen as the slide ends: keep its text, check its layout."""
        number = len(self._slide_texts) + 1
        items = onscreen_texts(self.mobjects)
        described = description(items, self._pictures)
        described["description"] = description_text(described)
        self._slide_texts.append(described)
        self._pictures = []
        for problem in layout_problems(items):
            self._layout.append(f"{type(self).__name__}: slide {number}: {problem}")

    def _save_slides(self, *args: Any, **kwargs: Any) -> None:
        super()._save_slides(*args, **kwargs)
        # Store each slide's text beside its notes in the slide list manim-slides wrote.
        path = Path(self._output_folder) / f"{self}.json"
        record = json.loads(path.read_text(encoding="utf-8"))
        kept = [text for text, pre in zip(self._slide_texts, self._slides) if not pre.skip_animations]
        for slide, text in zip(record["slides"], kept):
            slide["text"] = text
        # The build checks these (slides.pipeline.render) and names the first in one line.
        record["layout"] = self._layout
        path.write_text(json.dumps(record, indent=2), encoding="utf-8")

    # Small helpers shared by every scene -----------------------------------

    def title(self, text: str, *, font_size: int = theme.HEADING_FONT) -> Text:
        """A slide heading pinned to the top edge."""
        heading = Text(text, font=theme.FONT, font_size=font_size, color=theme.TEXT, weight="BOLD")
        heading.to_edge(UP, buff=theme.MARGIN)
        return heading

    def caption(
        self,
        text: str,
        *,
        color: str = theme.MUTED,
        font_size: int = theme.LABEL_FONT,
        t2c: dict[str, str] | None = None,
    ) -> Text:
        """A one-line caption pinned to the bottom edge; ``t2c`` colours parts of it (a legend)."""
        line = Text(text, font=theme.FONT, font_size=max(font_size, theme.MIN_FONT), color=color, t2c=t2c)
        line.to_edge(DOWN, buff=theme.MARGIN)
        return line

    def clear_slide(self, *keep: Mobject) -> None:
        """Fade out everything on screen except ``keep``."""
        leaving = [m for m in self.mobjects if m not in keep]
        if leaving:
            from manim import FadeOut

            self.play(*(FadeOut(m) for m in leaving), run_time=0.5)


class LectureThreeDSlide(LectureSlide, ThreeDSlide):
    """A ``LectureSlide`` with manim's 3D camera, for scenes that show a surface in space.

    Text that should stay flat on the screen goes through ``add_fixed_in_frame_mobjects``.
    """
