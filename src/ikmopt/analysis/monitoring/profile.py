"""Absorption profiles: how much of a pot's ceiling is expected to be spent by each quarter.

A profile gives, for each pot (funding channel), the cumulative share ``s_p(q)`` of the year's
ceiling expected to be realised by the end of quarter ``q`` (``q1`` ... ``q4``). Between
quarter ends the share is interpolated linearly from ``s_p(0) = 0``, so a month ``m`` is at
``t = m / 12`` of the year and ``s_p(t)`` is read off the piecewise-linear curve through
``(0, 0), (0.25, q1), (0.5, q2), (0.75, q3), (1, q4)``. ``q4`` below 1 says that a pot is
expected not to be spent in full (its usual year-end realisation).

A row named ``all`` (if given) is the profile of money whose pot is not known (a plan made
without pots); without it such money is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ikmopt.analysis.monitoring.files import read_table
from ikmopt.core.errors import DataError
from ikmopt.core.validation import FailureLog, check_numeric, suggest
from ikmopt.data.labelled import named_rows, text_labels

__all__ = ["ANY_POT", "QUARTERS", "AbsorptionProfile"]

#: The profile's columns: cumulative shares at the end of each quarter.
QUARTERS = ("q1", "q2", "q3", "q4")
#: The profile row used for money of no named pot.
ANY_POT = "all"
_KNOTS = np.array([0.0, 0.25, 0.5, 0.75, 1.0])


@dataclass(frozen=True, eq=False)
class AbsorptionProfile:
    """Cumulative shares of each pot's ceiling expected to be spent by each quarter's end.

    Build it with :meth:`from_table` (a DataFrame, CSV or Excel file with columns ``pot``,
    ``q1`` ... ``q4``) or take the bundled one with :meth:`default` (ILLUSTRATIVE quarter
    shares; only the year-end shares are sourced).

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by ``pot``; columns ``q1`` ... ``q4`` (shares in [0, 1], not decreasing) and
        any other columns of the table as given (``source``, ``note``).

    Examples
    --------
    >>> import ikmopt as ik
    >>> profile = ik.AbsorptionProfile.default()
    >>> round(profile.share("DAK fisik", 0.5), 2)
    0.2
    >>> round(profile.share("DAK fisik", 5 / 12), 3)   # end of May: between Q1 and Q2
    0.14
    """

    table: pd.DataFrame

    @classmethod
    def default(cls, name: str = "indonesia-provinces") -> AbsorptionProfile:
        """The profile bundled with a dataset (ILLUSTRATIVE quarters, sourced year end)."""
        folder = resources.files("ikmopt.data.datasets") / name.replace("-", "_")
        path = folder / "absorption.csv"
        if not path.is_file():
            raise DataError(f"the bundled dataset '{name}' has no absorption profile; give "
                            "your own with AbsorptionProfile.from_table(...)")
        return cls.from_table(read_table(Path(str(path)), "absorption profile"))

    @classmethod
    def from_table(cls, table: pd.DataFrame | str | Path) -> AbsorptionProfile:
        """Validate a profile table (or read it from a ``.csv`` / ``.xlsx`` file).

        Raises
        ------
        DataError
            Naming each bad row: a missing or repeated pot, a share outside [0, 1] or not
            numeric, shares that fall from one quarter to the next.
        """
        if isinstance(table, (str, Path)):
            table = read_table(Path(table), "absorption profile")
        if not isinstance(table, pd.DataFrame):
            raise DataError(f"absorption profile: must be a table (pandas DataFrame) or a file, "
                            f"got {type(table).__name__}")
        log = FailureLog()
        name = "absorption profile"
        frame = table.reset_index() if "pot" in (table.index.names or []) else table
        rows = named_rows(frame, None)
        missing = [c for c in ("pot", *QUARTERS) if c not in rows.columns]
        if missing:
            raise DataError(f"{name}: missing column(s) {missing}; the table needs pot, "
                            f"{', '.join(QUARTERS)} (cumulative shares of the ceiling spent by "
                            f"each quarter's end); columns present: {list(rows.columns)}")
        pots = text_labels(log, name, rows, "pot")
        shares = check_numeric(log, name, rows, list(QUARTERS))
        values = shares[list(QUARTERS)].to_numpy(dtype=float)
        above = (values > 1 + 1e-9).any(axis=1)
        if above.any():
            log.add(name, "q1-q4", "share above 1 (write shares of the ceiling, 0.45 for 45 %)",
                    labels=rows.index[above].tolist())
        falling = (np.diff(values, axis=1) < -1e-12).any(axis=1)
        if falling.any():
            log.add(name, "q1-q4", "cumulative shares fall from one quarter to the next (each "
                    "quarter's share counts everything spent since January)",
                    labels=rows.index[falling].tolist())
        repeated = pots.notna() & pots.str.casefold().duplicated(keep=False)
        if repeated.any():
            log.add(name, "pot", "pot given more than once", labels=rows.index[repeated].tolist(),
                    values=pots[repeated].tolist())
        log.raise_if_any("absorption profile")
        out = rows.drop(columns="pot").copy()
        out[list(QUARTERS)] = values
        out.index = pd.Index(pots.to_numpy(), name="pot")
        return cls(out)

    @property
    def pots(self) -> list[str]:
        """The pots the profile names."""
        return [str(p) for p in self.table.index]

    def row(self, pot: str) -> np.ndarray:
        """The cumulative shares ``(0, q1, q2, q3, q4)`` of ``pot`` (or of ``all``)."""
        folded = {str(p).casefold(): p for p in self.table.index}
        key = folded.get(str(pot).casefold(), folded.get(ANY_POT))
        if key is None:
            raise DataError(f"absorption profile: no row for pot '{pot}'"
                            f"{suggest(str(pot), self.pots)} and no '{ANY_POT}' row; add one "
                            f"(pots in the profile: {self.pots})")
        return np.concatenate([[0.0], self.table.loc[key, list(QUARTERS)].to_numpy(dtype=float)])

    def share(self, pot: str, t: float) -> float:
        """Cumulative share of ``pot``'s ceiling expected spent at ``t`` (0-1) of the year."""
        return float(np.interp(t, _KNOTS, self.row(pot)))

    def shares(self, pots: pd.Series | np.ndarray, t: float) -> np.ndarray:
        """:meth:`share` for many pots at once (one lookup per distinct pot)."""
        pots = pd.Series(np.asarray(pots, dtype=object))
        codes, uniques = pd.factorize(pots.fillna(ANY_POT))
        per = np.array([self.share(str(p), t) for p in uniques])
        return per[codes] if len(per) else np.zeros(len(pots))

    def curve(self, pot: str, points: int = 13) -> pd.Series:
        """The profile of ``pot`` at ``points`` evenly spaced times (for a chart)."""
        times = np.linspace(0.0, 1.0, points)
        return pd.Series(np.interp(times, _KNOTS, self.row(pot)), index=times, name=pot)


