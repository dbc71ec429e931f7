"""Frames drawn with less repeated work, and the same pixels as manim's.

Most animations on these slides fade whole slides in or out, or move a few things while the
rest of the slide is redrawn unchanged. manim does the full work for every object on every
frame; these parts of it repeat themselves:

- **Paths.** Before Cairo fills an object, manim turns its points into a Cairo path in Python:
  split it into subpaths, then one call per curve. An object whose points have not changed
  since its path was built (a fading, recolouring or waiting object, or one drawn again into
  the still part of the next animation) gets that path back
  (``Camera.set_cairo_context_path``, for what a camera draws without projecting it: everything
  on the flat 2D camera, the titles fixed in the frame of a 3D one). An object that only moved,
  grew or turned as a whole (a fade with a shift, ``.animate.shift``, ``scale``, ``Indicate``)
  gets the path it had when it was built, mapped by Cairo: an edge can land 1/256 pixel (Cairo's
  grid) from where manim's path would put it.
- **Fades.** ``FadeIn`` and ``FadeOut`` are transforms: they copy the whole object twice, and on
  every frame interpolate the points and colours of each of its parts between the two copies.
  Without a scale, the copy differs from the object only in its opacities and, for a fade with
  a shift, by one offset; those fades set the opacities and move the points by the same
  formula manim's interpolation uses, and copy nothing.
- **Rows.** A frame starts as a copy of the still part of the slide (8 MB at 1080p), and only
  the moving objects are drawn on it. Rows that no moving object covers, in this frame or the
  one before, already hold the still part: only the others are copied again
  (``CairoRenderer.update_frame``), and the frame says which rows changed
  (:class:`DrawnFrame`), so the encoder converts only those (``slides.pipeline.manim_run``).
- **Families.** manim lists an object's family (itself and all its parts) by asking each part for
  its own family and removing repeats at every level: on every frame, for every object drawn or
  updated. Here the family is listed in one pass and repeats removed once, which gives the same
  list (a repeat keeps its last place either way) in an eighth of the time for a table of text.

``tests/test_frames.py`` renders scenes both ways and compares every frame.
"""

from __future__ import annotations

import itertools
import math
import weakref
from typing import Any

import cairo
import numpy as np
from manim import Group, Mobject, VGroup, VMobject
from manim.animation.fading import FadeIn, _Fade
from manim.camera.camera import Camera
from manim.mobject.types.image_mobject import AbstractImageMobject
from manim.renderer.cairo_renderer import CairoRenderer
from manim.utils.iterables import list_update, remove_list_redundancies

_set_path = Camera.set_cairo_context_path
_fade_begin = _Fade.begin
_fade_interpolate = _Fade.interpolate_mobject

# (fill, stroke, background stroke): the colour arrays whose alpha a fade changes.
OPACITY_ARRAYS = ("fill_rgbas", "stroke_rgbas", "background_stroke_rgbas")


class PathCache:
    """The Cairo path last built for each object that is still alive, with the points it was built
    from: an object drawn again, in the next frame or in the still part of a later animation, finds
    it there."""

    def __init__(self) -> None:
        self.entries: weakref.WeakKeyDictionary[VMobject, tuple[Any, ...]] = weakref.WeakKeyDictionary()

    def lookup(self, vmobject: VMobject, matrix: tuple[float, ...]) -> tuple[Any, Any] | None:
        """The path built for this object before and the map from its points then to its points
        now (None: the same points), or None where there is no such path."""
        entry = self.entries.get(vmobject)
        if entry is None:
            return None
        fit, entry_matrix, tolerance, path = entry
        points = fit.points
        if (
            entry_matrix != matrix
            or tolerance != vmobject.tolerance_for_point_equality
            or points.shape != vmobject.points.shape
        ):
            return None
        if np.array_equal(points, vmobject.points):
            return path, None
        # The entry stays as it was built, so that a moving object's path is always one map away
        # from the points Cairo was given, not a chain of rounded maps.
        motion = fit.motion(vmobject.points)
        return None if motion is None else (path, motion)

    def store(self, vmobject: VMobject, ctx: cairo.Context, matrix: tuple[float, ...]) -> None:
        self.entries[vmobject] = (
            PlanarFit(vmobject.points.copy()),
            matrix,
            vmobject.tolerance_for_point_equality,
            ctx.copy_path(),
        )


