"""A function of two variables seen from above: its contour lines, like a hiking map.

Built for loss surfaces: the values are sampled on a regular grid (``values[row, col]`` at
``(x_values[col], y_values[row])``) and each level becomes a line; lines fade from bright at the
lowest level to dim at the highest, so the way down reads without a legend. Both axes share one
scale, so an elongated valley looks elongated.

Lines rather than a shaded image: with Pillow 13, manim 0.21 fails to draw any ``ImageMobject``
(its camera builds a float image with ``mode="RGBA"``, which Pillow now rejects).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, PI, ManimColor, Rectangle, Text, VGroup, VMobject, interpolate_color
from skimage.measure import find_contours

from slides import theme


class ContourMap(VGroup):
    """Contour lines at ``levels``, a frame and axis names.

    ``point(x, y)`` turns data coordinates into frame coordinates wherever the map has moved,
    so paths (an optimiser's steps, a minimum) can be drawn on top of it.

    >>> x = y = np.linspace(-1, 1, 40)
    >>> bowl = ContourMap(np.add.outer(y**2, 4 * x**2), x, y, levels=[0.5, 1, 2], height=3)
    >>> bowl.point(0.0, 0.0)  # the centre of the frame
    """

    def __init__(
        self,
        values: np.ndarray,
        x_values: np.ndarray,
        y_values: np.ndarray,
        *,
        levels: Sequence[float],
        height: float = 4.0,
        max_width: float | None = None,
        x_label: str | None = None,
        y_label: str | None = None,
        low_color: str = theme.TEXT,
        high_color: str = theme.MUTED,
        frame_color: str = theme.MUTED,
    ) -> None:
        super().__init__()
        grid = np.asarray(values, dtype=np.float64)
        xs, ys = np.asarray(x_values, dtype=np.float64), np.asarray(y_values, dtype=np.float64)
        if grid.shape != (len(ys), len(xs)):
            raise ValueError(f"values {grid.shape} do not match y {len(ys)} by x {len(xs)} samples")
        self.x_range = (float(xs[0]), float(xs[-1]))
        self.y_range = (float(ys[0]), float(ys[-1]))
        x_span, y_span = np.ptp(xs), np.ptp(ys)
        # One scale for both axes: the shape of the valley is the message.
        scale = height / y_span
        if max_width is not None:
            scale = min(scale, max_width / x_span)

        self.frame = Rectangle(
            width=x_span * scale,
            height=y_span * scale,
            color=frame_color,
            stroke_width=2,
            fill_color=theme.PANEL,
            fill_opacity=1.0,
        )

        self.contours = VGroup()
        ordered = sorted(levels)
        for rank, level in enumerate(ordered):
            color = interpolate_color(ManimColor(low_color), ManimColor(high_color), rank / max(len(ordered) - 1, 1))
            for path in find_contours(grid, level):
                # find_contours answers in (row, col) index units; the grids are evenly spaced.
                px = xs[0] + path[:, 1] * (x_span / (len(xs) - 1))
                py = ys[0] + path[:, 0] * (y_span / (len(ys) - 1))
                line = VMobject(stroke_color=color, stroke_width=2)
                line.set_points_as_corners([self.point(x, y) for x, y in zip(px, py)])
                self.contours.add(line)

        self.labels = VGroup()
        if x_label:
            self.labels.add(
                Text(x_label, font=theme.FONT, font_size=theme.MIN_FONT, color=theme.TEXT).next_to(
                    self.frame, DOWN, buff=0.15
                )
            )
        if y_label:
            name = Text(y_label, font=theme.FONT, font_size=theme.MIN_FONT, color=theme.TEXT)
            self.labels.add(name.rotate(PI / 2).next_to(self.frame, LEFT, buff=0.15))
        self.add(self.frame, self.contours, self.labels)

    def point(self, x: float, y: float) -> np.ndarray:
        """Frame coordinates of the data point (x, y)."""
        corner = self.frame.get_corner(DOWN + LEFT)
        fx = (x - self.x_range[0]) / (self.x_range[1] - self.x_range[0])
        fy = (y - self.y_range[0]) / (self.y_range[1] - self.y_range[0])
        return corner + np.array([fx * self.frame.width, fy * self.frame.height, 0.0])


__all__ = ["ContourMap"]
