"""What the methodology states about the uncertainty model, checked against closed forms.

* A realization share never exceeds 1: truncated (normal), capped (lognormal, with a mass
  at 1 of the documented probability), bounded by its parameters (triangular, ``high > 1``
  refused).
* Multipliers are single precision, within the stated rounding of the same transform in
  double precision.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import ikmopt as ik
from ikmopt.data.uncertainty import CHUNK, REALIZATION, stream

N = 200_000


def one_region(uncertainty: pd.DataFrame) -> ik.Dataset:
    regions = pd.DataFrame({"population": [1e6, 2e6]}, index=["A", "B"])
    programs = pd.DataFrame({"channel": ["X"]}, index=["p"])
    impacts = pd.DataFrame({"region": ["A", "B"], "program": "p", "jobs": [5.0, 4.0],
                            "capacity": 10.0})
    return ik.Dataset(regions, programs, impacts, uncertainty=uncertainty)


def shares(row: dict) -> np.ndarray:
    data = one_region(pd.DataFrame([{"metric": REALIZATION, **row}]))
    return data.uncertainty.draws(REALIZATION, N, data.n_cells, seed=1).astype(float).ravel()


def test_a_lognormal_share_is_capped_at_one_with_the_documented_mass():
    mu, sigma = 0.9, 0.3
    r = shares({"distribution": "lognormal", "mean": mu, "spread": sigma})
    assert r.max() == 1.0
    # P(R = 1) = 1 - Phi((sigma^2 / 2 - ln mu) / sigma)
    mass = 1 - 0.5 * (1 + math.erf((sigma ** 2 / 2 - math.log(mu)) / sigma / math.sqrt(2)))
    assert (r == 1.0).mean() == pytest.approx(mass, abs=4 / math.sqrt(N))
    # the capped mean E[min(M, 1)], from the lognormal's partial expectation
    m = math.log(mu) - sigma ** 2 / 2
    below = mu * stats.norm.cdf((-m - sigma ** 2) / sigma)  # E[M; M < 1]
    assert r.mean() == pytest.approx(below + mass, abs=4 * r.std() / math.sqrt(N))
    # a coefficient multiplier of the same distribution is not capped
    data = one_region(pd.DataFrame([{"metric": "jobs", "distribution": "lognormal",
                                     "mean": mu, "spread": sigma}]))
    assert data.uncertainty.draws("jobs", 2000, data.n_cells, seed=1).max() > 1.5


def test_a_normal_share_is_truncated_to_zero_one():
    mu, s = 0.9, 0.2
    r = shares({"distribution": "normal", "mean": mu, "spread": s})
    assert r.min() >= 0.0 and r.max() <= 1.0
    assert (r == 1.0).mean() < 1e-4  # truncated, not capped: no mass at 1
    sd = mu * s
    law = stats.truncnorm((0 - mu) / sd, (1 - mu) / sd, loc=mu, scale=sd)
    assert r.mean() == pytest.approx(law.mean(), abs=4 * law.std() / math.sqrt(N))
    assert np.quantile(r, 0.9) == pytest.approx(law.ppf(0.9), abs=2e-3)


def test_a_triangular_share_stays_within_its_bounds_and_high_above_one_is_refused():
    r = shares({"distribution": "triangular", "low": 0.7, "mode": 0.9, "high": 1.0})
    assert r.min() >= 0.7 and r.max() <= 1.0
    assert r.mean() == pytest.approx((0.7 + 0.9 + 1.0) / 3, abs=1e-3)
    with pytest.raises(ik.DataError, match="<= 1 for a realization share"):
        shares({"distribution": "triangular", "low": 0.7, "mode": 0.9, "high": 1.1})
    for kind in ("normal", "lognormal"):
        with pytest.raises(ik.DataError, match="<= 1"):
            shares({"distribution": kind, "mean": 1.2, "spread": 0.1})


def test_single_precision_multipliers_are_within_the_stated_rounding():
    # the same transform of the same normals in double precision: about 1e-7 of the value,
    # at most about 1e-4 in the far tail of a triangular
    data = ik.datasets.load(uncertainty=True)
    u = data.uncertainty
    for metric in ("jobs", "certificates", REALIZATION):
        single = u.draws(metric, CHUNK, data.n_cells, seed=4)  # one chunk: one stream
        assert single.dtype == np.float32
        cells, p = u._plan(metric, data.n_cells)
        rng = stream(4, 0, metric)
        z = rng.standard_normal((len(cells), CHUNK), dtype=np.float32).astype(float)
        common = rng.standard_normal((p["n_groups"], CHUNK), dtype=np.float32).astype(float)
        rho = p["rho"].astype(float)
        z = np.sqrt(rho) * common[p["group"]] + np.sqrt(1 - rho) * z
        low, mode, high = (p[k].astype(float) for k in ("low", "mode", "high"))
        q = stats.norm.cdf(z)
        with np.errstate(divide="ignore", invalid="ignore"):  # low == high rows: never used
            double = np.where(q < (mode - low) / (high - low),
                              low + np.sqrt(q * (high - low) * (mode - low)),
                              high - np.sqrt((1 - q) * (high - low) * (high - mode)))
        error = np.abs(single[cells].astype(float) - double) / np.maximum(double, 1e-3)
        assert np.median(error) < 3e-7
        assert error.max() < 1e-4
