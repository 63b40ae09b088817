"""Helpers shared by test modules (importable as ``helpers.*``: ``tests`` is on the path)."""
