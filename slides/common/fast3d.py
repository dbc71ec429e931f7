"""Surfaces in 3D drawn at the cost of their pixels, not of manim's per-face Python.

manim's ``ThreeDCamera`` works out, for every face of a surface and every frame, its projection,
its depth, its two corner normals and shaded colours, one face at a time, and fills each face
with a gradient between its corners; at 1080p60 a turning surface of a few hundred faces spends
almost all its render time there. ``SurfaceCamera`` does the same arithmetic for all the plain
faces of a frame at once with numpy (manim's projection, depth order and shading formulas) and
paints each face in the mean of its two shaded corners, also while ``Create`` draws it (a face of
one, two or three curves); a face whose edges are straight lines is drawn as a polygon. Anything
else (text, degenerate faces) goes through manim's own code. ``tests/test_fast3d.py`` measures the
difference in pixels.

``Spin`` turns a mobject about an axis like ``Rotate`` (the same frames: each is the start rotated
by the eased fraction of the angle) with one matrix product per frame instead of interpolating
every submobject's points and colours.
"""

from __future__ import annotations

from typing import Any, Self

import cairo
import numpy as np
from manim import OUT, TAU, UP, Animation, Mobject, ThreeDCamera, VMobject
from manim.camera.camera import CAP_STYLE_MAP, LINE_JOIN_MAP, Camera
from manim.constants import CapStyleType, LineJointType
from manim.utils.space_ops import rotation_matrix

# A face of manim's Surface: one closed path of four cubic curves; while ``Create`` draws it,
# the first one, two or three of them.
FACE_POINTS = 16
FACE_SIZES = (4, 8, 12, FACE_POINTS)
NORMAL_TOLERANCE = 1e-6  # manim.utils.space_ops.get_unit_normal's


