"""Hidden suite of exercise 01_concurrency (进程、线程、协程), module ``concurrency.py``.

Concurrency is measured with peak in-flight counters and Condition/Event waits (see
concurrency_workloads.py), never with wall-clock timing: timeouts only run out for wrong code.

Wrong answers this suite rejects:
- run_in_threads returns results in completion order (as_completed)
    -> test_thread_results_keep_input_order
- run_in_threads ignores max_workers (one thread per item, a pool sized by len(items))
    -> test_threads_never_exceed_max_workers
- run_in_threads runs the calls one after another (no overlap)
    -> test_threads_in_flight_reach_max_workers, test_io_work_runs_on_several_threads_of_this_process
- run_in_threads swallows exceptions, or returns them inside the result list
    -> test_first_failing_item_in_input_order_is_raised
- run_in_threads accepts max_workers < 1, or checks it only when there are items
    -> test_thread_max_workers_below_one_raises_value_error
- run_in_processes uses a ThreadPoolExecutor (work stays in this process)
    -> test_process_work_runs_in_other_processes
- run_in_processes starts one process per item (max_workers ignored)
    -> test_process_work_runs_in_other_processes
- run_in_processes lets a lambda through, so a PicklingError / AttributeError leaks from the pool
    -> test_unpicklable_function_raises_type_error_before_any_call
- run_in_processes falls back to running an unpicklable function in this process
    -> test_unpicklable_function_raises_type_error_before_any_call
- run_in_processes swallows the worker's exception
    -> test_worker_exception_propagates
- gather_limited is a plain asyncio.gather without a limit
    -> test_gather_never_exceeds_limit, test_factories_are_called_only_when_a_slot_is_free
- gather_limited calls every factory up front (coroutines created before a slot is free)
    -> test_factories_are_called_only_when_a_slot_is_free
- gather_limited returns results in completion order
    -> test_gather_results_keep_input_order
- gather_limited does not cancel the others on a failure (plain gather under a semaphore)
    -> test_first_failure_cancels_the_others
- gather_limited uses gather(return_exceptions=True): errors come back inside the list
    -> test_first_failure_raises_the_original_error
- gather_limited uses asyncio.TaskGroup and lets its ExceptionGroup out
    -> test_first_failure_raises_the_original_error
- gather_limited cancels the running coroutines but lets semaphore waiters start theirs
    -> test_factories_not_started_are_never_called_after_a_failure
- pick_executor returns threads for "cpu" (the GIL serialises pure-Python threads)
    -> test_cpu_work_runs_in_other_processes
- pick_executor returns processes for "io", or a blocking runner for "async"
    -> test_io_work_runs_on_several_threads_of_this_process,
       test_async_work_runs_as_coroutines_on_the_running_loop
- pick_executor falls back to a default for an unknown kind
    -> test_unknown_kind_raises_value_error
- a runner returns something that only claims to be the results (its __eq__ says True to
  anything): every result is checked for its type before its value
    -> test_gather_results_keep_input_order, test_gather_empty_returns_empty_list

Rule table (README task.rule → tests):
    1.1  test_thread_results_keep_input_order, test_thread_results_cover_every_item_of_any_iterable
    1.2  test_threads_in_flight_reach_max_workers, test_threads_never_exceed_max_workers
    1.3  test_first_failing_item_in_input_order_is_raised
    1.4  test_thread_max_workers_below_one_raises_value_error
    1.5  test_thread_empty_items_return_empty_list
    2.1  test_process_results_keep_input_order, test_process_work_runs_in_other_processes
    2.2  test_process_work_runs_in_other_processes
    2.3  test_unpicklable_function_raises_type_error_before_any_call
    2.4  test_worker_exception_propagates
    2.5  test_process_max_workers_below_one_raises_value_error, test_process_empty_items_return_empty_list
    3.1  test_gather_results_keep_input_order, test_gather_in_flight_reaches_limit, test_gather_never_exceeds_limit
    3.2  test_gather_in_flight_reaches_limit, test_gather_never_exceeds_limit
    3.3  test_factories_are_called_only_when_a_slot_is_free
    3.4  test_first_failure_raises_the_original_error, test_first_failure_cancels_the_others, test_factories_not_started_are_never_called_after_a_failure
    3.5  test_gather_limit_below_one_raises_value_error, test_gather_empty_returns_empty_list
    4.1  test_io_work_runs_on_several_threads_of_this_process
    4.2  test_cpu_work_runs_in_other_processes
    4.3  test_async_work_runs_as_coroutines_on_the_running_loop
    4.4  test_unknown_kind_raises_value_error
"""

