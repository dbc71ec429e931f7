"""Work that ``python -m model build-data`` hands to its worker processes (one per core)."""

from __future__ import annotations

import time


def worker_init() -> None:
    """Each worker computes on one thread; the parallelism is one record per process."""
    import torch

    torch.set_num_threads(1)


def build_one(name: str, force: bool) -> tuple[str, bool, float, float]:
    """Build one registered record in this process: (name, rebuilt, wall s, CPU s)."""
    from model.cache import resolve_names

    (function,) = resolve_names([name])
    cpu = time.process_time()
    result = function.build(force=force)
    return name, result.rebuilt, result.seconds, time.process_time() - cpu
