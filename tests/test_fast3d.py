"""The loss-landscape surfaces drawn by SurfaceCamera look like manim's ThreeDCamera's (each face
in the mean of the two shaded colours manim's gradient runs between), in a fraction of its time, and
Spin turns them through Rotate's frames: the cheaper render shows the same thing."""

from __future__ import annotations

import time

import numpy as np
import pytest
from manim import DEGREES, OUT, TAU, Create, Rotate, ThreeDCamera, tempconfig

from slides import theme
from slides.common.fast3d import Spin, SurfaceCamera
from slides.resnet import loss_landscape as scene


def assert_same_picture(ours: np.ndarray, manims: np.ndarray) -> None:
    """Half a grey level apart on average; all but a sliver of pixels (where manim's gradient runs
    across a face) within a few levels."""
    difference = np.abs(ours.astype(int) - manims.astype(int))[..., :3].max(axis=2)
    assert difference.mean() < 0.5, difference.mean()
    assert (difference > 8).mean() < 0.01, (difference > 8).mean()
    assert (difference > 16).mean() < 0.002, (difference > 16).mean()


def frame(camera_class: type[ThreeDCamera], mobjects: list) -> tuple[np.ndarray, float]:
    camera = camera_class()
    camera.set_phi(62 * DEGREES)
    camera.set_theta(-90 * DEGREES)
    camera.set_zoom(0.95)
    started = time.process_time()
    camera.capture_mobjects(mobjects)
    return camera.pixel_array.copy(), time.process_time() - started


@pytest.fixture(scope="module")
def record(canonical):  # type: ignore[no-untyped-def]
    theme.apply()
    return canonical(scene.experiment.loss_landscape)


@pytest.mark.parametrize("angle", [0.0, 1.1, 2.9, 5.0])
def test_turned_surfaces_look_the_same(record, angle: float) -> None:  # type: ignore[no-untyped-def]
    with tempconfig({"pixel_width": 640, "pixel_height": 360}):
        shown = scene.landscape_surfaces(record)
        for surface in shown:
            surface.rotate(angle, OUT, about_point=surface.get_center())
        manims, manim_s = frame(ThreeDCamera, shown)
        ours, our_s = frame(SurfaceCamera, shown)
        background = manims[0, 0]
        assert (manims != background).any(axis=2).mean() > 0.1  # the surfaces fill a good part of the frame
        assert_same_picture(ours, manims)
        assert our_s < manim_s / 3


def test_surfaces_being_drawn_look_the_same(record, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    sizes: list[int] = []
    prepare = SurfaceCamera._prepare_size

    def counted(camera: SurfaceCamera, faces: list, rot: np.ndarray) -> dict:
        sizes.extend(len(face.points) for face in faces)
        return prepare(camera, faces, rot)

    monkeypatch.setattr(SurfaceCamera, "_prepare_size", counted)
    with tempconfig({"pixel_width": 640, "pixel_height": 360}):
        shown = scene.landscape_surfaces(record)
        animations = [Create(surface, lag_ratio=0.01) for surface in shown]
        for animation in animations:
            animation.begin()
        for alpha in (0.05, 0.4, 0.8):
            for animation in animations:
                animation.interpolate(alpha)
            assert_same_picture(frame(SurfaceCamera, shown)[0], frame(ThreeDCamera, shown)[0])
    # Faces part drawn (one, two or three of their four curves) took the prepared path too.
    assert {4, 8, 12} <= set(sizes), sorted(set(sizes))


def test_spin_goes_through_rotates_frames(record) -> None:  # type: ignore[no-untyped-def]
    rotated, spun = scene.landscape_surfaces(record)[0], scene.landscape_surfaces(record)[0]
    rotate = Rotate(rotated, angle=TAU, axis=OUT, about_point=rotated.get_center())
    spin = Spin(spun, angle=TAU, axis=OUT, about_point=spun.get_center())
    rotate.begin()
    spin.begin()
    for alpha in (0.0, 0.13, 0.5, 0.77, 1.0):
        rotate.interpolate(alpha)
        spin.interpolate(alpha)
        for a, b in zip(rotated.family_members_with_points(), spun.family_members_with_points(), strict=True):
            assert np.allclose(a.points, b.points, atol=1e-12), alpha
