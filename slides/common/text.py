"""Text in the course theme, never below the minimum size."""

from __future__ import annotations

import string
from typing import TypeVar

from manim import DOWN, LEFT, UP, DecimalNumber, MathTex, Mobject, SingleStringMathTex, Text, VGroup
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


# Characters whose lowest point is the baseline (round ones dip a hair below it, so the highest of
# those bottoms is taken); descenders, commas and signs that float above it are left out.
ON_BASELINE = frozenset(string.ascii_letters + string.digits + ".!?%:") - frozenset("gjpqyQ")


def baseline(text: Mobject) -> float | None:
    """The height of a one-line ``Text``'s baseline, or None where none of its characters tells."""
    if not isinstance(text, Text) or isinstance(text, MarkupText):
        return None
    characters = [c for c in text.text if not c.isspace()]
    if len(characters) != len(text.submobjects):
        return None
    bottoms = [
        glyph.get_bottom()[1]
        for character, glyph in zip(characters, text.submobjects)
        if character in ON_BASELINE and glyph.has_points()
    ]
    return max(bottoms) if bottoms else None


def sit_on(word: Mobject, reference: Mobject) -> Mobject:
    """Move ``word`` up or down onto ``reference``'s baseline, as words on one line sit; where either
    has no known baseline, their tops are aligned instead."""
    mine, theirs = baseline(word), baseline(reference)
    if mine is None or theirs is None:
        return word.align_to(reference, UP)
    return word.shift((theirs - mine) * UP)


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
