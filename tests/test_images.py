"""Images are drawn where they lie: the same frame as blending a frame-sized picture."""

from __future__ import annotations

import numpy as np
import pytest
from manim import LEFT, UP, ImageMobject
from PIL import Image

from slides.common.images import UprightImageCamera


def _whole_frame_blend(camera: UprightImageCamera, image: ImageMobject, frame: np.ndarray) -> np.ndarray:
    """What manim does: the picture scaled into its box, pasted on a transparent frame-sized
    canvas, and that canvas blended over the whole frame."""
    corners = camera.points_to_subpixel_coords(image, image.points)
    left, top = np.floor(corners.min(axis=0)).astype(int)
    right, bottom = np.ceil(corners.max(axis=0)).astype(int)
    picture = Image.fromarray(image.get_pixel_array(), mode="RGBA")
    picture = picture.resize((right - left, bottom - top), resample=image.resampling_algorithm)
    canvas = Image.new("RGBA", (frame.shape[1], frame.shape[0]), (0, 0, 0, 0))
    canvas.paste(picture, (int(left), int(top)))
    return np.asarray(Image.alpha_composite(Image.fromarray(frame, mode="RGBA"), canvas))


@pytest.mark.parametrize("where", ["inside", "over the top left corner", "off the frame"])
def test_image_is_blended_where_it_lies(where: str) -> None:
    rng = np.random.default_rng(3)
    camera = UprightImageCamera(pixel_width=320, pixel_height=180)
    # A frame of every colour and opacity, under a picture with transparent and half-opaque pixels.
    frame = rng.integers(0, 256, (180, 320, 4), dtype=np.uint8)
    image = ImageMobject(rng.integers(0, 256, (12, 16, 4), dtype=np.uint8))
    image.height = 3.0
    if where != "inside":
        image.move_to(camera.frame_width / 2 * LEFT + camera.frame_height / 2 * UP)
    if where == "off the frame":
        image.shift(10 * LEFT)
    expected = _whole_frame_blend(camera, image, frame.copy())
    drawn = frame.copy()
    camera.display_image_mobject(image, drawn)
    assert np.array_equal(drawn, expected)
    assert np.array_equal(drawn, frame) == (where == "off the frame")
