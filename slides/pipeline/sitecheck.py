"""``make check-site``: the exported site works with no network, before it is published.

Every page in ``$(OUT)`` is read: nothing it loads (scripts, styles, images, videos) may
come from the network, and every file it names must be there. Each deck of the selection
must have its HTML, PPTX and PDF. Then each deck is opened in headless Chromium with the
network off: reveal.js must start, its first video must load, and no request may leave
``file://``.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from slides.pipeline.catalog import Deck, PipelineError

# Attributes through which a page loads a file (navigation links are checked only for existence).
LOADING = {"src", "data-src", "data-background-video", "data-background-image", "poster"}
REFERENCES = LOADING | {"href"}


class SiteError(PipelineError):
    """A site that would not work offline."""


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []  # (tag, attribute, value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in REFERENCES and value:
                self.found.append((tag, name, value))


def page_problems(page: Path) -> list[str]:
    parser = _References()
    parser.feed(page.read_text(encoding="utf-8"))
    problems = []
    for tag, attribute, value in parser.found:
        url = urlsplit(value)
        loads = attribute in LOADING or (tag == "link" and attribute == "href")
        if url.scheme in ("http", "https") or value.startswith("//"):
            if loads:
                problems.append(f"{page.name}: <{tag} {attribute}> loads {value} from the network")
            continue
        if url.scheme or not url.path:  # data:, mailto:, javascript:, or a fragment on this page
            continue
        if not (page.parent / unquote(url.path)).is_file():
            problems.append(f"{page.name}: <{tag} {attribute}> names {value}, which is not in the site")
    return problems


def deck_problems(out: Path, deck: Deck) -> list[str]:
    return [
        f"{deck.name}.{fmt} is missing or empty"
        for fmt in ("html", "pptx", "pdf")
        if not (out / f"{deck.name}.{fmt}").is_file() or (out / f"{deck.name}.{fmt}").stat().st_size == 0
    ]


def browser_problems(pages: list[Path]) -> list[str]:
    """Open each deck offline in Chromium: reveal.js ready, first video loaded, only file:// requests."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    problems = []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        for page_path in pages:
            context = browser.new_context(offline=True)
            tab = context.new_page()
            requests: list[str] = []
            tab.on("request", lambda request, seen=requests: seen.append(request.url))
            try:
                tab.goto(page_path.as_uri())
                tab.wait_for_function(
                    """() => { if (!window.Reveal || !Reveal.isReady()) return false;
                               const v = Reveal.getCurrentSlide().slideBackgroundElement.querySelector('video');
                               return v && v.readyState >= 2; }""",
                    timeout=30000,
                )
            except PlaywrightError as error:
                problems.append(
                    f"{page_path.name}: reveal.js or its first video did not load offline "
                    f"({str(error).splitlines()[0]})"
                )
            problems += [
                f"{page_path.name}: requested {url} (not a local file)"
                for url in requests
                if not url.startswith(("file://", "data:"))
            ]
            context.close()
        browser.close()
    return problems


def launch_chromium(playwright):
    """Debian's Chromium as the decks' tests and checks drive it: videos play without a click,
    and the browser itself reaches for nothing on the network."""
    return playwright.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=[
            "--no-sandbox",
            "--autoplay-policy=no-user-gesture-required",
            "--disable-background-networking",
            "--disable-component-update",
        ],
    )


def check_site(out: Path, decks: tuple[Deck, ...], browser: bool = True) -> int:
    """Print what is wrong with the site in ``out``; raise when anything is."""
    if not (out / "index.html").is_file():
        raise SiteError(f"{out}/index.html is missing; run make first")
    pages = sorted(out.glob("*.html"))
    problems = [problem for page in pages for problem in page_problems(page)]
    problems += [problem for deck in decks for problem in deck_problems(out, deck)]
    deck_pages = [out / f"{deck.name}.html" for deck in decks if (out / f"{deck.name}.html").is_file()]
    if browser:
        problems += browser_problems(deck_pages)
    for problem in problems:
        print(f"[check-site] {problem}", flush=True)
    if problems:
        raise SiteError(f"{len(problems)} problems in {out}; see the lines above")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(
        f"[check-site] {out}: {len(pages)} pages, {len(decks)} decks, {size / 1e6:.1f} MB; "
        f"nothing loads from the network and every file named is there",
        flush=True,
    )
    return len(pages)
