"""Solve the default policy on the bundled data and look at the plan.

Run: python examples/quickstart.py
"""

import ikmopt as ik

data = ik.datasets.load("indonesia-provinces")
policy = ik.Policy(
    budget=ik.Budget(total=971),  # Rp bn: 2023 program money of Ditjen IKMA plus DAK fisik IKM
    constraints=[
        ik.RegionBounds(min_share=0.005),  # every province >= 0.5 % of the budget
        ik.GroupShare("kti", min=0.40),  # Eastern Indonesia >= 40 % of spend
    ],
    objective=ik.Weighted(jobs=1.0, value_added=0.5),
)
result = ik.optimize(data, policy)

print(result.outcomes.round(1))
print(result.by("island_group")[["spend", "jobs", "value_added", "share"]].round(2))
print(result.by("program")[["spend", "jobs", "share"]].round(2))
print(result.binding[["family", "label", "activity", "shadow_price"]].head())
print(result.equity["spend"].round(3))
