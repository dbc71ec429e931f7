"""``python -m manim``, with the encoder settings and frame hand-off the course renders with.

manim encodes every animation with libx264 at a constant quality (crf 23) and the encoder's
default preset, ``medium``, on as many threads as it likes. At 1080p60 that costs more CPU than
drawing most slides. The course keeps crf 23 and changes how hard x264 searches:

- preset ``veryfast`` (``LECTURE_X264_PRESET`` picks another; ``medium`` is manim's);
- a diamond motion search with the cheapest sub-pixel refinement (``me=dia:subme=1``): on these
  slides, where most blocks either stand still or slide along a straight line, it finds the same
  vectors; measured on a rendered scene's own frames it encodes in 70 % of the time, to a file no
  larger, at the same PSNR;
- one encoder thread per video (``threads=1``): the render process draws on the main thread and
  encodes on manim's encoder thread, so a second core is already busy, and x264's frame threads
  only add their own overhead.

A frame also reaches the encoder without a copy: manim copies the camera's pixels into a new
array, the encoder thread copies that array into a video frame and converts it to YUV 4:2:0;
here the main thread converts straight from the camera's pixels, and queues the result. Where
the frame says which rows changed since the previous one (``frames.DrawnFrame``), only those
rows are converted, and the rest comes from the previous frame's conversion: the same bytes, as
the conversion of a row pair depends on no row beyond its neighbours.

    python -m slides.pipeline.manim_run render -qh <file> <Scene>
"""

from __future__ import annotations

import os
from typing import Any

import av
import numpy as np
from av.video.reformatter import VideoReformatter
from manim.__main__ import main
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter, _PartialMovieEncodeJob

from slides.pipeline import copies, frames, shapes

PRESET_ENV = "LECTURE_X264_PRESET"
DEFAULT_PRESET = "veryfast"
X264_OPTIONS = {"threads": "1", "x264-params": "me=dia:subme=1"}

_open_stream = SceneFileWriter.open_partial_movie_stream


def x264_options() -> dict[str, str]:
    """The options the course adds to manim's (crf 23) for every libx264 stream."""
    return {"preset": os.environ.get(PRESET_ENV) or DEFAULT_PRESET, **X264_OPTIONS}


def open_partial_movie_stream(self: SceneFileWriter, *args: Any, **kwargs: Any) -> None:
    """manim's, then the course's options set on the stream before its first frame opens the encoder."""
    _open_stream(self, *args, **kwargs)
    job = getattr(self, "_current_encode_job", None)
    if job is not None and job.stream.codec_context.name == "libx264":
        context = job.stream.codec_context
        context.options = {**context.options, **x264_options()}


def render(self: CairoRenderer, scene: Any, time: float, moving_mobjects: Any = None) -> None:
    """manim's ``CairoRenderer.render`` without its copy: ``put`` converts the pixels as they are."""
    self.update_frame(scene, moving_mobjects)
    self.add_frame(frames.DrawnFrame.of(self.camera))


# Rows converted beyond those that changed, on each side: the conversion to 4:2:0 averages a
# chroma row over two pixel rows and filters across one more, so two rows suffice; twice that
# is kept. ``tests/test_frames.py`` compares whole videos converted both ways.
MARGIN_ROWS = 4


def put(self: _PartialMovieEncodeJob, num_frames: int, frame: Any) -> None:
    """Queue the frame converted to the stream's pixel format, read straight from the pixels."""
    if isinstance(frame, np.ndarray):
        frame = _convert(self, frame)
    self.queue.put((num_frames, frame))


def _convert(job: _PartialMovieEncodeJob, pixels: np.ndarray) -> av.VideoFrame:
    stream: Any = job.stream
    height, width = pixels.shape[:2]
    previous = getattr(job, "_course_previous", None)
    drawn = pixels if isinstance(pixels, frames.DrawnFrame) else None
    if (
        drawn is not None
        and previous is not None
        and drawn.follows(previous[0], previous[1])
        and (stream.width, stream.height, stream.pix_fmt) == (width, height, "yuv420p")
    ):
        converted = _convert_rows(job, np.asarray(drawn), previous[2], drawn.changed)  # type: ignore[arg-type]
    else:
        converted = _reformat(job, np.asarray(pixels), stream.width, stream.height, stream.pix_fmt)
    job._course_previous = (  # type: ignore[attr-defined]
        (drawn.drawn_by, drawn.serial, converted) if drawn is not None else None
    )
    return converted


