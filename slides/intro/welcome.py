"""Title slide of the tour deck."""

from __future__ import annotations

from manim import DOWN, FadeIn, Text, VGroup, Write

from slides import theme
from slides.base import LectureSlide


class Welcome(LectureSlide):
    def construct(self) -> None:
        self.next_slide(
            notes="Welcome. These slides are generated from code: every number you will see "
            "is computed by the course's PyTorch package when the deck is built."
        )
        title = Text("Deep Residual Networks", font=theme.FONT, font_size=theme.TITLE_FONT + 12, weight="BOLD")
        subtitle = Text(
            "lecture decks computed by PyTorch, animated with manim",
            font=theme.FONT,
            font_size=theme.BODY_FONT,
            color=theme.DATA,
        )
        keys = Text(
            "PageDown / PageUp or the arrow keys to move; S opens the speaker notes",
            font=theme.FONT,
            font_size=theme.MIN_FONT,
            color=theme.MUTED,
        )
        VGroup(title, subtitle).arrange(DOWN, buff=0.5)
        keys.to_edge(DOWN, buff=theme.MARGIN)
        self.play(Write(title), run_time=1.2)
        self.play(FadeIn(subtitle, shift=0.2 * DOWN), FadeIn(keys))
