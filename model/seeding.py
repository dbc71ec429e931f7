"""The one way a computation is seeded: torch's seed, deterministic kernels, one thread.

Torch is imported when a computation starts, not when this module loads, so the record cache
imports this without importing torch.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

COMPUTE_THREADS = 1
"""Threads a computation runs on. These nets are tiny: on two shared cores a second OpenMP
thread mostly waits at barriers (measured 10-20x slower under load, barely faster when idle),
and ``build-data`` runs one record per core instead. One thread makes a run repeat exactly on
the same processor; another processor (other vector kernels) sums in another order, so its
numbers differ, which is why every verdict is judged against seed spread."""


@contextlib.contextmanager
def seeded(seed: int, strict: bool = True) -> Iterator[None]:
    """Seed torch, ask for deterministic kernels and run on ``COMPUTE_THREADS``; restore all after.

    ``strict=False`` warns, rather than fails, on an operation that has no deterministic kernel:
    the cache runs every record that way, and the experiments seed each net strictly inside.
    """
    import torch

    was_deterministic = torch.are_deterministic_algorithms_enabled()
    was_warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    threads = torch.get_num_threads()
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=not strict)
    torch.set_num_threads(COMPUTE_THREADS)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(was_deterministic, warn_only=was_warn_only)
        torch.set_num_threads(threads)
