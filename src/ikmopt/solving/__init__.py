"""Solve layer: solver paths, optimize, the labelled result, evaluation and solve checks.

:func:`~ikmopt.solving.optimize.optimize`, :class:`~ikmopt.solving.result.Result`, evaluation of
any allocation, the diagnosis of an infeasible policy and the check for unspent money.
Imports :mod:`ikmopt.model`, :mod:`ikmopt.data` and :mod:`ikmopt.core`.
"""
