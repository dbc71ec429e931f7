"""The three ideas to take away, a stack of blocks with a signal riding the skips, and questions."""

from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, UP, Dot, FadeIn, RoundedRectangle, VGroup, VMobject, Write, config

from slides import theme
from slides.base import LectureSlide
from slides.common.residual import ResidualBlockDiagram, travel
from slides.common.text import fit, label

IDEAS = (
    "Deeper plain nets can train worse",
    "A block learns F(x) = H(x) \u2212 x; F = 0 is the identity",
    "dH/dx = dF/dx + 1 keeps gradients alive",
)
STACK_DEPTH = 3


def idea_cards(ideas: tuple[str, ...]) -> VGroup:
    """One numbered panel per idea, each as wide as the frame allows, stacked."""
    width = config.frame_width - 2 * theme.MARGIN - 0.4
    cards = VGroup()
    for number, idea in enumerate(ideas, start=1):
        panel = RoundedRectangle(
            width=width, height=1.55, corner_radius=0.15, stroke_color=theme.SKIP, stroke_width=3
        ).set_fill(theme.PANEL, opacity=1.0)
        digit = label(str(number), size=theme.TITLE_FONT, color=theme.SKIP, weight="BOLD")
        words = fit(label(idea, size=theme.BODY_FONT + 4), width=width - 1.8)
        digit.move_to(panel.get_left() + 0.7 * RIGHT)
        words.next_to(digit, RIGHT, buff=0.5)
        cards.add(VGroup(panel, digit, words))
    return cards.arrange(DOWN, buff=0.35)


class Recap(LectureSlide):
    def construct(self) -> None:
        self.next_slide(notes="Three ideas to take home from this lecture.")
        heading = self.title("What to remember")
        ideas = idea_cards(IDEAS)
        # The cards share the frame below the heading, centred in it.
        space_top = heading.get_bottom()[1] - theme.GAP
        space_bottom = -config.frame_height / 2 + theme.MARGIN
        ideas.move_to(np.array([0.0, (space_top + space_bottom) / 2, 0.0]))
        self.play(Write(heading))
        for idea in ideas:
            self.play(FadeIn(idea, shift=0.2 * RIGHT), run_time=0.7)
        self.show_stack()

        self.next_slide(notes="Thank you. Questions?")
        self.clear_slide()
        self.play(Write(label("Questions?", size=theme.TITLE_FONT + 12, weight="BOLD")))

    def show_stack(self) -> None:
        self.next_slide(
            notes="One last picture: stack the blocks and the input can ride the skips all the way "
            "through, while each block adds its own small correction."
        )
        self.clear_slide()
        diagrams = [
            ResidualBlockDiagram(
                ("F",),
                after=(),
                box_width=1.5,
                box_height=1.1,
                gap=0.35,
                skip_label=None,
                skip_offset=0.5,
                input_label="x" if i == 0 else "\u00b7",
            )
            for i in range(STACK_DEPTH)
        ]
        blocks = VGroup(*diagrams)
        blocks.arrange(RIGHT, buff=0.1).move_to(0.3 * UP)
        caption = label("x + F\u2081 + F\u2082 + F\u2083 + \u2026", size=theme.BODY_FONT + 4, color=theme.SKIP)
        caption.next_to(blocks, DOWN, buff=0.8)
        self.play(FadeIn(blocks), FadeIn(caption))

        self.next_slide(
            loop=True,
            notes="Let it run: the dot follows the identity path, the skip of every block, through the stack.",
        )
        route = VMobject()
        for block in diagrams:
            route.append_vectorized_mobject(block.skip_path.copy())
        pulse = Dot(radius=0.14, color=theme.HIGHLIGHT).move_to(route.get_start())
        self.add(pulse)
        self.play(travel(pulse, route, backwards=False), run_time=3.0)
        self.remove(pulse)
