"""What-if in Python: variants of the baseline scenario, solved as one batch and compared.

Run from anywhere: ``python examples/what_if.py``. The coefficients of the bundled data are
ILLUSTRATIVE, so the numbers show how the tools work, not a recommendation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import ikmopt as ik
from ikmopt.model.params import set_param

HERE = Path(__file__).resolve().parent


def main() -> None:
    baseline = ik.load_scenario(HERE / "scenarios" / "baseline.yaml")
    # budget cuts of 5 to 20 % and KTI floors of 40 to 50 %, written in Python
    variants = [baseline]
    total = baseline.policy.budget.total  # Rp 971 bn
    for cut in (0.05, 0.10, 0.20):
        policy = set_param(baseline.policy, "budget.total", total * (1 - cut))
        variants.append(baseline.replace(name=f"cut-{cut:.0%}", policy=policy))
    for kti in (0.45, 0.50):
        policy = set_param(baseline.policy, "constraints[1].min", kti)
        variants.append(baseline.replace(name=f"kti-{kti:.0%}", policy=policy))
    batch = ik.run_scenarios(variants, ik.InProcessExecutor(), progress=False)
    comparison = batch.compare("baseline")
    print(comparison)

    # mid-year: 45 % of the baseline plan is spent, and the budget is cut to Rp 900 bn
    data = baseline.load_data()
    plan = ik.optimize(data, baseline.policy)
    spent = plan.allocation * 0.45
    revised = ik.replan(data, baseline.policy, spent, total=900)
    table = revised.compare("island_group")
    print("\nRe-plan after a cut to Rp 900 bn (Rp bn):")
    print(table.round(1).to_string())
    assert np.isclose(table["revised"].sum(), 900)


if __name__ == "__main__":
    main()
