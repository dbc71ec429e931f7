"""Reusable mobjects built from model data, shared by every deck.

One module per kind of picture; scenes import from here instead of drawing their own copies.
This file imports nothing: a scene imports the modules it uses (``slides.common.text``,
``slides.common.grids``, ...), so a change to one of them re-renders only the scenes that use it.
"""
