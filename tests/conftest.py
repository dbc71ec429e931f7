"""Shared fixtures: one small deck built through the real Makefile, once per test run, and the
canonical model records, read or built the way `make data` builds them."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SMALL_DECK = "intro"


@dataclass(frozen=True)
class BuiltDeck:
    name: str
    build: Path
    out: Path
    log: str

    def make(self, *goals: str, **variables: str) -> subprocess.CompletedProcess[str]:
        return run_make(*goals, BUILD=str(self.build), OUT=str(self.out), DECKS=self.name, **variables)

    def scene_slides(self) -> dict[str, list[dict]]:
        from slides.pipeline.catalog import load_decks, select

        (deck,) = select(load_decks(), [self.name])
        return {
            scene: json.loads((self.build / "slides" / f"{scene}.json").read_text())["slides"] for scene in deck.scenes
        }

    def slides(self) -> list[dict]:
        return [slide for slides in self.scene_slides().values() for slide in slides]


def run_make(*goals: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """Run the project's Makefile; tests render at the lowest quality."""
    variables.setdefault("QUALITY", "l")
    args = ["make", "--no-print-directory", *goals, *(f"{k}={v}" for k, v in variables.items())]
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=1200, env=user_env())


def user_env() -> dict[str, str]:
    """The environment a user's shell would give make: none of the calling make's job-server flags."""
    return {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's Chromium, launched with the site check's own options (offline, videos autoplay)."""
    from playwright.sync_api import sync_playwright

    from slides.pipeline.sitecheck import launch_chromium

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def built_deck(tmp_path_factory: pytest.TempPathFactory) -> BuiltDeck:
    """The tour deck rendered at low quality and exported to every format."""
    base = tmp_path_factory.mktemp("deck")
    deck = BuiltDeck(SMALL_DECK, base / "build", base / "presentations", "")
    result = deck.make()
    assert result.returncode == 0, result.stdout + result.stderr
    return BuiltDeck(deck.name, deck.build, deck.out, result.stdout + result.stderr)


@pytest.fixture(scope="session")
def canonical() -> Callable[[Any], Any]:
    """``canonical(cached_function)``: its stored record, built first if missing or stale.

    A record that cannot be built fails the test that asked for it; it never skips.
    """

    def record(function: Any) -> Any:
        try:
            return function.get()
        except Exception as error:  # noqa: BLE001 - any failure to build is the test's failure
            pytest.fail(
                f"record {function.name!r} cannot be built ({type(error).__name__}: {error}); "
                "run `make data` to see why",
                pytrace=False,
            )

    return record