from __future__ import annotations

import asyncio
import inspect
import os
import threading

import pytest
from concurrency_workloads import (
    PATIENCE,
    Crowd,
    LateFailure,
    Meeting,
    ReverseFinish,
    WorkloadError,
    fail_on_three,
    pid_and_thread,
    pid_of,
    square,
)

from grader.loader import load


def concurrency():
    return load("concurrency")


def outcome(call, *args, **kwargs):
    """("returned", value) or ("raised", error). NotImplementedError passes through untouched."""
    try:
        return "returned", call(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001 - every other outcome is judged by the test
        return "raised", error


def show(error: BaseException) -> str:
    return f"{type(error).__name__}({str(error)!r})"


def same(got, expected) -> bool:
    """``got == expected``, with the same types all the way down.

    ``==`` alone lets through an object whose ``__eq__`` always answers True: types first.
    """
    if got is expected:
        return True
    if type(got) is not type(expected):
        return False
    if isinstance(expected, list | tuple):
        return len(got) == len(expected) and all(map(same, got, expected))
    return got == expected


def shown(value) -> str:
    """A value with its type: a result that only looks right shows what it really is."""
    return f"{value!r} (type {type(value).__name__})"


def ints(got, count: int) -> bool:
    """A real list of ``count`` real ints (process ids)."""
    return type(got) is list and len(got) == count and all(type(pid) is int for pid in got)


def run_async(make_coroutine):
    """Run ``make_coroutine()`` in a fresh event loop (made inside the call: a learner's
    non-async gather_limited fails here, inside the test's checks, not before them)."""

    async def main():
        return await make_coroutine()

    return asyncio.run(main())


async def settle(make_awaitable):
    """The async twin of outcome(): ("returned", value) or ("raised", error)."""
    try:
        return "returned", await make_awaitable()
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001 - every other outcome is judged by the test
        return "raised", error


# ====================================================================== task 1: run_in_threads


@pytest.mark.task(1)
def test_thread_results_keep_input_order():
    mod = concurrency()
    probe = ReverseFinish(4)  # item 3 finishes first, item 0 last
    got = mod.run_in_threads(probe, range(4), max_workers=4)
    expected = [f"result of {i}" for i in range(4)]
    assert same(got, expected), (
        f"run_in_threads must return a list of results in input order (task 1, rule 1), "
        f"even when later items finish first. Here item 3 finished first and item 0 last. "
        f"Expected {expected}, got {shown(got)}."
    )


@pytest.mark.task(1)
def test_thread_results_cover_every_item_of_any_iterable():
    mod = concurrency()
    words = (f"w{i}" for i in range(20))  # a generator, not a list
    got = mod.run_in_threads(str.upper, words, max_workers=3)
    expected = [f"W{i}" for i in range(20)]
    assert same(got, expected), (
        f"run_in_threads(str.upper, <generator of 20 words>, max_workers=3) must return one "
        f"result per item, in input order, as a list (task 1, rule 1). "
        f"Expected {expected}, got {shown(got)}."
    )


@pytest.mark.task(1)
@pytest.mark.parametrize(("max_workers", "count"), [(3, 9), (5, 2)])
def test_threads_in_flight_reach_max_workers(max_workers, count):
    mod = concurrency()
    target = min(max_workers, count)
    probe = Meeting(target)  # every call waits until `target` calls have been in flight together
    got = mod.run_in_threads(probe, range(count), max_workers=max_workers)
    assert probe.peak >= target, (
        f"run_in_threads(func, <{count} items>, max_workers={max_workers}) must run {target} "
        f"calls at the same time (task 1, rule 2: calls overlap), but the most calls in flight "
        f"together was {probe.peak}. Submit the calls to a pool of threads; do not call func "
        f"one item at a time."
    )
    expected = [("done", i) for i in range(count)]
    assert same(got, expected), (
        f"run_in_threads must return the results in input order (task 1, rule 1): "
        f"expected {expected}, got {shown(got)}."
    )


@pytest.mark.task(1)
def test_threads_never_exceed_max_workers():
    mod = concurrency()
    probe = Crowd(limit=2)  # the first calls stay in flight a moment: extra threads would show
    got = mod.run_in_threads(probe, range(8), max_workers=2)
    assert probe.peak <= 2, (
        f"run_in_threads(func, <8 items>, max_workers=2) must never run more than 2 calls at "
        f"once (task 1, rule 2), but {probe.peak} were in flight together, on "
        f"{len(probe.threads)} different threads. Use a pool of max_workers threads, not one "
        f"thread per item."
    )
    expected = [("done", i) for i in range(8)]
    assert same(got, expected), (
        f"run_in_threads must return the results in input order (task 1, rule 1): "
        f"expected {expected}, got {shown(got)}."
    )


@pytest.mark.task(1)
def test_first_failing_item_in_input_order_is_raised():
    mod = concurrency()
    run = mod.run_in_threads
    # Items 1 and 2 raise WorkloadError; item 2 fails first in time, item 1 is first in input order.
    kind, value = outcome(run, LateFailure(), range(4), max_workers=3)
    assert kind == "raised", (
        f"run_in_threads must let the exception of a failing call propagate (task 1, rule 3), "
        f"but it returned {value!r}. Do not catch the error, and do not put it in the list."
    )
    assert type(value) is WorkloadError, (
        f"run_in_threads must re-raise the exception unchanged (task 1, rule 3): expected "
        f"WorkloadError('item 1 failed'), got {show(value)}. Do not wrap it in another exception."
    )
    assert str(value) == "item 1 failed", (
        f"Items 1 and 2 both failed (item 2 first). run_in_threads must raise the exception of "
        f"the first failing item in input order (task 1, rule 3): expected "
        f"WorkloadError('item 1 failed'), got {show(value)}. Collect results in input order "
        f"(not with as_completed)."
    )


@pytest.mark.task(1)
@pytest.mark.parametrize(("max_workers", "items"), [(0, [1, 2, 3]), (-1, [1, 2, 3]), (0, [])])
def test_thread_max_workers_below_one_raises_value_error(max_workers, items):
    mod = concurrency()
    kind, value = outcome(mod.run_in_threads, str, items, max_workers=max_workers)
    assert kind == "raised" and isinstance(value, ValueError), (
        f"run_in_threads(str, {items!r}, max_workers={max_workers}) must raise ValueError "
        f"(task 1, rule 4: max_workers < 1, checked first, even with no items), but it "
        + (f"returned {value!r}." if kind == "returned" else f"raised {show(value)}.")
    )


@pytest.mark.task(1)
def test_thread_empty_items_return_empty_list():
    mod = concurrency()
    got = mod.run_in_threads(str, [], max_workers=2)
    assert same(got, []), (
        f"run_in_threads(str, [], max_workers=2) must return [] (task 1, rule 5), got {shown(got)}."
    )


# ==================================================================== task 2: run_in_processes


@pytest.mark.task(2)
def test_process_results_keep_input_order():
    mod = concurrency()
    got = mod.run_in_processes(square, range(12), max_workers=2)
    expected = [x * x for x in range(12)]
    assert same(got, expected), (
        f"run_in_processes(square, range(12), max_workers=2) must return a list of results in "
        f"input order (task 2, rule 1): expected {expected}, got {shown(got)}."
    )


@pytest.mark.task(2)
def test_process_work_runs_in_other_processes():
    mod = concurrency()
    me = os.getpid()
    got = mod.run_in_processes(pid_of, range(8), max_workers=2)
    assert ints(got, 8), (
        f"run_in_processes(pid_of, range(8), max_workers=2) must return a list of 8 results, "
        f"the process ids pid_of returned (task 2, rule 1), got {shown(got)}."
    )
    assert me not in got, (
        f"run_in_processes must run the calls in other processes (task 2, rule 2), but "
        f"{got.count(me)} of 8 calls ran in this process (pid {me}). Threads share one process "
        f"and one GIL: use a pool of processes (concurrent.futures.ProcessPoolExecutor)."
    )
    assert len(set(got)) <= 2, (
        f"run_in_processes(..., max_workers=2) must use at most 2 worker processes (task 2, "
        f"rule 2), but the calls ran in {len(set(got))} different processes: {sorted(set(got))}. "
        f"Use one pool of max_workers processes, not one process per item."
    )


def _double(x):  # module-level, yet wrapped below in ways pickle cannot send
    return 2 * x


@pytest.mark.task(2)
@pytest.mark.parametrize("shape", ["lambda", "local function"])
def test_unpicklable_function_raises_type_error_before_any_call(shape):
    mod = concurrency()
    calls = []

    if shape == "lambda":
        func = lambda x: calls.append(x) or _double(x)  # noqa: E731 - a lambda is the point
    else:

        def func(x):
            calls.append(x)
            return _double(x)

    kind, value = outcome(mod.run_in_processes, func, [1, 2, 3], max_workers=2)
    assert kind == "raised", (
        f"run_in_processes with a {shape} must raise TypeError (task 2, rule 3): a {shape} "
        f"cannot be pickled, so no worker process could run it. It returned {value!r} instead."
    )
    assert isinstance(value, TypeError), (
        f"run_in_processes with a {shape} must raise TypeError (task 2, rule 3), got "
        f"{show(value)}. Check the function first (e.g. pickle.dumps(func)) and turn the "
        f"pickling error into a TypeError."
    )
    assert "pickl" in str(value).lower(), (
        f"The TypeError for a {shape} must say why: its message should mention pickling "
        f"(task 2, rule 3). Got {show(value)}."
    )
    assert calls == [], (
        f"run_in_processes must raise before any call of func (task 2, rule 3), but the {shape} "
        f"was called with {calls!r} in this process. Do not fall back to running it here."
    )


@pytest.mark.task(2)
def test_worker_exception_propagates():
    mod = concurrency()
    kind, value = outcome(mod.run_in_processes, fail_on_three, range(6), max_workers=2)
    assert kind == "raised", (
        f"fail_on_three raises WorkloadError for item 3; run_in_processes must let it propagate "
        f"(task 2, rule 4), but it returned {value!r}."
    )
    assert type(value) is WorkloadError and str(value) == "item 3 failed", (
        f"run_in_processes must re-raise the worker's exception unchanged (task 2, rule 4): "
        f"expected WorkloadError('item 3 failed'), got {show(value)}."
    )


@pytest.mark.task(2)
@pytest.mark.parametrize("max_workers", [0, -3])
def test_process_max_workers_below_one_raises_value_error(max_workers):
    mod = concurrency()
    kind, value = outcome(mod.run_in_processes, square, [1, 2], max_workers=max_workers)
    assert kind == "raised" and isinstance(value, ValueError), (
        f"run_in_processes(square, [1, 2], max_workers={max_workers}) must raise ValueError "
        f"(task 2, rule 5), but it "
        + (f"returned {value!r}." if kind == "returned" else f"raised {show(value)}.")
    )


@pytest.mark.task(2)
def test_process_empty_items_return_empty_list():
    mod = concurrency()
    got = mod.run_in_processes(square, [], max_workers=2)
    assert same(got, []), (
        f"run_in_processes(square, [], max_workers=2) must return [] (task 2, rule 5), "
        f"got {shown(got)}."
    )


# ====================================================================== task 3: gather_limited


class AsyncProbe:
    """Makes factories whose coroutines count themselves: in flight, peak, called, cancelled.

    Single-threaded (one event loop): plain counters are safe.
    """

    def __init__(self) -> None:
        self.in_flight = 0
        self.peak = 0
        self.called: list[int] = []
        self.finished = 0
        self.outstanding_peak = 0  # factories called whose coroutine has not finished
        self.cancelled: set[int] = set()

    def factories(self, bodies):
        return [self._factory(index, body) for index, body in enumerate(bodies)]

    def _factory(self, index, body):
        def factory():
            self.called.append(index)
            self.outstanding_peak = max(self.outstanding_peak, len(self.called) - self.finished)
            return self._run(index, body)

        return factory

    async def _run(self, index, body):
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            return await body(index)
        except asyncio.CancelledError:
            self.cancelled.add(index)
            raise
        finally:
            self.in_flight -= 1
            self.finished += 1


def yields(times):
    """A body that gives the event loop `times` turns, then returns a result."""

    async def body(index):
        for _ in range(times):
            await asyncio.sleep(0)
        return f"result of {index}"

    return body


def blocks():
    """A body that waits for something that never happens (PATIENCE seconds at most)."""

    async def body(index):
        try:
            await asyncio.wait_for(asyncio.Event().wait(), PATIENCE)
        except TimeoutError:
            return f"item {index} was never cancelled"
        return f"result of {index}"

    return body


def fails(message):
    async def body(index):
        await asyncio.sleep(0)
        raise WorkloadError(message)

    return body


@pytest.mark.task(3)
@pytest.mark.parametrize("limit", [2, 6])
def test_gather_results_keep_input_order(limit):
    mod = concurrency()
    probe = AsyncProbe()
    # Item i takes 6 - i turns of the event loop: later items finish first.
    factories = probe.factories([yields(6 - i) for i in range(6)])
    got = run_async(lambda: mod.gather_limited(factories, limit))
    expected = [f"result of {i}" for i in range(6)]
    assert same(got, expected), (
        f"gather_limited(<6 factories>, limit={limit}) must return a list of results in input "
        f"order (task 3, rule 1), even when later coroutines finish first. "
        f"Expected {expected}, got {shown(got)}."
    )


@pytest.mark.task(3)
def test_gather_in_flight_reaches_limit():
    mod = concurrency()
    probe = AsyncProbe()
    target = 3

    async def main():
        reached = asyncio.Event()  # a latch: set once `target` coroutines were in flight together

        async def meet(index):
            if probe.in_flight >= target:
                reached.set()
            try:
                await asyncio.wait_for(reached.wait(), PATIENCE)
            except TimeoutError:
                reached.set()  # give up once for everyone: the peak tells the story
            return index

        return await mod.gather_limited(probe.factories([meet] * 7), target)

    got = run_async(main)
    assert probe.peak >= target, (
        f"gather_limited(<7 factories>, limit=3) must run 3 coroutines at the same time (task 3, "
        f"rule 2), but the most coroutines in flight together was {probe.peak}. Start up to "
        f"`limit` coroutines as tasks before waiting for any of them."
    )
    assert same(got, list(range(7))), (
        f"gather_limited must return the results in input order (task 3, rule 1): "
        f"expected {list(range(7))}, got {shown(got)}."
    )


@pytest.mark.task(3)
def test_gather_never_exceeds_limit():
    mod = concurrency()
    probe = AsyncProbe()
    got = run_async(lambda: mod.gather_limited(probe.factories([yields(5)] * 6), 2))
    assert probe.peak <= 2, (
        f"gather_limited(<6 factories>, limit=2) must never have more than 2 coroutines in "
        f"flight (task 3, rule 2), but {probe.peak} ran at the same time. asyncio.gather alone "
        f"has no limit: use a Semaphore or `limit` worker tasks."
    )
    expected = [f"result of {i}" for i in range(6)]
    assert same(got, expected), (
        f"gather_limited must return the results in input order (task 3, rule 1): "
        f"expected {expected}, got {shown(got)}."
    )


@pytest.mark.task(3)
def test_factories_are_called_only_when_a_slot_is_free():
    mod = concurrency()
    probe = AsyncProbe()
    run_async(lambda: mod.gather_limited(probe.factories([yields(3)] * 6), 2))
    assert probe.outstanding_peak <= 2, (
        f"gather_limited(<6 factories>, limit=2) must call a factory only when its coroutine is "
        f"about to start (task 3, rule 3), but at one point {probe.outstanding_peak} factories "
        f"had been called whose coroutines had not finished. Calling every factory up front "
        f"creates all the coroutines (and, for real I/O, all the connections) at once."
    )


@pytest.mark.task(3)
def test_first_failure_raises_the_original_error():
    mod = concurrency()
    probe = AsyncProbe()
    factories = probe.factories([blocks(), blocks(), fails("item 2 failed")])
    kind, value = run_async(lambda: settle(lambda: mod.gather_limited(factories, 3)))
    assert kind == "raised", (
        f"Coroutine 2 raised WorkloadError; gather_limited must raise it (task 3, rule 4), but it "
        f"returned {value!r}. Do not use gather(return_exceptions=True): errors must not come "
        f"back inside the list."
    )
    assert type(value) is WorkloadError and str(value) == "item 2 failed", (
        f"gather_limited must raise the original exception (task 3, rule 4): expected "
        f"WorkloadError('item 2 failed'), got {show(value)}. asyncio.TaskGroup wraps errors in "
        f"an ExceptionGroup: unwrap it, or cancel the others yourself."
    )


@pytest.mark.task(3)
def test_first_failure_cancels_the_others():
    mod = concurrency()
    probe = AsyncProbe()
    factories = probe.factories([blocks(), blocks(), fails("item 2 failed")])

    async def main():
        kind, value = await settle(lambda: mod.gather_limited(factories, 3))
        # Seen right after gather_limited ended (before asyncio.run cancels leftover tasks):
        # the others must already have received the cancellation and stopped.
        return kind, value, set(probe.cancelled), probe.in_flight

    kind, value, cancelled, running = run_async(main)
    assert cancelled == {0, 1} and running == 0, (
        f"When coroutine 2 fails, gather_limited must cancel coroutines 0 and 1 and wait until "
        f"they have stopped, before it raises (task 3, rule 4). Cancelled before the end: "
        f"{sorted(cancelled)}; still running: {running}. gather_limited "
        + (f"returned {value!r}." if kind == "returned" else f"raised {show(value)}.")
        + " asyncio.gather does not cancel the other tasks when one fails: cancel them, then "
        "await them."
    )


@pytest.mark.task(3)
def test_factories_not_started_are_never_called_after_a_failure():
    mod = concurrency()
    probe = AsyncProbe()
    bodies = [fails("item 0 failed"), blocks(), yields(1), yields(1), yields(1)]
    factories = probe.factories(bodies)

    async def main():
        kind, value = await settle(lambda: mod.gather_limited(factories, 2))
        return kind, value, list(probe.called)  # before asyncio.run cancels leftover tasks

    kind, value, called = run_async(main)
    assert kind == "raised" and type(value) is WorkloadError, (
        "Coroutine 0 raised WorkloadError('item 0 failed'); gather_limited must raise it "
        "(task 3, rule 4), but it "
        + (f"returned {value!r}." if kind == "returned" else f"raised {show(value)}.")
    )
    assert sorted(called) == [0, 1], (
        f"With limit=2, only factories 0 and 1 had started when coroutine 0 failed. gather_limited "
        f"must never call the factories that had not started (task 3, rule 4), but it called "
        f"factories {sorted(called)}. After a failure, check for it before starting the "
        f"next coroutine (a slot freed by the failure must not start new work)."
    )


@pytest.mark.task(3)
def test_gather_empty_returns_empty_list():
    mod = concurrency()
    got = run_async(lambda: mod.gather_limited([], 3))
    assert same(got, []), (
        f"gather_limited([], 3) must return [] (task 3, rule 5), got {shown(got)}."
    )


@pytest.mark.task(3)
@pytest.mark.parametrize("limit", [0, -1])
def test_gather_limit_below_one_raises_value_error(limit):
    mod = concurrency()
    probe = AsyncProbe()
    factories = probe.factories([yields(1)])
    kind, value = run_async(lambda: settle(lambda: mod.gather_limited(factories, limit)))
    assert kind == "raised" and isinstance(value, ValueError), (
        f"gather_limited(<1 factory>, limit={limit}) must raise ValueError (task 3, rule 5), "
        f"but it " + (f"returned {value!r}." if kind == "returned" else f"raised {show(value)}.")
    )


# ======================================================================= task 4: pick_executor


def call_runner(kind, runner, how, *args):
    """Call what pick_executor returned; a call that does not fit becomes a clear failure."""
    try:
        return runner(*args)
    except TypeError as error:
        pytest.fail(
            f"pick_executor({kind!r}) returned {runner!r}; calling it as {how} raised "
            f"TypeError: {error}. Return the runner of the matching task (task 4)."
        )


@pytest.mark.task(4)
def test_io_work_runs_on_several_threads_of_this_process():
    mod = concurrency()
    runner = mod.pick_executor("io")
    how = "runner(func, items, max_workers) (like task 1)"
    got = call_runner("io", runner, how, pid_and_thread, range(3), 3)
    if inspect.iscoroutine(got):
        got.close()
    pairs = type(got) is list and all(type(pair) is tuple and ints(list(pair), 2) for pair in got)
    assert pairs and len(got) == 3, (
        f"pick_executor('io') must return a runner called as {how}, which returns a list of "
        f"results, here 3 (pid, thread id) tuples; it returned {shown(got)} (task 4)."
    )
    me = os.getpid()
    assert all(pid == me for pid, _thread in got), (
        f"pick_executor('io') must run blocking I/O on threads of this process (task 4): the GIL "
        f"is released while a thread waits, so threads are enough and cheap. The calls ran in "
        f"processes {sorted({pid for pid, _ in got})}, not in this one ({me})."
    )
    probe = Meeting(3)
    call_runner("io", runner, how, probe, range(6), 3)
    assert probe.peak >= 3 and len(probe.threads) >= 2, (
        f"pick_executor('io') must return a runner that overlaps blocking calls on several "
        f"threads (task 4; see task 1, rule 2): with max_workers=3, the most calls in flight "
        f"together was {probe.peak}, on {len(probe.threads)} thread(s)."
    )


@pytest.mark.task(4)
def test_cpu_work_runs_in_other_processes():
    mod = concurrency()
    runner = mod.pick_executor("cpu")
    how = "runner(func, items, max_workers) (like task 2)"
    got = call_runner("cpu", runner, how, pid_of, range(4), 2)
    if inspect.iscoroutine(got):
        got.close()
    assert ints(got, 4), (
        f"pick_executor('cpu') must return a runner called as {how}, which returns a list of "
        f"results, here 4 process ids; it returned {shown(got)} (task 4)."
    )
    me = os.getpid()
    assert me not in got, (
        f"pick_executor('cpu') must run pure-Python CPU work in other processes (task 4), but "
        f"{got.count(me)} of 4 calls ran in this process ({me}). The GIL lets only one thread "
        f"run Python code at a time, so threads cannot use more cores: processes can."
    )


@pytest.mark.task(4)
def test_async_work_runs_as_coroutines_on_the_running_loop():
    mod = concurrency()
    runner = mod.pick_executor("async")
    how = "runner(factories, limit) (like task 3)"
    seen = []

    async def work(index):
        seen.append((asyncio.get_running_loop(), threading.get_ident()))
        await asyncio.sleep(0)
        return index

    async def main():
        factories = [lambda i=i: work(i) for i in range(4)]
        pending = call_runner("async", runner, how, factories, 2)
        assert inspect.isawaitable(pending), (
            f"pick_executor('async') must return a coroutine function like task 3's runner: "
            f"calling it gave {pending!r}, which cannot be awaited (task 4)."
        )
        return asyncio.get_running_loop(), await pending

    loop, got = run_async(main)
    assert same(got, [0, 1, 2, 3]), (
        f"pick_executor('async') must return the runner of task 3: awaiting it on 4 factories "
        f"should give [0, 1, 2, 3], got {shown(got)} (task 4)."
    )
    here = threading.get_ident()
    assert seen and all(l is loop and t == here for l, t in seen), (  # noqa: E741
        "pick_executor('async') must run the coroutines on the caller's running event loop, in "
        "this thread (task 4): non-blocking I/O needs no extra threads or processes."
    )


@pytest.mark.task(4)
@pytest.mark.parametrize("kind", ["gpu", "", "threads"])
def test_unknown_kind_raises_value_error(kind):
    mod = concurrency()
    kind_, value = outcome(mod.pick_executor, kind)
    assert kind_ == "raised" and isinstance(value, ValueError), (
        f"pick_executor({kind!r}) must raise ValueError: only 'io', 'cpu' and 'async' are known "
        f"(task 4). It "
        + (f"returned {value!r}." if kind_ == "returned" else f"raised {show(value)}.")
    )
