"""A function of two variables sampled on a grid, drawn as a surface in 3D.

Built for loss landscapes: ``values[row, col]`` is the height at ``(x[col], y[row])``. Heights
are cut at ``z_max`` and scaled by one factor, so two surfaces built with the same ``z_max``
and ``height`` can be compared by eye. Faces are tinted from the surface's colour at the lowest
height towards the text colour at ``z_max``, so the valleys stay the colour of their net.
"""

from __future__ import annotations

import numpy as np
from manim import OUT, ManimColor, Surface, VGroup, interpolate_color

from slides import theme


class GridSurface(VGroup):
    """One face per grid cell, in a ``side`` x ``side`` square centred on the origin.

    >>> x = np.linspace(-1, 1, 9)
    >>> bowl = GridSurface(np.add.outer(x**2, x**2), x, z_max=2.0, color=theme.RESIDUAL)
    """

    def __init__(
        self,
        values: np.ndarray,
        coordinates: np.ndarray,
        *,
        z_max: float,
        color: str,
        side: float = 4.0,
        height: float = 2.5,
        z_min: float = 0.0,
    ) -> None:
        super().__init__()
        grid = np.clip(np.asarray(values, dtype=np.float64), z_min, z_max)
        coords = np.asarray(coordinates, dtype=np.float64)
        if grid.shape != (len(coords), len(coords)):
            raise ValueError(f"values {grid.shape} do not match {len(coords)} x {len(coords)} samples")
        n = len(coords)
        span = coords[-1] - coords[0]
        self.z_scale = height / (z_max - z_min)
        self.z_min = z_min

        def point(u: float, v: float) -> np.ndarray:
            # u, v run over cell indices; exact grid values at whole numbers, bilinear between.
            c, r = min(int(u), n - 2), min(int(v), n - 2)
            fu, fv = u - c, v - r
            z = (
                (1 - fu) * (1 - fv) * grid[r, c]
                + fu * (1 - fv) * grid[r, c + 1]
                + (1 - fu) * fv * grid[r + 1, c]
                + fu * fv * grid[r + 1, c + 1]
            )
            x = (coords[0] + u * span / (n - 1)) / span * side
            y = (coords[0] + v * span / (n - 1)) / span * side
            return np.array([x, y, (z - z_min) * self.z_scale])

        self.surface = Surface(
            point,
            u_range=(0, n - 1),
            v_range=(0, n - 1),
            resolution=(n - 1, n - 1),
            fill_opacity=0.95,
            stroke_color=theme.BACKGROUND,
            stroke_width=0.6,
            checkerboard_colors=False,
        )
        low, high = ManimColor(color), ManimColor(theme.TEXT)
        for face in self.surface:
            top = np.clip(face.get_center()[2] / height, 0.0, 1.0)
            face.set_fill(interpolate_color(low, high, 0.75 * float(top)), opacity=0.95)
        self.add(self.surface)

    def lift(self, value: float) -> np.ndarray:
        """The vertical offset of ``value`` above the surface's base (after the cut)."""
        return (float(value) - self.z_min) * self.z_scale * OUT


__all__ = ["GridSurface"]
