"""Pictures from arrays: grey photos, signed maps (a residual, a filter response), with captions.

Images come in as numpy arrays from ``model`` and become ``ImageMobject``s of a given height;
pixels are drawn as crisp squares, so a 6x6 patch or a 3x3 filter reads as its numbers.

With Pillow 13, manim 0.21's camera cannot draw any ``ImageMobject`` (it builds its canvas as
``Image.fromarray(float zeros, mode="RGBA")``, which Pillow now rejects). ``PhotoSlide`` is a
``LectureSlide`` whose camera draws upright images its own way; scenes that show pictures derive
from it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import DOWN, Camera, Group, ImageMobject, ManimColor, Rectangle, Text
from manim.constants import RESAMPLING_ALGORITHMS
from manim.mobject.types.image_mobject import AbstractImageMobject
from PIL import Image

from slides import theme
from slides.base import LectureSlide


class UprightImageCamera(Camera):
    """manim's camera, drawing images by scaling them into their (unrotated) bounding box."""

    def display_image_mobject(self, image_mobject: AbstractImageMobject, pixel_array: np.ndarray) -> None:
        corners = self.points_to_subpixel_coords(image_mobject, image_mobject.points)
        left, top = np.floor(corners.min(axis=0)).astype(int)
        right, bottom = np.ceil(corners.max(axis=0)).astype(int)
        if right - left < 1 or bottom - top < 1:
            return
        # Blended over the pixels of its box only, where manim blends a frame-sized picture that
        # is transparent elsewhere (a transparent pixel leaves the one under it as it is): the
        # same frame, without copying and blending 8 MB per image and frame at 1080p.
        x0, y0 = max(left, 0), max(top, 0)
        x1, y1 = min(right, pixel_array.shape[1]), min(bottom, pixel_array.shape[0])
        if x0 >= x1 or y0 >= y1:
            return  # off the frame
        picture = Image.fromarray(np.asarray(image_mobject.get_pixel_array(), dtype=np.uint8), mode="RGBA")
        picture = picture.resize((right - left, bottom - top), resample=image_mobject.resampling_algorithm)
        under = pixel_array[y0:y1, x0:x1]
        over = picture.crop((x0 - left, y0 - top, x1 - left, y1 - top))
        under[...] = np.asarray(Image.alpha_composite(Image.fromarray(np.ascontiguousarray(under), mode="RGBA"), over))


class PhotoSlide(LectureSlide):
    """A lecture scene that shows images (see the module docstring for why it exists)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("camera_class", UprightImageCamera)
        super().__init__(*args, **kwargs)


def _to_rgb(color: str) -> np.ndarray:
    return np.array(ManimColor(color).to_rgb(), dtype=np.float64)


def grey_image(
    pixels: np.ndarray, *, height: float = 3.0, smooth: bool = False, value_range: tuple[float, float] | None = None
) -> ImageMobject:
    """A grey picture: uint8 arrays as they are, float arrays scaled from ``value_range``.

    ``smooth`` keeps bilinear scaling for photos; small arrays stay blocky so each pixel shows.
    """
    values = np.asarray(pixels)
    if values.dtype != np.uint8:
        low, high = value_range or (float(values.min()), float(values.max()))
        scaled = (values.astype(np.float64) - low) / ((high - low) or 1.0)
        values = np.clip(np.rint(scaled * 255.0), 0, 255).astype(np.uint8)
    # manim draws RGBA; a 2-D grey array is repeated into three equal channels first.
    if values.ndim == 2:
        values = np.repeat(values[..., None], 3, axis=2)
    image = ImageMobject(values)
    image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear" if smooth else "nearest"])
    image.height = height
    return image


def signed_image(
    values: np.ndarray,
    *,
    height: float = 3.0,
    limit: float | None = None,
    negative: str = theme.NEGATIVE,
    positive: str = theme.POSITIVE,
    middle: str = theme.BACKGROUND,
) -> ImageMobject:
    """A diverging picture of signed values: 0 is the background, +limit and -limit full colour.

    ``limit`` defaults to the largest magnitude, so the strongest value is fully coloured.
    """
    data = np.asarray(values, dtype=np.float64)
    bound = limit if limit is not None else float(np.abs(data).max()) or 1.0
    t = np.clip(data / bound, -1.0, 1.0)[..., None]
    centre, hot, cold = _to_rgb(middle), _to_rgb(positive), _to_rgb(negative)
    rgb = np.where(t >= 0, centre + t * (hot - centre), centre - t * (cold - centre))
    image = ImageMobject(np.rint(rgb * 255.0).astype(np.uint8))
    image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
    image.height = height
    return image


def framed(
    image: ImageMobject,
    caption: str | None = None,
    *,
    color: str = theme.DATA,
    caption_color: str = theme.TEXT,
    font_size: int = theme.MIN_FONT,
) -> Group:
    """An image in a thin coloured frame, with an optional caption underneath."""
    frame = Rectangle(width=image.width, height=image.height, color=color, stroke_width=3)
    frame.move_to(image)
    parts = [image, frame]
    if caption:
        text = Text(caption, font=theme.FONT, font_size=max(font_size, theme.MIN_FONT), color=caption_color)
        text.next_to(frame, DOWN, buff=0.15)
        parts.append(text)
    return Group(*parts)
