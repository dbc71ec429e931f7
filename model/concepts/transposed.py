"""Transposed convolutions, from one table of cases.

Each case is a convolution (input size, square kernel, stride, padding). The slide first runs the
convolution: the kernel slides over the zero-padded input, one window per output cell. Then it
runs the transposed convolution that goes from the output's shape back to the input's shape, as
Dumoulin and Visin draw it: insert ``stride - 1`` zeros between the transposed input's cells, pad
``kernel - padding - 1`` zeros on every side, plus ``a = (i + 2p - k) mod s`` extra rows/columns
on the bottom/right (the convolution's floor dropped them; PyTorch calls it ``output_padding``),
and slide the kernel, flipped in both directions, with stride 1. That equals
``torch.nn.functional.conv_transpose2d`` with the same kernel. It restores the shape, not the
values: the transposed convolution is not an inverse.

Adding a case to the deck is one line in ``CASES``. Values are small integers (inputs 0..3,
kernel -1..2), so every sum on screen can be checked by eye.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.cache import cached
from model.concepts._arrays import ReadOnlyArrays, frozen

if TYPE_CHECKING:
    import torch

SEED = 0


@dataclass(frozen=True)
class ConvCase:
    """A square-kernel convolution on an input of ``input_size`` (height, width)."""

    title: str
    input_size: tuple[int, int]
    kernel: int
    stride: int
    padding: int

    def __post_init__(self) -> None:
        sizes = self.input_size
        if len(sizes) != 2 or any(not isinstance(n, int) or n < 1 for n in sizes):
            raise ValueError(f"{self.title}: input_size must be two positive ints, got {sizes}")
        if self.kernel < 1:
            raise ValueError(f"{self.title}: kernel must be positive, got {self.kernel}")
        if self.stride < 1:
            raise ValueError(f"{self.title}: stride must be positive, got {self.stride}")
        if self.padding < 0:
            raise ValueError(f"{self.title}: padding must be non-negative, got {self.padding}")
        padded = tuple(n + 2 * self.padding for n in sizes)
        if any(self.kernel > n for n in padded):
            raise ValueError(f"{self.title}: kernel {self.kernel} is larger than the padded input {padded}")
        # The equivalent transposed convolution pads by kernel - padding - 1, which must exist.
        if self.padding > self.kernel - 1:
            raise ValueError(
                f"{self.title}: padding {self.padding} must be at most kernel - 1 = "
                f"{self.kernel - 1}, or some windows would see only padding"
            )

    @property
    def name(self) -> str:
        height, width = self.input_size
        return f"{height}x{width} k{self.kernel} s{self.stride} p{self.padding}"

    @property
    def output_size(self) -> tuple[int, int]:
        """o = floor((i + 2p - k) / s) + 1 per dimension."""
        height, width = (n + 2 * self.padding - self.kernel for n in self.input_size)
        return height // self.stride + 1, width // self.stride + 1

    @property
    def output_padding(self) -> tuple[int, int]:
        """a = (i + 2p - k) mod s per dimension: what the floor above dropped."""
        height, width = (n + 2 * self.padding - self.kernel for n in self.input_size)
        return height % self.stride, width % self.stride


# The four cases of the CSC492 videos; one line per case.
CASES = (
    ConvCase("No padding, unit strides", (5, 5), kernel=3, stride=1, padding=0),
    ConvCase("No padding, strides", (4, 4), kernel=2, stride=2, padding=0),
    ConvCase("Padding, unit strides", (3, 4), kernel=2, stride=1, padding=1),
    ConvCase("Padding, strides", (3, 4), kernel=3, stride=2, padding=1),
)


@dataclass(frozen=True, eq=False)  # arrays do not compare with ==
class TransposedCase(ReadOnlyArrays):
    """A convolution and its equivalent transposed convolution; arrays are read-only int64.

    Window positions are the (row, col) of a window's top-left cell in the grid it slides over,
    in row-major order, so window n produces the n-th output cell in reading order.
    """

    case: ConvCase
    # The convolution.
    input: np.ndarray  # (h, w) values 0..3
    padded_input: np.ndarray  # (h + 2p, w + 2p) zeros around the input
    kernel: np.ndarray  # (k, k) values -1..2
    output: np.ndarray  # output_size, from F.conv2d
    output_size: tuple[int, int]
    windows: tuple[tuple[int, int], ...]  # over padded_input
    # The transposed convolution, from output_size back to input_size.
    transposed_input: np.ndarray  # output_size, fresh values 0..3 (not the conv's output)
    inserted_zeros: int  # s - 1 between neighbouring cells
    transposed_padding: int  # k - p - 1 on every side
    output_padding: tuple[int, int]  # a per dimension, added on the bottom / right
    dilated_input: np.ndarray  # ((o_h - 1) s + 1, (o_w - 1) s + 1) zeros inserted
    padded_transposed_input: np.ndarray  # dilated_input padded: what the flipped kernel visits
    transposed_input_cells: tuple[tuple[int, int], ...]  # where each transposed_input cell sits
    flipped_kernel: np.ndarray  # (k, k) kernel rotated 180 degrees
    transposed_output: np.ndarray  # input_size: stride-1 conv of the padded grid, flipped kernel
    transposed_windows: tuple[tuple[int, int], ...]  # over padded_transposed_input


def _windows(grid: tuple[int, int], kernel: int, stride: int) -> tuple[tuple[int, int], ...]:
    rows = range(0, grid[0] - kernel + 1, stride)
    cols = range(0, grid[1] - kernel + 1, stride)
    return tuple((row, col) for row in rows for col in cols)


def _integers(values: torch.Tensor) -> np.ndarray:
    import torch

    # Sums of small integer products are exact in float64, so rounding only changes the type.
    return frozen(torch.round(values), dtype=np.int64)


def transposed_case(case: ConvCase) -> TransposedCase:
    """The convolution of ``case`` and its transposed convolution, every value from torch."""
    import torch
    import torch.nn.functional as F

    generator = torch.Generator().manual_seed(SEED)

    def integers(shape: tuple[int, ...], low: int, high: int) -> torch.Tensor:
        return torch.randint(low, high + 1, shape, generator=generator).double()

    k, s, p = case.kernel, case.stride, case.padding
    image = integers(case.input_size, 0, 3)
    kernel = integers((k, k), -1, 2)
    output = F.conv2d(image[None, None], kernel[None, None], stride=s, padding=p)[0, 0]
    padded_input = F.pad(image, (p, p, p, p))
    output_size = (output.shape[0], output.shape[1])

    transposed_input = integers(output_size, 0, 3)
    dilated = torch.zeros((output_size[0] - 1) * s + 1, (output_size[1] - 1) * s + 1, dtype=torch.float64)
    dilated[::s, ::s] = transposed_input
    border = k - p - 1
    extra_rows, extra_cols = case.output_padding
    # F.pad takes (left, right, top, bottom); the output padding goes right and bottom only.
    padded_transposed = F.pad(dilated, (border, border + extra_cols, border, border + extra_rows))
    flipped = torch.flip(kernel, dims=(0, 1))
    transposed_output = F.conv2d(padded_transposed[None, None], flipped[None, None])[0, 0]

    cells = tuple(
        (border + row * s, border + col * s) for row in range(output_size[0]) for col in range(output_size[1])
    )
    padded_size = (padded_transposed.shape[0], padded_transposed.shape[1])
    return TransposedCase(
        case=case,
        input=_integers(image),
        padded_input=_integers(padded_input),
        kernel=_integers(kernel),
        output=_integers(output),
        output_size=output_size,
        windows=_windows((padded_input.shape[0], padded_input.shape[1]), k, s),
        transposed_input=_integers(transposed_input),
        inserted_zeros=s - 1,
        transposed_padding=border,
        output_padding=case.output_padding,
        dilated_input=_integers(dilated),
        padded_transposed_input=_integers(padded_transposed),
        transposed_input_cells=cells,
        flipped_kernel=_integers(flipped),
        transposed_output=_integers(transposed_output),
        transposed_windows=_windows(padded_size, k, 1),
    )


@dataclass(frozen=True)
class TransposedCases:
    """Every case of ``CASES``, in order, each with its convolution and transposed convolution."""

    cases: tuple[TransposedCase, ...]


@cached("transposed_cases")
def transposed_cases() -> TransposedCases:
    """``transposed_case`` of every case the slides show."""
    return TransposedCases(tuple(transposed_case(case) for case in CASES))
