"""``python -m manim``, with the encoder preset the course renders with.

manim encodes every animation with libx264 at a constant quality (crf 23) and the encoder's
default preset, ``medium``. At 1080p60 that search costs about 75 CPU-ms per frame of moving
content, more than drawing most slides. The preset sets how hard x264 searches for a smaller
file, not the quality it aims for: ``veryfast`` encodes the same frames in about 60 % of the time
for a file a few per cent larger. ``LECTURE_X264_PRESET`` picks another (``medium`` is manim's).

    python -m slides.pipeline.manim_run render -qh <file> <Scene>
"""

from __future__ import annotations

import os
from typing import Any

from manim.__main__ import main
from manim.scene.scene_file_writer import SceneFileWriter

PRESET_ENV = "LECTURE_X264_PRESET"
DEFAULT_PRESET = "veryfast"

_open_stream = SceneFileWriter.open_partial_movie_stream


def open_partial_movie_stream(self: SceneFileWriter, *args: Any, **kwargs: Any) -> None:
    """manim's, then the preset set on the stream before its first frame opens the encoder."""
    _open_stream(self, *args, **kwargs)
    job = getattr(self, "_current_encode_job", None)
    if job is not None and job.stream.codec_context.name == "libx264":
        context = job.stream.codec_context
        context.options = {**context.options, "preset": os.environ.get(PRESET_ENV) or DEFAULT_PRESET}


def use_course_preset() -> None:
    """Make every partial movie manim opens in this process use the course's preset."""
    SceneFileWriter.open_partial_movie_stream = open_partial_movie_stream  # type: ignore[method-assign]


if __name__ == "__main__":
    use_course_preset()
    main(prog_name="manim")
