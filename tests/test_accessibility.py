"""Decks that speak to students after the lecture: every slide in words, in every output.

The small tour deck is built through the real Makefile (the ``built_deck`` fixture); the pages
are checked in headless Chromium with axe-core, the handout with poppler, the PowerPoint with
python-pptx. One ResNet scene is rendered to check that its description holds the numbers
torch computes.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
from pathlib import Path

import numpy as np
import pptx
import pytest
import tomllib
import torch
import torch.nn.functional as F
from bs4 import BeautifulSoup

from slides.pipeline.system import axe_core_path
from tests.conftest import ROOT, BuiltDeck, run_make
from tests.test_intro_deck import _reference_resnet18_parameters

pytestmark = pytest.mark.slow

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Qt key codes in .manim-slides.toml.
QT_SPACE, QT_RETURN = 32, 16777220


def _words(text: str) -> str:
    return " ".join(text.split())


# --- every slide has words ------------------------------------------------------------------


def test_every_slide_has_a_description_with_its_numbers(built_deck: BuiltDeck) -> None:
    slides = built_deck.slides()
    for slide in slides:
        assert slide["text"]["description"].strip(), slide
    # The tour's one number, recounted layer by layer with torch modules.
    count = f"{_reference_resnet18_parameters():,}"
    showing = [s for s in slides if count in s["notes"]]
    assert showing, "the tour deck has a slide about ResNet-18's parameter count"
    assert all(count in s["text"]["description"] for s in showing)


def test_convolution_description_holds_the_output_torch_computes(tmp_path: Path) -> None:
    from model.convolution import EDGE_KERNEL, edge_patch

    def image_patch() -> np.ndarray:
        return edge_patch().convolution.input

    result = run_make("scene", SCENE="HowConvolutionWorks", BUILD=str(tmp_path / "build"))
    assert result.returncode == 0, result.stdout + result.stderr
    slides = json.loads((tmp_path / "build" / "slides" / "HowConvolutionWorks.json").read_text())["slides"]
    patch = torch.tensor(image_patch(), dtype=torch.float64)
    output = F.conv2d(patch[None, None], torch.tensor(EDGE_KERNEL, dtype=torch.float64)[None, None])[0, 0]
    # The slide where the output grid is full reads it row by row, as the scene writes its numbers.
    rows = [" ".join(f"{v:g}".replace("-", "\u2212") for v in row) for row in output.numpy()]
    full = [s for s in slides if all(row in s["text"]["description"] for row in rows)]
    assert full, f"no slide reads the output rows {rows}: {[s['text']['description'] for s in slides]}"
    # And the input patch, whole grey levels, row by row.
    patch_rows = [" ".join(f"{v:g}" for v in row) for row in np.asarray(image_patch())]
    assert all(row in slides[0]["text"]["description"] for row in patch_rows), slides[0]["text"]


# --- the HTML deck --------------------------------------------------------------------------


def test_html_deck_carries_each_slides_text(built_deck: BuiltDeck) -> None:
    soup = BeautifulSoup((built_deck.out / f"{built_deck.name}.html").read_text(), "html.parser")
    assert soup.html["lang"] == "en"
    viewport = soup.find("meta", attrs={"name": "viewport"})["content"]
    assert "user-scalable=no" not in viewport and "maximum-scale" not in viewport
    from slides.pipeline.catalog import load_decks, select

    (deck,) = select(load_decks(), [built_deck.name])
    assert soup.find("h1").get_text(strip=True) == deck.title
    assert soup.find("a", href=f"{built_deck.name}-notes.html") is not None
    sections = soup.select("div.slides > section")
    slides = built_deck.slides()
    assert len(sections) == len(slides)
    for section, slide in zip(sections, slides):
        text = slide["text"]
        heading = section.find("h2")
        assert heading.get_text(strip=True) == (text["heading"] or deck.title)
        paragraph = _words(section.find("p").get_text()) if section.find("p") else ""
        # The paragraph is the description, less the heading that the h2 already says.
        rest = _words(text["description"]).removeprefix(_words(text["heading"])).removeprefix(".").strip()
        assert paragraph == rest
        assert _words(text["description"]).startswith(_words(text["heading"]))
        notes = section.find("aside", class_="notes").get_text()
        assert _words(notes) == _words(slide["notes"]), "the speaker view shows the notes only"


def test_space_moves_on_and_enter_pauses_a_looping_slide(built_deck: BuiltDeck, browser) -> None:
    slides = built_deck.slides()
    looping = next(i for i, s in enumerate(slides) if s["loop"])
    video = "Reveal.getCurrentSlide().slideBackgroundContentElement.querySelector('video')"
    page = browser.new_context(offline=True).new_page()
    page.goto((built_deck.out / f"{built_deck.name}.html").as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=15000)
    for index in range(1, looping + 1):
        page.keyboard.press("Space")
        page.wait_for_function(f"() => Reveal.getIndices().h === {index}", timeout=5000)
    page.wait_for_function(
        f"() => {{ const v = {video}; return v && v.loop && !v.paused && v.currentTime > 0; }}", timeout=10000
    )
    page.keyboard.press("Enter")
    assert page.evaluate(f"{video}.paused")
    stopped_at = page.evaluate(f"{video}.currentTime")
    page.wait_for_timeout(400)
    assert page.evaluate(f"{video}.currentTime") == stopped_at
    assert page.evaluate("Reveal.getIndices().h") == looping, "Enter pauses, it does not move on"
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => !{video}.paused && {video}.currentTime !== {stopped_at}", timeout=5000)
    # The browser's own search finds the slide's words.
    assert page.evaluate("(t) => window.find(t)", "On screen: " + "; ".join(slides[looping]["text"]["text"]))
    page.keyboard.press("Shift+?")
    help_text = page.inner_text(".r-overlay-help-content")
    page.keyboard.press("Escape")
    # R opens the reading view at the slide on screen.
    page.keyboard.press("r")
    page.wait_for_url(f"**/{built_deck.name}-notes.html#slide-{looping + 1}", timeout=5000)
    assert re.search(r"ENTER\s+Pause / play", help_text), help_text
    assert re.search(r"N , SPACE\s+Next slide", help_text), help_text
    assert re.search(r"R\s+Reading view", help_text), help_text


def test_keys_agree_in_both_presenters_and_the_docs(built_deck: BuiltDeck) -> None:
    keys = tomllib.loads((ROOT / ".manim-slides.toml").read_text())["keys"]
    assert QT_SPACE in keys["NEXT"]["ids"] and QT_RETURN in keys["PLAY_PAUSE"]["ids"]
    assert QT_SPACE not in keys["PLAY_PAUSE"]["ids"]
    readme = _words((ROOT / "README.md").read_text())
    assert "arrow keys and Space move through the slides; Enter pauses and plays" in readme
    page = _words(BeautifulSoup((built_deck.out / "index.html").read_text(), "html.parser").get_text())
    assert "Space" in page and "Enter pauses and plays" in page


# --- axe-core: WCAG 2.0 / 2.1, levels A and AA ----------------------------------------------


def test_pages_have_no_wcag_violations(built_deck: BuiltDeck, browser) -> None:
    axe = axe_core_path()
    assert axe.is_file(), f"axe-core is missing at {axe}; run `make setup`"
    pages = ["index.html", f"{built_deck.name}.html", f"{built_deck.name}-notes.html"]
    found: dict[str, list[str]] = {}
    context = browser.new_context(offline=True)
    for name in pages:
        page = context.new_page()
        page.goto((built_deck.out / name).as_uri())
        page.wait_for_load_state("load")
        if name.endswith(f"{built_deck.name}.html"):
            page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=15000)
        page.add_script_tag(path=str(axe))
        result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
        assert result["passes"], f"axe checked nothing on {name}"
        found[name] = [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in result["violations"]]
    assert found == {name: [] for name in pages}


# --- the reading view and the handout -------------------------------------------------------


def test_reading_view_shows_every_slide_with_its_description_and_notes(built_deck: BuiltDeck) -> None:
    from PIL import Image

    page = built_deck.out / f"{built_deck.name}-notes.html"
    soup = BeautifulSoup(page.read_text(), "html.parser")
    scenes = built_deck.scene_slides()
    slides = built_deck.slides()
    articles = soup.select("article.slide")
    assert len(articles) == len(slides)
    assert len(soup.select("main section > h2")) == len(scenes), "one heading per scene"
    for article, slide in zip(articles, slides):
        image = article.find("img")
        assert image["alt"] == slide["text"]["description"]
        path = page.parent / image["src"]
        assert path.is_file() and not re.match(r"https?://", image["src"])
        with Image.open(path) as picture:
            assert picture.format == "JPEG" and picture.width >= 640
        assert _words(article.select_one(".notes").get_text()) == _words(slide["notes"])
    links = {a["href"] for a in soup.find_all("a")}
    assert {f"{built_deck.name}.html", f"{built_deck.name}-handout.pdf", "index.html"} <= links


def test_handout_has_two_slides_a_page_with_their_notes_as_text(built_deck: BuiltDeck) -> None:
    pdf = built_deck.out / f"{built_deck.name}-handout.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    slides = built_deck.slides()
    # A title page with the scenes, then two slides a page.
    assert pages == 1 + math.ceil(len(slides) / 2)
    text = _words(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    for slide in slides:
        assert _words(slide["notes"]) in text
    # Each page after the title carries its slides' pictures.
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len([line for line in images.splitlines()[2:] if line.strip()]) >= len(slides)


def test_pptx_movies_have_the_descriptions_as_alt_text(built_deck: BuiltDeck) -> None:
    deck = pptx.Presentation(str(built_deck.out / f"{built_deck.name}.pptx"))
    slides = built_deck.slides()
    assert len(deck.slides) == len(slides)
    for page, slide in zip(deck.slides, slides):
        movies = [s for s in page.shapes if s.shape_type == pptx.enum.shapes.MSO_SHAPE_TYPE.MEDIA]
        assert len(movies) == 1
        assert movies[0]._element.nvPicPr.cNvPr.get("descr") == slide["text"]["description"]
        assert page.notes_slide.notes_text_frame.text.strip() == slide["notes"].strip()


def test_course_page_links_the_reading_view_and_the_handout(built_deck: BuiltDeck) -> None:
    soup = BeautifulSoup((built_deck.out / "index.html").read_text(), "html.parser")
    card = soup.select_one(f"article#{built_deck.name}")
    links = {a["href"] for a in card.find_all("a")}
    assert {f"{built_deck.name}-notes.html", f"{built_deck.name}-handout.pdf"} <= links
    for href in links:
        assert (built_deck.out / href).is_file()


@pytest.mark.parametrize("fmt", ["notes", "html", "pptx"])
def test_a_slide_without_text_stops_the_export_in_one_line(built_deck: BuiltDeck, tmp_path: Path, fmt: str) -> None:
    import sys

    build = tmp_path / "build"
    (build / "slides").mkdir(parents=True)
    for path in (built_deck.build / "slides").glob("*.json"):
        record = json.loads(path.read_text())
        for slide in record["slides"]:
            slide["file"] = str((built_deck.build / slide["file"]).resolve())
            slide["rev_file"] = str((built_deck.build / slide["rev_file"]).resolve())
            if path.stem == "Welcome":
                del slide["text"]  # as a render from before descriptions existed left it
        (build / "slides" / path.name).write_text(json.dumps(record))
    out = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "slides.pipeline",
            "--build",
            str(build),
            "--out",
            str(out),
            "export",
            fmt,
            built_deck.name,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert (
        len(lines) == 1 and "Welcome slide 1 has no description" in lines[0] and "make scene SCENE=Welcome" in lines[0]
    )
    assert "Traceback" not in result.stderr
    # Nothing is left where make or a web server would take it as finished.
    left = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
    assert left == [], left
