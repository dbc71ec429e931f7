"""Ravines: gradient descent zig-zags down a long thin valley; normalised inputs make it round."""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    Cross,
    Dot,
    FadeIn,
    FadeOut,
    Indicate,
    Line,
    VGroup,
    VMobject,
    Write,
)

from model.concepts.ravine import DescentRun, LossSurface, RavineExample, ravine_example
from slides import theme
from slides.base import LectureSlide
from slides.common.contours import ContourMap
from slides.common.layout import centre_below
from slides.common.text import bullet_list, equation, fit, label

MAP_HEIGHT = 4.0
MAP_MAX_WIDTH = 4.0
# Steps animated one at a time before the rest of a run appears in one sweep.
STEPS_ONE_BY_ONE = 5
# Contours at the starting loss's excess over the minimum, halved again and again: the same
# levels on both maps, so the two valleys compare like for like.
CONTOUR_HALVINGS = range(-7, 2)
DOT_RADIUS = 0.05

PATH_COLORS = {"gradient descent": theme.GRADIENT, "momentum": theme.VARIANT}


def ravine_data() -> RavineExample:
    """Everything this deck shows: both loss surfaces and the three optimiser runs."""
    return ravine_example()


def contour_levels(surface: LossSurface) -> list[float]:
    start = float(surface.runs[0].losses[0])
    return [surface.min_loss + (start - surface.min_loss) * 2.0**k for k in CONTOUR_HALVINGS]


