"""One cold start of the bundled plan, written once per contender; run as a fresh process.

    python benchmarks/coldstart_worker.py CONTENDER FOLDER

* ``ikmopt``: ``import ikmopt``, load the bundled 38-province data, optimize the default
  policy (its staged objective included) and print the summary.
* ``highspy``: the script a modeler would write around the same model: import pandas and
  highspy, read the final program ikmopt solved (``model.mps`` in ``FOLDER``, written by
  ``coldstart.py``), solve it and return the allocation as a pandas Series by column name.
* ``cvxpy``: the same program written in cvxpy from its arrays (``model.npz``: the CSR
  matrix, row and column bounds, costs), solved with HiGHS, the allocation as a Series.

Prints one JSON line: the contender, its objective and the seconds from the start of the
script to the end (the parent also times the whole process, interpreter start included).
HiGHS runs on one thread with the same algorithm everywhere (IPM with crossover).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

START = time.perf_counter()
OPTIONS = {"output_flag": False, "threads": 1, "solver": "ipm"}


def run_ikmopt(folder: Path) -> float:
    import ikmopt as ik

    data = ik.datasets.load("indonesia-provinces")
    result = ik.optimize(data, ik.default_policy(data=data), threads=1, algorithm="ipm")
    print(result.summary(), file=sys.stderr)
    return result.objective


def run_highspy(folder: Path) -> float:
    import highspy
    import numpy as np
    import pandas as pd

    h = highspy.Highs()
    for key, value in OPTIONS.items():
        h.setOptionValue(key, value)
    h.readModel(str(folder / "model.mps"))
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    x = pd.Series(np.asarray(h.getSolution().col_value), index=h.getLp().col_names_)
    print(x.groupby(x.index.str.split(",").str[0]).sum(), file=sys.stderr)
    return h.getInfo().objective_function_value


def run_cvxpy(folder: Path) -> float:
    import cvxpy as cp
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

    arrays = np.load(folder / "model.npz", allow_pickle=False)
    a = sp.csr_array((arrays["data"], arrays["indices"], arrays["indptr"]),
                     shape=tuple(arrays["shape"]))
    lo, up = arrays["row_lower"], arrays["row_upper"]
    x = cp.Variable(a.shape[1], bounds=[arrays["col_lower"], arrays["col_upper"]])
    has_lo, has_up = np.isfinite(lo), np.isfinite(up)
    problem = cp.Problem(cp.Maximize(arrays["cost"] @ x + float(arrays["offset"])),
                         [a[has_lo] @ x >= lo[has_lo], a[has_up] @ x <= up[has_up]])
    problem.solve(solver=cp.HIGHS, highs_options={"threads": 1, "solver": "ipm"})
    assert problem.status == cp.OPTIMAL
    print(pd.Series(x.value).sum(), file=sys.stderr)
    return problem.value


CONTENDERS = {"ikmopt": run_ikmopt, "highspy": run_highspy, "cvxpy": run_cvxpy}

if __name__ == "__main__":
    name, where = sys.argv[1], Path(sys.argv[2])
    objective = CONTENDERS[name](where)
    print(json.dumps({"contender": name, "objective": float(objective),
                      "script_s": time.perf_counter() - START}))
