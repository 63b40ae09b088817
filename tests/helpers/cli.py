"""Running ``ikmopt`` in-process in tests."""

from __future__ import annotations

from ikmopt import cli


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run ``ikmopt`` in-process; return (exit status, stdout, stderr)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as stop:  # argparse
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err
