"""Scenarios layer: what-if files (YAML) and batches of them.

A scenario (:mod:`~ikmopt.scenarios.scenario`) is read from a file
(:mod:`~ikmopt.scenarios.loading`) through the safe YAML reader
(:mod:`~ikmopt.scenarios.yaml`) and the registry of keys
(:mod:`~ikmopt.scenarios.registry`); a batch (:mod:`~ikmopt.scenarios.batch`) solves many,
writes each to its result folder (:mod:`~ikmopt.scenarios.folders`) and gives back
:mod:`~ikmopt.scenarios.results`.

Imports :mod:`ikmopt.analysis` and the layers below it.
"""