# How far (in scene units, a 1080p pixel is 1/135) a point may lie from where the map puts it:
# what floating-point arithmetic leaves when manim moves, scales or turns an object.
MOTION_TOLERANCE = 1e-9
# How much a mapped path may grow: at most twice the 1/256 pixel Cairo rounds its points to.
MAX_GROWTH = 2.0


class PlanarFit:
    """Points a path was built from, and the map ``x -> A x + t`` of the plane that takes them to
    other points (a shift, a scale, a turn, as manim's animations move objects). What the fit
    needs from these points alone is kept for the next frame's fit, and the two by two algebra
    is done in plain floats: numpy's linear algebra costs more for it than building the path."""

    def __init__(self, points: np.ndarray) -> None:
        self.points = points
        self.relative: np.ndarray | None = None  # the points relative to the first, (x, y) only
        self.inverse: tuple[float, float, float] | None = None  # (S^-1)xx, xy, yy; S = R^T R

    def motion(self, after: np.ndarray) -> cairo.Matrix | None:
        """The map to ``after`` (as many points), or None where there is none."""
        if self.relative is None:
            self.relative = self.points[:, :2] - self.points[0, :2]
        old, new = self.relative, after[:, :2] - after[0, :2]
        (x0, y0), (u0, v0) = self.points[0, :2].tolist(), after[0, :2].tolist()
        if abs(new - old).max() <= MOTION_TOLERANCE:
            return cairo.Matrix(1.0, 0.0, 0.0, 1.0, u0 - x0, v0 - y0)
        if self.inverse is None:
            (sxx, sxy), (_, syy) = (old.T @ old).tolist()
            det = sxx * syy - sxy * sxy
            if det <= 1e-12 * max(1.0, sxx + syy) ** 2:
                self.inverse = (math.nan, math.nan, math.nan)  # points on one line: no unique map
            else:
                self.inverse = (syy / det, -sxy / det, sxx / det)
        ixx, ixy, iyy = self.inverse
        # Least squares: the rows map as R @ L = N with L = A^T = S^-1 R^T N.
        (cxx, cxy), (cyx, cyy) = (old.T @ new).tolist()
        a, b = cxx * ixx + cyx * ixy, cxx * ixy + cyx * iyy
        c, d = cxy * ixx + cyy * ixy, cxy * ixy + cyy * iyy
        if not math.isfinite(a + b + c + d):
            return None
        if abs(old @ np.array([[a, c], [b, d]]) - new).max() > MOTION_TOLERANCE:
            return None
        # The largest factor by which A stretches a length.
        frobenius, area = a * a + b * b + c * c + d * d, a * d - b * c
        if frobenius + math.sqrt(max(0.0, frobenius * frobenius - 4 * area * area)) > 2 * MAX_GROWTH**2:
            return None  # Cairo rounded the path to 1/256 pixel; grown, that rounding would show
        return cairo.Matrix(a, c, b, d, u0 - (a * x0 + b * y0), v0 - (c * x0 + d * y0))


# Each camera's cache, kept off the camera itself: manim hashes a camera's attributes to name
# the videos of its animations, and a cache keyed by object ids would change those names.
_PATHS: weakref.WeakKeyDictionary[Camera, PathCache] = weakref.WeakKeyDictionary()


def _drawn_as_given(camera: Camera, vmobject: VMobject) -> bool:
    """Whether the camera draws the object's points as they are: a flat camera's objects, and a
    3D camera's objects fixed in the frame (titles, captions); other points a 3D camera projects
    anew for every frame."""
    if type(camera).transform_points_pre_display is Camera.transform_points_pre_display:
        return True
    return vmobject in getattr(camera, "fixed_in_frame_mobjects", ())


