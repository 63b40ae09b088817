"""Tests of ``ikmopt.solving``: optimize, solvers, results, evaluate, diagnosis, prices."""
