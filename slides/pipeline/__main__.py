"""Command line the Makefile calls: ``python -m slides.pipeline COMMAND ...``.

Every failure the user can cause (an unknown deck or scene, a broken deck list,
a failed render) ends in one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from slides.pipeline.catalog import (
    DEFAULT_DECKS_FILE,
    PipelineError,
    check_decks,
    check_quality,
    load_decks,
    scene_index,
    select,
)
from slides.theme import DEFAULT_THEME, THEMES


def _decks(args: argparse.Namespace):
    decks = load_decks(Path(args.decks_file))
    check_decks(decks)
    return decks


def cmd_makefile(args: argparse.Namespace) -> None:
    from slides.pipeline.makerules import rules, write_if_changed, write_stamps

    # Everything is checked before anything is written: a bad QUALITY leaves no build folder.
    check_quality(args.quality)
    decks = _decks(args)
    chosen = select(decks, args.select.split())
    text = rules(decks, chosen)
    write_stamps(Path(args.build), decks)
    write_if_changed(Path(args.build) / "decks.mk", text)


def cmd_matrix(args: argparse.Namespace) -> None:
    import json

    from slides.pipeline.makerules import ordered_scenes
    from slides.pipeline.plan import matrix

    try:
        count, jobs = int(args.shards), int(args.jobs)
    except ValueError:
        raise PipelineError(f"SHARDS and JOBS must be whole numbers, not '{args.shards}' and '{args.jobs}'") from None
    scenes = ordered_scenes(select(_decks(args), args.select.split()))
    plan, summary = matrix(scenes, Path(args.build), count, jobs)
    print(json.dumps(plan, separators=(",", ":")))
    print(summary, file=sys.stderr)


def cmd_list(args: argparse.Namespace) -> None:
    index = scene_index()
    for deck in _decks(args):
        print(f"{deck.name}: {deck.title} ({len(deck.scenes)} scenes)")
        for scene in deck.scenes:
            print(
                f"    {scene:<28} "
                f"{index[scene].relative_to(Path.cwd()) if index[scene].is_relative_to(Path.cwd()) else index[scene]}"
            )


def cmd_render(args: argparse.Namespace) -> None:
    from slides.pipeline.render import render
    from slides.theme import THEME_ENV

    # slides/theme.py reads the theme from the environment of the manim process.
    os.environ[THEME_ENV] = args.theme
    render(args.scene, args.quality, Path(args.build), args.position)


def cmd_export(args: argparse.Namespace) -> None:
    from slides.pipeline.export import export

    (deck,) = select(_decks(args), [args.deck])
    export(args.format, deck, Path(args.build), Path(args.out), args.theme)


def cmd_index(args: argparse.Namespace) -> None:
    from slides.pipeline.course_page import write_index

    # Every deck of the deck list whose exports are in the output folder, whichever were just built.
    write_index(_decks(args), Path(args.out), Path(args.decks_file))


def cmd_check_site(args: argparse.Namespace) -> None:
    from slides.pipeline.sitecheck import check_site

    check_site(Path(args.out), select(_decks(args), args.select.split()), browser=not args.no_browser)


def cmd_present(args: argparse.Namespace) -> None:
    from slides.pipeline.present import present

    (deck,) = select(_decks(args), [args.deck])
    present(deck, Path(args.build), args.keys, args.screen, args.extra)


def cmd_stale(args: argparse.Namespace) -> None:
    from slides.pipeline.present import stale_report

    (deck,) = select(_decks(args), [args.deck])
    line = stale_report(deck, Path(args.build), sys.stdin.read())
    if line:
        print(line, flush=True)


def cmd_where(args: argparse.Namespace) -> None:
    from slides.pipeline.render import check_slides, scene_paths

    paths = scene_paths(Path(args.build), args.scene)
    for slide in check_slides(paths["target"], args.scene):
        print(slide["file"])


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m slides.pipeline")
    p.add_argument("--decks-file", default=str(DEFAULT_DECKS_FILE))
    p.add_argument("--build", default="build/m")
    p.add_argument("--out", default="presentations")
    p.add_argument("--theme", default=DEFAULT_THEME, choices=tuple(THEMES))
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("makefile", help="write $(BUILD)/decks.mk")
    s.add_argument("--select", default="", help="space-separated deck names (default: all)")
    s.add_argument("--quality", default="m")
    s.set_defaults(run=cmd_makefile)
    sub.add_parser("list", help="decks and their scenes").set_defaults(run=cmd_list)
    s = sub.add_parser("matrix", help="the render plan: scenes in balanced shards, as JSON")
    s.add_argument("--select", default="")
    s.add_argument("--shards", default="4")
    s.add_argument("--jobs", default="2", help="scenes a shard renders at a time")
    s.set_defaults(run=cmd_matrix)
    s = sub.add_parser("render", help="render one scene")
    s.add_argument("scene")
    s.add_argument("--quality", default="m")
    s.add_argument("--position", default="1/1")
    s.set_defaults(run=cmd_render)
    s = sub.add_parser("export", help="export one deck")
    s.add_argument("format", choices=("html", "pptx", "pdf", "notes", "handout"))
    s.add_argument("deck")
    s.set_defaults(run=cmd_export)
    sub.add_parser("index", help="write the course page").set_defaults(run=cmd_index)
    s = sub.add_parser("check-site", help="check the exported site works offline")
    s.add_argument("--select", default="")
    s.add_argument("--no-browser", action="store_true", help="skip opening each deck in Chromium")
    s.set_defaults(run=cmd_check_site)
    s = sub.add_parser("present", help="start the Qt presenter")
    s.add_argument("deck")
    s.add_argument("--keys", default=".manim-slides.toml")
    s.add_argument("--screen", default="", help="the slides' screen, a number or a name (default: the projector)")
    s.add_argument("extra", nargs="*", help="extra manim-slides present options (after --)")
    s.set_defaults(run=cmd_present)
    s = sub.add_parser("stale", help="say which scenes of a deck render before presenting (reads make -n)")
    s.add_argument("deck")
    s.set_defaults(run=cmd_stale)
    s = sub.add_parser("where", help="print the video files of a rendered scene")
    s.add_argument("scene")
    s.set_defaults(run=cmd_where)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        args.run(args)
    except PipelineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader stopped early (`make list | head`): not a failure of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
