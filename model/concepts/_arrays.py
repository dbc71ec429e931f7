"""Turning torch results into values a record can hold safely."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch


class ReadOnlyArrays:
    """A dataclass base whose array fields are read-only, however the record was made: computed
    (``frozen``) or read back from the record cache."""

    def __post_init__(self) -> None:
        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                value.setflags(write=False)


def frozen(values: torch.Tensor | np.ndarray, dtype: type = np.float64) -> np.ndarray:
    """A read-only numpy copy, so a record cannot be changed by whoever reads it."""
    if not isinstance(values, np.ndarray):
        values = values.detach().cpu().numpy()
    array: np.ndarray = np.array(values, dtype=dtype, copy=True)
    array.setflags(write=False)
    return array


def fixed_values(shape: tuple[int, ...], seed: int, scale: float = 1.0) -> torch.Tensor:
    """Seeded normal values rounded to one decimal, so they stay readable on a slide."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    values = torch.randn(shape, generator=generator, dtype=torch.float64) * scale
    # Adding 0.0 turns -0.0 into 0.0, which would otherwise print as "-0.0".
    return torch.round(values * 10) / 10 + 0.0
