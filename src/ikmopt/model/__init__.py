"""Model layer: the policy (budget, constraints, objectives) and the program it builds.

Constraints and objectives emit labelled rows and columns into one
:class:`~ikmopt.model.lp.LinearProgram`; numerical hygiene, parameter paths and the default
policy live here too. Imports :mod:`ikmopt.data` and :mod:`ikmopt.core`.
"""
