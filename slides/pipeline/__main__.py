"""Command line the Makefile calls: ``python -m slides.pipeline COMMAND ...``.

Every failure the user can cause (an unknown deck or scene, a broken deck list,
a failed render) ends in one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from slides.pipeline.catalog import DEFAULT_DECKS_FILE, PipelineError, check_decks, load_decks, scene_index, select


def _decks(args: argparse.Namespace):
    decks = load_decks(Path(args.decks_file))
    check_decks(decks)
    return decks


def cmd_makefile(args: argparse.Namespace) -> None:
    from slides.pipeline.makerules import rules, write_if_changed

    decks = _decks(args)
    chosen = select(decks, args.select.split())
    write_if_changed(Path(args.build) / "decks.mk", rules(decks, chosen))


def cmd_list(args: argparse.Namespace) -> None:
    index = scene_index()
    for deck in _decks(args):
        print(f"{deck.name}: {deck.title} ({len(deck.scenes)} scenes)")
        for scene in deck.scenes:
            print(f"    {scene:<28} {index[scene].relative_to(Path.cwd()) if index[scene].is_relative_to(Path.cwd()) else index[scene]}")


def cmd_render(args: argparse.Namespace) -> None:
    from slides.pipeline.render import render

    render(args.scene, args.quality, Path(args.build), args.position)


def cmd_export(args: argparse.Namespace) -> None:
    from slides.pipeline.export import export

    (deck,) = select(_decks(args), [args.deck])
    export(args.format, deck, Path(args.build), Path(args.out))


def cmd_index(args: argparse.Namespace) -> None:
    from slides.pipeline.course_page import write_index

    write_index(select(_decks(args), args.select.split()), Path(args.build), Path(args.out))


def cmd_present(args: argparse.Namespace) -> None:
    (deck,) = select(_decks(args), [args.deck])
    command = [
        sys.executable, "-m", "manim_slides", "present",
        "--config", args.keys, "--folder", str(Path(args.build) / "slides"),
        *args.extra, *deck.scenes,
    ]
    print(f"[present] {deck.name}: {len(deck.scenes)} scenes; PageDown/Right next, PageUp/Left back, Q quits", flush=True)
    os.execv(sys.executable, command)


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
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("makefile", help="write $(BUILD)/decks.mk")
    s.add_argument("--select", default="", help="space-separated deck names (default: all)")
    s.set_defaults(run=cmd_makefile)
    sub.add_parser("list", help="decks and their scenes").set_defaults(run=cmd_list)
    s = sub.add_parser("render", help="render one scene")
    s.add_argument("scene")
    s.add_argument("--quality", default="m")
    s.add_argument("--position", default="1/1")
    s.set_defaults(run=cmd_render)
    s = sub.add_parser("export", help="export one deck")
    s.add_argument("format", choices=("html", "pptx", "pdf", "notes", "handout"))
    s.add_argument("deck")
    s.set_defaults(run=cmd_export)
    s = sub.add_parser("index", help="write the course page")
    s.add_argument("--select", default="")
    s.set_defaults(run=cmd_index)
    s = sub.add_parser("present", help="start the Qt presenter")
    s.add_argument("deck")
    s.add_argument("--keys", default=".manim-slides.toml")
    s.add_argument("extra", nargs="*", help="extra manim-slides present options (after --)")
    s.set_defaults(run=cmd_present)
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
