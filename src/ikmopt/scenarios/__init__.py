"""Scenarios layer: what-if files (YAML) and batches of them.

Imports :mod:`ikmopt.analysis` and the layers below it.
"""
