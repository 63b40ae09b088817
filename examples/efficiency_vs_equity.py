"""Efficiency versus equity on the bundled data: frontiers and the price of each rule.

Run: python examples/efficiency_vs_equity.py [--figures DIR]

Prints the jobs / value-added frontier, the jobs / Gini-of-spend frontier and the price of
every rule of an equity-minded policy; with --figures, also saves the charts as PNG files
(the documentation's figures are made this way).
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

import ikmopt as ik
from ikmopt import plot

parser = argparse.ArgumentParser()
parser.add_argument("--figures", type=Path, default=None)
args, _ = parser.parse_known_args()

data = ik.datasets.load("indonesia-provinces")
policy = ik.Policy(
    budget=ik.Budget(total=2500),
    constraints=[ik.RegionBounds(min_share=0.005), ik.GroupShare("kti", min=0.40)],
    objective=ik.Maximize("jobs"),
)

# 1. jobs against value added
fr = ik.frontier(data, policy, x="jobs", y="value_added", n=9)
print(fr.points[["jobs", "value_added", "gini_spend"]].round(3).to_string())

# 2. jobs against the Gini of spend per inhabitant (lower is fairer)
fair = ik.frontier(data, policy, x="gini_spend", y="jobs", n=7)
print(fair.points[["gini_spend", "jobs", "value_added"]].round(3).to_string())

# 3. what each rule of an equity-minded policy costs in jobs
equity_policy = policy.add(ik.GiniCap(of="spend", max=0.30), ik.OutcomeEquity("jobs", 0.5))
prices = ik.price_of(data, equity_policy)
print(prices[["constraint", "cost", "cost_pct", "binding"]].round(2).to_string())

if args.figures:
    args.figures.mkdir(parents=True, exist_ok=True)
    for name, draw in [("frontier-jobs-value-added", lambda ax: fr.plot(ax=ax)),
                       ("frontier-jobs-gini", lambda ax: fair.plot(ax=ax)),
                       ("lorenz-default", lambda ax: plot.lorenz(
                           ik.optimize(data, equity_policy), ax=ax)),
                       ("allocation-by-region", lambda ax: plot.allocation_by_region(
                           ik.optimize(data, equity_policy), ax=ax))]:
        fig, ax = plt.subplots(figsize=(7, 4.5 if "allocation" not in name else 8))
        draw(ax)
        fig.tight_layout()
        fig.savefig(args.figures / f"{name}.png", dpi=110)
        plt.close(fig)
        print(f"wrote {args.figures / (name + '.png')}")
