"""The training loss around the trained plain and residual nets: a surface turning in 3D, then
the same two surfaces as contour maps with one set of levels, and how rough each one is."""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import (
    DEGREES,
    DOWN,
    IN,
    OUT,
    RIGHT,
    TAU,
    UP,
    Create,
    Dot,
    FadeIn,
    VGroup,
    Write,
    linear,
)

from model.experiments import landscape as experiment
from model.experiments.seeds import seed_key
from slides import theme
from slides.base import LectureSlide, LectureThreeDSlide
from slides.common.contours import ContourMap
from slides.common.fast3d import Spin, SurfaceCamera
from slides.common.layout import fill_between
from slides.common.numbers import percent
from slides.common.surfaces import GridSurface
from slides.common.text import label

SOURCE = "Li et al. 2018, arXiv:1712.09913"
SURFACE_X = 3.5
SHOWN_SEED_INDEX = 0  # the surfaces drawn are those of the first seed; the numbers cover all


def landscape_data() -> experiment.LossLandscape:
    """The loss-landscape experiment's canonical (cached) record."""
    return experiment.loss_landscape()


def shown_surfaces(record: experiment.LossLandscape) -> tuple[np.ndarray, np.ndarray]:
    seed = record.seeds[SHOWN_SEED_INDEX]
    return (record.surfaces[seed_key(True, seed)], record.surfaces[seed_key(False, seed)])


def loss_floor(record: experiment.LossLandscape) -> float:
    """The lowest loss on either surface: the bottom of both pictures."""
    plain, residual = shown_surfaces(record)
    return max(float(min(plain.min(), residual.min())), 1e-6)


def loss_ceiling(record: experiment.LossLandscape) -> float:
    """The highest loss on either surface: the top of both pictures."""
    plain, residual = shown_surfaces(record)
    return float(max(plain.max(), residual.max()))


def landscape_surfaces(record: experiment.LossLandscape) -> list[GridSurface]:
    """The plain and the residual net's surfaces, side by side with room to turn (a square's
    diagonal is 1.41 times its side). Heights are log10 of the loss, on one scale for both nets:
    far from the trained weights the loss grows by orders of magnitude."""
    floor = loss_floor(record)
    bottom, top = np.log10(floor), np.log10(loss_ceiling(record))
    surfaces = []
    for values, color, x in zip(shown_surfaces(record), (theme.PLAIN, theme.RESIDUAL), (-SURFACE_X, SURFACE_X)):
        surface = GridSurface(
            np.log10(np.maximum(values, floor)),
            record.coordinates,
            z_min=bottom,
            z_max=top,
            color=color,
            side=4.8,
            height=3.0,
        )
        surface.move_to(x * RIGHT + 0.2 * DOWN + 1.0 * IN)
        surfaces.append(surface)
    return surfaces


def contour_levels(record: experiment.LossLandscape, count: int = 16) -> list[float]:
    """The same levels for both maps: evenly spaced in log loss over both surfaces' range."""
    return [float(v) for v in np.geomspace(loss_floor(record) * 1.2, loss_ceiling(record) / 1.2, count)]


def roughness_line(record: experiment.LossLandscape, kind: str) -> str:
    spread = record.roughness[kind]
    return f"{percent(spread.mean)} not locally convex\n(seeds {percent(spread.low)}\u2013{percent(spread.high)})"


def net_name(record: experiment.LossLandscape, kind: str) -> str:
    return f"{kind}-{record.depth}"


