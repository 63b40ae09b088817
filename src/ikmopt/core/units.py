"""Money units: every amount inside ikmopt is in Rp billion (``Rp bn``, Rp miliar).

A dataset may state its money in another unit; it is converted once, at the edge, by
:func:`to_idr_bn_factor`. Unknown unit names are rejected rather than guessed.
"""

from __future__ import annotations

MONEY_UNIT = "Rp bn"

#: Accepted spellings of money units and their size in Rp billion.
_FACTORS: dict[str, float] = {
    "idr": 1e-9,
    "rp": 1e-9,
    "rupiah": 1e-9,
    "idr thousand": 1e-6,
    "rp ribu": 1e-6,
    "idr million": 1e-3,
    "idr mn": 1e-3,
    "idr m": 1e-3,
    "rp juta": 1e-3,
    "juta rupiah": 1e-3,
    "idr bn": 1.0,
    "idr billion": 1.0,
    "idr b": 1.0,
    "rp bn": 1.0,
    "rp miliar": 1.0,
    "rp milyar": 1.0,
    "miliar rupiah": 1.0,
    "idr tn": 1e3,
    "idr trillion": 1e3,
    "rp triliun": 1e3,
    "triliun rupiah": 1e3,
}


def known_units() -> list[str]:
    """Return the accepted money-unit spellings (case-insensitive)."""
    return sorted(_FACTORS)


def to_idr_bn_factor(unit: str) -> float | None:
    """Return how many Rp billion one ``unit`` is, or ``None`` for an unknown unit.

    Parameters
    ----------
    unit : str
        A money unit such as ``"IDR bn"``, ``"Rp juta"`` or ``"IDR"`` (case and surrounding
        spaces are ignored).
    """
    return _FACTORS.get(" ".join(str(unit).lower().split()))
