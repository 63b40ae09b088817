"""Tests of ``ikmopt.report``: HTML and Excel reports and their words."""
