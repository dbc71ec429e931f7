"""The one number formatter writes what each scene's own formatter wrote before it."""

from __future__ import annotations

import numpy as np
import pytest

from slides.common.numbers import MINUS, fixed, percent, signed, thousands

# Values around every rounding edge: zeros of both signs, halves, large and tiny magnitudes.
VALUES = sorted(
    {float(v) for v in np.concatenate([np.linspace(-3, 3, 241), [-0.004, -0.0, 0.0, 0.004, 0.125, 12345.678, -999.5]])}
)


def grid_format_value(value: float, decimals: int) -> str:
    """The grids' formatter as the slides had it: no "-0", a true minus sign."""
    text = f"{value:.{decimals}f}"
    if float(text) == 0:
        text = f"{0:.{decimals}f}"
    return text.replace("-", "\u2212")


@pytest.mark.parametrize("places", [0, 1, 2, 4])
def test_fixed_writes_what_the_grids_wrote(places: int) -> None:
    for value in VALUES:
        assert fixed(value, places) == grid_format_value(value, places)


@pytest.mark.parametrize("places", [0, 2])
def test_fixed_with_an_ascii_minus_writes_what_the_formulas_wrote(places: int) -> None:
    # The autodiff formulas: LaTeX draws "-" as a minus itself.
    for value in VALUES:
        text = f"{value:.{places}f}"
        old = f"{0:.{places}f}" if float(text) == 0 else text
        assert fixed(value, places, minus="-") == old


@pytest.mark.parametrize(("places", "space"), [(0, ""), (1, ""), (2, " ")])
def test_percent_writes_what_the_landscape_lesion_and_plot_slides_wrote(places: int, space: str) -> None:
    # Error rates and shares are fractions in [0, 1].
    for fraction in np.linspace(0, 1, 1001):
        assert percent(fraction, places, space=space) == f"{100 * float(fraction):.{places}f}{space}%"


def test_percent_of_a_negative_fraction_takes_a_true_minus() -> None:
    assert percent(-0.123, 1) == f"{MINUS}12.3%"
    assert percent(-0.0001) == "0%"


@pytest.mark.parametrize("places", [0, 1])
def test_signed_writes_what_the_gain_captions_wrote(places: int) -> None:
    for value in VALUES:
        old = f"{value:+.{places}f}"
        new = signed(value, places)
        if float(old) > 0 or old.lstrip("+-").strip("0.") == "":
            assert new == old.replace("-", "+"), value  # "+1.5", and zero always "+0"
        else:
            assert new == old.replace("-", MINUS), value


def test_thousands() -> None:
    for count in (0, 7, 999, 1000, 11_689_512, 25_557_032):
        assert thousands(count) == f"{count:,}"
    assert thousands(11_689_512) == "11,689,512"
