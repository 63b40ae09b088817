"""The one check every policy number goes through, and short, safe forms of user values.

Error messages quote what the user wrote. A value read from a file can be huge (a list that
YAML aliases repeat, a string of a million characters, an integer of 5,000 digits), so a
message never formats a value in full: :func:`short_repr` builds a bounded repr (its work
does not grow with the value) and :func:`shorten` cuts text at a word boundary.
"""

from __future__ import annotations

import itertools
import math
import reprlib
from typing import Any

from ikmopt.core.errors import PolicyError

__all__ = ["HUGE", "number", "short_repr", "shorten"]

#: Numbers this large are infinity to the solvers (HiGHS and CBC use 1e20).
HUGE = 1e20
#: What :func:`shorten` puts where it cut.
ELLIPSIS = "..."
#: Integers with more bits than this are described by their size rather than written out.
_INT_BITS = 256


class _ShortRepr(reprlib.Repr):
    """``reprlib`` with small limits, and integers too long to print described by size."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxlist = self.maxtuple = self.maxset = self.maxfrozenset = self.maxdeque = 4
        self.maxdict = 4
        self.maxstring = 40
        self.maxother = 40
        self.maxlong = 40

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > _INT_BITS:  # repr() of > 4300 digits raises; any is unreadable
            digits = int(x.bit_length() * math.log10(2)) + 1
            sign = "a negative" if x < 0 else "an"
            return f"<{sign} integer of about {digits:,} digits>"
        return super().repr_int(x, level)

    def repr_dict(self, x: dict, level: int) -> str:  # in order, not sorted (bounded work)
        if not x:
            return "{}"
        if level <= 0:
            return "{" + ELLIPSIS + "}"
        pieces = [f"{self.repr1(k, level - 1)}: {self.repr1(x[k], level - 1)}"
                  for k in itertools.islice(x, self.maxdict)]
        if len(x) > self.maxdict:
            pieces.append(ELLIPSIS)
        return "{" + ", ".join(pieces) + "}"

    def repr_set(self, x: set, level: int) -> str:  # the first items, not sorted ones
        if not x:
            return "set()"
        items = [self.repr1(v, level - 1) for v in itertools.islice(x, self.maxset)]
        return "{" + ", ".join(items + [ELLIPSIS] * (len(x) > self.maxset)) + "}"

    def repr_str(self, x: str, level: int) -> str:  # cut at the end, on a word
        return repr(shorten(x, self.maxstring))

    def repr_bytes(self, x: bytes, level: int) -> str:
        return repr(x[: self.maxstring]) + (ELLIPSIS if len(x) > self.maxstring else "")

    def repr_instance(self, x: Any, level: int) -> str:
        try:
            return super().repr_instance(x, level)
        except Exception:  # a repr that fails must not hide the error being reported
            return f"<{type(x).__name__} object>"


_REPR = _ShortRepr()


def short_repr(value: Any, width: int = 80) -> str:
    """A repr of ``value`` of at most ``width`` characters, whatever its size.

    Containers show their first few items and three levels, strings at most 40 characters
    (cut on a word), integers too long to read their number of digits; the work is bounded too,
    so a value that aliases repeat a million times costs no more than a small one.

    Examples
    --------
    >>> short_repr(list(range(1000)))
    '[0, 1, 2, 3, ...]'
    >>> short_repr(10**400)
    '<an integer of about 401 digits>'
    """
    return shorten(_REPR.repr(value), width)


def shorten(text: str, width: int = 80) -> str:
    """``text`` cut to at most ``width`` characters at a word boundary, marked by ``...``.

    Text that fits is returned as it is. Otherwise the cut falls on the last space (or, in
    text without spaces, the last character that is not a letter or digit) before the
    limit, so a message never ends in the middle of a word.

    Examples
    --------
    >>> shorten("must be one mapping with a kind from the list", 30)
    'must be one mapping with a...'
    """
    if len(text) <= width:
        return text
    room = max(width - len(ELLIPSIS), 1)
    head = text[:room]
    cut = head.rfind(" ")
    if cut < room // 3:  # no space near the end: cut after the last non-word character
        cut = max((i + 1 for i, ch in enumerate(head) if not ch.isalnum() and ch != "_"),
                  default=0)
        if cut < room // 3:
            cut = room  # one long word: nothing better than a hard cut
    return head[:cut].rstrip(" ,;:") + ELLIPSIS


def number(owner: str, name: str, value: Any, *, lo: float = 0.0, hi: float = math.inf) -> float:
    """Return ``value`` as a finite float in ``[lo, hi]`` or raise a PolicyError naming it.

    Parameters
    ----------
    owner : str
        What the number belongs to, for the message (``"Budget"``).
    name : str
        The field (``"total"``).
    value : object
    lo, hi : float
        Allowed range, inclusive.

    Raises
    ------
    PolicyError
        If ``value`` is no number (a bool counts as none), not finite (``nan``, ``inf``,
        ``"1e400"``), too large for a float (``10**400``), at least :data:`HUGE`, or outside
        ``[lo, hi]``; the message names ``owner`` and ``name``.
    """
    shown = short_repr(value, 60)
    if isinstance(value, bool):  # True is 1.0 to Python, never a budget or a share
        raise PolicyError(f"{owner}: {name} must be a number, got {shown}")
    try:
        result = float(value)
    except OverflowError:  # an integer (or fraction) beyond 1.8e308
        result = -HUGE if _negative(value) else HUGE
    except (TypeError, ValueError):
        raise PolicyError(f"{owner}: {name} must be a number, got {shown}") from None
    if math.isfinite(result) and abs(result) >= HUGE:
        raise PolicyError(f"{owner}: {name} is {shown}, beyond {HUGE:g}, which solvers treat "
                          "as infinity; check the unit (money is in Rp billion)")
    if not math.isfinite(result) or result < lo or result > hi:
        span = f">= {lo:g}" if hi == math.inf else f"between {lo:g} and {hi:g}"
        finite = "" if math.isfinite(result) else "a finite number "
        raise PolicyError(f"{owner}: {name} must be {finite}{span}, got {shown}")
    return result


def _negative(value: Any) -> bool:
    try:
        return bool(value < 0)
    except TypeError:
        return False
