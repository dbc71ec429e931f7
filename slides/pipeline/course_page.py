"""The course page ``presentations/index.html``: every deck with a thumbnail,
its number of slides, its running time, the quality and time it was rendered at,
and links to its HTML, PPTX and PDF, in each theme it was exported in.

The page is built from what lies in the output folder, not from what the last
``make`` built: each export writes a small record beside itself
(``meta/<file>.json``: deck, theme, quality, render time, slides, seconds), so
``make DECKS=intro`` rewrites the page with every deck still listed, and a page
whose decks were rendered at different qualities says so.

Everything is relative, so copying ``presentations/`` to a web server or a USB
stick is enough.
"""

from __future__ import annotations

import html
import json
import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from slides.pipeline.catalog import Deck
from slides.theme import DEFAULT_THEME, THEMES

THUMB_WIDTH = 480
# Each export of a deck: the end of its file name after the deck's stem, and its link text.
SUFFIXES = {
    "html": ".html",
    "notes": "-notes.html",
    "handout": "-handout.pdf",
    "pptx": ".pptx",
    "pdf": ".pdf",
}
FORMATS = tuple(SUFFIXES)
FORMAT_LABELS = {
    "html": "Slides (HTML)",
    "notes": "Reading view",
    "handout": "Handout with notes (PDF)",
    "pptx": "PowerPoint",
    "pdf": "Slides only (PDF)",
}
THEME_LABELS = {"dark": "Dark", "light": "Light, for printing and bright rooms"}
RESOLUTIONS = {"l": "480p15", "m": "720p30", "h": "1080p60", "k": "2160p60"}
META_DIR = "meta"
THUMB_DIR = "thumbs"
# The page itself is dark; its colours are the dark theme's, whatever theme was built.
PAGE_COLOURS = THEMES["dark"]


def output_stem(deck: str, theme: str) -> str:
    """File name (without extension) of a deck's exports: ``resnet``, ``resnet-light``."""
    return deck if theme == DEFAULT_THEME else f"{deck}-{theme}"


# --- written by each export -------------------------------------------------------


def record_export(fmt: str, deck: Deck, theme: str, build: Path, out: Path, exported: Path) -> Path:
    """Write ``meta/<file>.json`` for an export that was just moved into place
    (and, for the HTML, the deck's thumbnail), each through a temporary name."""
    slides = 0
    seconds = 0.0
    qualities = set()
    for scene in deck.scenes:
        timing = json.loads((build / "timings" / f"{scene}.json").read_text(encoding="utf-8"))
        slides += int(timing["slides"])
        seconds += float(timing["video_s"])
        qualities.add(str(timing.get("quality", "")))
    rendered = max((build / "slides" / f"{scene}.json").stat().st_mtime for scene in deck.scenes)
    stem = output_stem(deck.name, theme)
    if fmt == "html":
        write_thumbnail(deck, build, out / THUMB_DIR / f"{stem}.jpg")
    stat = exported.stat()
    record = {
        "deck": deck.name,
        "theme": theme,
        "format": fmt,
        "file": exported.name,
        "quality": "+".join(sorted(qualities)),
        "rendered": _iso(rendered),
        "exported": _iso(time.time()),
        "slides": slides,
        "video_s": round(seconds, 3),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
    }
    dest = out / META_DIR / f"{exported.name}.json"
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(record, indent=2), encoding="utf-8")
    os.replace(tmp, dest)
    return dest


def write_thumbnail(deck: Deck, build: Path, dest: Path) -> None:
    """The last frame of the deck's first slide, small, as JPEG."""
    import av

    first = json.loads((build / "slides" / f"{deck.scenes[0]}.json").read_text(encoding="utf-8"))
    frame = None
    with av.open(build / first["slides"][0]["file"]) as container:
        for frame in container.decode(video=0):  # noqa: B007 - keeps the last frame
            pass
    if frame is None:
        return
    image = frame.to_image()
    image.thumbnail((THUMB_WIDTH, THUMB_WIDTH))
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    image.save(tmp, format="JPEG", quality=85)
    os.replace(tmp, dest)


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- read back by the page ---------------------------------------------------------