def set_cairo_context_path(self: Camera, ctx: cairo.Context, vmobject: VMobject) -> Camera:
    """manim's, or the path it built for the same points in the previous frame."""
    points = vmobject.points
    if len(points) == 0 or not _drawn_as_given(self, vmobject) or not np.isfinite(points).all():
        return _set_path(self, ctx, vmobject)
    cache = _PATHS.get(self)
    if cache is None:
        cache = _PATHS[self] = PathCache()
    matrix: tuple[float, ...] = tuple(ctx.get_matrix())  # type: ignore[arg-type]
    found = cache.lookup(vmobject, matrix)
    if found is None:
        _set_path(self, ctx, vmobject)
        cache.store(vmobject, ctx, matrix)
        return self
    path, motion = found
    ctx.new_path()
    if motion is None:
        ctx.append_path(path)
    else:
        # The path is mapped as Cairo reads it in; stroke widths stay those of the camera.
        ctx.save()
        ctx.transform(motion)
        ctx.append_path(path)
        ctx.restore()
    return self


_capture = Camera.capture_mobjects


def capture_mobjects(self: Camera, *args: Any, **kwargs: Any) -> None:
    """manim's; what the camera's pixels hold outside the rows drawn last is then unknown."""
    _forget_rows(self)
    _capture(self, *args, **kwargs)


# Fades --------------------------------------------------------------------


def plain_fade_parts(fade: _Fade) -> list[VMobject] | None:
    """The parts whose opacities (and positions) a fade changes, or None where it must run as
    manim's transform: a scale, a lag between parts, a shift along an arc, or a part that is not
    a vector object (an image, a point cloud)."""
    if fade.scale_factor != 1 or fade.lag_ratio != 0 or fade.path_arc != 0:
        return None
    parts: list[VMobject] = []
    for member in fade.mobject.get_family():
        if isinstance(member, VMobject):
            if any(len(getattr(member, name)) == 0 for name in OPACITY_ARRAYS):
                return None
            parts.append(member)
        elif type(member) not in (Group, Mobject, VGroup) or member.has_points():
            return None
    return parts


def _fade_offset(fade: _Fade) -> np.ndarray:
    """Where manim's faded copy sits relative to the object: before a fade in (shifted back, or to
    the target position), after a fade out (shifted on)."""
    shift = np.asarray(fade.shift_vector, dtype=float)
    return -shift if isinstance(fade, FadeIn) and not fade.point_target else shift


def fade_begin(self: _Fade) -> None:
    parts = plain_fade_parts(self)
    self._course_fade = None  # type: ignore[attr-defined]
    if parts is None:
        _fade_begin(self)
        return
    offset = _fade_offset(self)
    moves = bool(np.any(offset))
    self._course_fade = (  # type: ignore[attr-defined]
        offset if moves else None,
        [
            (
                part,
                [getattr(part, name)[:, 3].copy() for name in OPACITY_ARRAYS],
                part.points.copy() if moves else None,
            )
            for part in parts
        ],
    )
    # What Transform.begin sets, without its two copies: the start and the target are the
    # object itself, at opacity 0 or at its own opacity.
    self.target_mobject = self.target_copy = self.starting_mobject = self.mobject  # type: ignore[assignment]
    if self.suspend_mobject_updating:
        self.mobject.suspend_updating()
    self.interpolate(0)


