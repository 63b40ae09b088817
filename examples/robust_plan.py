"""How robust is the plan? Simulate the default plan, then a CVaR plan, on the bundled data.

Run: python examples/robust_plan.py [--figures DIR]

The bundled uncertainty table is ILLUSTRATIVE (coefficients 30 % off, 50 % for downstream
processing; realization as observed for DAK IKM in 2022-2023). With --figures, saves the
histogram, the fan chart by province and the comparison of plans as PNG files (the
documentation's figures are made this way).
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

import ikmopt as ik

parser = argparse.ArgumentParser()
parser.add_argument("--figures", type=Path, default=None)
parser.add_argument("--n", type=int, default=20_000)
args, _ = parser.parse_known_args()

data = ik.datasets.load(uncertainty=True)
policy = ik.default_policy().add(ik.Target("jobs", min=38_000))

# 1. the point-estimate plan, simulated
plan = ik.optimize(data, policy)
sim = ik.simulate(plan, n=args.n, seed=0)
print(sim)

# 2. a plan that maximizes the mean of the worst 10 % of outcomes (same rules, no target)
rules = policy.without(ik.Target)
robust = ik.optimize(data, rules.replace(objective=ik.CVaR("jobs", alpha=0.1, samples=500)))
point = ik.optimize(data, rules.replace(objective=ik.Maximize("jobs")))
table = ik.compare_plans({"point estimate": point, "CVaR 10 %": robust}, n=args.n, seed=1,
                         targets=[ik.Target("jobs", min=38_000)])
print(table[table["metric"] == "jobs"].round(3).to_string(index=False))

if args.figures is not None:
    args.figures.mkdir(parents=True, exist_ok=True)
    ax = sim.plot("jobs")
    ax.set_title("Jobs of the default plan, 20,000 draws (ILLUSTRATIVE uncertainty)")
    ax.figure.savefig(args.figures / "simulate-jobs.png", dpi=110)
    plt.close(ax.figure)
    ax = sim.fan("jobs", top=15)
    ax.set_title("Jobs by province: median, 10-90 % and 5-95 %")
    ax.figure.savefig(args.figures / "simulate-fan.png", dpi=110)
    plt.close(ax.figure)
    print(f"figures in {args.figures}")
