"""Text in the course theme, never below the minimum size."""

from __future__ import annotations

from typing import TypeVar

from manim import DOWN, LEFT, DecimalNumber, MathTex, Mobject, SingleStringMathTex, Text, VGroup
from manim.mobject.text.text_mobject import MarkupText

from slides import theme

# A text, number or formula: each has a font size.
TextLike = Text | MarkupText | SingleStringMathTex | DecimalNumber
AnyMobject = TypeVar("AnyMobject", bound=Mobject)

# Rounding slack when a fitted size is compared with MIN_FONT (as the layout check does).
FIT_TOLERANCE = 0.5


class TextTooSmall(ValueError):
    """Fitting a group into its space would set some text below ``theme.MIN_FONT``."""


def label(
    text: str, *, size: int = theme.LABEL_FONT, color: str = theme.TEXT, mono: bool = False, weight: str = "NORMAL"
) -> Text:
    """A line of text; sizes below ``theme.MIN_FONT`` are raised to it."""
    return Text(
        text,
        font=theme.MONO_FONT if mono else theme.FONT,
        font_size=max(size, theme.MIN_FONT),
        color=color,
        weight=weight,
    )


def bullet_list(
    items: list[str], *, size: int = theme.BODY_FONT, color: str = theme.TEXT, buff: float = 0.35
) -> VGroup:
    """Left-aligned bullets, one per line."""
    lines = VGroup(*(label(f"•  {item}", size=size, color=color) for item in items))
    return lines.arrange(DOWN, aligned_edge=LEFT, buff=buff)


def equation(tex: str, *, size: int = theme.BODY_FONT + 8, color: str = theme.TEXT) -> MathTex:
    """A LaTeX formula in the theme's colours (needs the texlive packages `make` installs)."""
    return MathTex(tex, font_size=max(size, theme.MIN_FONT), color=color)


def texts_in(mobject: Mobject) -> list[TextLike]:
    """Every text, number and formula inside ``mobject`` (itself included)."""
    kinds = (Text, MarkupText, MathTex, SingleStringMathTex, DecimalNumber)
    found: list[TextLike] = []
    todo = [mobject]
    while todo:
        current = todo.pop()
        if isinstance(current, kinds):
            found.append(current)
        else:
            todo.extend(current.submobjects)
    return found


def fit(mobject: AnyMobject, *, width: float | None = None, height: float | None = None) -> AnyMobject:
    """Shrink ``mobject`` (never grow it) to at most ``width`` x ``height``.

    Raises ``TextTooSmall`` instead of setting any text inside below ``theme.MIN_FONT``:
    the fix is a shorter text, a wider space or a second line, never smaller type.
    """
    factor = 1.0
    if width is not None and mobject.width > width:
        factor = min(factor, width / mobject.width)
    if height is not None and mobject.height > height:
        factor = min(factor, height / mobject.height)
    if factor == 1.0:
        return mobject
    for text in texts_in(mobject):
        size = float(text.font_size) * factor
        if size < theme.MIN_FONT - FIT_TOLERANCE:
            source = getattr(text, "original_text", "") or getattr(text, "tex_string", "") or getattr(text, "text", "")
            words = " ".join(str(source).split())
            raise TextTooSmall(
                f"'{words[:40]}' would be set at {size:.1f}, below MIN_FONT {theme.MIN_FONT}, to fit "
                f"{mobject.width:.2f} x {mobject.height:.2f} into {width or '-'} x {height or '-'}; "
                "shorten it, split it or give it more room"
            )
    return mobject.scale(factor)
