"""Build tooling: deck catalogue, Makefile rules, rendering, export and the course page.

Only the standard library is imported at module level, so ``make`` can consult
the catalogue in a few milliseconds before any virtual environment exists.
"""
