"""Processes, threads and coroutines (进程、线程、协程).

Fill in the four functions below. README.md lists the rules the grader checks.
Run only this exercise with:  nox -s grade -- 01
"""

from __future__ import annotations

import asyncio  # noqa: F401 - you will need it for task 3
import pickle  # noqa: F401 - you may need it for task 2
from collections.abc import Callable, Coroutine, Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor  # noqa: F401
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def run_in_threads(func: Callable[[T], R], items: Iterable[T], max_workers: int) -> list[R]:
    """Task 1. Call ``func(item)`` for every item on a pool of at most ``max_workers`` threads.

    - Returns the results as a list, in the same order as ``items``.
    - Calls overlap: with enough items, ``max_workers`` calls run at the same time, never more.
    - If calls raise, the exception of the first failing item (in input order) propagates,
      unchanged (not wrapped, not returned in the list).
    - ``max_workers < 1`` raises ``ValueError`` (checked first, even when ``items`` is empty).
    - No items: returns ``[]``.
    """
    raise NotImplementedError


def run_in_processes(func: Callable[[T], R], items: Iterable[T], max_workers: int) -> list[R]:
    """Task 2. Call ``func(item)`` for every item on a pool of at most ``max_workers`` processes.

    - Returns the results as a list, in the same order as ``items``.
    - The calls run in other processes (not this one), at most ``max_workers`` of them.
    - ``func`` must be picklable (a module-level function). A lambda or a function defined
      inside another function raises ``TypeError`` whose message mentions pickling, before any
      call of ``func`` happens (no fallback to running it here).
    - If ``func`` raises, that exception propagates (same type, same message).
    - ``max_workers < 1`` raises ``ValueError``. No items: returns ``[]``.
    """
    raise NotImplementedError


async def gather_limited(
    factories: Iterable[Callable[[], Coroutine[Any, Any, R]]], limit: int
) -> list[R]:
    """Task 3. Run the coroutines made by ``factories``, at most ``limit`` at a time.

    Each factory is a zero-argument callable returning a coroutine, e.g.
    ``lambda: fetch(url)`` or ``functools.partial(fetch, url)``.

    - Returns the results as a list, in the same order as ``factories``.
    - At most ``limit`` coroutines are in flight; with enough work, exactly ``limit`` are.
    - A factory is called only when its coroutine is about to start (not all up front).
    - On the first failure: the running coroutines are cancelled (and have finished
      cancelling before this function returns), factories not called yet are never called,
      and the original exception is raised (not wrapped in an ExceptionGroup, not returned).
    - ``limit < 1`` raises ``ValueError``. No factories: returns ``[]``.
    """
    raise NotImplementedError


def pick_executor(kind: str) -> Callable[..., Any]:
    """Task 4. Return the runner that fits the kind of work.

    - ``"io"``    (blocking I/O: sockets, files, database drivers) -> ``run_in_threads``
    - ``"cpu"``   (pure-Python computation)                        -> ``run_in_processes``
    - ``"async"`` (non-blocking I/O with asyncio libraries)        -> ``gather_limited``
    - Anything else raises ``ValueError``.
    """
    raise NotImplementedError
