"""A residual block drawn as a diagram: the main path in boxes, the skip as its own path.

The skip path is always drawn in ``theme.SKIP``. The diagram keeps the skip and the main
path as plain polylines (``skip_path``, ``main_path``) so a scene can move a dot along them:
a signal forwards, a gradient backwards (``rate_func=lambda t: 1 - t``).

>>> block = ResidualBlockDiagram(("weight layer", "ReLU", "weight layer"), after=("ReLU",))
>>> block.merge   # the + node; block.skip is the skip path into it
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, RIGHT, UP, Arrow, Circle, Line, Mobject, Text, UpdateFromAlphaFunc, VGroup, VMobject, linear

from slides import theme
from slides.common.diagrams import LayerBox


class MergeNode(VGroup):
    """The node where the skip joins the main path: ``+`` for a sum, ``C`` for a concatenation."""

    def __init__(self, symbol: str = "+", *, radius: float = 0.3, color: str = theme.TEXT) -> None:
        super().__init__()
        self.circle = Circle(radius=radius, color=color, stroke_width=4).set_fill(theme.PANEL, opacity=1.0)
        self.symbol = Text(symbol, font=theme.FONT, font_size=theme.BODY_FONT, color=color, weight="BOLD")
        self.symbol.move_to(self.circle)
        self.add(self.circle, self.symbol)


def _polyline(points: Sequence[np.ndarray], color: str, stroke_width: float) -> VMobject:
    line = VMobject(color=color, stroke_width=stroke_width)
    line.set_points_as_corners([np.asarray(p, dtype=float) for p in points])
    return line


class ResidualBlockDiagram(VGroup):
    """``input -> layers -> merge -> after -> output``, with the skip from the input to the merge.

    ``direction`` is the way data flows (RIGHT or DOWN); the skip runs beside the layers on
    ``side`` (perpendicular to ``direction``). ``skip_label`` is written beside the skip.
    """

    def __init__(
        self,
        layers: Sequence[str] = ("weight layer", "ReLU", "weight layer"),
        *,
        after: Sequence[str] = ("ReLU",),
        details: Sequence[str | None] | None = None,
        merge: str = "+",
        input_label: str = "x",
        output_label: str | None = None,
        skip_label: str | None = "x",
        direction: np.ndarray = RIGHT,
        side: np.ndarray | None = None,
        box_width: float = 1.9,
        box_height: float = 0.9,
        gap: float = 0.45,
        skip_offset: float = 0.7,
        layer_color: str = theme.LAYER,
    ) -> None:
        super().__init__()
        side = (UP if np.allclose(direction, RIGHT) else RIGHT) if side is None else side
        details = list(details) if details is not None else [None] * len(layers)
        self.boxes = VGroup(
            *(
                LayerBox(name, detail=detail, color=layer_color, width=box_width, height=box_height)
                for name, detail in zip(layers, details)
            )
        )
        self.merge = MergeNode(merge)
        self.after = VGroup(*(LayerBox(name, width=box_width, height=box_height) for name in after))
        elements = [*self.boxes, self.merge, *self.after]
        self.row = VGroup(*elements).arrange(direction, buff=gap)

        self.input = Text(input_label, font=theme.FONT, font_size=theme.BODY_FONT, color=theme.DATA)
        # The input arrow is twice as long as the others: the skip forks from its middle.
        self.input.next_to(self.row, -direction, buff=3 * gap)
        ends = [self.input, *elements]
        self.output: VMobject
        if output_label is not None:
            self.output = Text(output_label, font=theme.FONT, font_size=theme.BODY_FONT, color=theme.OUTPUT)
            self.output.next_to(self.row, direction, buff=2 * gap)
            ends.append(self.output)
        else:
            self.output = VGroup()
        self.arrows = VGroup(
            *(
                Arrow(
                    a.get_edge_center(direction),
                    b.get_edge_center(-direction),
                    buff=0.08,
                    color=theme.DATA,
                    stroke_width=4,
                    max_tip_length_to_length_ratio=0.3,
                )
                for a, b in zip(ends, ends[1:])
            )
        )
        if output_label is None:
            # Without a named output the block still hands its result on: a short arrow out.
            exit_point = elements[-1].get_edge_center(direction)
            self.arrows.add(
                Arrow(
                    exit_point,
                    exit_point + direction * max(2 * gap, 0.6),
                    buff=0.08,
                    color=theme.DATA,
                    stroke_width=4,
                    max_tip_length_to_length_ratio=0.3,
                )
            )

        # The skip: from the middle of the input arrow, out to the side, along, and into the merge.
        self.fork = self.arrows[0].get_center()
        level = float(np.dot(self.row.get_edge_center(side), side)) + skip_offset
        merge_entry = self.merge.get_edge_center(side)

        def on_level(point: np.ndarray) -> np.ndarray:
            return point + side * (level - float(np.dot(point, side)))

        corners = [self.fork, on_level(self.fork), on_level(merge_entry), merge_entry]
        self.skip_path = _polyline(corners, theme.SKIP, 6)
        # Drawn as a line plus an arrow on its last leg, so the tip points into the merge.
        tip_start = merge_entry + side * min(0.5, skip_offset * 0.8)
        self.skip = VGroup(
            _polyline([*corners[:3], tip_start], theme.SKIP, 6),
            Arrow(
                tip_start, merge_entry, buff=0.02, color=theme.SKIP, stroke_width=6, max_tip_length_to_length_ratio=0.5
            ),
        )
        self.skip_tag: VMobject = VGroup()
        if skip_label:
            self.skip_tag = Text(skip_label, font=theme.FONT, font_size=theme.LABEL_FONT, color=theme.SKIP)
            self.skip_tag.next_to(Line(corners[1], corners[2]), side, buff=0.12)

        out_point = self.arrows[-1].get_end()
        self.main_path = _polyline([self.fork, *(e.get_center() for e in elements), out_point], theme.DATA, 4)
        self.add(self.input, self.arrows, self.row, self.output, self.skip, self.skip_tag)

    @property
    def main_parts(self) -> VGroup:
        """Everything except the skip: what a plain network would have."""
        return VGroup(self.input, self.arrows, self.boxes, self.merge, self.after, self.output)

    @property
    def skip_parts(self) -> VGroup:
        return VGroup(self.skip, self.skip_tag)


def brace_label(target: VGroup, text: str, *, color: str = theme.LAYER, direction: np.ndarray = DOWN) -> VGroup:
    """A brace under (or beside) ``target`` with a short label, e.g. F(x) under the weight layers."""
    from manim import Brace

    brace = Brace(target, direction=direction, color=color)
    tag = Text(text, font=theme.FONT, font_size=theme.LABEL_FONT, color=color).next_to(brace, direction, buff=0.1)
    return VGroup(brace, tag)


def travel(dot: Mobject, path: VMobject, *, backwards: bool, shrink_to: float = 1.0) -> UpdateFromAlphaFunc:
    """Move ``dot`` along ``path`` (backwards: from its end to its start), shrinking as it goes."""
    start_width = dot.width

    def update(mob: Mobject, alpha: float) -> None:
        mob.move_to(path.point_from_proportion(1 - alpha if backwards else alpha))
        mob.set(width=start_width * (1 + (shrink_to - 1) * alpha))

    # manim types the updater as taking the mobject alone; UpdateFromAlphaFunc passes alpha too.
    return UpdateFromAlphaFunc(dot, update, rate_func=linear)  # type: ignore[arg-type]
