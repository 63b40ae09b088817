"""The model statement (ikmopt.model.registry) against the code, both ways.

* Every family the source can emit (read from the source text: ``RowBlock(...)``,
  ``add_columns(...)``, ``shared_column(...)``, ``family=...`` and the ``family`` class
  variables) has an entry, and every constraint and objective class is stated.
* A battery of scenarios that together use every rule, objective and data table builds
  programs whose families are exactly the registry's: nothing built is unstated, nothing
  stated is never built.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from ikmopt.analysis.monitoring.replan import Spent
from ikmopt.analysis.replan import Committed
from ikmopt.model import registry
from ikmopt.model.build import build
from ikmopt.model.constraints import Constraint
from ikmopt.model.objectives import Objective
from ikmopt.model.ordering import with_order
from ikmopt.solving.model_card import scenario_program

SRC = Path(ik.__file__).resolve().parent
STATED = set(registry.ROWS) | set(registry.COLUMNS)


def _subclasses(cls: type) -> set[type]:
    out = set()
    for sub in cls.__subclasses__():
        out |= {sub} | _subclasses(sub)
    return out


# ---------------------------------------------------------------------- from the source
def _literal_families() -> dict[str, set[str]]:
    """Family names (exact, or a regex for an f-string) found in the source, by file."""
    found: dict[str, set[str]] = {}

    def pattern(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return re.escape(node.value)
        if isinstance(node, ast.JoinedStr):
            return "".join(re.escape(v.value) if isinstance(v, ast.Constant) else ".+"
                           for v in node.values)
        return None

    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in {"RowBlock", "add_columns", "shared_column"} and node.args:
                    names.add(pattern(node.args[0]) or "")
                names |= {pattern(k.value) or "" for k in node.keywords if k.arg == "family"}
            if (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                    and node.target.id == "family" and node.value is not None):
                names.add(pattern(node.value) or "")
        names.discard("")
        if names:
            found[str(path.relative_to(SRC))] = names
    return found


def test_every_family_in_the_source_is_stated() -> None:
    found = _literal_families()
    assert "model/constraints/equity.py" in found  # the scan sees the rules
    allowed = STATED | set(registry.INTERMEDIATE) | {"definition"}
    missing = {f"{file}: {p}" for file, pats in found.items() for p in pats
               if not any(re.fullmatch(p, name) for name in allowed)}
    assert not missing, f"families emitted but not in the registry: {sorted(missing)}"
    literal = {p for pats in found.values() for p in pats}
    for name in ("budget", "pot", "share", "gini_pair", "cvar", "committed"):
        assert re.escape(name) in literal


def test_every_constraint_class_is_stated() -> None:
    classes = {c for c in _subclasses(Constraint) if not inspect.isabstract(c)}
    assert Committed in classes and ik.GroupShare in classes
    for cls in classes:
        if cls.family in registry.INTERMEDIATE:  # re-emits another rule's rows
            continue
        assert cls.family in registry.ROWS, cls.__name__
        assert cls.__name__.split("Share")[0] in registry.ROWS[cls.family].source or (
            cls.family == "share"), cls.__name__
    assert {c.family for c in classes} | {"pot"} >= {
        f for f in registry.ROWS if not f.startswith("definition:")} - {
        "maxmin", "maxmin_floor", "lexicographic", "goal", "cvar", "held"}


def test_every_objective_class_is_stated() -> None:
    classes = {c.__name__ for c in _subclasses(Objective)
               if not inspect.isabstract(c) and not c.__name__.startswith("_")}
    assert classes == set(registry.OBJECTIVES)


def test_entries_are_complete() -> None:
    for table in (registry.ROWS, registry.COLUMNS, registry.OBJECTIVES):
        for key, family in table.items():
            assert family.key == key
            assert family.title and family.math and family.unit and family.source, key
            assert family.math.count("{") == family.math.count("}"), key
    for symbol in registry.INDEX_SETS + registry.SYMBOLS + registry.TERMS:
        assert symbol.unit and symbol.meaning, symbol.tex
        assert symbol.tex.count("{") == symbol.tex.count("}"), symbol.tex


# ---------------------------------------------------------------------- from the programs
def _battery() -> list:
    """Programs that together use every rule, objective and data table."""
    full = ik.datasets.load(projects=True, uncertainty=True, planning=True)
    pots = ik.default_pots()
    budget = ik.Budget(total=971, pots=pots, by={"program": {"training": 300}})
    rules = [
        ik.RegionBounds(min_share=0.005), ik.GroupShare("kti", min=0.3),
        ik.Target("jobs", min=1000), ik.OutcomeEquity("jobs", min_ratio=0.1),
        ik.GiniCap(of="spend", max=0.5), ik.GiniCap(of="jobs", max=0.6, method="lorenz",
                                                    quantiles=5),
        ik.ProjectCount(max=10), ik.FundProposals(), ik.LastYear(max_rise=0.5),
        ik.MinimumAllocation(min=2, pot="DAK fisik", max_recipients=30),
        ik.CoFunding("DAK fisik", match=5, reserve=0.1),
        Committed(np.r_[1.0, np.zeros(full.n_cells - 1)]),
        ik.GroupShare("kti", min=0.3, of="jobs"), ik.ExpectedAbsorption(0.9),
        Spent(("region",), pd.DataFrame({"lower": [1.0], "upper": [np.inf]},
                                         index=pd.MultiIndex.from_tuples([("Aceh",)],
                                                                         names=["region"]))),
        ik.Relation([ik.Aggregate("spend", program="sentra"),
                     -2 * ik.Aggregate("spend", program="training")], "<=", by="region"),
    ]
    targets = [ik.Target("jobs", min=5000, max=9000), ik.Target("value_added", min=100)]
    objectives = [ik.Weighted(jobs=1, value_added=0.5), ik.PovertyWeighted("jobs"),
                  ik.MaxMin("jobs"), ik.Lexicographic([ik.Maximize("jobs"),
                                                        ik.Maximize("value_added")]),
                  ik.MinCost(targets), ik.GoalProgram(targets),
                  ik.ExpectedValue("jobs", samples=5), ik.CVaR("jobs", samples=5)]
    programs = []
    for objective in objectives:
        policy = ik.Policy(budget=budget, constraints=rules, objective=objective)
        programs.append(build(full, policy, objective=objective.stages()[0]))  # first stage
        programs.append(scenario_program(full, policy))  # the last, with the held stages
    years = ik.datasets.synthetic(n_regions=4, n_programs=2, n_sectors=0, n_years=3)
    programs.append(build(years, ik.Policy(budget=ik.Budget(total=100),
                                           constraints=[ik.Ramp(max_change=5)])))
    lp = programs[0]
    programs.append(lp.holding(1.0, 1e-9, lp.cost))
    programs.append(with_order(lp, np.arange(3)))
    return programs


@pytest.fixture(scope="module")
def programs() -> list:
    return _battery()


def test_the_programs_build_exactly_the_stated_families(programs) -> None:
    rows = set().union(*(set(registry.row_keys(lp)) for lp in programs))
    columns = set().union(*(set(registry.column_keys(lp)) for lp in programs))
    assert rows - set(registry.ROWS) == set(), "rows built but not stated"
    assert columns - set(registry.COLUMNS) == set(), "columns built but not stated"
    assert set(registry.ROWS) - rows == set(), "rows stated but never built"
    assert set(registry.COLUMNS) - columns == set(), "columns stated but never built"


def test_definition_rows_are_keyed_by_the_column_they_define(tiny: ik.Dataset) -> None:
    policy = ik.Policy(budget=ik.Budget(total=60),
                       constraints=[ik.GroupShare("kti", min=0.4),
                                    ik.GiniCap(of="spend", max=0.3)])
    lp = build(tiny, policy)
    keys = pd.Series(registry.row_keys(lp))
    definition = (lp.rows["family"] == "definition").to_numpy()
    # one T row (6 cells + T) and 3 group values (each its region's 2 cells + v_g)
    assert keys[definition].value_counts().to_dict() == {"definition:gini_value": 3,
                                                         "definition:total_spend": 1}
    t_row = np.flatnonzero(keys == "definition:total_spend")[0]
    assert lp.A[t_row].nnz == tiny.n_cells + 1
    # the pair rows keep their family: 3 pairs x 2 rows, plus the cap
    assert (keys == "gini").sum() == 3 * 2 + 1


def test_the_model_page_states_every_entry() -> None:
    """docs/model.md's placeholder is replaced by the registry, entry by entry."""
    import importlib.util

    docs = SRC.parents[1] / "docs"
    assert model_page_placeholder() in (docs / "model.md").read_text(encoding="utf-8")
    spec = importlib.util.spec_from_file_location("model_page", docs / "model_page.py")
    page = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(page)
    text = page.fill(f"before\n{page.PLACEHOLDER}\nafter")
    assert page.PLACEHOLDER not in text and text.startswith("before")
    for table in (registry.ROWS, registry.COLUMNS, registry.OBJECTIVES):
        for key, family in table.items():
            assert f"### `{key}`: {family.title}" in text
            assert family.math.split("\\\\")[0] in text
    for symbol in registry.INDEX_SETS + registry.SYMBOLS + registry.TERMS:
        assert f"${symbol.tex}$" in text


def model_page_placeholder() -> str:
    return "<!-- model-statement -->"
