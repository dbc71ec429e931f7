"""Names for the nets that records over several seeds keep apart."""

from __future__ import annotations


def seed_key(plain: bool, seed: int) -> str:
    """One trained net of a record over seeds: ``plain-s0``, ``residual-s2``."""
    return f"{'plain' if plain else 'residual'}-s{seed}"
