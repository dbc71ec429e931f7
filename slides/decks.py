"""The one list of decks and the scenes each plays, in order.

A scene is named by its class; the class may live in any module under
``slides/``. Adding a slide is one class in ``slides/`` and one name here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Deck:
    name: str
    title: str
    summary: str
    scenes: tuple[str, ...]


INTRO = Deck(
    name="intro",
    title="How these slides work",
    summary="A two-minute tour: what the course decks are made of, with one number computed live by PyTorch.",
    scenes=("Welcome", "TorchNumber"),
)

DECKS: tuple[Deck, ...] = (INTRO,)