@dataclass(frozen=True)
class Export:
    fmt: str
    file: str
    record: dict | None  # None: no record, or one that describes an older file

    @property
    def quality(self) -> str:
        return self.record["quality"] if self.record else ""

    @property
    def rendered(self) -> str:
        return self.record["rendered"] if self.record else ""


@dataclass(frozen=True)
class Variant:
    theme: str
    stem: str
    exports: tuple[Export, ...]


def find_exports(out: Path, stem: str) -> tuple[Export, ...]:
    found = []
    for fmt, suffix in SUFFIXES.items():
        path = out / f"{stem}{suffix}"
        if not path.is_file():
            continue
        found.append(Export(fmt, path.name, _record(out, path)))
    return tuple(found)


def _record(out: Path, path: Path) -> dict | None:
    """The export's record, if it describes this very file (same size and time)."""
    try:
        record = json.loads((out / META_DIR / f"{path.name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    stat = path.stat()
    if record.get("size") != stat.st_size or record.get("mtime_ns") != stat.st_mtime_ns:
        return None
    return record


def variants(deck: Deck, out: Path) -> tuple[Variant, ...]:
    found = []
    for theme in THEMES:
        stem = output_stem(deck.name, theme)
        exports = find_exports(out, stem)
        if exports:
            found.append(Variant(theme, stem, exports))
    return tuple(found)


def quality_label(quality: str) -> str:
    if not quality:
        return "quality not recorded"
    return "+".join(RESOLUTIONS.get(q, q) for q in quality.split("+"))


def _when(iso: str) -> str:
    if not iso:
        return ""
    shown = iso.replace("T", " ").removesuffix("Z")[:16]
    return f' on <time datetime="{html.escape(iso)}">{html.escape(shown)} UTC</time>'


def _rendered(exports: tuple[Export, ...]) -> str:
    """``rendered at 720p30 on <time>``, per format when the formats disagree."""
    facts = {(e.quality, e.rendered) for e in exports}
    if len(facts) == 1:
        quality, rendered = facts.pop()
        return f'<span class="quality">rendered at {quality_label(quality)}</span>{_when(rendered)}'
    return "; ".join(
        f'{e.fmt.upper()} <span class="quality">rendered at {quality_label(e.quality)}</span>{_when(e.rendered)}'
        for e in exports
    )


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def _card(deck: Deck, found: tuple[Variant, ...], out: Path) -> str:
    name = html.escape(deck.name)
    title = html.escape(deck.title)
    first = found[0]
    main_link = html.escape(first.exports[0].file)
    thumb = next((f"{THUMB_DIR}/{v.stem}.jpg" for v in found if (out / THUMB_DIR / f"{v.stem}.jpg").is_file()), None)
    image = (
        f'<a href="{main_link}"><img src="{html.escape(thumb)}" alt="First slide of {title}" width="{THUMB_WIDTH}"></a>'
        if thumb
        else ""
    )
    record = next((e.record for v in found for e in v.exports if e.record), None)
    facts = ""
    if record:
        facts = (
            f'<p class="facts"><span class="slides">{record["slides"]} slides</span> · '
            f'<span class="time">{_duration(record["video_s"])}</span> of animation</p>'
        )
    rows = []
    for variant in found:
        links = " ".join(f'<a href="{html.escape(e.file)}">{FORMAT_LABELS[e.fmt]}</a>' for e in variant.exports)
        label = ""
        if len(found) > 1 or variant.theme != DEFAULT_THEME:
            label = f'<span class="theme">{html.escape(THEME_LABELS.get(variant.theme, variant.theme))}:</span> '
        rows.append(
            f'<div class="variant" data-theme="{html.escape(variant.theme)}">'
            f'<p class="links">{label}{links}</p>'
            f'<p class="rendered">{_rendered(variant.exports)}</p></div>'
        )
    return f"""    <article class="deck" id="{name}">
      {image}
      <div class="about">
        <h2><a href="{main_link}">{title}</a></h2>
        <p>{html.escape(deck.summary)}</p>
        {facts}
        {chr(10).join("        " + row for row in rows).lstrip()}
      </div>
    </article>"""


def leftovers(decks: tuple[Deck, ...], out: Path) -> list[str]:
    """Files in the output folder that belong to no deck of the deck list."""
    known = {output_stem(d.name, theme) for d in decks for theme in THEMES}
    found = []
    for path in sorted(out.iterdir()) if out.is_dir() else ():
        if path.name.startswith(".") or path.name == "index.html":
            continue
        if path.is_dir() and path.name.endswith("_assets"):
            stem = path.name.removesuffix("_assets").removesuffix("-notes")
        elif path.is_file() and path.suffix in (".html", ".pdf", ".pptx"):
            stem = path.stem.removesuffix("-notes").removesuffix("-handout")
        else:
            continue
        if stem not in known:
            found.append(path.name + ("/" if path.is_dir() else ""))
    for folder, suffix in ((THUMB_DIR, ".jpg"), (META_DIR, ".json")):
        for path in sorted((out / folder).glob(f"*{suffix}")):
            stem = path.name.removesuffix(suffix)
            if folder == META_DIR:
                stem = stem.rpartition(".")[0].removesuffix("-notes").removesuffix("-handout")
            if stem not in known:
                found.append(f"{folder}/{path.name}")
    return found


def write_index(decks: tuple[Deck, ...], out: Path, decks_file: Path | None = None) -> Path:
    """Rewrite the page from every export of the deck list found in ``out``."""
    cards = []
    qualities: dict[str, list[str]] = {}
    listed = 0
    for deck in decks:
        found = variants(deck, out)
        if not found:
            continue
        listed += 1
        cards.append(_card(deck, found, out))
        for variant in found:
            for export in variant.exports:
                names = qualities.setdefault(quality_label(export.quality), [])
                if variant.stem not in names:
                    names.append(variant.stem)
    notice = ""
    if len(qualities) > 1:
        parts = "; ".join(f"{html.escape(q)}: {html.escape(', '.join(names))}" for q, names in qualities.items())
        notice = f'  <p class="notice">These decks were rendered at different qualities ({parts}).</p>\n'
    colours = PAGE_COLOURS
    page = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Lecture decks</title>
  <style>
    body {{ font-family: "DejaVu Sans", Verdana, sans-serif; background: {colours["BACKGROUND"]}; color: {colours["WHITE"]}; margin: 0 auto; max-width: 1100px; padding: 2rem; }}
    h1 {{ font-size: 2rem; }}
    a {{ color: {colours["SKY_BLUE"]}; }}
    .deck {{ display: flex; gap: 1.5rem; background: {colours["PANEL"]}; border-radius: 10px; padding: 1rem; margin: 1rem 0; }}
    .deck img {{ width: 320px; height: auto; border-radius: 6px; }}
    .deck h2 {{ margin: 0 0 .5rem 0; }}
    .facts, .rendered {{ color: {colours["GREY"]}; }}
    .rendered {{ margin-top: 0; font-size: .9rem; }}
    .notice {{ color: {colours["YELLOW"]}; }}
    .links a {{ margin-right: 1rem; }}
    .links .theme {{ margin-right: .5rem; }}
    footer {{ color: {colours["GREY"]}; margin-top: 2rem; font-size: .9rem; }}
  </style>
</head>
<body>
  <h1>Lecture decks</h1>
  <p>Open a deck and move through it with Space, PageDown / PageUp, the arrow keys or a presentation clicker; Enter pauses and plays a moving slide; R opens the reading view at the current slide; S opens the speaker notes and ? lists every key. The reading view and the handout give every slide with its description and notes, to read after the lecture or with a screen reader. Every file here works offline.</p>
{notice}  <main>
{chr(10).join(cards)}
  </main>
  <footer>Every number, shape and curve on these slides is computed by the course's PyTorch package.</footer>
</body>
</html>
"""
    out.mkdir(parents=True, exist_ok=True)
    dest = out / "index.html"
    tmp = dest.with_name(f".index.html.{os.getpid()}.tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, dest)
    print(f"[index] {dest}: {listed} of {len(decks)} decks", flush=True)
    stale = leftovers(decks, out)
    if stale:
        where = f" {decks_file}" if decks_file else " the deck list"
        print(
            f"[index] not in the deck list, so not on the page: {' '.join(stale)} "
            f"(delete them, or add the deck back to{where})",
            flush=True,
        )
    return dest
