"""The transposed-convolution scene: every case of its table against torch, and one slide group per case."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from model.concepts.transposed import CASES, ConvCase, transposed_case

EXTRA_CASES = (ConvCase("Uneven strides", (6, 4), kernel=2, stride=3, padding=0),)


def _window_sums(grid: np.ndarray, kernel: np.ndarray, stride: int) -> np.ndarray:
    k = kernel.shape[0]
    rows = range(0, grid.shape[0] - k + 1, stride)
    cols = range(0, grid.shape[1] - k + 1, stride)
    return np.array([[np.sum(grid[r : r + k, c : c + k] * kernel) for c in cols] for r in rows])


def test_transposed_table_holds_the_seed_cases() -> None:
    expected = {
        "5x5 k3 s1 p0": ((3, 3), (0, 0)),
        "4x4 k2 s2 p0": ((2, 2), (0, 0)),
        "3x4 k2 s1 p1": ((4, 5), (0, 0)),
        "3x4 k3 s2 p1": ((2, 2), (0, 1)),
    }
    assert {case.name for case in CASES} >= set(expected)
    for case in CASES:
        if case.name in expected:
            record = transposed_case(case)
            assert (record.output_size, record.output_padding) == expected[case.name]


@pytest.mark.parametrize("case", CASES + EXTRA_CASES, ids=lambda case: case.name)
def test_convolution_matches_its_windows_and_the_formula(case: ConvCase) -> None:
    record = transposed_case(case)
    (h, w), k, s, p = case.input_size, case.kernel, case.stride, case.padding
    assert record.input.shape == (h, w) and record.kernel.shape == (k, k)
    assert record.input.min() >= 0 and record.input.max() <= 3
    assert record.kernel.min() >= -1 and record.kernel.max() <= 2

    padded = np.pad(record.input, p)
    np.testing.assert_array_equal(record.padded_input, padded)
    np.testing.assert_array_equal(record.output, _window_sums(padded, record.kernel, s))
    assert record.output_size == tuple((i + 2 * p - k) // s + 1 for i in (h, w))
    assert record.output.shape == record.output_size
    assert len(record.windows) == record.output.size
    for (row, col), value in zip(record.windows, record.output.flat):
        assert np.sum(padded[row : row + k, col : col + k] * record.kernel) == value


@pytest.mark.parametrize("case", CASES + EXTRA_CASES, ids=lambda case: case.name)
def test_transposed_convolution_equals_torch_and_restores_the_shape(case: ConvCase) -> None:
    record = transposed_case(case)
    (h, w), k, s, p = case.input_size, case.kernel, case.stride, case.padding
    a = tuple((i + 2 * p - k) % s for i in (h, w))
    assert record.output_padding == a
    assert record.inserted_zeros == s - 1 and record.transposed_padding == k - p - 1
    np.testing.assert_array_equal(record.flipped_kernel, record.kernel[::-1, ::-1])

    # The padded grid: the transposed input's cells spread s apart, zeros everywhere else.
    grid = record.padded_transposed_input
    q = k - p - 1
    o_h, o_w = record.output_size
    assert grid.shape == ((o_h - 1) * s + 1 + 2 * q + a[0], (o_w - 1) * s + 1 + 2 * q + a[1])
    spread = grid[q : q + (o_h - 1) * s + 1 : s, q : q + (o_w - 1) * s + 1 : s]
    np.testing.assert_array_equal(spread, record.transposed_input)
    assert np.count_nonzero(grid) == np.count_nonzero(record.transposed_input)
    for (row, col), value in zip(record.transposed_input_cells, record.transposed_input.flat):
        assert grid[row, col] == value
    np.testing.assert_array_equal(record.dilated_input[::s, ::s], record.transposed_input)

    # Shape relations: Dumoulin and Visin, PyTorch's documented formula, and the original input.
    by_paper = tuple(s * (i - 1) + ai + k - 2 * p for i, ai in zip((o_h, o_w), a))
    by_torch = tuple((i - 1) * s - 2 * p + (k - 1) + ai + 1 for i, ai in zip((o_h, o_w), a))
    assert by_paper == by_torch == (h, w) == record.transposed_output.shape

    # Values: the stride-1 windows over the grid, functional torch, and the module.
    direct = _window_sums(grid, record.flipped_kernel, 1)
    np.testing.assert_array_equal(record.transposed_output, direct)
    x = torch.from_numpy(record.transposed_input.astype(np.float64))[None, None]
    weight = torch.from_numpy(record.kernel.astype(np.float64))[None, None]
    functional = F.conv_transpose2d(x, weight, stride=s, padding=p, output_padding=a)[0, 0]
    np.testing.assert_allclose(record.transposed_output, functional.numpy(), atol=1e-9)
    module = nn.ConvTranspose2d(1, 1, k, stride=s, padding=p, output_padding=a, bias=False)
    with torch.no_grad():
        module.weight.copy_(weight.float())
        from_module = module(x.float())[0, 0]
    np.testing.assert_allclose(record.transposed_output, from_module.numpy(), atol=1e-4)
    assert len(record.transposed_windows) == record.transposed_output.size


def test_some_case_needs_output_padding() -> None:
    padded_cases = [case for case in CASES if any(transposed_case(case).output_padding)]
    assert padded_cases, "the table should show why output padding exists"


@pytest.mark.parametrize(
    ("input_size", "kernel", "stride", "padding", "message"),
    [
        ((2, 3), 5, 1, 0, "larger than the padded input"),
        ((3, 3), 2, 0, 1, "stride must be positive"),
        ((3, 3), 2, -1, 0, "stride must be positive"),
        ((3, 3), 0, 1, 0, "kernel must be positive"),
        ((3, 3), 2, 1, -1, "padding must be non-negative"),
        ((3, 3), 2, 1, 2, "at most kernel - 1"),
        ((0, 3), 1, 1, 0, "input_size"),
    ],
)
def test_bad_case_raises(input_size: tuple[int, int], kernel: int, stride: int, padding: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        transposed_case(ConvCase("bad", input_size, kernel, stride, padding))


def test_windows_produce_the_cells_they_fill() -> None:
    """The scene fills output cell n while the window sits at position n: check each sum."""
    for data in (transposed_case(case) for case in CASES):
        k = data.case.kernel
        for grid, kernel, windows, output in (
            (data.padded_input, data.kernel, data.windows, data.output),
            (data.padded_transposed_input, data.flipped_kernel, data.transposed_windows, data.transposed_output),
        ):
            assert len(windows) == output.size
            for n, (row, col) in enumerate(windows):
                total = int((grid[row : row + k, col : col + k] * kernel).sum())
                assert total == output.flat[n]
        for n, (row, col) in enumerate(data.transposed_input_cells):
            assert data.padded_transposed_input[row, col] == data.transposed_input.flat[n]


def test_transposed_plan_has_one_group_per_case(monkeypatch) -> None:
    import slides.concepts.transposed_conv as scene
    from model.concepts.transposed import CASES, ConvCase, transposed_case

    plan = scene.transposed_plan()
    assert [group.data.case for group in plan] == list(CASES)
    for group in plan:
        assert group.beats and all(beat.notes.strip() for beat in group.beats)
        assert all(callable(getattr(scene.TransposedConvolution, beat.step, None)) for beat in group.beats)
    # A new line in the table (a new case in the record) is a new slide group, with no other change.
    extra = ConvCase("Extra", (6, 6), kernel=3, stride=2, padding=1)
    cases = tuple(group.data for group in plan)
    monkeypatch.setattr(scene, "transposed_data", lambda: cases + (transposed_case(extra),))
    longer = scene.transposed_plan()
    assert len(longer) == len(CASES) + 1 and longer[-1].data.case == extra
