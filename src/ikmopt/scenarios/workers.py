"""Where a batch's scenarios run: in this process, a local pool of workers, or any executor.

Workers are processes started with ``spawn``, each solving one scenario at a time with one
numeric thread; they leave Ctrl-C to the batch and exit when the process that started them
dies. Any :class:`concurrent.futures.Executor` can replace the local pool, including the
executor of a ``dask.distributed.Client`` (tasks are submitted with ``pure=False``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

from ikmopt.core.errors import PolicyError

__all__ = ["InProcessExecutor", "local_pool", "sigint_ignored", "stop_workers", "submitter"]


class InProcessExecutor(Executor):
    """Runs each task at once in the calling process (for debugging and small batches)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        """Run ``fn(*args, **kwargs)`` now; return a finished Future."""
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as err:  # delivered through the future, like a pool would
            future.set_exception(err)
        return future


def local_pool(workers: int | None) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes (default: one per CPU) started with ``spawn``."""
    n = workers or os.cpu_count() or 1
    return ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_start)


def _worker_start() -> None:
    """Worker start: one numeric thread, Ctrl-C left to the batch, exit with the parent.

    One thread for every numeric library (solves run side by side). Ctrl-C in a terminal
    reaches every process of the group; the batch stops the workers, so they ignore it
    (no traceback from each). A daemon thread waits on the parent's end of the pipe that
    started this process: when the parent dies, even by ``kill -9``, the pipe closes and
    the worker exits at once, instead of living on as an orphan.
    """
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), name="ikmopt-parent-watch",
                         daemon=True).start()


def _exit_with(parent: Any) -> None:
    """Wait until ``parent`` (a multiprocessing parent process) is gone, then exit now."""
    parent.join()  # returns when the pipe from the parent closes: the parent has died
    os._exit(1)


@contextlib.contextmanager
def sigint_ignored(active: bool) -> Iterator[None]:
    """Ignore Ctrl-C while worker processes start, so they inherit it ignored.

    A spawned worker imports for a second or more before its initializer runs; a Ctrl-C in
    that time would print a traceback from each worker. An ignored signal stays ignored in
    a new process, so workers started inside this block never see it. Only in the main
    thread, and only if the current handler was set from Python (so it can be restored).
    """
    if not active or threading.current_thread() is not threading.main_thread() or (
            signal.getsignal(signal.SIGINT) is None):
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def sigint_deferred() -> Iterator[None]:
    """Hold a Ctrl-C back until the block ends, then deliver it.

    For the few milliseconds in which a finished scenario is written and counted: an
    interrupt between the two would leave a whole folder on disk that the batch's message
    does not count. Only in the main thread, and only over a handler set from Python; the
    held signal goes to that handler (Python's raises ``KeyboardInterrupt``).
    """
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or previous is None:
        yield
        return
    held: list[int] = []
    signal.signal(signal.SIGINT, lambda number, frame: held.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if held and callable(previous):
            previous(signal.SIGINT, None)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the pool's worker processes now, abandoning the scenarios they are solving."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError, ValueError):  # already gone
            process.terminate()
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            process.join(timeout=5)
    # A worker stopped while sending its result leaves half a message in the result pipe,
    # and the pool's manager thread would wait for the rest forever (and shutdown, or the
    # interpreter's exit, with it). Closing the parent's own write end of that pipe, the
    # last one open once the workers are gone, ends the wait: the manager reads end of file
    # and stops the pool as broken.
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        with contextlib.suppress(OSError):
            writer.close()


def submitter(executor: Any):
    """A ``submit(fn, arg)`` for any Executor; a Dask client or its executor gets pure=False."""
    module = type(executor).__module__
    if module.startswith("distributed") and hasattr(executor, "get_executor"):  # a Client
        executor = executor.get_executor(pure=False)
    if not isinstance(executor, Executor):
        raise PolicyError(
            f"executor must be a concurrent.futures.Executor or a dask.distributed.Client, "
            f"got {type(executor).__name__}"
        )
    if type(executor).__module__.startswith("distributed"):
        return executor, lambda fn, arg: executor.submit(fn, arg, pure=False)
    return executor, executor.submit

