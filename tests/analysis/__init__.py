"""Tests of ``ikmopt.analysis``: frontiers, prices, sweeps, baselines, simulation."""