def _unit_normals(v1: np.ndarray, v2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``get_unit_normal`` for rows of vectors, and which rows took its ordinary case."""
    div1, div2 = np.abs(v1).max(axis=1), np.abs(v2).max(axis=1)
    ordinary = (div1 != 0) & (div2 != 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        cross = np.cross(v1 / div1[:, None], v2 / div2[:, None])
        length = np.sqrt((cross * cross).sum(axis=1))
        ordinary &= length > NORMAL_TOLERANCE
        return cross / length[:, None], ordinary


def _corner_normals(points: np.ndarray, corner: int) -> tuple[np.ndarray, np.ndarray]:
    """``get_3d_vmob_unit_normal`` at ``corner`` for rows of faces of one size: from the anchors
    three points before and after it, wrapping around the path; UP for a face of one curve."""
    size = points.shape[1]
    if size // 4 * 2 <= 2:  # two anchors
        return np.tile(UP, (len(points), 1)).astype(float), np.ones(len(points), dtype=bool)
    before = corner - 3 if corner > 2 else size - 4
    after = corner + 3 if corner < size - 3 else 3
    return _unit_normals(points[:, after] - points[:, corner], points[:, before] - points[:, corner])


def _shaded(rgb: np.ndarray, corner: np.ndarray, normal: np.ndarray, light: np.ndarray) -> np.ndarray:
    """``get_shaded_rgb`` for rows of colours, corners and normals."""
    to_sun = light - corner
    length = np.linalg.norm(to_sun, axis=1)
    to_sun = np.where(length[:, None] > 0, to_sun / np.where(length > 0, length, 1)[:, None], 0.0)
    amount = 0.5 * (normal * to_sun).sum(axis=1) ** 3
    amount = np.where(amount < 0, amount * 0.5, amount)
    return rgb + amount[:, None]


def _close(a: np.ndarray, b: np.ndarray, atol: float) -> np.ndarray:
    """``consider_points_equals_2d`` for rows of points: x and y within manim's tolerance."""
    with np.errstate(invalid="ignore"):
        return ((np.abs(a[:, :2] - b[:, :2]) <= atol + 1e-5 * np.abs(b[:, :2])) | (a[:, :2] == b[:, :2])).all(axis=1)


def _straight_edges(flat: np.ndarray) -> np.ndarray:
    """For each face (rows of projected points, four per curve), whether each of its cubic curves
    is the line between its ends: both handles on that line, between the ends (a surface's faces
    are built from corners, and a projection keeps lines straight)."""
    curves = flat.reshape(len(flat), -1, 4, 2)
    start, end = curves[:, :, :1], curves[:, :, 3:]
    along = end - start
    length2 = (along * along).sum(axis=-1)
    handles = curves[:, :, 1:3] - start
    cross = handles[..., 0] * along[..., 1] - handles[..., 1] * along[..., 0]
    dot = (handles * along).sum(axis=-1)
    scale = np.maximum(length2, 1e-12)
    on_line = np.abs(cross) <= 1e-9 * scale
    between = (dot >= -1e-9 * scale) & (dot <= length2 * (1 + 1e-9))
    return (on_line & between).all(axis=(1, 2))


_FACE_SHAPES = {(size, 3) for size in FACE_SIZES}


class SurfaceCamera(ThreeDCamera):
    """``ThreeDCamera`` that prepares every plain face of a frame in one pass."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._prepared: dict[int, tuple | None] = {}

    def capture_mobjects(self, mobjects: Any, **kwargs: Any) -> None:
        try:
            super().capture_mobjects(mobjects, **kwargs)
        finally:
            self._prepared = {}

    def _is_plain_face(self, mob: Mobject) -> bool:
        return (
            isinstance(mob, VMobject)
            and getattr(mob, "shade_in_3d", False)
            and mob.points.shape in _FACE_SHAPES
            and mob.get_background_image() is None
            and mob.get_stroke_width(background=True) == 0
            and len(mob.get_fill_rgbas()) == 1
            and len(mob.get_stroke_rgbas()) == 1
            and getattr(mob, "z_index_group", mob) is mob
            and mob not in self.fixed_in_frame_mobjects
            and mob not in self.fixed_orientation_mobjects
        )

    def get_mobjects_to_display(self, *args: Any, **kwargs: Any) -> list[Mobject]:
        mobjects = Camera.get_mobjects_to_display(self, *args, **kwargs)
        rot = self.get_rotation_matrix()
        faces = [m for m in mobjects if isinstance(m, VMobject) and self._is_plain_face(m)]
        keys: dict[int, float] = {}
        if faces:
            keys = self._prepare(faces, rot)

        def z_key(mob: Mobject) -> float:
            # ThreeDCamera's order: 3D-shaded mobjects far to near, everything else after them.
            if id(mob) in keys:
                return keys[id(mob)]
            if not getattr(mob, "shade_in_3d", False):
                return np.inf
            return float(np.dot(mob.get_z_index_reference_point(), rot.T)[2])

        return sorted(mobjects, key=z_key)

    def _prepare(self, faces: list[VMobject], rot: np.ndarray) -> dict[int, float]:
        """Depth keys of the faces, and for each drawable face its path and its two gradients."""
        keys: dict[int, float] = {}
        for size in FACE_SIZES:
            group = [f for f in faces if len(f.points) == size]
            if group:
                keys.update(self._prepare_size(group, rot))
        return keys

    def _prepare_size(self, faces: list[VMobject], rot: np.ndarray) -> dict[int, float]:
        """``_prepare`` for faces of one number of points."""
        points = np.stack([f.points for f in faces])  # (faces, size, 3)
        size = points.shape[1]
        # manim's start and end corners (get_3d_vmob_start_corner_index, ..._end_corner_index).
        start, end = 0, ((size - 1) // 6) * 3
        centres = (points.min(axis=1) + points.max(axis=1)) / 2
        depth = centres @ rot.T[:, 2]
        keys = {id(f): float(d) for f, d in zip(faces, depth)}

        flat = self.project_points(points.reshape(-1, 3)).reshape(points.shape)
        atol = faces[0].tolerance_for_point_equality
        joined = np.ones(len(faces), dtype=bool)
        for boundary in range(4, size, 4):
            joined &= _close(flat[:, boundary - 1], flat[:, boundary], atol)
        closed = _close(flat[:, 0], flat[:, -1], atol)
        start_normal, ok_start = _corner_normals(points, start)
        end_normal, ok_end = _corner_normals(points, end)
        drawable = joined & ok_start & ok_end & np.isfinite(points).all(axis=(1, 2))
        light = self.light_source.points[0]
        # manim shades each corner and paints a linear gradient between them; each paint here
        # (fill, stroke) is one colour, the mean of its two shaded corners, as cairo's (b, g, r, a).
        # Gradients are most of Cairo's time at 1080p; within a face of a few dozen pixels the
        # mean differs from them by a fraction of a grey level on average.
        rgbas = np.stack(
            [np.stack([f.get_fill_rgbas()[0] for f in faces]), np.stack([f.get_stroke_rgbas()[0] for f in faces])],
            axis=1,
        )
        colours = np.empty((len(faces), 2, 4))
        for paint in (0, 1):
            corners = [
                _shaded(rgbas[:, paint, :3], points[:, i], n, light)
                for i, n in ((start, start_normal), (end, end_normal))
            ]
            colours[:, paint, :3] = ((corners[0] + corners[1]) / 2)[:, ::-1]
        colours[:, :, 3] = rgbas[:, :, 3]
        # A face not begun yet (Create) is one repeated point: its path has no area and, closed,
        # no caps, so manim draws nothing for it.
        empty = (flat[:, :, :2] == flat[:, :1, :2]).all(axis=(1, 2))
        straight = _straight_edges(flat[:, :, :2])
        paths = flat[:, :, :2].reshape(len(faces), -1).tolist()
        # The first point and each curve's end: the polygon of a face whose edges are straight.
        ends = flat[:, [0, *range(3, size, 4)], :2].reshape(len(faces), -1).tolist()
        straight_list = straight.tolist()
        colour_lists = colours.tolist()
        closed_list = closed.tolist()
        for index in np.flatnonzero(empty & closed).tolist():
            self._prepared[id(faces[index])] = None
        for index in np.flatnonzero(drawable & ~empty).tolist():
            path = (True, ends[index]) if straight_list[index] else (False, paths[index])
            self._prepared[id(faces[index])] = (path, closed_list[index], *colour_lists[index])
        return keys

    def display_vectorized(self, vmobject: VMobject, ctx: cairo.Context) -> Self:
        key = id(vmobject)
        if key not in self._prepared:
            return super().display_vectorized(vmobject, ctx)
        prepared = self._prepared[key]
        if prepared is None:
            return self
        (straight, xy), closed, fill, stroke = prepared
        # manim's set_cairo_context_path for one subpath of four cubic curves; a curve whose
        # handles lie on the line between its ends is that line, and Cairo strokes a line in
        # half the time of a curve.
        ctx.new_path()
        ctx.new_sub_path()
        ctx.move_to(xy[0], xy[1])
        if straight:
            for i in range(2, len(xy), 2):
                ctx.line_to(xy[i], xy[i + 1])
        else:
            for i in range(2, len(xy), 8):
                ctx.curve_to(*xy[i : i + 6])
        if closed:
            ctx.close_path()
        # apply_fill, then apply_stroke.
        ctx.set_source_rgba(*fill)
        ctx.fill_preserve()
        width = vmobject.get_stroke_width()
        if width != 0:
            ctx.set_source_rgba(*stroke)
            ctx.set_line_width(width * self.cairo_line_width_multiple)
            join, cap = LINE_JOIN_MAP[vmobject.joint_type], CAP_STYLE_MAP[vmobject.cap_style]
            if vmobject.joint_type != LineJointType.AUTO and join is not None:
                ctx.set_line_join(join)
            if vmobject.cap_style != CapStyleType.AUTO and cap is not None:
                ctx.set_line_cap(cap)
            ctx.stroke_preserve()
        return self


class Spin(Animation):
    """``Rotate(mobject, angle, axis, about_point)``'s frames from one matrix product per frame."""

    def __init__(
        self,
        mobject: Mobject,
        angle: float = TAU,
        axis: np.ndarray = OUT,
        about_point: np.ndarray | None = None,
        **kwargs: Any,
    ) -> None:
        self.angle, self.axis = angle, np.asarray(axis, dtype=float)
        self.about_point = mobject.get_center() if about_point is None else np.asarray(about_point, dtype=float)
        super().__init__(mobject, **kwargs)

    def begin(self) -> None:
        self.parts = self.mobject.family_members_with_points()
        self.sizes = [len(part.points) for part in self.parts]
        self.start_points = np.concatenate([part.points for part in self.parts]) - self.about_point
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        turned = self.start_points @ rotation_matrix(self.rate_func(alpha) * self.angle, self.axis).T
        turned += self.about_point
        offset = 0
        for part, size in zip(self.parts, self.sizes):
            part.points = turned[offset : offset + size]
            offset += size


__all__ = ["Spin", "SurfaceCamera"]
