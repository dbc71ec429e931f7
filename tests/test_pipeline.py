"""The whole path from a Slide subclass to every output, on the small tour deck."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pptx
import pytest
from bs4 import BeautifulSoup

from tests.conftest import ROOT, BuiltDeck, run_make, user_env

pytestmark = pytest.mark.slow


def test_every_scene_rendered_with_notes(built_deck: BuiltDeck) -> None:
    slides = built_deck.slides()
    assert len(slides) >= 3
    for slide in slides:
        # The record names its videos relative to the build folder, so it can travel.
        assert not Path(slide["file"]).is_absolute()
        assert (built_deck.build / slide["file"]).is_file()
        assert slide["notes"].strip()
    assert any(slide["loop"] for slide in slides), "the tour deck shows a looping slide"
    assert "[1/2] Welcome: done" in built_deck.log


def test_html_deck_is_offline_and_complete(built_deck: BuiltDeck) -> None:
    page = built_deck.out / f"{built_deck.name}.html"
    soup = BeautifulSoup(page.read_text(), "html.parser")
    sections = soup.select("div.slides > section")
    assert len(sections) == len(built_deck.slides())
    notes = soup.select("aside.notes")
    assert len(notes) == len(sections) and all(n.get_text(strip=True) for n in notes)
    for tag, attr in (("script", "src"), ("link", "href")):
        for element in soup.find_all(tag):
            value = element.get(attr) or ""
            assert not re.match(r"https?://", value), f"{tag} loads {value} from the network"
    assets = built_deck.out / f"{built_deck.name}_assets"
    for section in sections:
        video = section.get("data-background-video")
        assert video and (built_deck.out / video).is_file()
    assert (assets / "reveal.js").is_file() and (assets / "notes.js").is_file()


def test_html_deck_plays_and_advances_in_chromium(built_deck: BuiltDeck, browser) -> None:
    page_url = (built_deck.out / f"{built_deck.name}.html").as_uri()
    requests: list[str] = []
    context = browser.new_context(offline=True)
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_url)
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=15000)
    assert page.evaluate("Reveal.getIndices().h") == 0
    page.keyboard.press("PageDown")
    page.wait_for_function("() => Reveal.getIndices().h === 1", timeout=5000)
    # The current slide's background video must actually play.
    page.wait_for_function(
        """() => { const v = Reveal.getCurrentSlide().slideBackgroundElement.querySelector('video');
                   return v && v.currentTime > 0; }""",
        timeout=10000,
    )
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => Reveal.getIndices().h === 2", timeout=5000)
    page.keyboard.press("PageUp")
    page.wait_for_function("() => Reveal.getIndices().h === 1", timeout=5000)
    assert requests and all(url.startswith("file://") for url in requests), requests


def test_pptx_has_one_movie_and_notes_per_slide(built_deck: BuiltDeck) -> None:
    deck = pptx.Presentation(str(built_deck.out / f"{built_deck.name}.pptx"))
    expected = built_deck.slides()
    assert len(deck.slides) == len(expected)
    for slide, source in zip(deck.slides, expected):
        movies = [s for s in slide.shapes if s.shape_type == pptx.enum.shapes.MSO_SHAPE_TYPE.MEDIA]
        assert len(movies) == 1
        assert slide.has_notes_slide
        assert slide.notes_slide.notes_text_frame.text.strip() == source["notes"].strip()


def test_pdf_has_one_page_per_slide(built_deck: BuiltDeck) -> None:
    info = subprocess.run(
        ["pdfinfo", str(built_deck.out / f"{built_deck.name}.pdf")], capture_output=True, text=True, check=True
    ).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages == len(built_deck.slides())


def test_course_page_lists_the_deck(built_deck: BuiltDeck) -> None:
    soup = BeautifulSoup((built_deck.out / "index.html").read_text(), "html.parser")
    card = soup.select_one(f"article#{built_deck.name}")
    assert card is not None
    links = {a["href"] for a in card.find_all("a")}
    assert {f"{built_deck.name}.html", f"{built_deck.name}.pptx", f"{built_deck.name}.pdf"} <= links
    for href in links:
        assert (built_deck.out / href).is_file()
    assert (built_deck.out / card.find("img")["src"]).is_file()
    assert f"{len(built_deck.slides())} slides" in card.get_text()


def test_qt_presenter_runs_through_the_deck(built_deck: BuiltDeck) -> None:
    from manim_slides.config import Config

    keys = Config.from_file(ROOT / ".manim-slides.toml").keys
    assert {16777239, 16777236} <= set(keys.NEXT.ids), "PageDown and Right advance"
    assert {16777238, 16777234} <= set(keys.PREVIOUS.ids), "PageUp and Left go back"
    result = built_deck.make(
        "present",
        DECK=built_deck.name,
        PRESENT_FLAGS="--skip-all --exit-after-last-slide --playback-rate 25",
        QT_QPA_PLATFORM="offscreen",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[present]" in result.stdout


def test_second_build_does_nothing(built_deck: BuiltDeck) -> None:
    result = built_deck.make()
    assert result.returncode == 0, result.stderr
    assert "rendering" not in result.stdout and "[export]" not in result.stdout, result.stdout


def test_touching_every_source_rerenders_nothing(built_deck: BuiltDeck) -> None:
    """Rebuilds follow content: new timestamps on unchanged files (a checkout, a touch) render nothing."""
    files = [p for folder in ("slides", "model", "assets") for p in (ROOT / folder).rglob("*") if p.is_file()]
    originals = {p: p.stat() for p in files}
    later = time.time() + 2
    try:
        for path in files:
            os.utime(path, (later, later))
        result = built_deck.make()
    finally:
        for path, stat in originals.items():
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rendering" not in result.stdout and "[export]" not in result.stdout, result.stdout


def test_editing_one_scene_rerenders_only_that_scene(built_deck: BuiltDeck) -> None:
    source = ROOT / "slides" / "intro" / "welcome.py"
    original = source.read_bytes()
    stat = source.stat()
    try:
        source.write_bytes(original + b"\n# An edit that changes the file's content.\n")
        result = built_deck.make()
    finally:
        source.write_bytes(original)
        os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert result.returncode == 0, result.stderr
    rendered = re.findall(r"\] (\w+): rendering", result.stdout)
    assert rendered == ["Welcome"], result.stdout
    assert "sources changed since it was rendered" in result.stdout
    exported = re.findall(r"\[export\] \S+/(\S+):", result.stdout)
    expected = [f"{built_deck.name}{f}" for f in (".html", ".pdf", ".pptx", "-notes.html", "-handout.pdf")]
    assert sorted(exported) == sorted(expected)
    # Undoing the edit is a change of content too; after it the build is current again.
    result = built_deck.make()
    assert re.findall(r"\] (\w+): rendering", result.stdout) == ["Welcome"], result.stdout
    assert "rendering" not in built_deck.make().stdout


# A scene of many animations (43; about 20 s at the lowest quality): interrupted after its first,
# it is far from done, even on a loaded machine.
INTERRUPTED = ("AutomaticDifferentiation", "autodiff")


def test_interrupted_render_leaves_no_finished_file(built_deck: BuiltDeck, tmp_path: Path) -> None:
    scene, deck = INTERRUPTED
    build = tmp_path / "build"
    process = subprocess.Popen(
        [
            "make",
            "--no-print-directory",
            f"BUILD={build}",
            f"OUT={tmp_path / 'out'}",
            f"DECKS={deck}",
            "QUALITY=l",
            str(build / "slides" / f"{scene}.json"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env=user_env(),
        # A shell starts background jobs with interrupts ignored, and that is inherited: give the
        # build the disposition of a terminal's foreground job, which a user's Ctrl-C reaches.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout is not None
    for line in process.stdout:
        if f"{scene}: rendering" in line:
            break
    # Interrupt once manim has written its first animation, well before the scene ends.
    deadline = time.monotonic() + 120
    while not any((build / "media" / scene).rglob("partial_movie_files/*/*.mp4")):
        assert time.monotonic() < deadline and process.poll() is None, "the render never started writing"
        time.sleep(0.05)

    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=60)
    assert not (build / "slides" / f"{scene}.json").exists()
    result = run_make(str(build / "slides" / f"{scene}.json"), BUILD=str(build), OUT=str(tmp_path / "out"), DECKS=deck)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (build / "slides" / f"{scene}.json").is_file()


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def test_unknown_deck_for_present_is_one_clear_line() -> None:
    line = _one_line_error(run_make("present", DECK="nope"))
    assert "unknown deck 'nope'" in line and "intro" in line


def test_unknown_scene_for_scene_target_is_one_clear_line() -> None:
    line = _one_line_error(run_make("scene", SCENE="Nope"))
    assert "unknown scene 'Nope'" in line and "Welcome" in line


def test_deck_list_naming_a_missing_scene_is_one_clear_line(tmp_path: Path) -> None:
    decks_file = tmp_path / "decks.py"
    decks_file.write_text(
        "from slides.decks import Deck\n"
        "DECKS = (Deck('broken', 'Broken', 'A deck with a typo', ('Welcome', 'Welcom')),)\n"
    )
    line = _one_line_error(run_make("list", DECKS_FILE=str(decks_file), BUILD=str(tmp_path / "b")))
    assert "'Welcom'" in line and "Welcome" in line and "TorchNumber" in line
