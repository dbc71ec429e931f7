"""The students' outputs: the reading view ``<deck>-notes.html`` and the handout ``<deck>-handout.pdf``.

The reading view shows every slide as it looks when it ends, with the slide's description as the
picture's alternative text, followed by the notes the lecturer says over it, under a heading
per scene. It works offline and prints two slides a page after a title page. The handout is that
page printed to PDF by headless Chromium, so its text is real text (selectable, searchable).

Both are written into a temporary name beside their final place and moved there only when
complete, so a half-written file never passes for a finished one.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from slides.pipeline.catalog import ROOT, Deck, PipelineError
from slides.pipeline.course_page import output_stem
from slides.theme import DEFAULT_THEME

# Slide pictures: wide enough for a printed A4 page at about 170 dpi, small enough to load fast.
IMAGE_WIDTH = 1280
JPEG_QUALITY = 82
PRINT_TIMEOUT_S = 300


class ReadingError(PipelineError):
    """A reading view or handout that could not be written; one line for the user."""


@dataclass(frozen=True)
class ReadingSlide:
    scene: str
    number: int  # in the whole deck, from 1
    video: Path
    heading: str
    description: str
    notes: str


def reading_name(deck: Deck, theme: str = DEFAULT_THEME) -> str:
    return f"{output_stem(deck.name, theme)}-notes.html"


def handout_name(deck: Deck, theme: str = DEFAULT_THEME) -> str:
    return f"{output_stem(deck.name, theme)}-handout.pdf"


def deck_slides(deck: Deck, build: Path) -> list[ReadingSlide]:
    """Every slide of the deck with its text, in order, from the records the render kept."""
    folder = build / "slides"
    slides: list[ReadingSlide] = []
    for scene in deck.scenes:
        path = folder / f"{scene}.json"
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ReadingError(f"{deck.name}: cannot read {path} ({error}); run make again") from None
        for number, slide in enumerate(record["slides"], start=1):
            text = slide.get("text") or {}
            description = str(text.get("description", "")).strip()
            if not description:
                raise ReadingError(
                    f"{deck.name}: {scene} slide {number} has no description; "
                    f"re-render it with `make scene SCENE={scene}`"
                )
            slides.append(
                ReadingSlide(
                    scene=scene,
                    number=len(slides) + 1,
                    video=(folder.parent / slide["file"]).resolve(),
                    heading=str(text.get("heading", "")).strip(),
                    description=description,
                    notes=slide.get("notes", "").strip(),
                )
            )
    return slides


def slide_picture(slides: list[ReadingSlide], index: int):
    """The slide as it ends, as a PIL image.

    manim writes an animation's frames up to one frame before its end, so the finished state
    of a slide is the first frame of the next slide of the same scene; a scene's last slide
    is its video's last frame.
    """
    slide = slides[index]
    following = slides[index + 1] if index + 1 < len(slides) else None
    if following is not None and following.scene == slide.scene:
        return _frame(following.video, last=False)
    return _frame(slide.video, last=True)


def _frame(video: Path, *, last: bool):
    import av

    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        # For the last frame, jump close to the end, then decode forward.
        if last and container.duration and container.duration > 1_000_000:
            container.seek(container.duration - 1_000_000, backward=True, any_frame=False)
        frame = None
        for frame in container.decode(stream):  # noqa: B007 - keeps the last frame
            if not last:
                break
    if frame is None:
        raise ReadingError(f"{video} holds no video frame; re-render its scene")
    return frame.to_image()


def scene_title(scene: str, slides: list[ReadingSlide]) -> str:
    """A scene's heading: its first slide heading, else its class name in words."""
    for slide in slides:
        if slide.heading:
            return slide.heading
    words = re.findall(r"[A-Z]+(?=[A-Z][a-z]|\d|$)|[A-Z]?[a-z]+|\d+", scene)
    return " ".join([words[0]] + [w if w.isupper() else w.lower() for w in words[1:]]) if words else scene


def _paragraphs(text: str) -> str:
    parts = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n".join(f"        <p>{html.escape(' '.join(p.split()))}</p>" for p in parts)


STYLE = """
    :root { color-scheme: light; }
    body { font-family: "DejaVu Sans", Verdana, sans-serif; line-height: 1.5; color: #1A1A1A;
           background: #FFFFFF; margin: 0 auto; max-width: 60rem; padding: 1.5rem; }
    a { color: #0B5394; }
    header p { margin: .3rem 0; }
    .links { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; }
    h2 { margin-top: 2.5rem; border-bottom: 2px solid #555555; }
    .slide { margin: 1.5rem 0 2.5rem 0; }
    .slide h3 { font-size: 1.05rem; margin: 0 0 .4rem 0; color: #333333; }
    .slide img { display: block; width: 100%; height: auto; border: 1px solid #555555; }
    .notes p { margin: .6rem 0; }
    @page { size: A4 portrait; margin: 12mm 14mm 12mm 14mm; }
    @media print {
      body { max-width: none; padding: 0; font-size: 10.5pt; line-height: 1.4; }
      .links { display: none; }
      h2 { margin: 0 0 2mm 0; font-size: 12pt; break-after: avoid; }
      /* Two slides a page, each its picture and then what the lecturer says over it;
         the first page holds the title and the scenes. */
      .page-start { break-before: page; }
      .slide { margin: 0 0 5mm 0; break-inside: avoid; }
      .slide h3 { font-size: 10.5pt; margin-bottom: 1mm; }
      .slide img { width: auto; max-width: 100%; max-height: 102mm; }
      .notes p { margin: 1mm 0; }
    }
"""


