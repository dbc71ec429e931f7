"""Lecture decks: one manim-slides ``Slide`` subclass per concept.

The deck order lives in :mod:`slides.decks`; the theme in :mod:`slides.theme`;
shared mobjects in :mod:`slides.common`. This package file stays free of manim
imports so the build tooling can read the deck list quickly.
"""
