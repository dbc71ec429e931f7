"""Measured evidence for the lecture's four empirical claims, each a cached record.

Importing the package imports every experiment module, so that each record registers with
``model.cache`` and ``python -m model build-data`` can rebuild it.
"""

from model.experiments import degradation, gradient_flow, sharpening, transfer

__all__ = ["degradation", "gradient_flow", "sharpening", "transfer"]