class LossLandscape(LectureThreeDSlide):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The same pictures as manim's ThreeDCamera, without its per-face cost at 1080p60.
        kwargs.setdefault("camera_class", SurfaceCamera)
        super().__init__(*args, **kwargs)

    def construct(self) -> None:
        record = landscape_data()
        self.next_slide(
            notes="Why do skips make training easier? Look at the ground the optimiser walks on. "
            f"Around each trained {record.depth}-layer net we measured the training loss on a grid: "
            "move every weight along two random directions, each filter scaled to its own size, as "
            "Li and colleagues did in 2018. Left the plain net, right the same net with skips, "
            "one height scale for both: the loss on a log scale, since far from the trained weights it "
            "grows by orders of magnitude."
        )
        self.set_camera_orientation(phi=62 * DEGREES, theta=-90 * DEGREES, zoom=0.95)
        heading = self.title("The loss around a trained net")
        surfaces = landscape_surfaces(record)
        names = VGroup()
        for kind, color, x in (("plain", theme.PLAIN, -SURFACE_X), ("residual", theme.RESIDUAL, SURFACE_X)):
            names.add(
                VGroup(
                    label(net_name(record, kind), color=color, size=theme.BODY_FONT),
                    label(
                        f"{percent(record.roughness[kind].mean)} of the grid not locally convex", size=theme.MIN_FONT
                    ),
                )
                .arrange(DOWN, buff=0.1)
                .move_to(x * RIGHT + 2.55 * UP)
            )
        source = self.caption(f"height: log loss at \u03b8* + a\u00b7d\u2081 + b\u00b7d\u2082 \u00b7 {SOURCE}")
        self.add_fixed_in_frame_mobjects(heading, names, source)
        self.remove(heading, names, source)
        self.play(Write(heading), FadeIn(names), FadeIn(source))
        self.play(*(Create(s, lag_ratio=0.01) for s in surfaces), run_time=2.0)
        self.surfaces = surfaces

        self.next_slide(
            loop=True,
            notes="Let it turn while you talk. The plain net was left on a high plateau: around it the "
            "loss is flat, then climbs in uneven steps, and on "
            f"{percent(record.roughness['plain'].mean)} of the grid the surface bends the wrong way for a "
            "bowl. With skips the same weights sit at the bottom of a narrow funnel that stays close to a "
            f"bowl: only {percent(record.roughness['residual'].mean)} of the grid is not locally convex. "
            "Gradient descent has an easy way down.",
        )
        self.play(
            *(Spin(s, angle=TAU, axis=OUT, about_point=s.get_center()) for s in surfaces),
            run_time=10,
            rate_func=linear,
        )


class LandscapeContours(LectureSlide):
    def construct(self) -> None:
        record = landscape_data()
        seeds = len(record.seeds)
        self.next_slide(
            notes="The same two surfaces seen from above, like a hiking map, with the same contour "
            "levels on both. The dot is the trained net. Count how often the surface bends down "
            f"somewhere: on the plain net {percent(record.roughness['plain'].mean)} of the grid is "
            f"not locally convex, with skips {percent(record.roughness['residual'].mean)}, averaged "
            f"over {seeds} seeds (ranges in brackets). {record.summary}"
        )
        heading = self.title("Seen from above: one set of contour levels")
        levels = contour_levels(record)
        plain_values, residual_values = shown_surfaces(record)
        panels = VGroup()
        contours: list[ContourMap] = []
        for values, kind, color in (
            (plain_values, "plain", theme.PLAIN),
            (residual_values, "residual", theme.RESIDUAL),
        ):
            contour = ContourMap(
                values,
                record.coordinates,
                record.coordinates,
                levels=levels,
                height=3.3,
                low_color=color,
                high_color=theme.MUTED,
                x_label="direction 1",
                y_label="direction 2",
            )
            centre = Dot(contour.point(0.0, 0.0), radius=0.09, color=theme.HIGHLIGHT)
            name = label(net_name(record, kind), color=color, size=theme.BODY_FONT)
            rough = label(roughness_line(record, kind), size=theme.LABEL_FONT)
            panels.add(VGroup(name, VGroup(contour, centre), rough).arrange(DOWN, buff=0.2))
            contours.append(contour)
        panels.arrange(RIGHT, buff=1.0)
        source = self.caption(
            f"a, b in [\u2212{record.coordinates[-1]:g}, {record.coordinates[-1]:g}] \u00b7 "
            f"range over {seeds} seeds \u00b7 {SOURCE}"
        )
        fill_between(panels, heading.get_bottom()[1], source.get_top()[1], buff=0.2)
        self.play(Write(heading), FadeIn(source))
        for panel, contour in zip(panels, contours):
            self.play(FadeIn(panel[0]), FadeIn(contour.frame), FadeIn(contour.labels), run_time=0.5)
            self.play(Create(contour.contours), FadeIn(panel[1][1]), run_time=1.5)
            self.play(FadeIn(panel[2]), run_time=0.5)
