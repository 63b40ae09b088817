"""Money units: rupiah in Rp billion, or any currency and scale a dataset declares.

A rupiah dataset keeps every amount in Rp billion (``Rp bn``, Rp miliar): money given in
another rupiah unit (``Rp juta``, ``IDR``) is converted once, at the edge, by
:func:`to_idr_bn_factor`. A dataset in another currency keeps its money in the unit it
declares (``USD thousand``, ``EUR million``): there is no exchange rate in ikmopt, so its
budget, capacities, bounds and prices are all in that unit, and every label says so.

:func:`money_unit` reads the forms a user may write: a string such as ``"USD thousand"``,
``"EUR million"``, ``"Rp bn"`` or ``"Rp juta"``, or a pair ``(currency, scale)`` such as
``("USD", 1e3)``. Unknown units are refused rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ikmopt.core.errors import DataError

__all__ = [
    "MONEY_UNIT",
    "RUPIAH",
    "SCALE_WORDS",
    "MoneyUnit",
    "known_units",
    "money_unit",
    "to_idr_bn_factor",
]

MONEY_UNIT = "Rp bn"

#: Accepted spellings of rupiah units and their size in Rp billion.
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

#: Names of the rupiah currency (first word of a unit, or the ``currency`` of a pair).
RUPIAH = ("idr", "rp", "rupiah")

#: Scale words of a foreign unit (``"USD thousand"``) and the number of currency units each
#: means; the first word of each size is the one labels use.
SCALE_WORDS: dict[str, float] = {
    "": 1.0,
    "thousand": 1e3, "thousands": 1e3, "k": 1e3,
    "million": 1e6, "millions": 1e6, "mn": 1e6, "m": 1e6,
    "bn": 1e9, "billion": 1e9, "billions": 1e9, "b": 1e9,
    "tn": 1e12, "trillion": 1e12, "trillions": 1e12,
}
_LABEL_WORDS = {1.0: "", 1e3: "thousand", 1e6: "million", 1e9: "bn", 1e12: "tn"}
_CURRENCY = re.compile(r"[A-Z]{3}")
_FORMS = ("'USD thousand', 'EUR million', 'JPY', ('USD', 1e3), 'Rp bn', 'Rp juta' or 'IDR'")


@dataclass(frozen=True)
class MoneyUnit:
    """The unit of a dataset's money: a currency and a scale.

    Attributes
    ----------
    currency : str
        ISO 4217 code, upper case (``"IDR"`` for rupiah, ``"USD"``, ``"EUR"``).
    scale : float
        Currency units in one money unit (``1e9`` for Rp bn, ``1e3`` for USD thousand).

    Examples
    --------
    >>> from ikmopt.core.units import money_unit
    >>> money_unit(("USD", 1e3)).label, money_unit("USD thousand").per_one
    ('USD thousand', 'USD 1 thousand')
    >>> money_unit("Rp juta").model.label
    'Rp bn'
    """

    currency: str
    scale: float

    @property
    def is_rupiah(self) -> bool:
        """Whether the currency is the rupiah (money is then converted to Rp bn)."""
        return self.currency == "IDR"

    @property
    def model(self) -> MoneyUnit:
        """The unit the model counts money in: Rp bn for rupiah, this unit otherwise."""
        return MoneyUnit("IDR", 1e9) if self.is_rupiah else self

    @property
    def idr_bn_factor(self) -> float | None:
        """Rp bn in one unit (``None`` for another currency: there is no exchange rate)."""
        return self.scale / 1e9 if self.is_rupiah else None

    @property
    def symbol(self) -> str:
        """``"Rp"`` for rupiah, the ISO code otherwise."""
        return "Rp" if self.is_rupiah else self.currency

    @property
    def word(self) -> str:
        """The scale word of labels (``"bn"``, ``"thousand"``; empty for single units)."""
        if self.scale in _LABEL_WORDS:
            return _LABEL_WORDS[self.scale]
        return f"x {self.scale:,.12g}"

    @property
    def label(self) -> str:
        """The unit as every label shows it: ``"Rp bn"``, ``"USD thousand"``, ``"EUR"``."""
        return f"{self.symbol} {self.word}".strip()

    @property
    def per_one(self) -> str:
        """One unit, as a price is per it: ``"Rp 1 bn"``, ``"USD 1 thousand"``, ``"EUR 1"``."""
        return f"{self.symbol} 1 {self.word}".strip()

    @property
    def per_inhabitant(self) -> str:
        """The unit of spend per inhabitant: ``"Rp per inhabitant"``, ``"USD per ..."``."""
        return f"{self.symbol} per inhabitant"

    @property
    def per_capita_column(self) -> str:
        """Column of spend per inhabitant in a by-region table (``spend_rp_per_capita``)."""
        return f"spend_{self.symbol.lower()}_per_capita"

    def relabel(self, text: str) -> str:
        """``text`` with the money the library writes in Rp bn given in this unit.

        Rules and messages describe money as ``Rp 971 bn``; for a dataset in another currency
        they are read in its unit (no number changes: the model counts in that unit).
        Rupiah text is returned as it is.

        Examples
        --------
        >>> from ikmopt.core.units import money_unit
        >>> money_unit("USD thousand").relabel("Budget(total <= Rp 800 bn); price per Rp 1 bn")
        'Budget(total <= USD 800 thousand); price per USD 1 thousand'
        """
        if self.is_rupiah:
            return text
        text = re.sub(r"\bRp ([^\s()]+) bn\b",
                      lambda m: f"{self.symbol} {m.group(1)} {self.word}".rstrip(), text)
        text = re.sub(r"\bRp bn\b", self.label, text)
        return re.sub(r"\bRp\b", self.symbol, text)

    def amount(self, value: float, spec: str = ",.1f") -> str:
        """An amount with its unit: ``"Rp 1,234.5 bn"``, ``"USD 12.0 thousand"``."""
        return f"{self.symbol} {value:{spec}} {self.word}".strip()

    def factor_to(self, other: MoneyUnit) -> float | None:
        """How many ``other`` one unit of this is (``None`` across currencies)."""
        if self.currency != other.currency:
            return None
        return self.scale / other.scale


def known_units() -> list[str]:
    """Return the accepted rupiah spellings (case-insensitive); see :func:`money_unit`."""
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


def money_unit(value: Any, argument: str = "money_unit") -> MoneyUnit:
    """Read a money unit as a user writes it.

    Parameters
    ----------
    value : str, tuple or MoneyUnit
        A rupiah spelling of :func:`known_units` (``"Rp bn"``, ``"Rp juta"``, ``"IDR"``); a
        foreign unit ``"<ISO code> [<scale word>]"`` with a scale word of
        :data:`SCALE_WORDS` (``"USD thousand"``, ``"EUR million"``, ``"GBP bn"``, ``"JPY"``;
        case-insensitive); or a pair ``(currency, scale)`` such as ``("USD", 1e3)`` with any
        positive scale (a scale without a word, ``("USD", 500)``, is labelled
        ``"USD x 500"``).
    argument : str, default "money_unit"
        How the value was given, for the error message (``"money_unit"``, ``"impacts.unit"``).

    Returns
    -------
    MoneyUnit

    Raises
    ------
    DataError
        If the value is none of these forms; the message names ``argument``.
    """
    if isinstance(value, MoneyUnit):
        return value
    if isinstance(value, tuple | list) and len(value) == 2:
        return _pair(value[0], value[1], argument)
    if isinstance(value, str):
        return _text(value, argument)
    raise DataError(f"{argument}={value!r}: a money unit is a text such as {_FORMS}")


def _pair(currency: Any, scale: Any, argument: str) -> MoneyUnit:
    """A ``(currency, scale)`` pair."""
    shown = f"{argument}=({currency!r}, {scale!r})"
    if (isinstance(scale, bool) or not isinstance(scale, int | float)
            or not 0 < float(scale) < float("inf")):
        raise DataError(f"{shown}: the scale must be a positive number of currency units, "
                        "e.g. 1e3 for thousands")
    code = str(currency).strip()
    if code.lower() in RUPIAH:
        return MoneyUnit("IDR", float(scale))
    if not _CURRENCY.fullmatch(code.upper()):
        raise DataError(f"{shown}: the currency must be a three-letter ISO 4217 code such as "
                        "'USD' or 'EUR' (or 'IDR'/'Rp' for rupiah)")
    return MoneyUnit(code.upper(), float(scale))


def _text(value: str, argument: str) -> MoneyUnit:
    """A unit written as text: a rupiah spelling or ``"<ISO code> [<scale word>]"``."""
    words = value.lower().split()
    factor = _FACTORS.get(" ".join(words))
    if factor is not None:
        return MoneyUnit("IDR", factor * 1e9)
    code = words[0].upper() if words else ""
    scale = SCALE_WORDS.get(" ".join(words[1:]))
    if words and words[0] in RUPIAH:
        raise DataError(f"{argument}={value!r}: unknown rupiah unit; write one of "
                        f"{known_units()} (case-insensitive), or ('IDR', scale)")
    if not _CURRENCY.fullmatch(code) or len(words) > 2 or scale is None:
        raise DataError(f"{argument}={value!r}: not a money unit; write a three-letter ISO "
                        "4217 code and an optional scale word (thousand, million, bn, tn), "
                        f"e.g. {_FORMS}")
    return MoneyUnit(code, scale)
