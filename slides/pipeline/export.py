"""Export a rendered deck to HTML (offline reveal.js), PPTX and PDF.

Each export is written into a temporary folder beside ``presentations/`` and
moved into place only when manim-slides succeeded, so a half-written deck never
sits where ``make`` or a web server would take it as finished.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from slides.pipeline.catalog import ROOT, PipelineError, DeckEntry
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


class ExportError(PipelineError):
    """An export that failed; the message is one line for the user."""


def export(fmt: str, deck: DeckEntry, build: Path, out: Path, theme: str = DEFAULT_THEME) -> Path:
    """Export ``deck`` as ``out/<deck>.<fmt>`` (``<deck>-light.<fmt>`` for the light theme)."""
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
            sys.executable, "-m", "manim_slides", "convert",
            "--folder", str(folder), "--to", fmt, *deck.scenes, str(dest),
        ]
        if fmt == "html":
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


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size if path.exists() else 0
