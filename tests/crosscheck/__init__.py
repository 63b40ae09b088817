"""Plans checked against an independent answer: by hand, another solver, re-solves."""
