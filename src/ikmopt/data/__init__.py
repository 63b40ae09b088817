"""Data layer: the validated input tables, curves, projects, uncertainty and accrual.

:class:`~ikmopt.data.dataset.Dataset` and the bundled datasets (:mod:`ikmopt.data.datasets`).
Imports only :mod:`ikmopt.core`.
"""
