"""Why deeper should never be worse: nested function classes (Dive into Deep Learning, 8.6.1).

A bigger class of functions only brings us closer to the truth f* if it contains the smaller
one. Extra plain layers do not guarantee that; a block that can become the identity does.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    DashedLine,
    Dot,
    Ellipse,
    FadeIn,
    FadeOut,
    Indicate,
    Star,
    Text,
    VGroup,
    VMobject,
    Write,
)

from model.functions import ExtraLayerExample, extra_layer_example
from slides import theme
from slides.base import LectureSlide
from slides.common.diagrams import LayerBox
from slides.common.text import label

PANEL_WIDTH = 5.8  # each of the two pictures, side by side on a 14.2-wide frame
PANEL_HEIGHT = 3.8
SOURCE = "Dive into Deep Learning, section 8.6.1 (Zhang, Lipton, Li and Smola)"
CLASS_COLORS = theme.SERIES


def _f_text(example: ExtraLayerExample) -> str:
    return f"f(x) = {example.line.slope:g}x + {example.line.intercept:g}"


def _nearest_point(region: VMobject, target: np.ndarray) -> np.ndarray:
    """The point of a convex region closest to ``target`` (on its outline, as target is outside)."""
    outline = region.get_points()
    return outline[np.argmin(np.linalg.norm(outline - target, axis=1))]


class ClassPicture(VGroup):
    """Function classes as regions, their names, and the truth f* as a star with its name."""

    regions: VGroup
    names: VGroup
    truth: Star

    def __init__(self, regions: VGroup, names: VGroup, truth: Star, truth_name: Text) -> None:
        super().__init__(regions, names, truth, truth_name)
        self.regions, self.names, self.truth = regions, names, truth


class NestedFunctions(LectureSlide):
    def construct(self) -> None:
        self.next_slide(
            notes="Why should depth help at all? Think of all the functions a network shape can "
            "represent as a region, a function class; the truth we want, f star, may lie outside it."
        )
        self.show_classes()
        self.next_slide(
            notes="Growing the class helps only if the bigger class contains the smaller. On the left the "
            "classes grow but drift: F3 ends up farther from f star than F1. On the right they are nested, "
            "so every step can only get closer."
        )
        self.show_distances()
        self.example = extra_layer_example()
        self.next_slide(
            notes=f"Now the network version. Take {_f_text(self.example)} from before and add one more layer. "
            "A plain layer must learn the identity through its weights and ReLU; at zero weights it forgets "
            "f entirely."
        )
        self.show_extra_layers()
        self.next_slide(
            notes="A block that adds its input back, y plus g of y, becomes the identity when g is zero, "
            "so the deeper class contains the shallower one. That is the promise residual networks keep."
        )
        self.show_residual_extra()

    # --- the two pictures -------------------------------------------------------------------

    def _panel(self, nested: bool) -> ClassPicture:
        """Three classes F1, F2, F3 of growing size, and f* outside them."""
        truth = Star(n=5, outer_radius=0.22, color=theme.HIGHLIGHT, fill_opacity=1.0)
        regions = VGroup()
        if nested:
            # Similar ellipses that share their leftmost point are nested; each grows towards f*.
            for scale in (1.0, 1.5, 2.1):
                regions.add(Ellipse(width=1.5 * scale, height=1.0 * scale))
            for region in regions:
                region.align_to(regions[0], LEFT).match_y(regions[0])
            truth.next_to(regions[-1], RIGHT, buff=0.6).align_to(regions[-1], UP)
        else:
            # Each class is bigger than the last but lies elsewhere, so it can drift from f*.
            regions.add(Ellipse(width=1.2, height=0.8))
            regions.add(Ellipse(width=2.0, height=1.3).next_to(regions[0], DOWN + LEFT, buff=-0.35))
            regions.add(Ellipse(width=2.6, height=1.7).next_to(regions[1], UP + LEFT, buff=-0.5))
            truth.next_to(regions[0], RIGHT, buff=0.9).shift(0.3 * UP)
        shapes = VGroup(regions, truth)
        shapes.scale_to_fit_width(PANEL_WIDTH)
        if shapes.height > PANEL_HEIGHT:
            shapes.scale_to_fit_height(PANEL_HEIGHT)
        for region, color in zip(regions, CLASS_COLORS):
            region.set_stroke(color, width=4).set_fill(color, opacity=0.12)
        names = VGroup()
        for index, (region, color) in enumerate(zip(regions, CLASS_COLORS)):
            name = label(f"F{index + 1}", size=theme.LABEL_FONT, color=color)
            # Nested: label each class inside its own right end, the part no smaller class covers.
            name.move_to(region.get_right() + 0.45 * LEFT if nested else region.get_center())
            names.add(name)
        star_name = label("f*", size=theme.LABEL_FONT, color=theme.HIGHLIGHT).next_to(truth, UP, buff=0.1)
        return ClassPicture(regions, names, truth, star_name)

    def show_classes(self) -> None:
        self.heading = self.title("Why deeper should never be worse")
        self.loose = self._panel(nested=False)
        self.nested = self._panel(nested=True)
        loose_title = label("bigger, not nested", size=theme.BODY_FONT, color=theme.TEXT)
        nested_title = label("nested: F1 \u2282 F2 \u2282 F3", size=theme.BODY_FONT, color=theme.TEXT)
        left = VGroup(loose_title, self.loose).arrange(DOWN, buff=0.5)
        right = VGroup(nested_title, self.nested).arrange(DOWN, buff=0.5)
        VGroup(left, right).arrange(RIGHT, buff=1.2, aligned_edge=UP).next_to(self.heading, DOWN, buff=0.5)
        source = self.caption(SOURCE, font_size=theme.MIN_FONT)
        self.play(Write(self.heading))
        for panel, title in ((self.loose, loose_title), (self.nested, nested_title)):
            self.play(FadeIn(title), FadeIn(panel.truth), FadeIn(panel[3]))
            self.play(*(Create(r) for r in panel.regions), *(FadeIn(n) for n in panel.names), run_time=1.2)
        self.play(FadeIn(source))
        self.pictures = VGroup(left, right, source)

    def show_distances(self) -> None:
        for panel in (self.loose, self.nested):
            target = panel.truth.get_center()
            lines = VGroup()
            for region, color in zip(panel.regions, CLASS_COLORS):
                best = _nearest_point(region, target)
                lines.add(
                    VGroup(DashedLine(best, target, color=color, stroke_width=4), Dot(best, color=color, radius=0.07))
                )
            self.play(*(Create(line) for line in lines), run_time=1.2)
            self.pictures.add(lines)
        self.play(Indicate(self.nested.truth, color=theme.HIGHLIGHT))

    # --- the network version ----------------------------------------------------------------

    def _row(self, name: str, detail: str, color: str, outputs: tuple[float, ...]) -> VGroup:
        example = self.example
        f_box = LayerBox(_f_text(example), width=3.0, height=0.9, color=theme.LAYER)
        extra = LayerBox(name, detail=detail, width=3.6, height=0.9, color=color)
        boxes = VGroup(f_box, extra).arrange(RIGHT, buff=0.8)
        arrow = Arrow(f_box.get_right(), extra.get_left(), buff=0.05, color=theme.DATA)
        values = ", ".join(f"{v:g}" for v in outputs)
        result = label(
            f"x = {', '.join(f'{v:g}' for v in example.line.inputs)}  \u2192  {values}",
            size=theme.LABEL_FONT,
            mono=True,
            color=color,
        )
        result.next_to(boxes, RIGHT, buff=0.5)
        return VGroup(boxes, arrow, result)

    def show_extra_layers(self) -> None:
        self.play(FadeOut(self.pictures))
        self.plain_row = self._row("+ plain layer", "relu(w\u00b7y + b)", theme.PLAIN, self.example.plain_outputs)
        self.residual_row = self._row(
            "+ residual block", "y + relu(w\u00b7y + b)", theme.RESIDUAL, self.example.residual_outputs
        )
        rows = VGroup(self.plain_row, self.residual_row).arrange(DOWN, buff=1.0, aligned_edge=LEFT)
        setup = label(
            f"one more layer after f, its weights set to w = {self.example.weight:g} and b = {self.example.bias:g}",
            size=theme.BODY_FONT,
        )
        VGroup(setup, rows).arrange(DOWN, buff=0.7).next_to(self.heading, DOWN, buff=0.6)
        self.play(FadeIn(setup))
        self.play(FadeIn(self.plain_row[0]), FadeIn(self.plain_row[1]))
        self.play(Write(self.plain_row[2]))
        verdict = (
            label("forgets f: the deeper net lost what the shallow one had", size=theme.MIN_FONT, color=theme.PLAIN)
            .next_to(self.plain_row, DOWN, buff=0.2)
            .align_to(self.plain_row, LEFT)
        )
        self.play(FadeIn(verdict))

    def show_residual_extra(self) -> None:
        self.play(FadeIn(self.residual_row[0]), FadeIn(self.residual_row[1]))
        self.play(Write(self.residual_row[2]))
        verdict = (
            label("still f: the deeper class contains the shallower one", size=theme.MIN_FONT, color=theme.RESIDUAL)
            .next_to(self.residual_row, DOWN, buff=0.2)
            .align_to(self.residual_row, LEFT)
        )
        moral = self.caption(
            "A block that can become the identity keeps deeper classes nested",
            color=theme.HIGHLIGHT,
            font_size=theme.LABEL_FONT,
        )
        self.play(FadeIn(verdict))
        self.play(Write(moral))
