"""A scenario's model card counts the program that optimize builds, family by family."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik


def _independent(lp: ik.LinearProgram) -> tuple[dict, dict, int]:
    """Rows and nonzeros per row family, columns per column family, from the raw program."""
    families = lp.rows["family"].astype(str).to_numpy()
    rows = {f: (int((families == f).sum()), int(lp.A[families == f].nnz))
            for f in np.unique(families)}
    aux = lp.aux["family"].astype(str).to_numpy()
    columns = {"cell": (lp.n_cells, int(lp.A[:, : lp.n_cells].nnz))}
    for f in np.unique(aux):
        at = lp.n_cells + np.flatnonzero(aux == f)
        columns[f] = (len(at), int(lp.A[:, at].nnz))
    return rows, columns, lp.nnz


def _card_rows(card: ik.ModelCard) -> dict:
    """The card's rows merged back to the program's families (definition:* -> definition)."""
    table = card.table[card.table["part"] == "row"]
    family = table["family"].str.split(":").str[0]
    summed = table.groupby(family.to_numpy())[["count", "nonzeros"]].sum()
    return {f: (int(r["count"]), int(r["nonzeros"])) for f, r in summed.iterrows()}


def _card_columns(card: ik.ModelCard) -> dict:
    table = card.table[card.table["part"] == "column"]
    return {f: (int(c), int(n)) for f, c, n in zip(table["family"], table["count"],
                                                  table["nonzeros"], strict=True)}


def _scenarios(tiny: ik.Dataset) -> list[tuple[ik.Dataset, ik.Policy]]:
    return [
        (ik.datasets.load(), ik.default_policy()),
        (tiny, ik.Policy(budget=ik.Budget(total=60),
                         constraints=[ik.RegionBounds(min=5), ik.GroupShare("kti", min=0.4),
                                      ik.GiniCap(of="spend", max=0.3),
                                      ik.OutcomeEquity("jobs", min_ratio=0.3)])),
        (tiny, ik.Policy(budget=ik.Budget(total=60),
                         objective=ik.Lexicographic([ik.Maximize("jobs"),
                                                     ik.Maximize("value_added")]))),
        (tiny, ik.Policy(budget=ik.Budget(total=60), objective=ik.MaxMin("jobs"))),
        (tiny, ik.Policy(budget=ik.Budget(total=60),
                         objective=ik.GoalProgram([ik.Target("jobs", min=700, max=900)]))),
    ]


@pytest.mark.parametrize("case", range(5))
def test_the_card_counts_the_program_optimize_solves(tiny: ik.Dataset, case: int) -> None:
    data, policy = _scenarios(tiny)[case]
    result = ik.optimize(data, policy)
    card = ik.model_card(data, policy)
    rows, columns, nnz = _independent(result.lp)
    assert _card_rows(card) == rows
    assert _card_columns(card) == columns
    assert (card.n_rows, card.n_columns, card.nonzeros) == (
        result.lp.n_rows, result.lp.n_cols, nnz)
    assert card.table["count"].sum() == result.lp.n_rows + result.lp.n_cols
    # each nonzero is in one row and one column
    for part in ("row", "column"):
        assert card.table.loc[card.table["part"] == part, "nonzeros"].sum() == nnz
    # counting result.lp itself gives the same card
    pd.testing.assert_frame_equal(ik.ModelCard.of(result.lp).table, card.table)


def test_default_scenario_card_by_hand(provinces: ik.Dataset) -> None:
    """38 provinces x 6 programs, every cell curved (3 segments), 3 pots, floors, KTI share."""
    card = ik.model_card(provinces, ik.default_policy())
    rows, cols = card.counts("row"), card.counts("column")
    n_cells = len(provinces.regions) * len(provinces.programs)
    assert n_cells == provinces.n_cells == 228
    pots = provinces.programs["pots"].str.split(";").str.len()
    pot_columns = int(np.sum(provinces.cells.get_level_values("program").map(pots)))
    assert cols.to_dict() == {"cell": n_cells, "segment": len(provinces.curves.cell),
                              "pot_spend": pot_columns, "total_spend": 1}
    assert rows.to_dict() == {"definition:segment": n_cells, "definition:pot_spend": n_cells,
                              "pot": 3, "region_bounds": 38, "definition:total_spend": 1,
                              "share": 1}
    nz = card.table.set_index(["part", "family"])["nonzeros"]
    assert nz["row", "definition:total_spend"] == n_cells + 1  # every cell and T
    assert nz["row", "definition:pot_spend"] == n_cells + pot_columns
    assert nz["row", "region_bounds"] == n_cells  # every cell in its region's row
    kti_cells = int(provinces.regions["kti"].astype(bool).sum()) * len(provinces.programs)
    assert nz["row", "share"] == kti_cells + 1  # the KTI cells and T


def test_card_text_and_refusal(tiny: ik.Dataset) -> None:
    card = ik.model_card(tiny, ik.Policy(budget=ik.Budget(total=60)))
    text = str(card)
    assert "LP: 7 columns, 2 rows, 8 nonzeros" in text  # 6 cells + T; budget and T's row
    assert "definition:total_spend" in text
    with pytest.raises(ik.PolicyError, match="Dataset"):
        ik.model_card(ik.Policy(budget=ik.Budget(total=1)), tiny)
