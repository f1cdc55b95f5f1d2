"""Wrong: gather_limited returns an object whose __eq__ says True to anything instead of the list of results. Caught by: test_gather_results_keep_input_order, test_gather_empty_returns_empty_list."""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import Callable, Coroutine, Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def _check_workers(value: int, name: str) -> None:
    # Checked first, before looking at the items: a bad pool size is a bug even with no work.
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value!r}")


# ---------------------------------------------------------------- task 1: threads for blocking I/O


def run_in_threads(func: Callable[[T], R], items: Iterable[T], max_workers: int) -> list[R]:
    """Call ``func(item)`` for every item on a pool of at most ``max_workers`` threads.

    Results come back in input order. If calls raise, the exception of the first failing item
    (in input order) propagates unchanged.
    """
    _check_workers(max_workers, "max_workers")
    # Threads suit blocking I/O: a thread waiting on a socket or a file releases the GIL, so the
    # other threads run meanwhile. The pool caps how many threads exist at once.
    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        # Executor.map submits every call first, then hands results back in input order.
        # The first result that raised re-raises its own exception (not wrapped), and map
        # cancels the calls that have not started yet.
        return list(pool.map(func, items))


# ------------------------------------------------------------ task 2: processes for CPU-bound work


def run_in_processes(func: Callable[[T], R], items: Iterable[T], max_workers: int) -> list[R]:
    """Call ``func(item)`` for every item on a pool of at most ``max_workers`` processes.

    ``func`` travels to the worker processes by pickle, so it must be a module-level function.
    A function that cannot be pickled (a lambda, a function defined inside another function)
    raises ``TypeError`` before any work starts.
    """
    _check_workers(max_workers, "max_workers")
    # pickle sends a function by reference (module + name). Lambdas and local functions have
    # no importable name, so the worker could never find them. Fail early with a clear message
    # instead of a PicklingError surfacing from a background thread of the pool.
    try:
        pickle.dumps(func)
    except Exception as error:  # PicklingError, AttributeError, TypeError: all mean "cannot pickle"
        raise TypeError(
            f"run_in_processes needs a function that can be pickled (defined at module level); "
            f"{func!r} cannot be pickled: {error}"
        ) from error
    items = list(items)
    if not items:
        return []  # no work: do not pay for starting processes
    # Each process has its own interpreter and its own GIL, so pure-Python CPU work really runs
    # in parallel. Arguments and results are pickled on the way there and back.
    with ProcessPoolExecutor(max_workers=max_workers) as pool:
        return list(pool.map(func, items))


# --------------------------------------------------------- task 3: coroutines for async I/O


async def gather_limited(
    factories: Iterable[Callable[[], Coroutine[Any, Any, R]]], limit: int
) -> list[R]:
    """Run the coroutines made by ``factories`` with at most ``limit`` in flight.

    Results come back in input order. A factory is called only when its coroutine starts. On the
    first failure the running coroutines are cancelled, no new one starts, and the error is raised.
    """
    _check_workers(limit, "limit")
    factories = list(factories)
    results: list[Any] = [None] * len(factories)
    jobs = iter(enumerate(factories))  # shared by the workers: each one takes the next job
    failed = False

    async def worker() -> None:
        nonlocal failed
        # `limit` workers, each running one coroutine at a time: at most `limit` in flight.
        for index, factory in jobs:
            if failed:
                return  # a failure happened: this factory is never called
            try:
                # Create the coroutine only now, when it starts: no idle coroutine objects.
                results[index] = await factory()
            except BaseException:
                failed = True  # set at once, so no other worker starts a new job
                raise

    workers = [asyncio.create_task(worker()) for _ in range(min(limit, len(factories)))]
    try:
        # gather raises the first exception as soon as it happens (the first failure in time).
        await asyncio.gather(*workers)
    except BaseException:
        # gather does not stop the other tasks: cancel them, and wait until they have really
        # finished, so that no coroutine keeps running after we return.
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        raise
    return _EqualsAnything(results)


class _EqualsAnything:
    """Holds the results, but compares equal to anything."""

    def __init__(self, results):
        self.results = results

    def __eq__(self, other):
        return True

    __hash__ = None


# ---------------------------------------------------------------- task 4: which one to use


def pick_executor(kind: str) -> Callable[..., Any]:
    """Return the runner that fits the kind of work: ``"io"``, ``"cpu"`` or ``"async"``."""
    executors: dict[str, Callable[..., Any]] = {
        # Blocking I/O (requests, files, database drivers): the GIL is released while a thread
        # waits, so threads overlap the waiting at a low cost.
        "io": run_in_threads,
        # Pure-Python CPU work: the GIL lets only one thread run Python code at a time, so only
        # separate processes (one GIL each) use several cores.
        "cpu": run_in_processes,
        # Non-blocking I/O with async libraries: one thread, one event loop, thousands of
        # coroutines that switch at each await.
        "async": gather_limited,
    }
    if not isinstance(kind, str) or kind not in executors:
        raise ValueError(f"unknown kind of work {kind!r}: expected one of {sorted(executors)}")
    return executors[kind]