def reading_page(deck: Deck, slides: list[ReadingSlide], assets: str, sizes: dict[int, tuple[int, int]]) -> str:
    title = html.escape(deck.title)
    sections: list[str] = []
    contents: list[str] = []
    for scene in deck.scenes:
        scene_slides = [s for s in slides if s.scene == scene]
        if not scene_slides:
            continue
        anchor = html.escape(scene)
        articles = []
        # Odd slides start a page in print; a scene that starts on one moves its heading along.
        section_class = ' class="page-start"' if scene_slides[0].number % 2 == 1 else ""
        for slide in scene_slides:
            page_start = slide.number % 2 == 1 and slide is not scene_slides[0]
            width, height = sizes[slide.number]
            heading = html.escape(slide.heading or scene_title(scene, scene_slides))
            articles.append(
                f"""      <article class="slide{" page-start" if page_start else ""}" id="slide-{slide.number}" aria-labelledby="slide-{slide.number}-title">
        <h3 id="slide-{slide.number}-title">Slide {slide.number}: {heading}</h3>
        <img src="{html.escape(assets)}/{slide.number:03d}.jpg" width="{width}" height="{height}" alt="{html.escape(slide.description)}">
        <div class="notes">
{_paragraphs(slide.notes)}
        </div>
      </article>"""
            )
        first, last = scene_slides[0].number, scene_slides[-1].number
        contents.append(
            f'        <li><a href="#{anchor}">{html.escape(scene_title(scene, scene_slides))}</a> '
            f"(slide{'s' if last > first else ''} {first}{f'–{last}' if last > first else ''})</li>"
        )
        sections.append(
            f"""    <section{section_class} id="{anchor}" aria-labelledby="{anchor}-title">
      <h2 id="{anchor}-title">{html.escape(scene_title(scene, scene_slides))}</h2>
{chr(10).join(articles)}
    </section>"""
        )
    name = html.escape(deck.name)
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}: reading view</title>
  <style>{STYLE}  </style>
</head>
<body>
  <header>
    <h1>{title}</h1>
    <p>{html.escape(deck.summary)}</p>
    <p>Every slide as it looks when it ends, with the words on it and what the lecturer says. {len(slides)} slides.</p>
    <p class="links"><a href="{name}.html">Animated slides (HTML)</a> <a href="{name}-handout.pdf">Handout (PDF)</a> <a href="index.html">All decks</a></p>
    <nav aria-labelledby="contents-title">
      <h2 id="contents-title">Scenes</h2>
      <ol>
{chr(10).join(contents)}
      </ol>
    </nav>
  </header>
  <main>
{chr(10).join(sections)}
  </main>
</body>
</html>
"""


def write_reading_view(deck: Deck, build: Path, out: Path, theme: str = DEFAULT_THEME) -> Path:
    started = time.monotonic()
    slides = deck_slides(deck, build)
    out.mkdir(parents=True, exist_ok=True)
    page_name = reading_name(deck, theme)
    assets_name = page_name.removesuffix(".html") + "_assets"
    with tempfile.TemporaryDirectory(prefix=f".{deck.name}-notes-", dir=out) as tmp_name:
        tmp = Path(tmp_name)
        assets = tmp / assets_name
        assets.mkdir()
        sizes: dict[int, tuple[int, int]] = {}
        for index, slide in enumerate(slides):
            image = slide_picture(slides, index)
            image.thumbnail((IMAGE_WIDTH, IMAGE_WIDTH))
            image.save(assets / f"{slide.number:03d}.jpg", format="JPEG", quality=JPEG_QUALITY, optimize=True)
            sizes[slide.number] = image.size
        (tmp / page_name).write_text(reading_page(deck, slides, assets_name, sizes), encoding="utf-8")
        # The pictures first and the page last: the page is the make target.
        final_assets = out / assets_name
        if final_assets.exists():
            shutil.rmtree(final_assets)
        assets.replace(final_assets)
        os.replace(tmp / page_name, out / page_name)
    final = out / page_name
    size = final.stat().st_size + sum(p.stat().st_size for p in final_assets.iterdir())
    _report(final, size, started)
    return final


def write_handout(deck: Deck, build: Path, out: Path, theme: str = DEFAULT_THEME) -> Path:
    """Print the reading view to PDF with headless Chromium: one slide and its notes a page."""
    started = time.monotonic()
    page = out / reading_name(deck, theme)
    if not page.is_file():
        raise ReadingError(f"{page} is missing; `make` writes it before the handout")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise ReadingError("Chromium is missing; install it with: sudo apt-get install -y chromium")
    final = out / handout_name(deck, theme)
    tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    logs = build / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / f"export-{deck.name}-handout.log"
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={tmp}",
            page.resolve().as_uri(),
        ]
        try:
            with log_path.open("w", encoding="utf-8") as log:
                result = subprocess.run(
                    command, stdout=log, stderr=subprocess.STDOUT, timeout=PRINT_TIMEOUT_S, cwd=ROOT
                )
        except subprocess.TimeoutExpired:
            tmp.unlink(missing_ok=True)
            raise ReadingError(
                f"{final.name}: Chromium did not finish printing in {PRINT_TIMEOUT_S} s; log: {log_path}"
            ) from None
    if result.returncode != 0 or not tmp.is_file() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-10:]
        print("\n".join(f"    {line}" for line in tail), file=sys.stderr)
        raise ReadingError(f"{final.name}: Chromium could not print {page.name}; full log: {log_path}")
    os.replace(tmp, final)
    _report(final, final.stat().st_size, started)
    return final


def _report(path: Path, size: int, started: float) -> None:
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"[export] {shown}: {size / 1e6:.1f} MB in {time.monotonic() - started:.1f} s", flush=True)
