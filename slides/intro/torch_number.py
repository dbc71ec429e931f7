"""One number on screen, computed by torch at build time, and a picture that keeps moving."""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    ArcBetweenPoints,
    Arrow,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    MoveAlongPath,
    RoundedRectangle,
    Text,
    VGroup,
    Write,
    linear,
)

from model.shape_trace import shape_traces
from slides import theme
from slides.base import LectureSlide


class TorchNumber(LectureSlide):
    def construct(self) -> None:
        self.next_slide(notes="Nothing on these slides is typed by hand. Here is one number the build computed.")
        heading = self.title("A number from the model, not from a slide")
        self.play(Write(heading))

        count = shape_traces().traces["resnet18"].total_params
        self.next_slide(
            notes=f"The ResNet-18 that our package builds has {count:,} parameters, exactly the "
            "count of the reference implementation; a test checks it against torch on every build."
        )
        label = Text("parameters in ResNet-18", font=theme.FONT, font_size=theme.BODY_FONT, color=theme.MUTED)
        number = Text(f"{count:,}", font=theme.MONO_FONT, font_size=theme.TITLE_FONT + 24, color=theme.HIGHLIGHT)
        VGroup(number, label).arrange(DOWN, buff=0.4)
        self.play(FadeIn(number, scale=0.8), FadeIn(label))

        self.next_slide(
            notes="A looping slide: the picture keeps moving while you talk. Press next to go on. "
            "The curved path around the block is the skip connection; it has the same colour in every deck.",
        )
        self.play(FadeOut(number), FadeOut(label))
        block = RoundedRectangle(width=3.2, height=1.4, corner_radius=0.2, color=theme.LAYER)
        block_label = Text("F(x)", font=theme.FONT, font_size=theme.BODY_FONT, color=theme.LAYER).move_to(block)
        left = block.get_left() + 2.2 * LEFT
        right = block.get_right() + 2.2 * RIGHT
        arrow_in = Arrow(left, block.get_left(), buff=0.1, color=theme.DATA)
        arrow_out = Arrow(block.get_right(), right, buff=0.1, color=theme.DATA)
        skip = ArcBetweenPoints(left + 0.3 * RIGHT, right + 0.3 * LEFT, angle=-2.2, color=theme.SKIP, stroke_width=6)
        skip_label = Text("x", font=theme.FONT, font_size=theme.BODY_FONT, color=theme.SKIP).next_to(
            skip, UP, buff=0.15
        )
        picture = VGroup(block, block_label, arrow_in, arrow_out, skip, skip_label)
        self.play(Create(picture), run_time=1.5)

        self.next_slide(loop=True, notes="The signal x travels along the skip path, untouched, and is added back.")
        pulse = Dot(skip.get_start(), color=theme.HIGHLIGHT, radius=0.12)
        self.add(pulse)
        self.play(MoveAlongPath(pulse, skip), run_time=2, rate_func=linear)
        self.remove(pulse)

        self.next_slide(notes="That is the whole tour. The ResNet lecture deck uses the same parts.")
        closing = Text("Next: the ResNet lecture", font=theme.FONT, font_size=theme.HEADING_FONT, color=theme.TEXT)
        closing.next_to(picture, DOWN, buff=0.8)
        self.play(FadeIn(closing))
