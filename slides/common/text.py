"""Text in the course theme, never below the minimum size."""

from __future__ import annotations

from manim import DOWN, LEFT, MathTex, Text, VGroup

from slides import theme


def label(text: str, *, size: int = theme.LABEL_FONT, color: str = theme.TEXT, mono: bool = False,
          weight: str = "NORMAL") -> Text:
    """A line of text; sizes below ``theme.MIN_FONT`` are raised to it."""
    return Text(
        text, font=theme.MONO_FONT if mono else theme.FONT, font_size=max(size, theme.MIN_FONT),
        color=color, weight=weight,
    )


def bullet_list(items: list[str], *, size: int = theme.BODY_FONT, color: str = theme.TEXT,
                buff: float = 0.35) -> VGroup:
    """Left-aligned bullets, one per line."""
    lines = VGroup(*(label(f"•  {item}", size=size, color=color) for item in items))
    return lines.arrange(DOWN, aligned_edge=LEFT, buff=buff)


def equation(tex: str, *, size: int = theme.BODY_FONT + 8, color: str = theme.TEXT) -> MathTex:
    """A LaTeX formula in the theme's colours (needs the texlive packages `make` installs)."""
    return MathTex(tex, font_size=max(size, theme.MIN_FONT), color=color)
