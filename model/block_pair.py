"""A basic block and a bottleneck block side by side, as a stage's first layers hold them."""

from __future__ import annotations

from dataclasses import dataclass

from model.block_trace import BlockTrace, block_trace
from model.cache import cached


@dataclass(frozen=True)
class BlockPair:
    """``block_trace`` of a basic block and of a bottleneck block, each at its default width."""

    basic: BlockTrace
    bottleneck: BlockTrace


@cached("block_pair")
def block_pair() -> BlockPair:
    """The two blocks the slides compare: 64 -> 64 -> 64, and 256 -> 64 -> 64 -> 256."""
    return BlockPair(block_trace("basic"), block_trace("bottleneck"))
