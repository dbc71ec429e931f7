"""Start the Qt presenter (``manim-slides present``) on the lecturer's screens.

With one screen the slides fill it. With a projector attached the slides go full
screen on the projector and manim-slides' presenter window (current slide, next
slide, notes, clock) goes on the laptop. Screens that show the same picture
(HDMI mirroring) count as one: the notes must never reach the audience.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from slides.pipeline.catalog import PipelineError

# Qt lists the screens it sees; run apart so that a display Qt cannot open ends in
# our one-line error instead of Qt aborting the process.
SCREENS_PROBE = """
import json, sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv[:1])
primary = app.primaryScreen()
print(json.dumps([
    {"name": s.name(), "x": s.geometry().x(), "y": s.geometry().y(),
     "width": s.geometry().width(), "height": s.geometry().height(), "primary": s == primary}
    for s in app.screens()
]))
"""

# Output names of a laptop's own panel (X11 RandR and Wayland use the same ones).
BUILT_IN_PANEL = re.compile(r"^(eDP|LVDS|DSI)", re.IGNORECASE)

# `make -n RENDER=render-stale` prints this for each scene that would render.
STALE_LINE = re.compile(r"^render-stale (\w+) ")


@dataclass(frozen=True)
class Screen:
    index: int
    name: str
    x: int
    y: int
    width: int
    height: int
    primary: bool = False

    @property
    def area(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.width, self.height)

    @property
    def built_in(self) -> bool:
        return bool(BUILT_IN_PANEL.match(self.name))

    def describe(self) -> str:
        return f"screen {self.index} ({self.name or 'unnamed'}, {self.width}x{self.height})"


@dataclass(frozen=True)
class Layout:
    slides: Screen
    notes: Screen | None

    def flags(self) -> list[str]:
        flags = ["--full-screen", "--screen", str(self.slides.index)]
        if self.notes is None:
            return [*flags, "--hide-info-window"]
        return [*flags, "--show-info-window", "--info-window-screen", str(self.notes.index)]


def _first(screens: list[Screen], *tests) -> Screen | None:
    for test in tests:
        for screen in screens:
            if test(screen):
                return screen
    return None


def choose_layout(screens: list[Screen], requested: str = "") -> Layout:
    """Where the slides and the notes go; ``requested`` is SCREEN= (a number or a name)."""
    if not screens:
        raise PipelineError("Qt sees no screen to present on")
    listing = ", ".join(f"{s.index} {s.name or 'unnamed'} {s.width}x{s.height}" for s in screens)
    if requested.strip():
        wanted = requested.strip()
        slides = next((s for s in screens if str(s.index) == wanted or s.name == wanted), None)
        if slides is None:
            raise PipelineError(f"SCREEN={wanted}: no such screen; the screens are {listing}")
    else:
        # The projector: an external output that is not the primary one, if there is one.
        slides = (
            _first(
                screens,
                lambda s: not s.built_in and not s.primary,
                lambda s: not s.built_in,
                lambda s: not s.primary,
            )
            or screens[0]
        )
    # A screen showing the same picture as the slides (mirroring) is the audience's too.
    others = [s for s in screens if s.area != slides.area]
    notes = _first(others, lambda s: s.built_in, lambda s: s.primary, lambda s: True)
    return Layout(slides, notes)


def _qt_failure(stderr: str) -> str:
    """The one line to show when Qt cannot open a window."""
    from slides.pipeline.system import SetupError, missing_debian_packages

    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")):
        return "no display to present on (DISPLAY is not set); without a desktop open the HTML deck instead"
    try:
        missing = missing_debian_packages()
    except SetupError:
        missing = []
    if missing:
        return (
            f"the Qt presenter cannot start: missing Debian packages: {' '.join(missing)}; "
            f"install them with: sudo apt-get install -y {' '.join(missing)} (or run make as root)"
        )
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    reason = next((line for line in lines if "could not connect" in line or "could not load" in line.lower()), None)
    return f"the Qt presenter cannot open a window: {reason or (lines[-1] if lines else 'Qt gave no reason')}"


def qt_screens() -> list[Screen]:
    try:
        result = subprocess.run([sys.executable, "-c", SCREENS_PROBE], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        raise PipelineError("Qt did not answer within 60 s when asked for the screens") from None
    try:
        found = json.loads(result.stdout.strip().splitlines()[-1]) if result.returncode == 0 else None
    except (json.JSONDecodeError, IndexError):
        found = None
    if found is None:
        raise PipelineError(_qt_failure(result.stderr))
    return [Screen(index=i, **screen) for i, screen in enumerate(found)]


def present(deck, build: Path, keys: str, requested_screen: str, extra: list[str]) -> None:
    layout = choose_layout(qt_screens(), requested_screen)
    where = f"slides on {layout.slides.describe()}"
    if layout.notes is not None:
        where += f", notes, next slide and clock on {layout.notes.describe()}"
    print(
        f"[present] {deck.name}: {len(deck.scenes)} scenes from {build}; {where}; "
        "PageDown/Right next, PageUp/Left back, Q quits",
        flush=True,
    )
    command = [
        sys.executable,
        "-m",
        "manim_slides",
        "present",
        "--config",
        keys,
        "--folder",
        str(build / "slides"),
        *layout.flags(),
        *extra,
        *deck.scenes,
    ]
    os.execv(sys.executable, command)


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


def stale_report(deck, build: Path, dry_run: str) -> str | None:
    """One line on the scenes that must render before the presenter starts (None if none).

    ``dry_run`` is what ``make -n RENDER=render-stale <scene targets>`` printed.
    """
    stale = [m.group(1) for line in dry_run.splitlines() if (m := STALE_LINE.match(line))]
    stale = [scene for scene in deck.scenes if scene in stale]
    if not stale:
        return None
    seconds, never = 0.0, []
    for scene in stale:
        timing = build / "timings" / f"{scene}.json"
        if timing.is_file():
            seconds += json.loads(timing.read_text(encoding="utf-8"))["wall_s"]
        else:
            never.append(scene)
    line = f"[present] {deck.name}: {len(stale)} of {len(deck.scenes)} scenes are stale in {build} and render first"
    timed = len(stale) - len(never)
    if timed:
        line += f"; last time {'it' if timed == 1 else 'they'} took {_duration(seconds)} to render"
        if timed > 1:
            line += " (one after another)"
    if never:
        line += f"; {len(never)} never rendered here ({', '.join(never)})"
    return line
