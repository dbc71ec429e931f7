"""What is on screen when a slide ends: its words, numbers and formulas, in reading order.

One pass over the scene's mobjects serves two readers: the slide's text description
(for screen readers, the reading view, the handout and the PowerPoint alternative text)
and the layout rules (inside the frame, never below ``MIN_FONT``, no two texts overlapping).
Grids of numbers are read a row at a time; a table of words with a header line, a row at a
time with each value after its column's name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import cast

from manim import (
    Animation,
    DecimalNumber,
    MathTex,
    Mobject,
    SingleStringMathTex,
    Text,
    Transform,
    TransformFromCopy,
    config,
)
from manim.mobject.text.text_mobject import MarkupText

from slides import theme

# Texts whose vertical centres lie this close (frame units) are read as one line.
LINE_TOLERANCE = 0.2
# Overlaps smaller than this (frame units, in both directions) are glyph bounding
# boxes touching, not texts drawn over each other.
OVERLAP_TOLERANCE = 0.04
# Glyph against glyph the slack is smaller: a fraction bar is thinner than OVERLAP_TOLERANCE.
GLYPH_TOLERANCE = 0.01
# Rounding slack when comparing sizes with MIN_FONT.
FONT_TOLERANCE = 0.5
# Numbers put on screen one by one (a grid's cells) this close to each other (frame units,
# between their edges) are read as one table; grids side by side sit further apart.
GRID_GAP = 0.8


@dataclass(frozen=True)
class OnScreenText:
    """One text, number or formula as the viewer sees it."""

    text: str  # what a reader reads: the string, or a formula's LaTeX source
    kind: str  # "text", "formula" or "number"
    font_size: float  # effective size after every scaling, in manim font-size units
    left: float
    right: float
    bottom: float
    top: float
    block: int = 0  # which top-level mobject on screen it belongs to, in reading order
    # Each glyph's box (left, right, bottom, top): two texts overlap only where their ink does.
    glyphs: tuple[tuple[float, float, float, float], ...] = field(default=(), compare=False, repr=False)

    @property
    def centre_y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def centre_x(self) -> float:
        return (self.left + self.right) / 2


def _visible(mobject: Mobject) -> bool:
    family = mobject.family_members_with_points()
    if not family:
        return False
    for part in family:
        fill = getattr(part, "get_fill_opacity", lambda: 1.0)()
        stroke = getattr(part, "get_stroke_opacity", lambda: 1.0)()
        if max(fill, stroke) > 0.05:
            return True
    return False


def _reading(mobject: Mobject) -> tuple[str, str] | None:
    """(text, kind) for a mobject that is one piece of text, else None."""
    if isinstance(mobject, DecimalNumber):
        return _number(mobject), "number"
    if isinstance(mobject, (Text, MarkupText)):
        return str(getattr(mobject, "original_text", "") or getattr(mobject, "text", "")), "text"
    if isinstance(mobject, (MathTex, SingleStringMathTex)):
        return _tex_source(mobject), "formula"
    return None


# What a text or formula is read from (see _reading): manim's Transform morphs an object's
# shapes into its target's but keeps the object, and with it the words it was made from.
READ_FROM = ("text", "original_text", "tex_string", "tex_strings")


def follow_transforms(animations: Iterable[Animation]) -> None:
    """After these animations ran, let each text that a ``Transform`` turned into another text read
    as its target (a heading transformed into the next slide's heading reads as the new one)."""
    for animation in animations:
        follow_transforms(getattr(animation, "animations", ()))
        # A replacement puts the target itself on screen; a transform from a copy runs backwards,
        # from the copy to the object, which ends as itself.
        if not isinstance(animation, Transform) or isinstance(animation, TransformFromCopy):
            continue
        if animation.replace_mobject_with_target_in_scene:
            continue
        shown, target = animation.mobject, animation.target_mobject
        if not (isinstance(shown, Mobject) and isinstance(target, Mobject)):
            continue
        if _reading(shown) is None or _reading(target) is None:
            continue
        for name in READ_FROM:
            if hasattr(shown, name) and hasattr(target, name):
                setattr(shown, name, getattr(target, name))


def _number(mobject: DecimalNumber) -> str:
    value = mobject.get_value()
    places = getattr(mobject, "num_decimal_places", 0)
    return f"{value:.{places}f}"


def _tex_source(mobject: SingleStringMathTex) -> str:
    source = getattr(mobject, "tex_string", "")
    return tex_to_text(re.sub(r"\s+", " ", source).strip())


# LaTeX commands as the characters a reader (or a screen reader) reads.
_TEX_SYMBOLS = {
    "partial": "∂",
    "cdot": "·",
    "times": "×",
    "sum": "Σ",
    "prod": "Π",
    "nabla": "∇",
    "infty": "∞",
    "leq": "≤",
    "le": "≤",
    "geq": "≥",
    "ge": "≥",
    "neq": "≠",
    "approx": "≈",
    "to": "→",
    "rightarrow": "→",
    "leftarrow": "←",
    "in": "∈",
    "ldots": "…",
    "cdots": "⋯",
    "pm": "±",
    "top": "ᵀ",
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "varepsilon": "ε",
    "eta": "η",
    "theta": "θ",
    "lambda": "λ",
    "mu": "μ",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "phi": "φ",
    "omega": "ω",
    "Delta": "Δ",
    "Sigma": "Σ",
    "tanh": "tanh",
    "exp": "exp",
    "log": "log",
    "max": "max",
    "min": "min",
}
# Commands that only change how their argument looks.
_TEX_STYLES = (
    "mathrm",
    "mathbf",
    "mathcal",
    "mathit",
    "text",
    "textbf",
    "operatorname",
    "hat",
    "bar",
    "boldsymbol",
    "mathsf",
    "mathtt",
)
_TEX_SPACING = ("textstyle", "displaystyle", "scriptstyle", "left", "right", "big", "Big", "bigg", "Bigg")


def tex_to_text(tex: str) -> str:
    """A formula's LaTeX source as plain text: \\frac{a}{b} reads a/b, \\partial reads ∂."""
    text = re.sub(r"\\(partial|nabla)\s*", lambda m: _TEX_SYMBOLS[m.group(1)], tex)
    text = re.sub(r"\\hat\s*\{?(\w)\}?", "\\1\u0302", text)
    group = r"\{((?:[^{}]|\{[^{}]*\})*)\}"
    for _ in range(4):  # nested fractions and styles, innermost first
        text = re.sub(
            r"\\[dt]?frac\s*" + group + r"\s*" + group, lambda m: f"{_wrap(m.group(1))}/{_wrap(m.group(2))} ", text
        )
        text = re.sub(r"\\sqrt\s*" + group, lambda m: f"√{_wrap(m.group(1))}", text)
        text = re.sub(r"\\(?:" + "|".join(_TEX_STYLES) + r")\s*" + group, r"\1", text)
    text = re.sub(r"\\(?:" + "|".join(_TEX_SPACING) + r")(?![a-zA-Z])", "", text)
    text = re.sub(r"\\[,;:! ]|\\quad|\\qquad|~", " ", text)
    text = re.sub(r"\\([a-zA-Z]+)", lambda m: _TEX_SYMBOLS.get(m.group(1), m.group(1)), text)
    text = re.sub(r"\\(.)", r"\1", text)  # \{ \} \% and the like
    # Superscripts and subscripts keep their mark; a one-character argument loses its braces.
    text = re.sub(r"_\{([^{}]+)\}", lambda m: "_" + m.group(1).replace(" ", ""), text)
    text = re.sub(r"\^\{([^{}]+)\}", lambda m: "^" + (m.group(1) if len(m.group(1)) == 1 else f"({m.group(1)})"), text)
    text = text.replace("^ᵀ", "ᵀ").replace("{", "").replace("}", "")
    # Composed characters (h and a circumflex become ĥ), as screen readers expect them.
    return unicodedata.normalize("NFC", re.sub(r"\s+([,)])", r"\1", re.sub(r"\s+", " ", text)).strip())


def _wrap(part: str) -> str:
    part = part.strip()
    return part if re.fullmatch(r"[\w.∂\\]+(\s*[\w.]+)?", part) and " " not in part else f"({part})"


def _glyph_boxes(mobject: Mobject) -> tuple[tuple[float, float, float, float], ...]:
    boxes = []
    for part in mobject.family_members_with_points():
        points = part.points
        boxes.append(
            (float(points[:, 0].min()), float(points[:, 0].max()), float(points[:, 1].min()), float(points[:, 1].max()))
        )
    return tuple(boxes)


def onscreen_texts(mobjects: Iterable[Mobject]) -> list[OnScreenText]:
    """Every visible text, number and formula under ``mobjects``, in reading order.

    Each top-level mobject (a table, a diagram, a caption) is read as one block, blocks
    from top to bottom and left to right, so two tables side by side are not interleaved.
    """
    seen: set[int] = set()

    def visit(mobject: Mobject, found: list[OnScreenText]) -> None:
        if id(mobject) in seen:
            return
        seen.add(id(mobject))
        reading = _reading(mobject)
        if reading is None:
            for child in mobject.submobjects:
                visit(child, found)
            return
        text, kind = reading
        if not text.strip() or not _visible(mobject):
            return
        found.append(
            OnScreenText(
                text=text.strip(),
                kind=kind,
                font_size=float(cast("Text | MarkupText | SingleStringMathTex | DecimalNumber", mobject).font_size),
                left=float(mobject.get_left()[0]),
                right=float(mobject.get_right()[0]),
                bottom=float(mobject.get_bottom()[1]),
                top=float(mobject.get_top()[1]),
                glyphs=_glyph_boxes(mobject),
            )
        )

    blocks: list[list[OnScreenText]] = []
    for mobject in mobjects:
        found: list[OnScreenText] = []
        visit(mobject, found)
        if found:
            blocks.append(reading_order(found))
    blocks = _merge_table_rows(_merge_number_grids(blocks))

    def place(block: list[OnScreenText]) -> tuple[float, float]:
        top = max(i.top for i in block)
        return (-round(top / (2 * LINE_TOLERANCE)), min(i.left for i in block))

    ordered = sorted(blocks, key=place)
    return [replace(item, block=number) for number, block in enumerate(ordered) for item in block]


def _merge_number_grids(blocks: list[list[OnScreenText]]) -> list[list[OnScreenText]]:
    """Numbers on screen on their own, next to one another, become one block: a table."""
    singles = [i for i, block in enumerate(blocks) if len(block) == 1 and _numeric(block[0])]
    parent = {i: i for i in singles}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for position, first in enumerate(singles):
        for second in singles[position + 1 :]:
            if _neighbours(blocks[first][0], blocks[second][0]):
                parent[root(first)] = root(second)
    tables: dict[int, list[OnScreenText]] = {}
    for i in singles:
        tables.setdefault(root(i), []).append(blocks[i][0])
    return [b for i, b in enumerate(blocks) if i not in parent] + [reading_order(t) for t in tables.values()]


def _merge_table_rows(blocks: list[list[OnScreenText]]) -> list[list[OnScreenText]]:
    """Rows put on screen one by one right below a header (``_is_header``), each item under one of
    its names, join the header's block: one table."""
    lines = [_lines(block) for block in blocks]
    single = [i for i, found in enumerate(lines) if len(found) == 1]
    joined: dict[int, list[int]] = {}
    taken: set[int] = set()
    for first in single:
        header = lines[first][0]
        if first in taken or not _is_header(header):
            continue
        bottom = min(item.bottom for item in header)
        below = [i for i in single if i != first and i not in taken and lines[i][0][0].centre_y < header[0].centre_y]
        for i in sorted(below, key=lambda i: -max(item.top for item in blocks[i])):
            if bottom - max(item.top for item in blocks[i]) > GRID_GAP or _under(header, lines[i][0]) is None:
                break
            joined.setdefault(first, []).append(i)
            taken.add(i)
            bottom = min(item.bottom for item in blocks[i])
    return [
        block + [item for row in joined.get(i, []) for item in blocks[row]]
        for i, block in enumerate(blocks)
        if i not in taken
    ]


def _is_header(line: list[OnScreenText]) -> bool:
    """Two or more names side by side, each a text whose every word has a letter in it (not a
    number, a shape like "(2, 64, 56, 56)" or a formula): a table's header, when rows follow."""
    return len(line) >= 2 and all(
        item.kind == "text" and all(any(c.isalpha() for c in word) for word in item.text.split()) for item in line
    )


def _numeric(item: OnScreenText) -> bool:
    return item.kind == "number" or _is_number(item.text)


def _neighbours(a: OnScreenText, b: OnScreenText) -> bool:
    """Side by side in one row, or one above the other in one column, less than GRID_GAP apart."""
    gap_x = max(a.left, b.left) - min(a.right, b.right)
    gap_y = max(a.bottom, b.bottom) - min(a.top, b.top)
    same_row = abs(a.centre_y - b.centre_y) <= LINE_TOLERANCE
    same_column = gap_x < 0  # their horizontal extents overlap
    return (same_row and gap_x <= GRID_GAP) or (same_column and gap_y <= GRID_GAP)


def reading_order(items: list[OnScreenText]) -> list[OnScreenText]:
    """Top to bottom in lines, left to right within a line."""
    return [item for line in _lines(items) for item in line]


def _lines(items: list[OnScreenText]) -> list[list[OnScreenText]]:
    lines: list[list[OnScreenText]] = []
    for item in sorted(items, key=lambda i: -i.centre_y):
        if lines and abs(lines[-1][0].centre_y - item.centre_y) <= LINE_TOLERANCE:
            lines[-1].append(item)
        else:
            lines.append([item])
    return [sorted(line, key=lambda i: i.left) for line in lines]


# --- the slide's description --------------------------------------------------------


def description(items: list[OnScreenText], pictures: list[str]) -> dict[str, object]:
    """The heading, the words in reading order and what the pictures show."""
    heading = ""
    rest = list(items)
    if items:
        # The heading is the topmost text set at heading size or larger.
        top = max(items, key=lambda i: (i.font_size >= theme.HEADING_FONT - FONT_TOLERANCE, i.top))
        if top.font_size >= theme.HEADING_FONT - FONT_TOLERANCE:
            heading = " ".join(top.text.split())
            rest.remove(top)
    words: list[str] = []
    for number in dict.fromkeys(i.block for i in rest):
        in_column = False
        lines = _lines([i for i in rest if i.block == number])
        tables = _tables(lines)
        table_end = 0
        for index, line in enumerate(lines):
            if index in tables:
                # A table's header and rows: a row is one phrase of "header: value" pairs.
                table_end, rows = tables[index]
                words.extend(rows)
                in_column = False
            if index < table_end:
                continue
            # A column of numbers (a vector), one a line, is read as one phrase too.
            single = len(line) == 1 and (line[0].kind == "number" or _is_number(line[0].text))
            if single and in_column:
                words[-1] += " " + line[0].text
                continue
            in_column = single
            # A row of numbers (a table's row, a kernel's row) is read as one phrase.
            phrase: list[str] = []
            for item in line:
                if item.kind == "number" or _is_number(item.text):
                    phrase.append(item.text)
                    continue
                if phrase:
                    words.append(" ".join(phrase))
                    phrase = []
                words.append(" ".join(item.text.split()))  # a text set on two lines reads as one
            if phrase:
                words.append(" ".join(phrase))
    return {"heading": heading, "text": words, "pictures": list(pictures)}


def _tables(lines: list[list[OnScreenText]]) -> dict[int, tuple[int, list[str]]]:
    """The tables among a block's lines, by the index of their header line: the index of the
    line after the table, and its rows as phrases.

    A header is a line of two or more names (``_is_header``); the table's rows are the lines right
    below it whose items each sit under one header (the nearest by their centres,
    within the header's width and GRID_GAP beyond), two or more headers filled in each. A table
    has two or more rows; a screen reader then says which column each value is in, instead of
    reading the cells one after another.
    """
    tables: dict[int, tuple[int, list[str]]] = {}
    index = 0
    while index < len(lines):
        header = lines[index]
        rows = []
        if _is_header(header):
            for line in lines[index + 1 :]:
                row = _under(header, line)
                if row is None:
                    break
                rows.append(row)
        if len(rows) >= 2:
            names = [" ".join(item.text.split()) for item in header]
            phrases = [", ".join(f"{names[c]}: {' '.join(row[c])}" for c in sorted(row)) for row in rows]
            tables[index] = (index + len(rows) + 1, phrases)
            index += len(rows) + 1
        else:
            index += 1
    return tables


def _under(header: list[OnScreenText], line: list[OnScreenText]) -> dict[int, list[str]] | None:
    """The line's texts by the header each sits under, or None when the line is no table row."""
    left, right = header[0].left - GRID_GAP, header[-1].right + GRID_GAP
    row: dict[int, list[str]] = {}
    for item in line:
        if not left <= item.centre_x <= right:
            return None
        column = min(range(len(header)), key=lambda c: abs(header[c].centre_x - item.centre_x))
        text = " ".join(item.text.split())
        if text == " ".join(header[column].text.split()):
            return None  # a label repeated under itself (a diagram's "encode" twice) names no column
        row.setdefault(column, []).append(text)
    return row if len(row) >= 2 else None


def _is_number(text: str) -> bool:
    return re.fullmatch(r"[-−+]?\d[\d,]*(\.\d+)?%?", text.strip()) is not None


def description_text(described: dict[str, object]) -> str:
    """The description as one paragraph, for alt text and screen readers."""
    parts: list[str] = []
    if described.get("heading"):
        parts.append(_sentence(str(described["heading"])))
    words = [str(w) for w in cast("list[object]", described.get("text", []))]
    if words:
        # A line that ends in a comma goes on in the next one: one sentence, not two items.
        # A full stop before the next item would read as ".;".
        joined = words[0]
        for word in words[1:]:
            if joined.endswith(","):
                joined += " " + word
            else:
                joined = (joined[:-1] if joined.endswith(".") and not joined.endswith("..") else joined) + "; " + word
        parts.append(_sentence("On screen: " + joined))
    parts += [str(p) for p in cast("list[object]", described.get("pictures", []))]
    return " ".join(parts)


def _sentence(text: str) -> str:
    """The text with a full stop, unless it already ends a sentence."""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


# --- the layout rules ------------------------------------------------------------------


def layout_problems(items: list[OnScreenText]) -> list[str]:
    """Each broken rule as one phrase: outside the frame, below MIN_FONT, overlapping."""
    half_w = config.frame_width / 2 - theme.MARGIN / 2
    half_h = config.frame_height / 2 - theme.MARGIN / 2
    problems: list[str] = []
    for item in items:
        name = _short(item.text)
        if item.left < -half_w or item.right > half_w or item.bottom < -half_h or item.top > half_h:
            problems.append(f"'{name}' leaves the frame (margin {theme.MARGIN / 2:g})")
        if item.font_size < theme.MIN_FONT - FONT_TOLERANCE:
            problems.append(f"'{name}' is set at {item.font_size:.1f}, below MIN_FONT {theme.MIN_FONT}")
    for i, first in enumerate(items):
        for second in items[i + 1 :]:
            if _overlap(first, second):
                problems.append(f"'{_short(first.text)}' overlaps '{_short(second.text)}'")
    return problems


Box = tuple[float, float, float, float]


def _boxes_overlap(a: Box, b: Box, tolerance: float = OVERLAP_TOLERANCE) -> bool:
    dx = min(a[1], b[1]) - max(a[0], b[0])
    dy = min(a[3], b[3]) - max(a[2], b[2])
    return dx > tolerance and dy > tolerance


def _overlap(first: OnScreenText, second: OnScreenText) -> bool:
    """Two texts overlap when their boxes do and, where glyphs are known, some glyphs do too.

    A word's box also covers the space between its letters and lines: a short label tucked
    beside a tall formula overlaps the formula's box but none of its glyphs.
    """
    if not _boxes_overlap(_box(first), _box(second)):
        return False
    if not first.glyphs or not second.glyphs:
        return True
    near = [g for g in first.glyphs if _boxes_overlap(g, _box(second), GLYPH_TOLERANCE)]
    return any(_boxes_overlap(g, h, GLYPH_TOLERANCE) for g in near for h in second.glyphs)


def _box(item: OnScreenText) -> Box:
    return (item.left, item.right, item.bottom, item.top)


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
