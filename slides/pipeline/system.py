"""Install what the build needs from Debian, PyPI and npm, once.

Runs with the system Python (standard library only), before any virtual
environment exists.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import tomllib

from slides.pipeline.catalog import ROOT

DEBIAN_PACKAGES = (
    # ManimPango builds from source on Linux.
    "pkg-config",
    "libpango1.0-dev",
    "libcairo2-dev",
    # MathTex/Tex: manim's template needs standalone.cls from texlive-latex-extra.
    "texlive-latex-base",
    "texlive-latex-recommended",
    "texlive-latex-extra",
    "texlive-fonts-recommended",
    "dvisvgm",
    # The Qt presenter (PySide6 QtMultimedia) and its display plugins.
    "libpulse0",
    "libegl1",
    "libgl1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libxcb-cursor0",
    "libfontconfig1",
    "libdbus-1-3",
    # The rest of what Qt's X11 plugin (libqxcb.so, libQt6XcbQpa.so.6) links to: without
    # them a real desktop gets "no Qt platform plugin could be initialized".
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-render-util0",
    "libxcb-randr0",
    "libxcb-shape0",
    "libxcb-sync1",
    "libxcb-xfixes0",
    "libxcb-xkb1",
    "libxcb-util1",
    "libx11-xcb1",
    # The video plugin (libffmpegmediaplugin.so); on a minimal Debian 12 nothing else brings it.
    "libxrandr2",
    # The presenter's tests on real X servers: Xvfb, a window manager (full screen needs
    # one), xdotool for the clicker's keys; two monitors through Xorg's dummy driver.
    "xvfb",
    "openbox",
    "xdotool",
    "xserver-xorg-video-dummy",
    "x11-xserver-utils",
    # Fonts the theme names; the browser for HTML tests; PDF to PNG for reviewing frames;
    # GNU time for the benchmark; npm to fetch reveal.js.
    "fonts-dejavu-core",
    "chromium",
    "poppler-utils",
    "time",
    "python3-venv",
)

REVEAL_VERSION = "6.0.1"
# The files manim-slides' HTML template loads, by their path in the npm package.
REVEAL_FILES = (
    "dist/reveal.css",
    "dist/reveal.js",
    "dist/theme/black.css",
    "dist/plugin/notes.js",
    "dist/plugin/markdown.js",
    "dist/plugin/highlight/zenburn.css",
)


# The accessibility engine the tests run in the browser (WCAG 2.0/2.1 A and AA rules).
AXE_VERSION = "4.14.1"
AXE_FILE = "axe.min.js"


def axe_core_path() -> Path:
    """Where the setup step puts axe-core and the tests load it from."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "resnet-lecture" / f"axe-core{AXE_VERSION}" / AXE_FILE


class SetupError(Exception):
    """A missing prerequisite; the message is one line for the user."""


def missing_debian_packages() -> list[str]:
    if shutil.which("dpkg-query") is None:
        raise SetupError("this is not a Debian/Ubuntu system; install the equivalents of: " + " ".join(DEBIAN_PACKAGES))
    wanted = list(DEBIAN_PACKAGES)
    if shutil.which("npm") is None:
        wanted.append("npm")
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${db:Status-Status}\n", *wanted],
        capture_output=True,
        text=True,
    )
    installed = {line.split()[0].split(":")[0] for line in result.stdout.splitlines() if line.endswith(" installed")}
    return [p for p in wanted if p not in installed]


def install_debian_packages() -> None:
    missing = missing_debian_packages()
    if not missing:
        print("[setup] Debian packages: all present", flush=True)
        return
    command = "apt-get install -y --no-install-recommends " + " ".join(missing)
    if os.geteuid() != 0:
        raise SetupError(
            f"missing Debian packages: {' '.join(missing)}; install them with: sudo apt-get update && sudo {command}"
        )
    print(f"[setup] installing Debian packages: {' '.join(missing)}", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for step in (["apt-get", "update", "-qq"], command.split()):
        if subprocess.run(step, env=env).returncode != 0:
            raise SetupError(f"'{' '.join(step)}' failed; run it by hand to see why")


def python_requirements(extras: tuple[str, ...] = ("test",)) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project.get("optional-dependencies", {}).get(extra, [])
    return requirements


def fetch_npm_files(package: str, version: str, files: dict[str, Path]) -> None:
    """Put files of an npm package (by their path in the package) at their targets, once.

    Each target is written whole or not at all, so an interrupted fetch is fetched again.
    """
    folder = next(iter(files.values())).parent
    if all(target.is_file() for target in files.values()):
        print(f"[setup] {package} {version}: present in {folder}", flush=True)
        return
    if shutil.which("npm") is None:
        raise SetupError("npm is missing; install it with: sudo apt-get install -y npm")
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            ["npm", "pack", f"{package}@{version}", "--silent"],
            cwd=tmp,
            capture_output=True,
            text=True,
        )
        tarballs = list(Path(tmp).glob(f"{package}-*.tgz"))
        if result.returncode != 0 or not tarballs:
            raise SetupError(f"'npm pack {package}@{version}' failed: {result.stderr.strip()[:200]}")
        with tarfile.open(tarballs[0]) as archive:
            for name, target in files.items():
                member = archive.extractfile(f"package/{name}")
                if member is None:
                    raise SetupError(f"{package} {version} tarball lacks {name}")
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(target.name + ".tmp")
                partial.write_bytes(member.read())
                os.replace(partial, target)
    print(f"[setup] {package} {version}: installed into {folder}", flush=True)


def install_revealjs(cache_dir: Path) -> None:
    """Put reveal.js from the npm registry where manim-slides looks before any CDN."""
    fetch_npm_files("reveal.js", REVEAL_VERSION, {name: cache_dir / Path(name).name for name in REVEAL_FILES})


def install_axe_core(target: Path) -> None:
    """Put axe-core's one script from the npm registry at ``target``, for the offline browser tests."""
    fetch_npm_files("axe-core", AXE_VERSION, {AXE_FILE: target})


def main(argv: list[str]) -> int:
    try:
        if argv[:1] == ["debian"]:
            install_debian_packages()
        elif argv[:1] == ["requirements"]:
            print("\n".join(python_requirements()))
        elif argv[:1] == ["revealjs"] and len(argv) == 2:
            install_revealjs(Path(argv[1]))
        elif argv == ["axe-core"]:
            install_axe_core(axe_core_path())
        else:
            print(
                "usage: python3 -m slides.pipeline.system debian|requirements|revealjs CACHE_DIR|axe-core",
                file=sys.stderr,
            )
            return 2
    except SetupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
