"""Tests of ``ikmopt.scenarios``: scenario files, parameters and batches."""
