"""Text shapes read from the shape folder are the shapes manim makes from the SVG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from manim import MathTex, SVGMobject, Text, tempconfig
from manim.mobject.svg import svg_mobject
from manim.utils.hashing import get_json

from slides.pipeline import shapes


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(SVGMobject, "generate_mobject", SVGMobject.generate_mobject)
    monkeypatch.setattr(shapes, "_folder", None)
    cache = tmp_path / "shapes"
    shapes.install(cache)
    return cache


def _same(one: SVGMobject, other: SVGMobject) -> None:
    ours, theirs = one.family_members_with_points(), other.family_members_with_points()
    assert len(ours) == len(theirs) > 3
    for a, b in zip(ours, theirs):
        assert type(a) is type(b)
        for name in ("points", "fill_rgbas", "stroke_rgbas", "background_stroke_rgbas", "sheen_direction"):
            assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert np.array_equal(one.sheen_direction, other.sheen_direction)
    assert np.allclose(one.get_center(), other.get_center()) and one.width == pytest.approx(other.width)


def _plain(make):  # noqa: ANN001, ANN202
    """What manim itself makes, with the course's cache out of the way."""
    generate = SVGMobject.generate_mobject
    SVGMobject.generate_mobject = shapes._generate  # type: ignore[method-assign]
    try:
        return make()
    finally:
        SVGMobject.generate_mobject = generate  # type: ignore[method-assign]


def test_loaded_text_is_the_text_manim_makes(folder: Path, tmp_path: Path) -> None:
    with tempconfig({"media_dir": str(tmp_path / "media")}):

        def make() -> Text:
            return Text("Residual blocks, 3 x 3", font_size=36, color="#88ccff", t2c={"3 x 3": "#ffaa00"})

        plain = _plain(make)
        made = make()
        entries = list(folder.rglob("*"))
        assert any(entry.is_file() for entry in entries)
        loaded = make()
        _same(plain, made)
        _same(plain, loaded)
        # manim names an animation's video by a hash of its objects: a loaded text hashes alike.
        assert get_json(made) == get_json(loaded) == get_json(plain)


def test_a_formula_is_kept_too(folder: Path, tmp_path: Path) -> None:
    with tempconfig({"media_dir": str(tmp_path / "media"), "tex_dir": str(tmp_path / "tex")}):

        def make() -> MathTex:
            # Past manim's own cache within a process (which copies the shapes but not the
            # object's flipped sheen direction): each formula is made from its SVG here.
            svg_mobject.SVG_HASH_TO_MOB_MAP.clear()
            return MathTex(r"y = F(x) + x", color="#ccffcc")

        plain = _plain(make)
        make()
        _same(plain, make())
    assert sum(entry.is_file() for entry in folder.rglob("*")) >= 1


def test_other_text_and_other_settings_are_other_entries(folder: Path, tmp_path: Path) -> None:
    with tempconfig({"media_dir": str(tmp_path / "media")}):
        names = {
            shapes.entry_name(Text("one")),
            shapes.entry_name(Text("two")),
            shapes.entry_name(Text("one", font_size=60)),
            shapes.entry_name(Text("one", slant="ITALIC")),
        }
        assert None not in names and len(names) == 4
        # A stroke is set on the shapes after they are made: the same shapes, the same entry.
        assert shapes.entry_name(Text("one", stroke_width=2)) == shapes.entry_name(Text("one"))


def test_a_damaged_entry_is_made_again(folder: Path, tmp_path: Path) -> None:
    with tempconfig({"media_dir": str(tmp_path / "media")}):
        good = Text("damaged")
        (entry,) = [path for path in folder.rglob("*") if path.is_file()]
        entry.write_bytes(b"not a shape")
        again = Text("damaged")
        _same(good, again)
        # The entry was written anew, whole.
        _same(good, Text("damaged"))
        assert entry.read_bytes() != b"not a shape"


def test_a_class_of_our_own_is_not_kept(folder: Path, tmp_path: Path) -> None:
    class Lettering(Text):
        pass

    with tempconfig({"media_dir": str(tmp_path / "media")}):
        Lettering("own class")
    assert not any(path.is_file() for path in folder.rglob("*"))
