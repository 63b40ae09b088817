"""The words of the reports, per language, and numbers and dates in each language's style.

Every heading, label and sentence of a report comes from a gettext catalogue, one ``.po``
file per language (``ikmopt/report/locale/<lang>/LC_MESSAGES/ikmopt.po``) that a translator
edits with any ``.po`` editor (Poedit, Lokalize, Weblate). The message ids are the keys the
code asks for (``lead_budget_total``), so a change of English wording leaves every
translation in place and the code can compose keys (``name_floor``, ``lead_floor``). The
messages are :meth:`str.format` templates with named fields (``{region}``); they hold plain
text, never markup (the HTML templates escape everything they insert). A catalogue is read
with Babel on first use and kept: there is no compile step, and a package holds only the
``.po`` files. A report in another language is one more ``.po`` file with the same ids; a
message it leaves empty (or marks fuzzy) is shown in English.

Numbers and dates are written by Babel from the CLDR data of the catalogue's locale (its
``Language`` header): English (``en``) ``1,234.5`` and ``5 March 2025``, Indonesian
(``id_ID``) ``1.234,5`` and ``5 Maret 2025``.

Labels of the data (a program code such as ``sentra``) are the data's own words; a
:class:`Formatter` given names for them (:meth:`Formatter.with_names`, from the programs
table's ``name_id`` column in an Indonesian report) writes the names instead.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import math
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal, localcontext
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ikmopt.core.errors import PolicyError

if TYPE_CHECKING:
    from babel.numbers import NumberPattern

__all__ = ["CATALOGUES", "DATE_FORMAT", "LANGUAGES", "SOURCE_LANGUAGE", "Formatter", "catalogue",
           "read_catalogue"]

#: The gettext domain: the catalogue of ``lang`` is ``locale/<lang>/LC_MESSAGES/ikmopt.po``.
DOMAIN = "ikmopt"
#: The language the messages are written in first; the others fall back to it.
SOURCE_LANGUAGE = "en"
#: Dates as day, month name and year in every language (``5 March 2025``, ``5 Maret 2025``);
#: the month names come from the locale.
DATE_FORMAT = "d MMMM y"

_FOLDER = resources.files("ikmopt.report") / "locale"

#: The language codes a report can be written in: one catalogue each.
LANGUAGES: tuple[str, ...] = tuple(sorted(
    entry.name for entry in _FOLDER.iterdir()
    if (entry / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()))


def read_catalogue(file: Traversable | Path | str,
                   fallback: Mapping[str, str] | None = None) -> tuple[str, Mapping[str, str]]:
    """One ``.po`` file: (its Babel locale, its messages by id), read-only.

    A message that is empty or marked fuzzy is left out, so the one of ``fallback`` (the
    English catalogue for a report) shows instead.

    Examples
    --------
    >>> from ikmopt.report.labels import read_catalogue
    >>> from importlib.resources import files
    >>> locale, texts = read_catalogue(files("ikmopt.report") / "locale/id/LC_MESSAGES/ikmopt.po")
    >>> locale, texts["h_sources"]
    ('id_ID', 'Sumber data')
    """
    # Babel is imported with the first report, so that ``import ikmopt`` stays light
    from babel.messages.pofile import read_po

    path = Path(file) if isinstance(file, str) else file
    with path.open("rb") as stream:
        messages = read_po(stream, domain=DOMAIN)
    texts = {m.id: m.string for m in messages
             if isinstance(m.id, str) and m.id and m.string and not m.fuzzy}
    return str(messages.locale or ""), MappingProxyType({**(fallback or {}), **texts})


@functools.cache
def _read(lang: str) -> tuple[str, Mapping[str, str]]:
    """The catalogue of ``lang`` (English where it has no text), read once."""
    fallback = None if lang == SOURCE_LANGUAGE else _read(SOURCE_LANGUAGE)[1]
    locale, texts = read_catalogue(_FOLDER / lang / "LC_MESSAGES" / f"{DOMAIN}.po", fallback)
    return locale or lang, texts


def _language(lang: object) -> str:
    if not isinstance(lang, str) or lang.lower() not in LANGUAGES:
        allowed = ", ".join(f"'{code}'" for code in LANGUAGES)
        raise PolicyError(f"report: unknown lang {lang!r}; choose one of {allowed} "
                          "(English, Bahasa Indonesia)")
    return lang.lower()


def catalogue(lang: str) -> Mapping[str, str]:
    """The messages of ``lang`` by id (read-only).

    Raises
    ------
    PolicyError
        If ``lang`` is not one of :data:`LANGUAGES`.

    Examples
    --------
    >>> from ikmopt.report import catalogue
    >>> catalogue("id")["h_equity"]
    'Pemerataan'
    """
    return _read(_language(lang))[1]


class _Catalogues(Mapping[str, Mapping[str, str]]):
    """Every catalogue by language code, each read from its ``.po`` file on first use."""

    def __getitem__(self, lang: str) -> Mapping[str, str]:
        if lang not in LANGUAGES:
            raise KeyError(lang)
        return _read(lang)[1]

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)

    def __repr__(self) -> str:
        return f"CATALOGUES({', '.join(LANGUAGES)})"


#: Every catalogue by language code (read when first looked at).
CATALOGUES: Mapping[str, Mapping[str, str]] = _Catalogues()


@functools.cache
def _pattern(locale: str, kind: str, decimals: int) -> NumberPattern:
    """The locale's own ``decimal`` or ``percent`` pattern, with exactly ``decimals`` decimals."""
    from babel import Locale  # imported with the first report, as in _read

    pattern = copy.copy(getattr(Locale.parse(locale), f"{kind}_formats")[None])
    pattern.frac_prec = (decimals, decimals)
    return pattern


