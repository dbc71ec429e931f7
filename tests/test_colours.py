"""Colours are meanings: scenes draw in the theme's meaning names only, and no caption, label or
speaker note names a colour in words, since a theme may change the colour behind the word.

The scenes are read as source (every string a scene or a shared mobject writes), and the small
deck's rendered slide records are read as a second check of what reaches the screen and the notes.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from slides.theme import MEANINGS, THEMES
from tests.conftest import ROOT, BuiltDeck

# The scenes and the shared pieces they draw with; the build pipeline writes web pages, not slides.
SCENE_SOURCES = sorted(
    path
    for path in (ROOT / "slides").rglob("*.py")
    if path != ROOT / "slides" / "theme.py" and "pipeline" not in path.relative_to(ROOT).parts
)

COLOUR_WORD = re.compile(
    r"\b(?:red|orange|yellow|green|blue|sky[ -]blue|purple|pink|violet|magenta|cyan|teal|vermill?ion"
    r"|white|black|gr[ae]y)\b",
    re.IGNORECASE,
)
# Grey as what a photo is made of, not a colour the theme draws in.
PHOTO_GREY = re.compile(r"\bgr[ae]y(?:-| )(?:levels?|photos?|pictures?|images?|scale|values?)\b", re.IGNORECASE)
HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}\b|#[0-9A-Fa-f]{3}\b")
PALETTE_NAMES = {name for palette in THEMES.values() for name in palette} - set(MEANINGS)


def colour_phrases(text: str) -> list[str]:
    """Each colour word in ``text`` with two words either side, e.g. 'The orange path is the'."""
    kept = PHOTO_GREY.sub(lambda match: "_" * len(match.group()), text)
    return [
        " ".join((_before(text[: m.start()]) + m.group() + _after(text[m.end() :])).split())
        for m in COLOUR_WORD.finditer(kept)
    ]


def _before(text: str) -> str:
    """The last two words of ``text`` and the part of a word it ends in."""
    return " ".join(text.split()[-2:]) + (" " if text[-1:].isspace() else "")


def _after(text: str) -> str:
    """The part of a word ``text`` starts with and the two words after it."""
    return (" " if text[:1].isspace() else "") + " ".join(text.split()[:2])


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _owners(tree: ast.Module) -> dict[int, str]:
    """Node id -> the class it lies in (the scene), for every node inside a class."""
    owner = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for inner in ast.walk(node):
                owner[id(inner)] = node.name
    return owner


def source_strings(source: str, where: str) -> Iterator[tuple[str, str]]:
    """(place, text) for every string a module writes: its literals and the literal parts of its
    f-strings, docstrings left out. The place names the scene class and the line."""
    tree = ast.parse(source)
    docstrings, owners = _docstrings(tree), _owners(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            scene = owners.get(id(node))
            yield (f"{scene} ({where}:{node.lineno})" if scene else f"{where}:{node.lineno}"), node.value


def colour_words_in(source: str, where: str) -> list[str]:
    return [f"{place}: '{phrase}'" for place, text in source_strings(source, where) for phrase in colour_phrases(text)]


def raw_colours_in(source: str, where: str) -> list[str]:
    """Hex colours, manim's named colours and the theme's hue names: everything but a meaning."""
    from manim import ManimColor
    from manim.utils.color import manim_colors

    manim_names = {
        name for name in dir(manim_colors) if name.isupper() and isinstance(getattr(manim_colors, name), ManimColor)
    }
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and HEX_COLOUR.search(node.value):
            found.append(f"{where}:{line}: {node.value!r}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("manim"):
            found += [f"{where}:{line}: {a.name} from {node.module}" for a in node.names if a.name in manim_names]
        elif isinstance(node, ast.ImportFrom) and node.module == "slides.theme":
            found += [f"{where}:{line}: theme.{a.name}" for a in node.names if a.name in PALETTE_NAMES | {"THEMES"}]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "theme" and node.attr in PALETTE_NAMES | {"THEMES"}:
                found.append(f"{where}:{line}: theme.{node.attr}")
            elif node.value.id == "manim" and node.attr in manim_names:
                found.append(f"{where}:{line}: manim.{node.attr}")
        elif isinstance(node, ast.keyword) and (node.arg or "").endswith(("color", "colour")):
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str) and not HEX_COLOUR.search(value.value):
                found.append(f"{where}:{line}: {node.arg}={value.value!r}")
    return found


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_scenes_are_all_read() -> None:
    names = {_relative(p) for p in SCENE_SOURCES}
    assert {"slides/resnet/sharpen_photo.py", "slides/intro/torch_number.py", "slides/common/images.py"} <= names
    assert len(names) >= 40, sorted(names)


def test_no_scene_draws_in_a_raw_colour() -> None:
    found = [hit for path in SCENE_SOURCES for hit in raw_colours_in(path.read_text(), _relative(path))]
    assert not found, "use a meaning from slides/theme.py instead of: " + "; ".join(found)


def test_no_scene_text_or_note_names_a_colour() -> None:
    found = [hit for path in SCENE_SOURCES for hit in colour_words_in(path.read_text(), _relative(path))]
    assert not found, "name the thing, not its colour (or add a legend): " + "; ".join(found)


def test_the_checks_catch_what_they_look_for() -> None:
    scene = '''
from manim import RED, Text
from slides import theme

class Demo:
    """A blue docstring is not on screen."""

    def construct(self):
        self.next_slide(notes=f"The {n} orange path is the skip connection.")
        Text("grey levels of the photo", color="#FF0000")
        Text("x", color=theme.BLUE, stroke_color="white")
'''
    assert sorted(colour_words_in(scene, "demo.py")) == [
        "Demo (demo.py:11): 'white'",
        "Demo (demo.py:9): 'orange path is'",
    ]
    assert sorted(raw_colours_in(scene, "demo.py")) == [
        "demo.py:10: '#FF0000'",
        "demo.py:11: stroke_color='white'",
        "demo.py:11: theme.BLUE",
        "demo.py:2: RED from manim",
    ]


@pytest.mark.slow
def test_the_rendered_deck_names_no_colour(built_deck: BuiltDeck) -> None:
    """What reached the slides and the notes of the small deck, read back from its records."""
    found, notes = [], 0
    for scene, slides in built_deck.scene_slides().items():
        for number, slide in enumerate(slides, start=1):
            text = slide["text"]
            notes += bool(slide["notes"].strip())
            written = [slide["notes"], text["heading"] or "", *text["text"], *text["pictures"]]
            found += [f"{scene}: slide {number}: '{phrase}'" for line in written for phrase in colour_phrases(line)]
    assert notes >= 5, "the deck's records carry no notes to check"
    assert not found, "name the thing, not its colour: " + "; ".join(found)
