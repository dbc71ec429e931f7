"""Numbers as the slides write them: one place for decimals, signs, percents and thousands.

On screen a negative number takes a true minus sign (U+2212), never a hyphen, and a value
that rounds to zero reads "0", never "-0". LaTeX draws its own minus, so formulas ask for
``minus="-"``.
"""

from __future__ import annotations

MINUS = "\u2212"


def fixed(value: float, decimals: int = 0, *, minus: str = MINUS) -> str:
    """``value`` with ``decimals`` places: ``fixed(-0.651, 2)`` is "−0.65", ``fixed(-0.001, 2)`` "0.00"."""
    text = f"{float(value):.{decimals}f}"
    if float(text) == 0:
        text = f"{0:.{decimals}f}"
    return text.replace("-", minus)


def signed(value: float, decimals: int = 0) -> str:
    """A change, with its sign always written: "+1.3", "−0.4", "+0.0"."""
    text = fixed(value, decimals)
    return text if text.startswith(MINUS) else f"+{text}"


def percent(fraction: float, decimals: int = 0, *, space: str = "") -> str:
    """A fraction as a percentage: ``percent(0.123, 1)`` is "12.3%"; ``space=" "`` gives "12.3 %"."""
    return f"{fixed(100 * float(fraction), decimals)}{space}%"


def thousands(count: int) -> str:
    """A whole number with thousands separated by commas: "11,689,512"."""
    return f"{int(count):,}"