class Ravines(LectureSlide):
    def construct(self) -> None:
        self.data = ravine_data()
        self.next_slide(
            notes="Why normalise inputs? We fit a linear model to real patient data with "
            f"{len(self.data.feature_names)} features on very different scales, and watch gradient descent."
        )
        raw, normal = self.data.raw, self.data.normalized
        self.show_problem()
        self.next_slide(
            notes=f"These are the loss contours over the {len(self.data.feature_names)} weights, same scale "
            "on both axes. "
            f"The valley is long and thin: its curvature across is {raw.condition_number:.0f} "
            "times its curvature along; that ratio is the condition number."
        )
        self.show_raw_surface()
        self.next_slide(
            notes=f"Gradient descent with step {raw.runs[0].learning_rate:g}, just under the "
            f"stability limit 2 over lambda max = {raw.max_stable_learning_rate:.3f}. It bounces "
            "from wall to wall across the valley and crawls along it: after "
            f"{self.data.steps} steps it is still far from the minimum."
        )
        self.show_run(self.raw_map, raw.runs[0], order=0)
        self.next_slide(
            notes="Now divide each feature by its standard deviation. The contours become nearly "
            f"round, the condition number drops to {normal.condition_number:.1f}, and the same "
            "descent walks straight to the bottom with a much larger step."
        )
        self.show_normalized()
        self.next_slide(
            notes="Back to the raw inputs, with momentum: it averages out the bouncing and "
            "builds up speed along the valley floor."
        )
        self.show_run(self.raw_map, raw.runs[1], order=2)
        self.next_slide(
            notes="The lesson: normalise your inputs. Ravines come from features on different "
            "scales; batch normalisation applies the same idea inside the network."
        )
        self.show_lesson()

    # Steps --------------------------------------------------------------------------------

    def show_problem(self) -> None:
        data = self.data
        self.heading = self.title("Ravines: why we normalise inputs")
        std = data.feature_std
        facts = bullet_list(
            [
                f"{data.n_examples} patients: predict {data.target_description}",
                f"x1 = {data.feature_descriptions[0]}, standard deviation {std[0]:.2f}",
                f"x2 = {data.feature_descriptions[1]}, standard deviation {std[1]:.2f}",
            ],
            size=theme.BODY_FONT,
            buff=0.45,
        )
        model = equation(
            r"L(w_1, w_2) = \tfrac{1}{2}\,\mathrm{mean}\,(w_1 x_1 + w_2 x_2 - y)^2", size=theme.BODY_FONT + 16
        )
        source = label(data.source, size=theme.LABEL_FONT, color=theme.MUTED)
        self.problem = VGroup(fit(facts, width=13.2), model, source).arrange(DOWN, buff=0.8)
        centre_below(self.problem, self.heading)
        self.play(Write(self.heading), run_time=0.8)
        self.play(FadeIn(facts, shift=0.2 * DOWN), FadeIn(source), run_time=1.0)
        self.play(Write(model), run_time=1.0)

    def show_raw_surface(self) -> None:
        names = self.data.feature_names
        self.raw_map = self._map(self.data.raw, f"w1 ({names[0]})", f"w2 ({names[1]})")
        self.normal_map = self._map(self.data.normalized, "w1 (scaled)", "w2 (scaled)")
        self.raw_panel = self._panel(self.raw_map, "raw inputs", self.data.raw)
        self.normal_panel = self._panel(self.normal_map, "normalised inputs", self.data.normalized)
        self.entries = self._run_entries()
        VGroup(self.raw_panel, self.normal_panel, self.entries).arrange(RIGHT, buff=0.6, aligned_edge=UP).next_to(
            self.heading, DOWN, buff=0.3
        )
        self.play(FadeOut(self.problem), run_time=0.5)
        self.play(FadeIn(self.raw_panel[:2]), FadeIn(self.entries[0]), run_time=1.0)
        self.play(FadeIn(self.raw_panel[2]), Create(self._optimum(self.raw_map, self.data.raw)), run_time=0.8)
        self.describe(
            "Loss contours over the two weights for the raw inputs: a long, thin valley, its curvature "
            f"across {self.data.raw.condition_number:.0f} times its curvature along; a cross marks the minimum."
        )

    def show_run(self, target: ContourMap, run: DescentRun, *, order: int) -> None:
        """Draw the ``order``-th run shown, step by step, and reveal its legend entry."""
        color = PATH_COLORS[run.label]
        self.play(FadeIn(self.entries[1 + 2 * order]), run_time=0.5)
        points = [target.point(*weights) for weights in run.weights]
        self.add(Dot(points[0], radius=DOT_RADIUS, color=color))
        for start, end in zip(points[:STEPS_ONE_BY_ONE], points[1 : STEPS_ONE_BY_ONE + 1]):
            self.play(
                Create(Line(start, end, color=color, stroke_width=3)),
                FadeIn(Dot(end, radius=DOT_RADIUS, color=color)),
                run_time=0.5,
            )
        rest = VMobject(color=color, stroke_width=3)
        rest.set_points_as_corners(points[STEPS_ONE_BY_ONE:])
        dots = VGroup(*(Dot(p, radius=DOT_RADIUS, color=color) for p in points[STEPS_ONE_BY_ONE + 1 :]))
        self.play(Create(rest), FadeIn(dots, lag_ratio=0.1), run_time=1.5)
        self.play(FadeIn(self.entries[2 + 2 * order]), run_time=0.5)

    def show_normalized(self) -> None:
        self.play(FadeIn(self.normal_panel[:2]), run_time=1.0)
        self.play(
            FadeIn(self.normal_panel[2]), Create(self._optimum(self.normal_map, self.data.normalized)), run_time=0.8
        )
        self.describe(
            "Beside them, the contours for the normalised inputs: nearly round, curvature ratio "
            f"{self.data.normalized.condition_number:.1f}, with the descent path drawn on them."
        )
        self.show_run(self.normal_map, self.data.normalized.runs[0], order=1)

    def show_lesson(self) -> None:
        raw, normal = self.data.raw, self.data.normalized
        lesson = label(
            f"normalising the inputs: condition number {raw.condition_number:.1f} \u2192 {normal.condition_number:.1f}",
            size=theme.LABEL_FONT,
            color=theme.HIGHLIGHT,
        ).to_edge(DOWN, buff=theme.MARGIN)
        self.play(
            Write(lesson),
            Indicate(self.raw_panel[2], color=theme.HIGHLIGHT),
            Indicate(self.normal_panel[2], color=theme.HIGHLIGHT),
            run_time=1.2,
        )

    # Pieces -------------------------------------------------------------------------------

    def _map(self, surface: LossSurface, x_label: str, y_label: str) -> ContourMap:
        return ContourMap(
            surface.loss_grid,
            surface.w1_values,
            surface.w2_values,
            levels=contour_levels(surface),
            height=MAP_HEIGHT,
            max_width=MAP_MAX_WIDTH,
            x_label=x_label,
            y_label=y_label,
        )

    def _panel(self, target: ContourMap, name: str, surface: LossSurface) -> VGroup:
        heading = label(name, size=theme.LABEL_FONT, weight="BOLD").next_to(target, UP, buff=0.2)
        condition = (
            VGroup(
                label("condition number", size=theme.MIN_FONT),
                label(f"{surface.condition_number:.1f}", size=theme.LABEL_FONT, weight="BOLD"),
            )
            .arrange(DOWN, buff=0.08)
            .next_to(target, DOWN, buff=0.12)
        )
        return VGroup(heading, target, condition)

    def _optimum(self, target: ContourMap, surface: LossSurface) -> Cross:
        mark = Cross(scale_factor=0.12, stroke_color=theme.TEXT, stroke_width=4)
        return mark.move_to(target.point(*surface.optimum))

    def _run_entries(self) -> VGroup:
        """The legend column: the minimum, then per run its name, then its result.

        Index 0 is the minimum; run n (in the order shown) has its name at 1 + 2n and its
        result at 2 + 2n, so each can appear when its path is drawn.
        """
        raw, normal = self.data.raw, self.data.normalized
        column = VGroup(label(f"minimum loss {raw.min_loss:.1f}", size=theme.MIN_FONT, color=theme.MUTED))
        for run in (raw.runs[0], normal.runs[0], raw.runs[1]):
            swatch = Line(LEFT * 0.25, RIGHT * 0.25, color=PATH_COLORS[run.label], stroke_width=6)
            name = f"{run.label} {run.momentum:g}" if run.momentum else run.label
            title = VGroup(swatch, label(name, size=theme.MIN_FONT))
            result = VGroup(
                label(f"learning rate {run.learning_rate:g}", size=theme.MIN_FONT),
                label(f"{len(run.losses) - 1} steps: loss {run.losses[-1]:.1f}", size=theme.MIN_FONT),
            ).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
            column.add(title.arrange(RIGHT, buff=0.15), result)
        column.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        for n in range(3):
            # A little more room between runs than within one.
            column[1 + 2 * n :].shift(0.2 * n * DOWN + 0.2 * DOWN)
            column[2 + 2 * n].shift(0.65 * RIGHT)
        return column