def fade_interpolate_mobject(self: _Fade, alpha: float) -> None:
    fade = getattr(self, "_course_fade", None)
    if fade is None:
        _fade_interpolate(self, alpha)
        return
    offset, parts = fade
    # Animation.get_sub_alpha for one part and no lag, then manim's interpolate(start, end, a)
    # of each alpha channel: (1 - a) * 0 + a * own for a fade in, (1 - a) * own + a * 0 out;
    # and of the points, between the object's and its copy's, the offset apart.
    a = self.rate_func(float(np.clip(alpha, 0, 1)))
    fading_in = isinstance(self, FadeIn)
    now = None if offset is None else ((1 - a) if fading_in else a) * offset
    for part, own, points in parts:
        for name, alphas in zip(OPACITY_ARRAYS, own):
            rgbas = getattr(part, name).copy()
            rgbas[:, 3] = a * alphas if fading_in else (1 - a) * alphas
            setattr(part, name, rgbas)
        if now is not None:
            part.points = points + now


# Rows ---------------------------------------------------------------------

# A stroke reaches beyond its path by half its width, and a mitred corner by up to half of
# Cairo's default mitre limit (10) times the width; antialiasing and an image's rounding to
# whole pixels add a pixel or two.
MITRE_REACH = 5.0
EDGE_PIXELS = 3


def drawn_rows(camera: Camera, drawn: list[Mobject]) -> tuple[int, int] | None:
    """The pixel rows ``[top, bottom)`` that drawing these objects can change, or None where
    that is not known (an object the flat camera draws in another way, points not finite)."""
    heights: list[np.ndarray] = []
    widest = 0.0
    for mobject in drawn:
        if isinstance(mobject, VMobject):
            widest = max(widest, mobject.get_stroke_width(), mobject.get_stroke_width(background=True))
        elif not isinstance(mobject, AbstractImageMobject):
            return None
        if len(mobject.points):
            heights.append(mobject.points[:, 1])
    if not heights:
        return (0, 0)
    ys = np.concatenate(heights)
    low, high = float(ys.min()), float(ys.max())
    if not (math.isfinite(low) and math.isfinite(high)):
        return None
    pixels_per_unit = camera.pixel_height / camera.frame_height
    reach = widest * camera.cairo_line_width_multiple * MITRE_REACH * pixels_per_unit + EDGE_PIXELS
    middle, centre = camera.pixel_height / 2, float(camera.frame_center[1])
    top = math.floor(middle - (high - centre) * pixels_per_unit - reach)
    bottom = math.ceil(middle - (low - centre) * pixels_per_unit + reach)
    top, bottom = max(0, top), min(camera.pixel_height, bottom)
    return (top, bottom) if top < bottom else (0, 0)


class Rows:
    """What a camera's last frame drew over its still part: which array that still part was, the
    rows the drawn objects covered (None: unknown), the rows that changed from the frame before
    (None: any), and the frame's number."""

    def __init__(self) -> None:
        self.background: np.ndarray | None = None
        self.rows: tuple[int, int] | None = None
        self.changed: tuple[int, int] | None = None
        self.serial = 0

    def forget(self) -> None:
        self.rows = self.changed = None


def _rows_of(camera: Camera) -> Rows:
    state = _ROWS.get(camera)
    if state is None:
        state = _ROWS[camera] = Rows()
    return state


_ROWS: weakref.WeakKeyDictionary[Camera, Rows] = weakref.WeakKeyDictionary()


def _forget_rows(camera: Camera) -> None:
    """What the camera's pixels hold outside the last frame's rows is no longer known."""
    state = _ROWS.get(camera)
    if state is not None:
        state.forget()


def _union(one: tuple[int, int], other: tuple[int, int]) -> tuple[int, int]:
    if one[0] >= one[1]:
        return other
    if other[0] >= other[1]:
        return one
    return (min(one[0], other[0]), max(one[1], other[1]))


