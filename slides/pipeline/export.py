"""Export a rendered deck to HTML (offline reveal.js), PPTX and PDF.

Each export is written into a temporary folder beside ``presentations/`` and
moved into place only when manim-slides succeeded, so a half-written deck never
sits where ``make`` or a web server would take it as finished.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from slides.pipeline.catalog import ROOT, Deck, PipelineError
from slides.pipeline.course_page import output_stem, record_export
from slides.theme import DEFAULT_THEME

LOG_TAIL_LINES = 20

# reveal.js options passed to manim-slides' template. PageDown/PageUp and the
# arrows are reveal's own defaults; `hash` keeps the slide in the address bar.
REVEAL_OPTIONS = {
    "hash": "true",
    "slide_number": "true",
    "controls": "true",
    "progress": "true",
}


# The project's HTML template for manim-slides (`--use-template`).
DECK_TEMPLATE = Path(__file__).resolve().parent / "templates" / "deck.html"
# Joins a slide's notes, heading and description in the notes field the template reads.
TEXT_SEPARATOR = "\x1e"


class ExportError(PipelineError):
    """An export that failed; the message is one line for the user."""


def export(fmt: str, deck: Deck, build: Path, out: Path, theme: str = DEFAULT_THEME) -> Path:
    """Export ``deck`` as ``out/<deck>.<fmt>`` (``<deck>-light.<fmt>`` for the light theme)."""
    if fmt in ("notes", "handout"):
        from slides.pipeline.reading import write_handout, write_reading_view

        written = (write_reading_view if fmt == "notes" else write_handout)(deck, build, out, theme)
        record_export(fmt, deck, theme, build, out, written)
        return written
    out.mkdir(parents=True, exist_ok=True)
    folder = build / "slides"
    logs = build / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    stem = output_stem(deck.name, theme)
    log_path = logs / f"export-{stem}-{fmt}.log"
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f".{stem}-{fmt}-", dir=out) as tmp_name:
        tmp = Path(tmp_name)
        dest = tmp / f"{stem}.{fmt}"
        command = [
            sys.executable,
            "-m",
            "manim_slides",
            "convert",
            "--folder",
            str(folder),
            "--to",
            fmt,
            *deck.scenes,
            str(dest),
        ]
        if fmt == "html":
            command[command.index("--folder") + 1] = str(deck_text_configs(deck, folder, tmp / "slides"))
            command += ["--use-template", str(DECK_TEMPLATE)]
            command += ["--offline", "-c", f"title={deck.title}"]
            for key, value in REVEAL_OPTIONS.items():
                command += ["-c", f"{key}={value}"]
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        with log_path.open("w", encoding="utf-8") as log:
            result = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        if result.returncode != 0 or not dest.is_file():
            tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-LOG_TAIL_LINES:]
            print("\n".join(f"    {line}" for line in tail), file=sys.stderr)
            raise ExportError(f"{stem}.{fmt}: manim-slides convert failed; full log: {log_path}")
        if fmt == "pptx":
            describe_pptx_movies(dest, slide_texts(deck, folder))
        final = out / dest.name
        if fmt == "html":
            # Move the assets folder first and the page last: the page is the make target.
            assets = tmp / f"{stem}_assets"
            final_assets = out / assets.name
            if final_assets.exists():
                shutil.rmtree(final_assets)
            assets.replace(final_assets)
        os.replace(dest, final)
    # The course page reads the deck's quality and render time from this record.
    record_export(fmt, deck, theme, build, out, final)
    size = _size(final) + (_size(out / f"{stem}_assets") if fmt == "html" else 0)
    print(
        f"[export] {final.relative_to(ROOT) if final.is_relative_to(ROOT) else final}: "
        f"{size / 1e6:.1f} MB in {time.monotonic() - started:.1f} s",
        flush=True,
    )
    return final


def slide_texts(deck: Deck, folder: Path) -> list[dict]:
    """Each slide's text record (heading, description), in the deck's order."""
    texts: list[dict] = []
    for scene in deck.scenes:
        record = json.loads((folder / f"{scene}.json").read_text(encoding="utf-8"))
        for number, slide in enumerate(record["slides"], start=1):
            text = slide.get("text")
            if not text or not str(text.get("description", "")).strip():
                raise ExportError(
                    f"{deck.name}: {scene} slide {number} has no description; "
                    f"re-render it with `make scene SCENE={scene}`"
                )
            texts.append(text)
    return texts


def deck_text_configs(deck: Deck, folder: Path, dest: Path) -> Path:
    """Copies of the deck's slide lists whose notes field carries each slide's text too.

    manim-slides' models keep only the fields they know, so the heading and description
    reach the HTML template inside the notes field, after the notes, each behind
    ``TEXT_SEPARATOR``; the template splits them apart again. Video paths become absolute,
    as the copies live in another folder.
    """
    slide_texts(deck, folder)  # every slide has its text, or one line says which does not
    dest.mkdir(parents=True, exist_ok=True)
    for scene in deck.scenes:
        record = json.loads((folder / f"{scene}.json").read_text(encoding="utf-8"))
        for slide in record["slides"]:
            for key in ("file", "rev_file"):
                if slide.get(key):
                    slide[key] = str((folder.parent / slide[key]).resolve())
            heading, description = slide["text"].get("heading", ""), slide["text"]["description"]
            # The page shows the heading as a heading: the paragraph below need not repeat it.
            if heading and description.startswith(heading):
                description = description[len(heading) :].removeprefix(".").strip()
            parts = (slide.get("notes", ""), heading, description)
            if any(TEXT_SEPARATOR in part for part in parts):
                raise ExportError(f"{deck.name}: {scene} has a slide whose text contains the character U+001E")
            slide["notes"] = TEXT_SEPARATOR.join(parts)
        (dest / f"{scene}.json").write_text(json.dumps(record), encoding="utf-8")
    return dest


def describe_pptx_movies(path: Path, texts: list[dict]) -> None:
    """Give each slide's video its description as alternative text (PowerPoint's "Alt Text")."""
    import pptx
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    deck = pptx.Presentation(str(path))
    if len(deck.slides) != len(texts):
        raise ExportError(f"{path.name}: {len(deck.slides)} slides but {len(texts)} slide descriptions")
    for slide, text in zip(deck.slides, texts):
        for shape in slide.shapes:
            if shape.shape_type == MSO_SHAPE_TYPE.MEDIA:
                # python-pptx has no property for it: the `descr` attribute of the shape's cNvPr.
                properties = shape._element.nvPicPr.cNvPr
                properties.set("descr", text["description"])
                if text.get("heading"):
                    properties.set("title", text["heading"])
    deck.save(str(path))


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size if path.exists() else 0
