"""The process that renders one scene: its module imported and timed, then manim run on it.

``python -m slides.pipeline.scene_process REPORT MODULE MANIM_ARGS...`` imports ``MODULE``
(the scene's, with manim, the shared slide pieces and the model records it reads), then runs
``manim MANIM_ARGS...`` with the course's encoder preset (``slides.pipeline.manim_run``).
When the process ends, whether manim succeeded or not, it writes to ``REPORT`` how long that
import took and whether torch was imported at any point: a scene whose records are cached
reads them with numpy and json alone, and a stale record computed during the render shows
here as ``torch_imported``.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from pathlib import Path


def write_report(path: Path, import_s: float) -> None:
    report = {"import_s": round(import_s, 3), "torch_imported": "torch" in sys.modules}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(report), encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str]) -> None:
    if len(argv) < 3:
        raise SystemExit("usage: python -m slides.pipeline.scene_process REPORT MODULE MANIM_ARGS...")
    report, module, manim_args = Path(argv[0]), argv[1], argv[2:]
    started = time.perf_counter()
    from slides.pipeline import lean_imports

    lean_imports.install()
    importlib.import_module(module)
    import_s = time.perf_counter() - started
    from manim.__main__ import main as manim_main

    from slides.pipeline.manim_run import use_course_preset

    use_course_preset()
    try:
        manim_main(args=manim_args, prog_name="manim")
    finally:
        write_report(report, import_s)


if __name__ == "__main__":
    main(sys.argv[1:])
