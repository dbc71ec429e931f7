"""The course page ``presentations/index.html``: every deck with a thumbnail,
its number of slides, its running time and links to its HTML, PPTX and PDF.

Everything is relative, so copying ``presentations/`` to a web server or a USB
stick is enough.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

from slides.pipeline.catalog import DeckEntry

THUMB_WIDTH = 480


def deck_facts(deck: DeckEntry, build: Path) -> tuple[int, float]:
    """Number of slides and seconds of video of a rendered deck."""
    slides = 0
    seconds = 0.0
    for scene in deck.scenes:
        timing = json.loads((build / "timings" / f"{scene}.json").read_text(encoding="utf-8"))
        slides += int(timing["slides"])
        seconds += float(timing["video_s"])
    return slides, seconds


def write_thumbnail(deck: DeckEntry, build: Path, dest: Path) -> None:
    """The last frame of the deck's first slide, small, as JPEG."""
    import av

    first = json.loads((build / "slides" / f"{deck.scenes[0]}.json").read_text(encoding="utf-8"))
    frame = None
    with av.open(first["slides"][0]["file"]) as container:
        for frame in container.decode(video=0):
            pass
    if frame is None:
        return
    image = frame.to_image()
    image.thumbnail((THUMB_WIDTH, THUMB_WIDTH))
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp")
    image.save(tmp, format="JPEG", quality=85)
    os.replace(tmp, dest)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def write_index(decks: tuple[DeckEntry, ...], build: Path, out: Path) -> Path:
    cards = []
    for deck in decks:
        slides, seconds = deck_facts(deck, build)
        thumb = out / "thumbs" / f"{deck.name}.jpg"
        write_thumbnail(deck, build, thumb)
        name = html.escape(deck.name)
        cards.append(
            f"""    <article class="deck" id="{name}">
      <a href="{name}.html"><img src="thumbs/{name}.jpg" alt="First slide of {html.escape(deck.title)}" width="{THUMB_WIDTH}"></a>
      <div class="about">
        <h2><a href="{name}.html">{html.escape(deck.title)}</a></h2>
        <p>{html.escape(deck.summary)}</p>
        <p class="facts"><span class="slides">{slides} slides</span> · <span class="time">{_duration(seconds)}</span> of animation</p>
        <p class="links"><a href="{name}.html">Slides (HTML)</a> <a href="{name}-notes.html">Reading view</a> <a href="{name}-handout.pdf">Handout with notes (PDF)</a> <a href="{name}.pptx">PowerPoint</a> <a href="{name}.pdf">Slides only (PDF)</a></p>
      </div>
    </article>"""
        )
    page = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Lecture decks</title>
  <style>
    body {{ font-family: "DejaVu Sans", Verdana, sans-serif; background: #15171C; color: #F5F5F5; margin: 0 auto; max-width: 1100px; padding: 2rem; }}
    h1 {{ font-size: 2rem; }}
    a {{ color: #56B4E9; }}
    .deck {{ display: flex; gap: 1.5rem; background: #23262E; border-radius: 10px; padding: 1rem; margin: 1rem 0; }}
    .deck img {{ width: 320px; height: auto; border-radius: 6px; }}
    .deck h2 {{ margin: 0 0 .5rem 0; }}
    .facts {{ color: #9AA0A6; }}
    .links a {{ margin-right: 1rem; }}
    footer {{ color: #9AA0A6; margin-top: 2rem; font-size: .9rem; }}
  </style>
</head>
<body>
  <h1>Lecture decks</h1>
  <p>Open a deck and move through it with Space, PageDown / PageUp, the arrow keys or a presentation clicker; Enter pauses and plays a moving slide; R opens the reading view at the current slide; S opens the speaker notes and ? lists every key. The reading view and the handout give every slide with its description and notes, to read after the lecture or with a screen reader. Every file here works offline.</p>
  <main>
{chr(10).join(cards)}
  </main>
  <footer>Every number, shape and curve on these slides is computed by the course's PyTorch package.</footer>
</body>
</html>
"""
    dest = out / "index.html"
    tmp = dest.with_name(".index.html.tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, dest)
    print(f"[index] {dest}: {len(decks)} decks", flush=True)
    return dest
