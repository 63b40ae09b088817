"""Bring your own estimates: build a Dataset from tables, change it, and save it.

Run: python examples/custom_data.py
"""

import tempfile
from pathlib import Path

import pandas as pd

import ikmopt as ik

regions = pd.DataFrame(
    {
        "region": ["Kab. Sleman", "Kab. Bantul", "Kab. Gunungkidul"],
        "population": [1_150_000, 1_000_000, 760_000],
        "poverty_rate_pct": [7.7, 11.7, 15.6],
    }
)
programs = pd.DataFrame(
    {"program": ["training", "sentra"], "channel": ["Tugas Pembantuan", "DAK fisik"]}
)
impacts = pd.DataFrame(
    {
        "region": ["Kab. Sleman", "Kab. Sleman", "Kab. Bantul", "Kab. Bantul",
                   "Kab. Gunungkidul", "Kab. Gunungkidul"],
        "program": ["training", "sentra"] * 3,
        # your own estimates, per Rp million here: converted to per Rp bn by money_unit
        "jobs": [0.040, 0.012, 0.035, 0.010, 0.030, 0.015],
        "capacity": [2_000, 5_000, 1_500, 4_000, 1_000, 3_000],  # Rp million
    }
)
data = ik.Dataset(regions, programs, impacts, money_unit="Rp juta", name="diy-kabupaten")
print(data)
print(data.impacts)  # capacities in Rp bn, jobs per Rp bn

policy = ik.Policy(
    budget=ik.Budget(total=8.0),
    constraints=[ik.RegionBounds(min=1.5)],
    objective=ik.Maximize("jobs"),
)
print(ik.optimize(data, policy).by("region").round(2))

# what if the sentra estimates are 30 % too optimistic?
pessimistic = data.scale("jobs", 0.7, where={"program": "sentra"})
print(ik.optimize(pessimistic, policy).by("program").round(2))

with tempfile.TemporaryDirectory() as tmp:
    folder = data.to_csv(Path(tmp) / "diy")
    again = ik.Dataset.from_csv(folder)
    assert again == data
    print("saved and re-read", sorted(p.name for p in folder.iterdir()))
