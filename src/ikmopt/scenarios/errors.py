"""The error of a scenario file or key, and the short form of a value in its messages."""

from __future__ import annotations

from typing import Any

from ikmopt.core.checks import short_repr, shorten
from ikmopt.core.errors import PolicyError

__all__ = ["ScenarioError", "kind_of"]


class ScenarioError(PolicyError):
    """A scenario file or key that makes no sense; names the file and the key path.

    Attributes
    ----------
    file : str or None
        The scenario file.
    key : str
        Key path inside the file, e.g. ``constraints[2].group_share.min``.
    """

    def __init__(self, message: str, file: str | None = None, key: str = "") -> None:
        self.file = file
        self.key = shorten(str(key), 200)
        key = self.key
        self.detail = message
        where = " ".join(p for p in (f"{file}:" if file else "", f"{key}:" if key else "") if p)
        super().__init__(f"{where} {message}" if where else message)

    def __reduce__(self):  # keep file and key through pickling (batches use processes)
        return (type(self), (self.detail, self.file, self.key))


def kind_of(value: Any) -> str:
    """``list [1, 2, ...]``: the type and a short repr, cut at a word boundary."""
    return f"{type(value).__name__} {short_repr(value, 72)}"
