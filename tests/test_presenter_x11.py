"""The Qt presenter on real X servers, driven the way a lecturer drives it.

One screen: Xvfb. A laptop with a projector (and HDMI mirroring): Xorg's dummy driver,
whose outputs Qt sees through RandR as it sees a laptop panel and an HDMI port. A window
manager runs on both (full screen needs one, as on any desktop). Keys go through the X
server with xdotool, as a clicker's USB keyboard events do; what the audience sees is read
back from the X server as screenshots.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import pytest
from PIL import Image, ImageChops, ImageGrab, ImageStat

from slides.pipeline.catalog import PipelineError
from slides.pipeline.present import Layout, Screen, choose_layout
from tests.conftest import ROOT, BuiltDeck, user_env

LAPTOP = (1280, 720)
PROJECTOR = (1024, 768)
# What one presenter run may take, from `make present` to Q (kills it past that).
RUN_LIMIT_S = 180

DUMMY_XORG_CONF = """
Section "Device"
  Identifier "dummy"
  Driver "dummy"
  VideoRam 65536
EndSection
Section "Monitor"
  Identifier "monitor"
  HorizSync 5.0 - 1000.0
  VertRefresh 5.0 - 200.0
EndSection
Section "Screen"
  Identifier "screen"
  Device "dummy"
  Monitor "monitor"
  DefaultDepth 24
  SubSection "Display"
    Depth 24
    Virtual 2304 768
  EndSubSection
EndSection
"""


def _require(*programs: str) -> None:
    missing = [p for p in programs if shutil.which(p) is None]
    assert not missing, f"{' '.join(missing)} missing: `make setup` installs them (slides/pipeline/system.py)"


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


@dataclass
class Display:
    name: str
    folder: Path

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in user_env().items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
        return dict(env, DISPLAY=self.name)

    def run(self, *command: str) -> str:
        result = subprocess.run(command, env=self.env(), capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{' '.join(command)}: {result.stderr}"
        return result.stdout

    def grab(self, box: tuple[int, int, int, int] | None = None) -> Image.Image:
        return ImageGrab.grab(bbox=box, xdisplay=self.name).convert("RGB")

    def settled(self, box: tuple[int, int, int, int] | None = None, limit_s: float = 40) -> Image.Image:
        """The screen once the slide's animation has finished: unchanged for a second."""
        deadline = time.monotonic() + limit_s
        last, still_since = self.grab(box), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.2)
            image = self.grab(box)
            if ImageChops.difference(image, last).getbbox() is not None:
                last, still_since = image, time.monotonic()
            elif time.monotonic() - still_since >= 1.0:
                return image
        raise AssertionError(f"the screen never stopped changing within {limit_s} s")

    def press(self, key: str) -> None:
        self.run("xdotool", "key", "--clearmodifiers", key)


