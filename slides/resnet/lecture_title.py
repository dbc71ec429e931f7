"""Title and roadmap of the ResNet lecture: the question it answers, then its parts."""

from __future__ import annotations

from manim import DOWN, LEFT, UP, FadeIn, FadeOut, Indicate, Text, VGroup, Write

from slides import theme
from slides.base import LectureSlide
from slides.common.layout import centre_below
from slides.common.text import fit, label

QUESTION = "Why could nobody train 100 layers before 2015?"

# The parts of the lecture, in the order the deck plays them.
ROADMAP = (
    "Networks are functions: layers, convolutions, batch norm",
    "The degradation problem: deeper nets trained worse",
    "The residual idea: learn only what to add to x",
    "Why it works: gradients, blocks and the ResNet family",
    "What it left behind: transfer learning and the skip everywhere",
)


class LectureTitle(LectureSlide):
    def construct(self) -> None:
        self.next_slide(
            notes="Today's lecture is about one idea, the residual connection, which in 2015 "
            "took networks from about twenty layers to over a hundred."
        )
        self.show_title()
        self.next_slide(
            notes="Here is the question we will answer. Adding layers should only help, yet before "
            "2015 nobody could train a plain network of a hundred layers. Why not?"
        )
        self.show_question()
        self.next_slide(
            notes="We get there in five steps: what a network computes, the problem that appears "
            "when it gets deep, the residual fix, why the fix works, and what it left behind."
        )
        self.show_roadmap()

    def show_title(self) -> None:
        self.title_text = Text(
            "Deep Residual Networks", font=theme.FONT, font_size=theme.TITLE_FONT + 12, weight="BOLD", color=theme.TEXT
        )
        self.subtitle = label("He, Zhang, Ren and Sun, 2015  ·  ResNet", size=theme.BODY_FONT, color=theme.DATA)
        VGroup(self.title_text, self.subtitle).arrange(DOWN, buff=0.5)
        self.play(Write(self.title_text), run_time=1.2)
        self.play(FadeIn(self.subtitle, shift=0.2 * DOWN))

    def show_question(self) -> None:
        self.question = label(QUESTION, size=theme.HEADING_FONT, color=theme.HIGHLIGHT, weight="BOLD")
        self.question.next_to(self.subtitle, DOWN, buff=0.8)
        fit(self.question, width=13.0)
        self.play(FadeIn(self.question, shift=0.2 * DOWN))
        self.play(Indicate(self.question, color=theme.HIGHLIGHT, scale_factor=1.05))

    def show_roadmap(self) -> None:
        self.play(FadeOut(self.title_text), FadeOut(self.subtitle), run_time=0.6)
        self.play(self.question.animate.scale(0.8).to_edge(UP, buff=theme.MARGIN))
        heading = label("Roadmap", size=theme.HEADING_FONT, weight="BOLD")
        items = VGroup(*(label(f"{i}.  {part}", size=theme.BODY_FONT - 2) for i, part in enumerate(ROADMAP, start=1)))
        items.arrange(DOWN, aligned_edge=LEFT, buff=0.45)
        roadmap = VGroup(heading, items).arrange(DOWN, aligned_edge=LEFT, buff=0.45)
        fit(roadmap, width=13.0)
        centre_below(roadmap, self.question)
        self.play(FadeIn(heading))
        self.play(*(FadeIn(item, shift=0.2 * LEFT) for item in items), run_time=1.2)