def _missing(value: Any) -> bool:
    return value is None or not math.isfinite(float(value))


def _rounded(value: float, decimals: int) -> Decimal:
    """``value`` rounded as Python rounds a float (no "-0")."""
    rounded = Decimal(f"{float(value):.{decimals}f}")
    return abs(rounded) if rounded.is_zero() else rounded


def _needed(value: float, most: int) -> int:
    """The fewest decimals that write ``value`` exactly (at most ``most``)."""
    for decimals in range(most + 1):
        if abs(round(value, decimals) - value) < 1e-9 * max(1.0, abs(value)):
            return decimals
    return most


#: Indonesian scale words of money units.
_WORDS_ID = {"thousand": "ribu", "million": "juta", "bn": "miliar", "trillion": "triliun"}


class Formatter:
    """The texts of one language, and numbers, shares and dates in its style (with Babel).

    Parameters
    ----------
    lang : str
        ``"en"`` or ``"id"``.

    Examples
    --------
    >>> from ikmopt.report import Formatter
    >>> Formatter("id").number(1234567.891, 1), Formatter("en").number(1234567.891, 1)
    ('1.234.567,9', '1,234,567.9')
    >>> Formatter("id").percent(0.4), Formatter("id")("money", n="2.500")
    ('40,0%', 'Rp 2.500 miliar')
    """

    def __init__(self, lang: str) -> None:
        self.lang = _language(lang)
        locale, text = _read(self.lang)
        #: The Babel locale of the numbers and dates (``en``, ``id_ID``).
        self.locale: str = locale
        #: The messages of the language by id.
        self.text: Mapping[str, str] = text
        #: Names of data labels by level (``{"program": {"sentra": "Revitalisasi ..."}}``).
        self.names: Mapping[str, Mapping[str, str]] = MappingProxyType({})

    def with_names(self, names: Mapping[str, Mapping[str, str]]) -> Formatter:
        """A copy that writes the labels of a level by name (see :meth:`label`).

        Examples
        --------
        >>> from ikmopt.report import Formatter
        >>> fmt = Formatter("id").with_names({"program": {"sentra": "Revitalisasi sentra IKM"}})
        >>> fmt.label("program", "sentra"), fmt.label("program", "training")
        ('Revitalisasi sentra IKM', 'training')
        """
        other = copy.copy(self)
        other.names = MappingProxyType({level: MappingProxyType(dict(mapping))
                                        for level, mapping in names.items()})
        return other

    def with_money(self, money: Any) -> Formatter:
        """A copy whose texts give money in ``money``'s unit instead of Rp bn.

        ``money`` is a dataset's :class:`~ikmopt.core.units.MoneyUnit`; for rupiah the
        formatter is returned as it is. The catalogues write money as ``Rp {n} bn`` (``Rp {n}
        miliar``), ``Rp bn`` and ``Rp``: each becomes the dataset's currency and scale word,
        in the report's language (``USD {n} thousand``, ``USD {n} ribu``).

        Examples
        --------
        >>> from ikmopt.core.units import money_unit
        >>> from ikmopt.report import Formatter
        >>> Formatter("id").with_money(money_unit("USD thousand"))("money", n="2.500")
        'USD 2.500 ribu'
        """
        if getattr(money, "is_rupiah", True):
            return self
        word = money.word if self.lang == SOURCE_LANGUAGE else _WORDS_ID.get(money.word,
                                                                              money.word)
        symbol = money.symbol

        def relabel(text: str) -> str:
            text = re.sub(r"Rp ([^\s()]+) (?:bn|miliar)\b",
                          lambda m: f"{symbol} {m.group(1)} {word}".rstrip(), text)
            text = re.sub(r"Rp (?:bn|miliar)\b", f"{symbol} {word}".rstrip(), text)
            return re.sub(r"\bRp\b", symbol, text)

        other = copy.copy(self)
        other.text = MappingProxyType({k: relabel(v) for k, v in self.text.items()})
        return other

    def label(self, level: str, value: object) -> str:
        """A data label of ``level`` as the report writes it: its name if given, else as is."""
        return self.names.get(level, {}).get(str(value), str(value))

    def __call__(self, key: str, /, **fields: Any) -> str:
        """The catalogue text ``key``, filled with ``fields``."""
        template = self.text[key]
        return template.format(**fields) if fields else template

    def _format(self, number: Decimal, kind: str, decimals: int) -> str:
        from babel.numbers import format_decimal  # imported with the first report, as in _read

        # enough digits for the largest float: Babel rounds in the current decimal context
        with localcontext(prec=max(28, len(number.as_tuple().digits) + 4)):
            return format_decimal(number, _pattern(self.locale, kind, decimals), self.locale)

    def number(self, value: float, decimals: int = 0) -> str:
        """``value`` with thousands separators and ``decimals`` decimals ("–" if missing)."""
        if _missing(value):
            return "–"
        return self._format(_rounded(value, decimals), "decimal", decimals)

    def significant(self, value: float, digits: int = 3) -> str:
        """``value`` rounded to ``digits`` significant digits (whole numbers in full)."""
        if _missing(value):
            return "–"
        value = float(value)
        if value == 0:
            return "0"
        magnitude = math.floor(math.log10(abs(value)))
        decimals = max(0, digits - 1 - magnitude)
        return self.number(value, min(decimals, 12))

    def plain(self, value: float, max_decimals: int = 3) -> str:
        """``value`` with as few decimals as it needs (at most ``max_decimals``)."""
        if _missing(value):
            return "–"
        return self.number(value, _needed(float(value), max_decimals))

    def percent(self, share: float, decimals: int | None = 1) -> str:
        """A share (0.4) as a percentage in the locale's style (``40.0%``).

        ``decimals=None`` writes as few decimals as the percentage needs (at most 3):
        ``0.5%``, ``40%``.
        """
        if _missing(share):
            return "–"
        pct = 100 * float(share)
        places = _needed(pct, 3) if decimals is None else decimals
        # the percent pattern multiplies by 100: round the percentage, then scale it back
        return self._format(_rounded(pct, places).scaleb(-2), "percent", places)

    def money(self, value: float, decimals: int = 1) -> str:
        """Rp bn: ``Rp 2,500.0 bn`` / ``Rp 2.500,0 miliar``."""
        return self("money", n=self.number(value, decimals))

    def date(self, day: dt.date) -> str:
        """``5 March 2025`` / ``5 Maret 2025``."""
        from babel.dates import format_date  # imported with the first report, as in _read

        return format_date(day, DATE_FORMAT, locale=self.locale)