def _start_server(command: list[str], log: Path) -> tuple[subprocess.Popen, str]:
    """Start an X server on a display number it picks itself (free at run time)."""
    read, write = os.pipe()
    with log.open("w") as out:
        process = subprocess.Popen(
            [*command, "-displayfd", str(write)],
            pass_fds=(write,),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    os.close(write)
    # The server writes the number and a newline, then closes its end.
    answer, deadline = b"", time.monotonic() + 30
    try:
        while not answer.endswith(b"\n") and time.monotonic() < deadline:
            ready, _, _ = select.select([read], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(read, 32) if ready else b""
            if not chunk:
                break
            answer += chunk
    finally:
        os.close(read)
    number = answer.decode().strip()
    if not answer.endswith(b"\n") or not number.isdigit():
        _stop(process)
        raise AssertionError(f"{command[0]} did not start: {log.read_text()[-2000:]}")
    return process, f":{number}"


@pytest.fixture()
def desktop_factory(tmp_path: Path) -> Iterator:
    """Start an X server with a window manager; everything is stopped after the test."""
    processes: list[subprocess.Popen] = []

    def start(command: list[str], setup: list[list[str]] = ()) -> Display:
        server, name = _start_server(command, tmp_path / "server.log")
        processes.append(server)
        display = Display(name, tmp_path)
        for step in setup:
            display.run(*step)
        ready = tmp_path / "wm-ready"
        processes.append(
            subprocess.Popen(
                ["openbox", "--sm-disable", "--startup", f"touch {ready}"],
                env=display.env(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert time.monotonic() < deadline, "the window manager did not start"
            time.sleep(0.1)
        return display

    yield start
    for process in reversed(processes):
        _stop(process)


@pytest.fixture()
def xvfb(desktop_factory) -> Display:
    _require("Xvfb", "openbox", "xdotool")
    return desktop_factory(["Xvfb", "-nolisten", "tcp", "-screen", "0", f"{LAPTOP[0]}x{LAPTOP[1]}x24"])


def _dummy_xorg(desktop_factory, tmp_path: Path, outputs: list[str]) -> Display:
    _require("Xorg", "openbox", "xdotool", "xrandr")
    assert Path("/usr/lib/xorg/modules/drivers/dummy_drv.so").is_file(), (
        "Xorg's dummy driver is missing: `make setup` installs xserver-xorg-video-dummy"
    )
    conf = tmp_path / "xorg.conf"
    conf.write_text(DUMMY_XORG_CONF)
    (tmp_path / "xorg.conf.d").mkdir()
    command = [
        "Xorg",
        "-config",
        str(conf),
        "-configdir",
        str(tmp_path / "xorg.conf.d"),
        "-logfile",
        str(tmp_path / "xorg.log"),
        "-noreset",
        "-nolisten",
        "tcp",
    ]
    return desktop_factory(command, [["xrandr", "--addmode", "DUMMY1", outputs[0]], ["xrandr", *outputs[1:]]])


@dataclass
class Presenter:
    process: subprocess.Popen
    log: Path
    display: Display

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def windows(self) -> list[tuple[int, int, int, int]]:
        """(x, y, width, height) of each visible presenter window."""
        found = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", "Manim Slides"],
            env=self.display.env(),
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.split()
        boxes = []
        for window in found:
            shell = self.display.run("xdotool", "getwindowgeometry", "--shell", window)
            values = dict(line.split("=", 1) for line in shell.split())
            boxes.append(tuple(int(values[k]) for k in ("X", "Y", "WIDTH", "HEIGHT")))
        return boxes

    def wait_for_window(self, box: tuple[int, int, int, int]) -> None:
        deadline = time.monotonic() + RUN_LIMIT_S
        while box not in self.windows():
            assert self.process.poll() is None, f"the presenter ended: {self.output()[-3000:]}"
            assert time.monotonic() < deadline, f"no presenter window at {box}: {self.windows()}"
            time.sleep(0.5)

    def quit(self) -> int:
        self.display.press("q")
        try:
            return self.process.wait(timeout=60)
        finally:
            _stop(self.process)


@pytest.fixture()
def present(built_deck: BuiltDeck, tmp_path: Path) -> Iterator:
    started: list[Presenter] = []

    def start(display: Display, **variables: str) -> Presenter:
        log = tmp_path / f"present-{len(started)}.log"
        args = [
            "make",
            "--no-print-directory",
            "present",
            f"DECK={built_deck.name}",
            "QUALITY=l",
            f"BUILD={built_deck.build}",
            f"OUT={built_deck.out}",
            *(f"{k}={v}" for k, v in variables.items()),
        ]
        with log.open("w") as out:
            process = subprocess.Popen(
                args,
                cwd=ROOT,
                env=display.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(Presenter(process, log, display))
        return started[-1]

    yield start
    for presenter in started:
        _stop(presenter.process)


def _first_slide_last_frame(built_deck: BuiltDeck) -> Image.Image:
    first = built_deck.slides()[0]["file"]
    path = Path(first) if Path(first).is_absolute() else built_deck.build / first
    with av.open(str(path)) as video:
        frame = None
        for frame in video.decode(video=0):  # noqa: B007 - keeps the last frame
            pass
    assert frame is not None
    return frame.to_image().convert("RGB")


def _mean_difference(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def _letterboxed(frame: Image.Image, screen: tuple[int, int]) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """The frame scaled to fit the screen keeping its aspect ratio, and where it lands."""
    scale = min(screen[0] / frame.width, screen[1] / frame.height)
    size = (round(frame.width * scale), round(frame.height * scale))
    left, top = (screen[0] - size[0]) // 2, (screen[1] - size[1]) // 2
    return frame.resize(size, Image.Resampling.BILINEAR), (left, top, left + size[0], top + size[1])


def test_clicker_moves_the_presenter_on_a_real_x_server(xvfb: Display, present, built_deck: BuiltDeck) -> None:
    presenter = present(xvfb)
    presenter.wait_for_window((0, 0, *LAPTOP))  # full screen
    assert len(presenter.windows()) == 1, "one screen: no presenter window beside the slides"

    title = xvfb.settled()
    expected, _ = _letterboxed(_first_slide_last_frame(built_deck), LAPTOP)
    assert _mean_difference(title, expected) < 6, "the screen shows the deck's first slide"

    xvfb.press("Next")  # PageDown
    second = xvfb.settled()
    assert _mean_difference(second, title) > 2, "PageDown moved to another slide"

    xvfb.press("Prior")  # PageUp
    back = xvfb.settled()
    assert _mean_difference(back, title) < 1, "PageUp came back to the first slide"
    assert _mean_difference(back, second) > 2

    assert presenter.quit() == 0, presenter.output()[-3000:]
    assert "[present] intro: 2 scenes" in presenter.output()


def test_projector_gets_the_slides_and_the_laptop_the_notes(
    desktop_factory, present, built_deck: BuiltDeck, tmp_path: Path
) -> None:
    mode = f"{PROJECTOR[0]}x{PROJECTOR[1]}"
    display = _dummy_xorg(
        desktop_factory,
        tmp_path,
        [
            mode,
            "--output",
            "DUMMY0",
            "--mode",
            f"{LAPTOP[0]}x{LAPTOP[1]}",
            "--primary",
            "--output",
            "DUMMY1",
            "--mode",
            mode,
            "--right-of",
            "DUMMY0",
        ],
    )
    laptop_box = (0, 0, *LAPTOP)
    projector_box = (LAPTOP[0], 0, LAPTOP[0] + PROJECTOR[0], PROJECTOR[1])

    presenter = present(display)
    presenter.wait_for_window((LAPTOP[0], 0, *PROJECTOR))  # full screen on the projector
    line = next(text for text in presenter.output().splitlines() if text.startswith("[present] intro: 2 scenes"))
    assert "slides on screen 1 (DUMMY1, 1024x768)" in line and "notes, next slide and clock on screen 0 (DUMMY0" in line

    projector = display.settled(projector_box)
    frame, where = _letterboxed(_first_slide_last_frame(built_deck), PROJECTOR)
    assert _mean_difference(projector.crop(where), frame) < 6, "the projector shows the first slide"

    laptop = display.grab(laptop_box)
    assert ImageStat.Stat(laptop.convert("L")).stddev[0] > 10, "the laptop shows the presenter window"
    time.sleep(1.5)
    assert _mean_difference(display.grab(laptop_box), laptop) > 0, "the laptop's clock ticks"
    assert _mean_difference(display.grab(projector_box), projector) == 0, "the projector shows no clock"

    display.press("Next")
    assert _mean_difference(display.settled(projector_box), projector) > 2, "PageDown moves the projector"
    # The clock alone changes a tick's worth of pixels; a new slide's notes and previews far more.
    assert _mean_difference(display.grab(laptop_box), laptop) > 2, "PageDown moves the notes too"
    assert presenter.quit() == 0, presenter.output()[-3000:]

    # SCREEN= puts the slides on the screen the lecturer names.
    presenter = present(display, SCREEN="0")
    presenter.wait_for_window((0, 0, *LAPTOP))
    assert "slides on screen 0 (DUMMY0" in presenter.output()
    assert presenter.quit() == 0, presenter.output()[-3000:]


def test_mirrored_screens_never_show_the_notes(desktop_factory, present, tmp_path: Path) -> None:
    mode = f"{LAPTOP[0]}x{LAPTOP[1]}"
    display = _dummy_xorg(
        desktop_factory,
        tmp_path,
        [
            mode,
            "--output",
            "DUMMY0",
            "--mode",
            mode,
            "--primary",
            "--output",
            "DUMMY1",
            "--mode",
            mode,
            "--same-as",
            "DUMMY0",
        ],
    )
    assert "Monitors: 2" in display.run("xrandr", "--listmonitors"), "two outputs showing one picture"

    presenter = present(display)
    presenter.wait_for_window((0, 0, *LAPTOP))
    time.sleep(2)
    assert presenter.windows() == [(0, 0, *LAPTOP)], "only the slides, full screen: no notes for the audience"
    line = next(text for text in presenter.output().splitlines() if text.startswith("[present] intro: 2 scenes"))
    assert "notes" not in line
    assert presenter.quit() == 0, presenter.output()[-3000:]


def test_presenting_at_1080p_uses_the_1080p_build() -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "present", "DECK=intro", "QUALITY=h"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=user_env(),
    )
    assert result.returncode == 0, result.stderr
    command = next(text for text in result.stdout.splitlines() if re.search(r"\bpresent --screen", text))
    assert "--build build/h " in command


def test_stale_scenes_are_named_with_their_last_render_time_before_rendering(built_deck: BuiltDeck) -> None:
    source = ROOT / "slides" / "intro" / "welcome.py"
    timing = (built_deck.build / "timings" / "Welcome.json").read_text()
    original = source.stat()
    content = source.read_bytes()
    try:
        source.write_bytes(content + b"\n# An edit that changes the file's content.\n")
        result = built_deck.make("-n", "present", DECK=built_deck.name)
    finally:
        source.write_bytes(content)
        os.utime(source, ns=(original.st_atime_ns, original.st_mtime_ns))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    report = next(i for i, text in enumerate(lines) if "scenes are stale" in text)
    wall = round(json.loads(timing)["wall_s"])
    assert f"1 of 2 scenes are stale in {built_deck.build}" in lines[report]
    assert f"took {wall} s to render" in lines[report] or f"took {wall // 60} min {wall % 60} s" in lines[report]
    render = next(i for i, text in enumerate(lines) if re.search(r"\brender --quality l Welcome\b", text))
    assert report < render, "the report comes before the render"


def _screen(index: int, name: str, x: int, width: int = 1920, primary: bool = False) -> Screen:
    return Screen(index=index, name=name, x=x, y=0, width=width, height=1080, primary=primary)


def test_laptop_and_projector_layouts() -> None:
    laptop, hdmi = _screen(0, "eDP-1", 0, primary=True), _screen(1, "HDMI-1", 1920)
    assert choose_layout([laptop, hdmi]) == Layout(slides=hdmi, notes=laptop)
    # The lecturer made the projector primary: the laptop's panel still gets the notes.
    laptop, hdmi = _screen(0, "eDP-1", 0), _screen(1, "HDMI-1", 1920, primary=True)
    assert choose_layout([laptop, hdmi]) == Layout(slides=hdmi, notes=laptop)
    # Mirroring: one picture, so no notes anywhere.
    mirror = _screen(1, "HDMI-1", 0)
    assert choose_layout([laptop, mirror]) == Layout(slides=mirror, notes=None)
    assert choose_layout([laptop]) == Layout(slides=laptop, notes=None)
    assert choose_layout([laptop, hdmi], "eDP-1") == Layout(slides=laptop, notes=hdmi)
    assert choose_layout([laptop, hdmi], "0").flags() == [
        "--full-screen",
        "--screen",
        "0",
        "--show-info-window",
        "--info-window-screen",
        "1",
    ]
    with pytest.raises(PipelineError, match=r"^SCREEN=2: no such screen; the screens are 0 eDP-1 1920x1080, 1 HDMI-1"):
        choose_layout([laptop, hdmi], "2")


@pytest.mark.parametrize(
    ("display", "error"),
    [
        (None, "error: no display to present on (DISPLAY is not set); without a desktop open the HTML deck instead"),
        (":4242", "error: the Qt presenter cannot open a window: qt.qpa.xcb: could not connect to display :4242"),
    ],
    ids=["no-display", "display-qt-cannot-open"],
)
def test_a_display_the_presenter_cannot_use_is_one_line(built_deck: BuiltDeck, display: str | None, error: str) -> None:
    env = {k: v for k, v in user_env().items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    if display is not None:
        env["DISPLAY"] = display
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "present",
            f"DECK={built_deck.name}",
            "QUALITY=l",
            f"BUILD={built_deck.build}",
            f"OUT={built_deck.out}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert [text for text in result.stderr.splitlines() if text.startswith("error:")] == [error]
    assert "Traceback" not in result.stderr and "Aborted" not in result.stderr


def test_missing_qt_libraries_are_named_with_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    from slides.pipeline import present, system

    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(system, "missing_debian_packages", lambda: ["libxcb-icccm4", "libxcb-keysyms1"])
    qt_said = "qt.qpa.plugin: From 6.5.0, xcb-cursor0 or libxcb-cursor0 is needed to load the Qt xcb platform plugin."
    assert present._qt_failure(qt_said) == (
        "the Qt presenter cannot start: missing Debian packages: libxcb-icccm4 libxcb-keysyms1; "
        "install them with: sudo apt-get install -y libxcb-icccm4 libxcb-keysyms1 (or run make as root)"
    )
