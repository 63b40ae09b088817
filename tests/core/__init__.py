"""Tests of ``ikmopt.core``: equity measures and errors."""