def _reformat(job: _PartialMovieEncodeJob, pixels: np.ndarray, width: int, height: int, pix_fmt: str) -> av.VideoFrame:
    return _reformatter(job).reformat(
        av.VideoFrame.from_numpy_buffer(np.ascontiguousarray(pixels), format="rgba"),
        width,
        height,
        pix_fmt,
        threads=1,
    )


def _plane(plane: Any) -> np.ndarray:
    """A plane's bytes as rows (each ``line_size`` long, the picture in the first ``width``; frames
    of one width have planes of the same ``line_size``)."""
    return np.asarray(memoryview(plane)).reshape(plane.height, plane.line_size)


def _convert_rows(
    job: _PartialMovieEncodeJob, pixels: np.ndarray, previous: av.VideoFrame, changed: tuple[int, int]
) -> av.VideoFrame:
    """The previous frame's YUV 4:2:0 with the changed rows converted anew, as a new frame: the
    previous one may still wait in the encoder's queue."""
    height, width = pixels.shape[:2]
    top, bottom = changed
    if top >= bottom:
        return previous  # the encoder copies a frame's pixels when it takes it: one can serve twice
    frame = av.VideoFrame(width, height, "yuv420p")
    # Whole row pairs are replaced, converted with a margin on each side (an even one, so that
    # the band's chroma rows line up with the frame's).
    top, bottom = top - top % 2, min(height, bottom + bottom % 2)
    first, last = max(0, top - MARGIN_ROWS), min(height, bottom + MARGIN_ROWS)
    band = _reformat(job, pixels[first:last], width, last - first, "yuv420p")
    for index, (plane, before, new) in enumerate(zip(frame.planes, previous.planes, band.planes)):
        shift = 0 if index == 0 else 1  # chroma planes have half the rows
        start, stop = top >> shift, -(-bottom >> shift)
        offset = (top - first) >> shift
        out, old, fresh = _plane(plane), _plane(before), _plane(new)
        out[:start] = old[:start]
        # Whole lines, with the bytes past the picture's edge that the conversion wrote: x264
        # reads those too when a width is not a multiple of 16.
        out[start:stop] = fresh[offset : offset + stop - start]
        out[stop:] = old[stop:]
    return frame


def _reformatter(job: _PartialMovieEncodeJob) -> VideoReformatter:
    reformatter = getattr(job, "_course_reformatter", None)
    if reformatter is None:
        reformatter = job._course_reformatter = VideoReformatter()  # type: ignore[attr-defined]
    return reformatter


def encode_and_write_frame(self: _PartialMovieEncodeJob, frame: Any, num_frames: int) -> None:
    """Encode one queued frame ``num_frames`` times (a still frame held by ``wait``); the encoder
    stamps a frame without a timestamp with the next one, so each repeat gets its own."""
    for _ in range(num_frames):
        frame.pts = None
        for packet in self.stream.encode(frame):  # type: ignore[attr-defined]
            self.container.mux(packet)


def use_course_preset() -> None:
    """Make every partial movie manim opens in this process use the course's encoder settings,
    draw its frames with ``slides.pipeline.frames``, and read the shapes of text and formulas
    made before (``slides.pipeline.shapes``), and copy mobjects with ``slides.pipeline.copies``."""
    frames.install()
    shapes.install()
    copies.install()
    SceneFileWriter.open_partial_movie_stream = open_partial_movie_stream  # type: ignore[method-assign]
    CairoRenderer.render = render  # type: ignore[method-assign]
    _PartialMovieEncodeJob.put = put  # type: ignore[method-assign]
    _PartialMovieEncodeJob._encode_and_write_frame = encode_and_write_frame  # type: ignore[method-assign]


if __name__ == "__main__":
    use_course_preset()
    main(prog_name="manim")
