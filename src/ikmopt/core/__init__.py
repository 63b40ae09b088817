"""Core layer: errors, money units, number checks, failure logs, files and equity measures.

The lowest layer: it imports nothing of ikmopt.
"""
