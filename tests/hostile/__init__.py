"""The catalogue of hostile inputs, across every layer and the command line."""
