"""Measured evidence for the lecture's four empirical claims, each a cached record.

This file imports nothing, so a scene that reads one experiment does not depend on the others.
``python -m model build-data`` still finds every record: ``model.cache.load_registered_modules``
imports each module of this package.
"""
