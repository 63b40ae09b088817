"""Tests of ``ikmopt.model``: policies, constraints, objectives, parameters, scaling."""
