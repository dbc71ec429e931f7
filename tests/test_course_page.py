"""The course page across partial builds, qualities and themes, through the real Makefile.

Two small decks (the tour, and a one-scene deck made of its second scene) are built in a
temporary folder, then rebuilt one at a time, in the light theme, at another quality, and
finally with one deck dropped from the deck list; the page is read after every step.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import pytest
from bs4 import BeautifulSoup

from slides.theme import THEMES
from tests.conftest import ROOT, run_make

pytestmark = pytest.mark.slow

DECKS_FILE = """\
from slides.decks import Deck
DECKS = (
    Deck("intro", "How these slides work", "The tour.", ("Welcome", "TorchNumber")),
{number}
)
"""
NUMBER_DECK = '    Deck("number", "One number", "A number computed by torch.", ("TorchNumber",)),'
EDITED_SCENE = ROOT / "slides" / "intro" / "welcome.py"


@dataclass
class Step:
    result: subprocess.CompletedProcess[str]
    page: BeautifulSoup
    number_files: dict[str, tuple[str, int]]
    dark_intro_files: dict[str, tuple[str, int]]

    @property
    def log(self) -> str:
        return self.result.stdout + self.result.stderr

    def card(self, deck: str):
        card = self.page.select_one(f"article#{deck}")
        assert card is not None, f"{deck} is not on the page"
        return card


@dataclass
class Course:
    started: str
    out: Path
    build: dict[str, Path]
    steps: dict[str, Step]


def _files(out: Path, stem: str) -> dict[str, tuple[str, int]]:
    """Digest and modification time of every file a deck's dark export wrote."""
    paths = [out / f"{stem}.{fmt}" for fmt in ("html", "pptx", "pdf")]
    paths += sorted((out / f"{stem}_assets").rglob("*"))
    paths += [out / "thumbs" / f"{stem}.jpg", *sorted((out / "meta").glob(f"{stem}.*.json"))]
    return {
        str(p.relative_to(out)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in paths
        if p.is_file()
    }


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    base = tmp_path_factory.mktemp("course-page")
    decks_file = base / "decks.py"
    decks_file.write_text(DECKS_FILE.format(number=NUMBER_DECK))
    out = base / "presentations"
    build = {"l": base / "build-l", "light": base / "build-l-light", "m": base / "build-m"}
    steps: dict[str, Step] = {}
    started = _utc(time.time() - 1)

    def make(step: str, **variables: str) -> None:
        result = run_make(DECKS_FILE=str(decks_file), OUT=str(out), **variables)
        assert result.returncode == 0, f"{step}: {result.stdout[-3000:]}{result.stderr[-3000:]}"
        steps[step] = Step(
            result,
            BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser"),
            _files(out, "number"),
            _files(out, "intro"),
        )

    make("full", BUILD=str(build["l"]))
    # Edit one scene of the tour (its content is what make sees), then build the tour alone.
    original = EDITED_SCENE.stat()
    source = EDITED_SCENE.read_bytes()
    try:
        EDITED_SCENE.write_bytes(source + b"\n# An edit that changes the file's content.\n")
        make("one deck", BUILD=str(build["l"]), DECKS="intro")
        make("one deck again", BUILD=str(build["l"]), DECKS="intro")
        # The later steps keep the edit, so that none of them renders the tour again.
        make("light", BUILD=str(build["light"]), DECKS="intro", THEME="light")
        make("other quality", BUILD=str(build["m"]), DECKS="number", QUALITY="m")
        decks_file.write_text(DECKS_FILE.format(number=""))
        make("deck dropped", BUILD=str(build["l"]))
    finally:
        EDITED_SCENE.write_bytes(source)
        os.utime(EDITED_SCENE, ns=(original.st_atime_ns, original.st_mtime_ns))
    return Course(started, out, build, steps)


def _utc(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _listed(step: Step) -> list[str]:
    return [article["id"] for article in step.page.select("article.deck")]


def _rendered_at(card) -> list[tuple[str, str]]:
    return [
        (row["data-theme"], row.select_one(".quality").get_text(), row.select_one("time")["datetime"])
        for row in card.select(".variant")
    ]


def _files_of(stem: str) -> list[str]:
    """Every export of one deck, in the order the course page links them."""
    return [f"{stem}{suffix}" for suffix in (".html", "-notes.html", "-handout.pdf", ".pptx", ".pdf")]


def test_full_build_lists_both_decks_with_quality_and_time(course: Course) -> None:
    full = course.steps["full"]
    assert _listed(full) == ["intro", "number"]
    for deck, slides in (("intro", 6), ("number", 5)):
        card = full.card(deck)
        links = [a["href"] for a in card.select(".links a")]
        suffixes = (".html", "-notes.html", "-handout.pdf", ".pptx", ".pdf")
        assert links == [f"{deck}{suffix}" for suffix in suffixes]
        assert all((course.out / href).is_file() for href in links)
        assert (course.out / card.find("img")["src"]).is_file()
        assert f"{slides} slides" in card.get_text()
        ((theme, quality, when),) = _rendered_at(card)
        assert (theme, quality) == ("dark", "rendered at 480p15")
        assert course.started <= when <= _utc(time.time())
    assert full.page.select_one(".notice") is None, "one quality: no mixed-quality notice"


def test_building_one_deck_keeps_every_deck_on_the_page(course: Course) -> None:
    full, partial, again = (course.steps[s] for s in ("full", "one deck", "one deck again"))
    assert re.findall(r"\] (\w+): rendering", partial.log) == ["Welcome"], partial.log
    assert sorted(re.findall(r"\[export\] \S+/(\S+):", partial.log)) == sorted(_files_of("intro"))
    assert "[index]" in partial.log and "2 of 2 decks" in partial.log
    assert _listed(partial) == _listed(again) == ["intro", "number"]
    # The untouched deck's files are the same bytes, not even rewritten.
    assert partial.number_files == full.number_files and len(full.number_files) > 6
    # The rebuilt deck says when it was rendered, later than before.
    (before,) = _rendered_at(full.card("intro"))
    (after,) = _rendered_at(partial.card("intro"))
    assert after[2] > before[2]
    welcome = course.build["l"] / "slides" / "Welcome.json"
    assert after[2] == _utc(welcome.stat().st_mtime)
    # A second run builds nothing and leaves the page as it was.
    assert "rendering" not in again.log and "[export]" not in again.log
    assert again.page.decode() == partial.page.decode()


def _last_frame(video: Path) -> np.ndarray:
    frame = None
    with av.open(str(video)) as container:
        for frame in container.decode(video=0):  # noqa: B007 - keeps the last frame
            pass
    assert frame is not None
    return frame.to_ndarray(format="rgb24")


def _first_video(out: Path, stem: str) -> Path:
    soup = BeautifulSoup((out / f"{stem}.html").read_text(encoding="utf-8"), "html.parser")
    return out / soup.select("div.slides > section")[0]["data-background-video"]


def test_light_build_renders_on_white(course: Course) -> None:
    light = _last_frame(_first_video(course.out, "intro-light"))
    dark = _last_frame(_first_video(course.out, "intro"))
    white = np.array([255, 255, 255])
    background = np.array([int(THEMES["dark"]["BACKGROUND"][i : i + 2], 16) for i in (1, 3, 5)])
    # The frame's border is the slide background: white in the light deck, the dark grey in the other.
    for frame, expected in ((light, white), (dark, background)):
        border = np.concatenate([frame[:4].reshape(-1, 3), frame[-4:].reshape(-1, 3)])
        assert np.abs(border.astype(int) - expected).max() <= 6, border.mean(axis=0)
    # The title is written in dark ink on the white slide, in light ink on the dark one.
    luminance = light.mean(axis=2)
    assert (luminance < 80).mean() > 0.002, "no dark text on the light slide"
    assert (dark.mean(axis=2) > 180).mean() > 0.002, "no light text on the dark slide"
    light_build = json.loads((course.build["light"] / "slides" / "Welcome.json").read_text())
    assert all((course.build["light"] / s["file"]).is_file() for s in light_build["slides"])


def test_light_build_leaves_the_dark_files_alone(course: Course) -> None:
    before, after = course.steps["one deck again"], course.steps["light"]
    assert after.dark_intro_files == before.dark_intro_files
    assert after.number_files == before.number_files
    assert sorted(re.findall(r"\[export\] \S+/(\S+):", after.log)) == [
        *sorted(_files_of("intro-light")),
    ]


def test_page_links_both_themes_when_both_exist(course: Course) -> None:
    step = course.steps["light"]
    card = step.card("intro")
    links = [a["href"] for a in card.select(".links a")]
    assert links == [
        *_files_of("intro"),
        *_files_of("intro-light"),
    ]
    assert all((course.out / href).is_file() for href in links)
    assert [row[0] for row in _rendered_at(card)] == ["dark", "light"]
    assert "Light" in card.select(".variant")[1].get_text()
    # A deck built in one theme only shows that one.
    assert [a["href"] for a in step.card("number").select(".links a")] == _files_of("number")


def test_page_says_when_decks_were_rendered_at_different_qualities(course: Course) -> None:
    step = course.steps["other quality"]
    assert _listed(step) == ["intro", "number"]
    assert [row[1] for row in _rendered_at(step.card("number"))] == ["rendered at 720p30"]
    assert [row[1] for row in _rendered_at(step.card("intro"))] == ["rendered at 480p15"] * 2
    notice = step.page.select_one(".notice").get_text()
    assert "different qualities" in notice and "720p30: number" in notice and "480p15: intro" in notice
    # The m build wrote the number deck's files, and nothing of the tour's.
    assert step.dark_intro_files == course.steps["light"].dark_intro_files


def test_deck_dropped_from_the_deck_list_leaves_the_page(course: Course) -> None:
    step = course.steps["deck dropped"]
    assert _listed(step) == ["intro"]
    assert "number.html" not in step.page.decode()
    # Its files stay, named in one line of the build output.
    lines = [line for line in step.log.splitlines() if "number" in line]
    assert len(lines) == 1, step.log
    for name in ("number.html", "number.pptx", "number.pdf", "number_assets/", "thumbs/number.jpg"):
        assert name in lines[0].split(), lines[0]
    assert "intro" not in lines[0]
    assert (course.out / "number.html").is_file()
