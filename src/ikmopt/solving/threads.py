"""One BLAS thread while solving: numpy's thread pool must not compete with the solver.

NumPy and SciPy call OpenBLAS (or MKL) for dot products. Its worker threads spin-wait after
each call, and on a machine with few cores they take the cores the solver runs on: a
50-point budget sweep at 41k cells ran at 90 ms a point with numpy's default threads and at
48 ms with one (HiGHS itself 33 ms against 24 ms; ``benchmarks/``). The vectors of the solve
path are far too small to gain from threads, so :func:`one_blas_thread` limits BLAS to one
thread while a plan is built, solved and read, and gives the user's setting back after.
Simulation, whose matrix products do gain from threads, is not limited.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from threadpoolctl import ThreadpoolController

__all__ = ["one_blas_thread"]

#: Made on the first solve, when numpy's and SciPy's BLAS are loaded; each limit then
#: costs microseconds.
_controller: Any = None


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Limit BLAS to one thread inside the block (nesting is fine; restored on exit)."""
    global _controller
    if _controller is None:  # looks up the loaded BLAS libraries once (a few ms)
        _controller = ThreadpoolController()
    with _controller.limit(limits=1, user_api="blas"):
        yield
