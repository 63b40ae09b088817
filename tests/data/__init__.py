"""Tests of ``ikmopt.data``: datasets, their tables, files and what-if copies."""
