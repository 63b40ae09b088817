"""The tables of a planning cycle, read off a solved plan.

* :func:`pot_table`: per pot its ceiling, what it spent and funds, and the price of its
  ceiling;
* :func:`pot_allocation`: the money of every pot, cell by cell;
* :func:`proposal_table`: every proposal, what it got, and why not more;
* :func:`rakor_table`: last year, this year and the change per region (and pot): the table
  debated at the coordination meeting (*Rakor*).

The methods of :class:`~ikmopt.Result` of the same names call them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ikmopt.core.errors import PolicyError
from ikmopt.model.build import column_cells
from ikmopt.model.constraints.last_year import LastYear, last_year_bounds
from ikmopt.model.constraints.proposals import ProposalLayout

if TYPE_CHECKING:
    from ikmopt.model.pots import PotLayout
    from ikmopt.solving.result import Result

__all__ = ["pot_allocation", "pot_table", "proposal_table", "rakor_table"]

#: Amounts below this (Rp bn, relative to 1 + the amount compared) count as zero.
TOL = 1e-6


def _layout(result: Result) -> PotLayout:
    layout = result.lp.meta.get("pots")
    if layout is None:
        raise PolicyError("this plan's budget has no pots; give Budget(pots=[ik.Pot(...)])")
    return layout


def _prices(result: Result, family: str) -> pd.DataFrame:
    """The rows of ``family`` in :attr:`Result.constraints`, indexed by label."""
    table = result.constraints
    return table[table["family"] == family].set_index("label")


def pot_allocation(result: Result) -> pd.DataFrame:
    """Spend from every pot in every cell, Rp bn (projects by the pot that pays them).

    One row per (pot, cell) that received money, with the pot's ``level`` and the cell's
    levels; column ``spend``.
    """
    layout = _layout(result)
    x = result.solution.x
    data = result.data
    spend = x[layout.col]
    cells, pots = layout.cell, layout.pot
    projects = result.lp.meta.get("project_columns")
    if projects is not None and len(layout.project_pot):
        built = np.round(x[projects])
        cells = np.concatenate([cells, data.projects.cell])
        pots = np.concatenate([pots, layout.project_pot])
        spend = np.concatenate([spend, built * data.projects.cost])
    frame = data.cells[cells].to_frame(index=False)
    frame.insert(0, "pot", np.asarray(layout.names, dtype=object)[pots])
    frame.insert(1, "level", np.asarray([p.level or "" for p in layout.pots],
                                        dtype=object)[pots])
    frame["spend"] = spend
    frame = frame[frame["spend"] > TOL]
    keys = ["pot", "level", *data.levels]
    return frame.groupby(keys, sort=False, observed=True)["spend"].sum().reset_index()


def pot_table(result: Result) -> pd.DataFrame:
    """Per pot: level, ceiling, spent, unspent, price of the ceiling, what it funds, where.

    ``price`` is the change of the objective per Rp 1 bn more in the pot (``NaN`` for a
    MIP); ``programs`` lists what the pot may fund, ``funded`` what it did fund and
    ``recipients`` how many regions got its money.
    """
    layout = _layout(result)
    spent = pot_allocation(result)
    prices = _prices(result, "pot")
    cell_program = result.data.cells.get_level_values("program")[layout.cell]
    rows = []
    for k, pot in enumerate(layout.pots):
        mine = spent[spent["pot"] == pot.name]
        total = float(mine["spend"].sum())
        by_program = mine.groupby("program", sort=False)["spend"].sum()
        price = prices["price"].get(pot.name, np.nan)
        rows.append({
            "pot": pot.name, "level": pot.level or "", "ceiling": pot.ceiling, "spent": total,
            "unspent": max(pot.ceiling - total, 0.0),
            "share_spent": total / pot.ceiling if pot.ceiling > 0 else np.nan,
            "price": float(price),
            "programs": ", ".join(pd.unique(np.asarray(cell_program[layout.pot == k],
                                                       dtype=str))),
            "funded": ", ".join(f"{p} {v:,.1f}" for p, v in by_program.items()),
            "recipients": int(mine["region"].nunique()),
        })
    return pd.DataFrame(rows).set_index("pot")


# ---------------------------------------------------------------------- proposals
def proposal_table(result: Result) -> pd.DataFrame:
    """Every proposal: what it asked and got, and for what it did not get, why.

    Within a group of proposals (the same cells and pot) money goes to the readiest first,
    then by priority, then in the table's order. ``reason`` is one of ``not ready``,
    ``capacity reached`` (its cells absorb no more), ``pot exhausted``, ``budget
    exhausted``, ``held by a rule`` (naming it) and ``crowded out`` (other uses are worth
    more); ``needed`` says what it would have taken: the readiness floor, more capacity,
    more money in the pot, or its value per Rp 1 bn that falls short of what the money
    earns elsewhere (``shortfall_value``, in the objective's unit; ``NaN`` for a MIP).
    The parts of ``needed`` are also columns of their own: ``need_readiness``,
    ``need_capacity`` (Rp bn), ``need_pots`` and ``held_by`` (the rules, as written).
    """
    layout: ProposalLayout | None = result.lp.meta.get("proposals")
    if layout is None:
        raise PolicyError("this plan has no FundProposals rule; add ik.FundProposals() to "
                          "the policy to fund proposals")
    proposals = result.data.proposals
    table = proposals.table
    x = result.solution.x
    funded = _fill(layout, proposals, x[layout.columns])
    asked = proposals.amount
    out = table[[*proposals.levels]].copy()
    if result.policy.budget.pots:
        names = [p.name for p in result.policy.budget.pots]
        out["pot"] = [names[k] if k >= 0 else "" for k in layout.pot]
    out["asked"] = asked
    out["readiness"] = proposals.readiness
    out["priority"] = table["priority"].replace(np.inf, np.nan)
    out["funded"] = funded
    out["unfunded"] = np.maximum(asked - funded, 0.0)
    short = out["unfunded"].to_numpy() > TOL * (1 + asked)
    out["status"] = np.where(~short, "funded",
                             np.where(funded > TOL * (1 + asked), "partly funded", "not funded"))
    return pd.concat([out, _reasons(result, layout, proposals, short,
                                    out["unfunded"].to_numpy())], axis=1)


def _fill(layout: ProposalLayout, proposals: object, f: np.ndarray) -> np.ndarray:
    """Each group's money re-split over its proposals: readiest first (vectorized)."""
    order = proposals.order()
    key = layout.key[order]
    limit = np.where(layout.ready, proposals.amount, 0.0)[order]
    if not layout.rule.up_to_asked:
        limit = np.where(layout.ready[order], np.inf, 0.0)
    total = np.bincount(layout.key, weights=f, minlength=int(layout.key.max()) + 1)
    frame = pd.DataFrame({"key": key, "limit": limit})
    frame["upto"] = frame.groupby("key", sort=False)["limit"].cumsum()
    before = frame.groupby("key", sort=False)["upto"].shift(1, fill_value=0.0).to_numpy()
    got = np.clip(total[key] - before, 0.0, limit)
    out = np.zeros(len(order))
    out[order] = np.where(got > TOL * (1 + np.abs(total[key])), got, 0.0)
    return out


def _reasons(result: Result, layout: ProposalLayout, proposals: object, short: np.ndarray,
             unfunded: np.ndarray) -> pd.DataFrame:
    """Why each proposal got less than it asked, and what it would have needed.

    Columns ``reason``, ``needed`` (in words), ``shortfall_value`` and the parts of
    ``needed`` as data: ``need_readiness`` (the floor it missed), ``need_capacity`` (Rp bn
    more of its cells' capacity), ``need_pots`` (pots that ran out, ``;``-separated) and
    ``held_by`` (binding rules, as written, ``;``-separated).
    """
    out = pd.DataFrame({"reason": "", "needed": "", "shortfall_value": np.nan,
                        "need_readiness": np.nan, "need_capacity": np.nan, "need_pots": "",
                        "held_by": ""}, index=proposals.table.index)
    unit = _unit_text(result)
    value = _shortfall(result, layout, proposals)
    out["shortfall_value"] = np.where(short, value, np.nan)
    rule = layout.rule
    state = _group_state(result, layout, proposals)
    for i in np.flatnonzero(short):
        if not layout.ready[i]:
            failed = [c.removeprefix("ready_") for c in proposals.criteria
                      if not proposals.table[c].iloc[i]]
            out.iloc[i, out.columns.get_loc("reason")] = "not ready"
            out.iloc[i, out.columns.get_loc("need_readiness")] = rule.min_readiness
            out.iloc[i, out.columns.get_loc("needed")] = (
                f"readiness {rule.min_readiness:g} (has {proposals.readiness[i]:.2f}"
                + (f"; fails {', '.join(failed)}" if failed else "") + ")")
            continue
        why, need = state[i]
        out.iloc[i, out.columns.get_loc("reason")] = why
        words = []
        if why == "capacity reached":
            out.iloc[i, out.columns.get_loc("need_capacity")] = unfunded[i]
            words.append(f"Rp {unfunded[i]:,.4g} bn more absorption capacity")
        elif why == "pot exhausted":
            out.iloc[i, out.columns.get_loc("need_pots")] = "; ".join(need)
            words.append(f"more money in pot {' or '.join(need)}")
        elif why == "budget exhausted":
            words.append("a larger budget")
        elif why == "held by a rule":
            out.iloc[i, out.columns.get_loc("held_by")] = "; ".join(need)
            words.append("; ".join(need) + " relaxed")
        worth = value[i]
        if np.isfinite(worth) and worth > 0:
            words.append(f"+{worth:,.4g} {unit} per Rp 1 bn")
        out.iloc[i, out.columns.get_loc("needed")] = "; or ".join(words)
    return out


def _shortfall(result: Result, layout: ProposalLayout, proposals: object) -> np.ndarray:
    """What one more Rp 1 bn to each proposal would cost the objective (0 if nothing).

    Money to proposal ``i`` flows through its column ``f_i``, a pot's column ``y_ck`` of
    one of its cells and the cell itself, so the objective changes at the sum of their
    reduced costs (the rows linking them cancel); the best of its cells counts. ``NaN``
    for a MIP, which has no reduced costs.
    """
    n = len(proposals)
    dual = result.solution.col_dual
    if dual is None or result.lp.is_mip or not np.isfinite(dual).all():
        return np.full(n, np.nan)
    rc = result.sense * dual
    cell_rc = result.reduced_costs.to_numpy()
    group = proposals.cells
    pots = result.lp.meta.get("pots")
    if pots is None:
        paths = pd.DataFrame({"group": group, "pot": -1, "rate": cell_rc})
    else:
        paths = pd.DataFrame({"group": group[pots.cell], "pot": pots.pot,
                              "rate": cell_rc[pots.cell] + rc[pots.col]})
        paths = pd.concat([paths, paths.assign(pot=-1)])  # a proposal naming no pot
    best = paths[paths["group"] >= 0].groupby(["group", "pot"])["rate"].max()
    keys = pd.MultiIndex.from_arrays([proposals.group, layout.pot])
    rate = rc[layout.columns] + best.reindex(keys).to_numpy()
    return np.maximum(-np.nan_to_num(rate, nan=0.0), 0.0)


def _unit_text(result: Result) -> str:
    """What one unit of the objective is called: ``jobs``, ``Rp bn`` or objective units."""
    unit = result.objective_unit
    if unit.kind == "metric" and unit.metric:
        return result.data.metric_units.get(unit.metric, unit.metric)
    return "Rp bn" if unit.kind == "cost" else "objective units"


def _group_state(result: Result, layout: ProposalLayout, proposals: object
                 ) -> list[tuple[str, list[str]]]:
    """For every proposal: what stopped its group's cells (reason, the pots or rules)."""
    lp, x = result.lp, result.solution.x
    data = result.data
    cap = data.capacity
    full = x[: lp.n_cells] >= cap - TOL * (1 + cap)
    in_group = proposals.cells
    group_full = np.ones(len(proposals.groups), dtype=bool)
    np.logical_and.at(group_full, in_group[in_group >= 0], full[in_group >= 0])
    pots = result.policy.budget.pots or ()
    pot_spent = {}
    if pots:
        table = pot_table(result)
        pot_spent = {p.name: bool(table.loc[p.name, "unspent"] <= TOL * (1 + p.ceiling))
                     for p in pots}
    funding = _funding_pots(result, proposals) if pots else {}
    budget = result.policy.budget
    total_spent = float(result.allocation.sum())
    budget_full = budget.total is not None and total_spent >= budget.total - TOL * (
        1 + budget.total)
    blocking = _binding_rules(result)
    out: list[tuple[str, list[str]]] = []
    for i in range(len(proposals)):
        g = proposals.group[i]
        if group_full[g]:
            out.append(("capacity reached", []))
            continue
        able = [pots[layout.pot[i]].name] if layout.pot[i] >= 0 else funding.get(g, [])
        if able and all(pot_spent.get(name) for name in able):
            out.append(("pot exhausted", able))
            continue
        if budget_full:
            out.append(("budget exhausted", []))
            continue
        cells = np.flatnonzero(in_group == g)
        rules = sorted({blocking[c] for c in cells if c in blocking})
        out.append(("held by a rule", rules) if rules else ("crowded out", []))
    return out


def _funding_pots(result: Result, proposals: object) -> dict[int, list[str]]:
    """The pots that may fund each group of proposals' cells (for proposals naming none)."""
    layout = _layout(result)
    group = proposals.cells[layout.cell]
    names = np.asarray(layout.names, dtype=object)
    pairs = pd.DataFrame({"group": group, "pot": names[layout.pot]})
    pairs = pairs[pairs["group"] >= 0].drop_duplicates()
    return {int(g): list(p) for g, p in pairs.groupby("group", sort=False)["pot"]}


def _binding_rules(result: Result) -> dict[int, str]:
    """For each cell, the first binding policy rule (not budget, pot or proposals) on it."""
    lp = result.lp
    table = result.constraints
    rows = lp.rows
    keep = (rows["kind"] != "definition").to_numpy()
    positions = np.flatnonzero(keep)
    binding = table["binding"].to_numpy() & ~table["family"].isin(
        ["budget", "pot", "proposals", "held"]).to_numpy()
    if not binding.any():
        return {}
    projects = result.data.projects
    cell_of = column_cells(lp, None if projects is None else projects.cell)
    sub = lp.A[positions[binding]].tocoo()
    cell = cell_of[sub.col]
    on = cell >= 0
    names = table["constraint"].to_numpy()[binding]
    order = np.lexsort((sub.row[on], cell[on]))  # by cell, then the rule's position
    cells, first = np.unique(cell[on][order], return_index=True)
    rows = sub.row[on][order][first]
    return dict(zip(cells.tolist(), names[rows].astype(str).tolist(), strict=True))


# ---------------------------------------------------------------------- rakor
def rakor_table(result: Result, by: str | tuple[str, ...] | None = None) -> pd.DataFrame:
    """Last year, this year and the change per region (and pot or program), Rp bn.

    Columns ``last_year`` (allocation), ``realisation``, ``this_year``, ``change``,
    ``change_pct``, ``floor`` and ``ceiling`` (from the :class:`~ikmopt.LastYear` rule, if
    the policy has one), ``at`` (``ceiling`` or ``floor`` where this year sits on it) and
    ``price`` (what Rp 1 bn more of the group's ceiling, or less of its floor, is worth;
    ``NaN`` without the rule or for a MIP). Groups with money in either year are listed,
    in the order of the dataset's regions.
    """
    past = result.data.last_year
    if past is None:
        raise PolicyError(f"dataset '{result.data.name}' has no last-year allocation; add "
                          "one (last_year.csv, or data.with_last_year(table))")
    rule = next((c for c in result.policy.constraints if isinstance(c, LastYear)), None)
    if by is not None:
        by = (by,) if isinstance(by, str) else tuple(by)
    elif rule is not None:
        by = rule.grouping(past)
    else:
        by = tuple(b for b in past.by if b != "pot" or result.policy.budget.pots)
    this = _this_year(result, by)
    last = past.summed(by)
    last.index = _as_text(last.index)
    this.index = _as_text(this.index)
    keys = last.index.union(this.index, sort=False)
    frame = pd.DataFrame(index=keys)
    frame["last_year"] = last["allocation"].reindex(keys).fillna(0.0)
    frame["realisation"] = last["realisation"].reindex(keys)
    frame["this_year"] = this.reindex(keys).fillna(0.0)
    frame["change"] = frame["this_year"] - frame["last_year"]
    frame["change_pct"] = np.where(frame["last_year"] > 0,
                                   100 * frame["change"] / frame["last_year"].where(
                                       frame["last_year"] > 0), np.nan)
    frame["floor"], frame["ceiling"], frame["at"], frame["price"] = 0.0, np.inf, "", np.nan
    if rule is not None and rule.grouping(past) == by:
        lower, upper = last_year_bounds(rule, past, by, keys)
        frame["floor"], frame["ceiling"] = lower, upper
        this_year = frame["this_year"].to_numpy()
        capped = np.isfinite(upper)
        near = np.where(capped, upper - TOL * (1 + np.abs(np.where(capped, upper, 0))), np.inf)
        frame["at"] = np.where(this_year >= near, "ceiling",
                               np.where((lower > 0) & (this_year <= lower + TOL * (1 + lower)),
                                        "floor", ""))
        prices = _prices(result, "last_year")["price"]
        labels = [_label(by, k) for k in keys]
        frame["price"] = prices.reindex(labels).to_numpy()
    keep = (frame["last_year"] > TOL) | (frame["this_year"] > TOL)
    frame = frame[keep]
    order = {str(r): i for i, r in enumerate(result.data.regions.index)}
    region = [k if isinstance(k, str) else k[0] for k in frame.index]
    frame = frame.iloc[np.argsort([order.get(r, len(order)) for r in region], kind="stable")]
    frame.index.names = list(by)
    return frame


def _this_year(result: Result, by: tuple[str, ...]) -> pd.Series:
    """Return this year's spend per group of ``by``."""
    if "pot" in by:
        spent = pot_allocation(result)
        return spent.groupby(list(by), sort=False)["spend"].sum()
    table = result.by(by if len(by) > 1 else by[0])
    return table["spend"]


def _as_text(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        return pd.MultiIndex.from_tuples([tuple(str(v) for v in k) for k in index],
                                         names=index.names)
    return pd.Index([str(k) for k in index], name=index.name)


def _label(by: tuple[str, ...], key: object) -> str:
    values = key if isinstance(key, tuple) else (key,)
    return ",".join(f"{lv}={v}" for lv, v in zip(by, values, strict=True))