class DrawnFrame(np.ndarray):
    """A camera's pixels as one frame of a video: ``changed`` holds the rows ``[top, bottom)``
    outside of which the frame equals the camera's previous frame (None: any row may differ);
    ``drawn_by`` and ``serial`` say which frame it is, so that a reader can tell whether it saw
    the previous one."""

    changed: tuple[int, int] | None
    drawn_by: Rows | None
    serial: int

    @classmethod
    def of(cls, camera: Camera) -> DrawnFrame:
        frame = camera.pixel_array.view(cls)
        state = _ROWS.get(camera)
        if state is not None:
            frame.changed, frame.drawn_by, frame.serial = state.changed, state, state.serial
        return frame

    def __array_finalize__(self, obj: Any) -> None:
        # A slice or a copy of a frame is plain pixels: it claims nothing about what changed.
        self.changed, self.drawn_by, self.serial = None, None, 0

    def follows(self, drawn_by: Rows | None, serial: int) -> bool:
        """Whether this frame was drawn right after the one given, and says what changed since."""
        same_camera = drawn_by is not None and drawn_by is self.drawn_by
        return self.changed is not None and same_camera and serial == self.serial - 1


_update_frame = CairoRenderer.update_frame
_set_pixel_array = Camera.set_pixel_array


def update_frame(
    self: CairoRenderer,
    scene: Any,
    mobjects: Any = None,
    include_submobjects: bool = True,
    ignore_skipping: bool = True,
    **kwargs: Any,
) -> None:
    """manim's, copying the still part only into the rows that the objects drawn in this frame or
    the previous one cover, when both frames start from the same still part."""
    camera = self.camera
    background: np.ndarray | None = self.static_image if self.static_image is not None else camera.background
    if background is None or type(camera) is not Camera or (self.skip_animations and not ignore_skipping):
        _update_frame(self, scene, mobjects, include_submobjects, ignore_skipping, **kwargs)
        return
    if not mobjects:
        mobjects = list_update(scene.mobjects, scene.foreground_mobjects)
    drawn = camera.get_mobjects_to_display(mobjects, include_submobjects=include_submobjects, **kwargs)
    rows = drawn_rows(camera, drawn)
    state = _rows_of(camera)
    pixels = getattr(camera, "pixel_array", None)
    if (
        state.background is background
        and state.rows is not None
        and rows is not None
        and pixels is not None
        and pixels.shape == background.shape
    ):
        top, bottom = changed = _union(state.rows, rows)
        np.copyto(pixels[top:bottom], background[top:bottom], casting="unsafe")
    else:
        _set_pixel_array(camera, background)
        changed = None
    for kind, group in itertools.groupby(drawn, camera.type_or_raise):
        camera.display_funcs[kind](list(group), camera.pixel_array)
    state.background, state.rows, state.changed = background, rows, changed
    state.serial += 1


def set_pixel_array(self: Camera, *args: Any, **kwargs: Any) -> None:
    """manim's; pixels set from elsewhere leave the rows of the last frame unknown."""
    _forget_rows(self)
    _set_pixel_array(self, *args, **kwargs)


# Families -----------------------------------------------------------------


def get_family(self: Mobject, recurse: bool = True) -> list[Mobject]:
    """manim's ``Mobject.get_family``: the object, then each part's family in order; an object met
    twice keeps its last place."""
    order: list[Mobject] = []
    stack = [self]
    while stack:
        member = stack.pop()
        order.append(member)
        if member.submobjects:
            stack.extend(reversed(member.submobjects))
    return order if len(set(order)) == len(order) else remove_list_redundancies(order)


def install() -> None:
    """Draw every frame of this process with the cached paths, the opacity-only fades, the rows
    that changed and families listed in one pass."""
    Mobject.get_family = get_family  # type: ignore[method-assign]
    CairoRenderer.update_frame = update_frame  # type: ignore[method-assign]
    Camera.set_pixel_array = set_pixel_array  # type: ignore[method-assign]
    Camera.set_cairo_context_path = set_cairo_context_path  # type: ignore[method-assign, assignment]
    Camera.capture_mobjects = capture_mobjects  # type: ignore[method-assign, assignment]
    _Fade.begin = fade_begin  # type: ignore[method-assign, assignment]
    _Fade.interpolate_mobject = fade_interpolate_mobject  # type: ignore[method-assign, assignment]
