"""What does the equity rule "Eastern Indonesia gets at least X %" cost in jobs?

Solves the jobs-maximizing plan for KTI floors from 0 % to 45 % and prints jobs, the cost of
the rule against no rule, and the shadow price of the KTI row (jobs per 1 percentage point).

Run: python examples/price_of_kti_rule.py
"""

import pandas as pd

import ikmopt as ik

data = ik.datasets.load("indonesia-provinces")
base = ik.Policy(
    budget=ik.Budget(total=971),
    constraints=[ik.RegionBounds(min_share=0.005)],
    objective=ik.Maximize("jobs"),
)
free = ik.optimize(data, base)
rows = []
for floor in [0.0, 0.2, 0.3, 0.35, 0.4, 0.45]:
    result = ik.optimize(data, base.add(ik.GroupShare("kti", min=floor)))
    kti = result.constraints.query("family == 'share'").iloc[0]
    rows.append(
        {
            "kti_min": floor,
            "kti_share": kti["activity"],
            "jobs": result.outcomes["jobs"],
            "jobs_lost": free.outcomes["jobs"] - result.outcomes["jobs"],
            "jobs_per_pct_point": kti["shadow_price"] / 100,
            "gini_spend": result.equity[("spend", "gini")],
        }
    )
table = pd.DataFrame(rows).set_index("kti_min")
print(table.round(3).to_string())
