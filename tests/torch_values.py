"""Comparing the numbers a record holds with the same numbers recomputed by torch in a test."""

from __future__ import annotations

import numpy as np
import torch


def double(values: object) -> torch.Tensor:
    """Constants in float64: a float32 detour would lose the digits the slides print."""
    if isinstance(values, torch.Tensor):
        return values.detach().to(torch.float64)
    return torch.tensor(values, dtype=torch.float64)


def close(shown: object, expected: torch.Tensor | float) -> bool:
    expected = expected.detach().numpy() if isinstance(expected, torch.Tensor) else expected
    return np.allclose(np.asarray(shown, dtype=float), np.asarray(expected, dtype=float), atol=1e-9)
