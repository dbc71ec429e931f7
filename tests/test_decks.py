"""Every deck in the deck list renders at low quality and exports completely."""

from __future__ import annotations

import json
from pathlib import Path

import pptx
import pytest
from bs4 import BeautifulSoup

from slides.pipeline.catalog import load_decks
from tests.conftest import run_make

pytestmark = pytest.mark.slow

DECKS = load_decks()


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("course")
    build, out = base / "build", base / "presentations"
    # Strict layout: a text outside the frame, below MIN_FONT or over another fails its render.
    result = run_make("-j2", BUILD=str(build), OUT=str(out), LECTURE_LAYOUT="strict")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return build, out


def _slides(build: Path, scenes: tuple[str, ...]) -> list[dict]:
    return [
        slide for scene in scenes for slide in json.loads((build / "slides" / f"{scene}.json").read_text())["slides"]
    ]


@pytest.mark.parametrize("deck", DECKS, ids=[d.name for d in DECKS])
def test_deck_exports_every_slide_with_notes(course: tuple[Path, Path], deck) -> None:
    build, out = course
    slides = _slides(build, deck.scenes)
    assert slides and all(s["notes"].strip() for s in slides)
    # manim-slides' HTML needs a still first and last slide.
    assert not slides[0]["loop"] and not slides[-1]["loop"]
    soup = BeautifulSoup((out / f"{deck.name}.html").read_text(), "html.parser")
    assert len(soup.select("div.slides > section")) == len(slides)
    assert len(pptx.Presentation(str(out / f"{deck.name}.pptx")).slides) == len(slides)
    assert (out / f"{deck.name}.pdf").stat().st_size > 0


@pytest.mark.parametrize("deck", DECKS, ids=[d.name for d in DECKS])
def test_every_slide_of_every_deck_is_described_for_students(course: tuple[Path, Path], deck) -> None:
    build, out = course
    slides = _slides(build, deck.scenes)
    for slide in slides:
        assert slide["text"]["description"].strip(), slide["file"]
    reading = BeautifulSoup((out / f"{deck.name}-notes.html").read_text(), "html.parser")
    assert [img["alt"] for img in reading.select("article.slide img")] == [s["text"]["description"] for s in slides]
    deck_page = BeautifulSoup((out / f"{deck.name}.html").read_text(), "html.parser")
    assert len(deck_page.select("div.slides > section > h2")) == len(slides)
    assert (out / f"{deck.name}-handout.pdf").stat().st_size > 0


def test_course_page_lists_every_deck(course: tuple[Path, Path]) -> None:
    _, out = course
    soup = BeautifulSoup((out / "index.html").read_text(), "html.parser")
    listed = [article["id"] for article in soup.select("article.deck")]
    assert listed == [d.name for d in DECKS]


def test_every_slide_keeps_the_layout_rules(course: tuple[Path, Path]) -> None:
    build, _ = course
    scenes = sorted({scene for deck in DECKS for scene in deck.scenes})
    broken = {
        scene: problems
        for scene in scenes
        if (problems := json.loads((build / "slides" / f"{scene}.json").read_text())["layout"])
    }
    assert broken == {}


def test_no_render_process_imports_torch(course: tuple[Path, Path]) -> None:
    """The course build computes its records first, so every scene's render only reads them."""
    build, _ = course
    scenes = sorted({scene for deck in DECKS for scene in deck.scenes})
    timings = {scene: json.loads((build / "timings" / f"{scene}.json").read_text()) for scene in scenes}
    assert [scene for scene, timing in timings.items() if timing["torch_imported"]] == []
