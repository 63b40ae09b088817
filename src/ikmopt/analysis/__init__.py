"""Analysis layer: what is built from many solves or from a plan.

Frontiers, sweeps, the price of rules, sensitivity and ranging, simulation, projection,
re-planning and the baselines (rules of thumb) a plan is compared with. Imports
:mod:`ikmopt.solving` and the layers below it.
"""
