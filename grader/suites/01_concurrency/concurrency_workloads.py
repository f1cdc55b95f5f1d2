"""Work the 01_concurrency suite hands to the learner's runners.

Module-level functions live here so process pools can pickle them (pickle sends a function by
module and name; this folder is on sys.path in the grading process and in its workers).

Concurrency is measured with counters under a lock and with Condition waits, never with
wall-clock timing. Every wait has a generous timeout that only runs out when the code under test
is wrong (serial, or a deadlock); after the first timeout the probes stop waiting ("give up"),
so a wrong answer costs one timeout, not one per item.
"""

from __future__ import annotations

import os
import threading

# How long a probe waits for something a correct runner makes happen quickly.
PATIENCE = 2.0
# How long the first calls stay in flight so that a runner that starts too many calls shows it.
HOLD = 0.15


class WorkloadError(Exception):
    """The error our test functions raise on purpose (picklable: it crosses processes)."""


# ------------------------------------------------------------------ picklable, for processes


def square(x: int) -> int:
    """A small piece of pure-Python CPU work: x * x by repeated addition."""
    total = 0
    for _ in range(x):
        total += x
    return total


def pid_of(_item: object) -> int:
    """Which process ran this call."""
    return os.getpid()


def pid_and_thread(_item: object) -> tuple[int, int]:
    """Which process and which thread ran this call."""
    return os.getpid(), threading.get_ident()


def fail_on_three(x: int) -> int:
    if x == 3:
        raise WorkloadError(f"item {x} failed")
    return x


# ----------------------------------------------------------------------- probes for threads


class InFlight:
    """Counts calls in flight (started, not finished) under a lock and remembers the peak."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.in_flight = 0
        self.peak = 0
        self.threads: set[int] = set()
        self.gave_up = False

    def _enter(self) -> None:  # call with self.cond held
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        self.threads.add(threading.get_ident())
        self.cond.notify_all()

    def _exit(self) -> None:  # call with self.cond held
        self.in_flight -= 1
        self.cond.notify_all()

    def _wait(self, predicate, timeout: float) -> bool:
        """Wait (self.cond held) until predicate() or we gave up; give up on a timeout."""
        if self.cond.wait_for(lambda: predicate() or self.gave_up, timeout=timeout):
            return True
        self.gave_up = True
        self.cond.notify_all()
        return False


class Meeting(InFlight):
    """Each call waits until ``target`` calls have been in flight together once (a latch).

    A pool that really runs ``target`` calls at once gets through at once. A serial runner
    waits PATIENCE seconds once, then every call goes through and the peak tells the story.
    """

    def __init__(self, target: int) -> None:
        super().__init__()
        self.target = target

    def __call__(self, item):
        with self.cond:
            self._enter()
            self._wait(lambda: self.peak >= self.target, PATIENCE)
            self._exit()
        return ("done", item)


class Crowd(InFlight):
    """The first calls stay in flight for HOLD seconds (or until more than ``limit`` are in flight).

    A runner that respects ``limit`` never lets a call beyond it start during the hold; a runner
    that starts one thread per item starts them all within microseconds, and the peak shows it.
    """

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.held = False

    def __call__(self, item):
        with self.cond:
            self._enter()
            if not self.held:
                self.cond.wait_for(lambda: self.held or self.in_flight > self.limit, timeout=HOLD)
                # The hold is over (or the limit was broken): later calls go straight through.
                self.held = True
                self.cond.notify_all()
            self._exit()
        return ("done", item)


class ReverseFinish(InFlight):
    """Item i finishes only after item i + 1 has finished: completion order is the reverse of input order."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count
        self.finished: set[int] = set()

    def __call__(self, item: int) -> str:
        with self.cond:
            self._enter()
            if item + 1 < self.count:
                self._wait(lambda: item + 1 in self.finished, PATIENCE)
            self.finished.add(item)
            self._exit()
        return f"result of {item}"


class LateFailure(InFlight):
    """Items 1 and 2 fail; item 2 fails first, item 1 fails only once item 3 has started.

    With 3 workers, item 3 can start only when item 2's worker is free again, i.e. after item 2
    has failed. So the first failure in time is item 2's, but the first in input order is item 1's.
    """

    def __init__(self) -> None:
        super().__init__()
        self.started: set[int] = set()

    def __call__(self, item: int) -> int:
        with self.cond:
            self._enter()
            self.started.add(item)
            self.cond.notify_all()
            if item in (0, 1):
                self._wait(lambda: 3 in self.started, PATIENCE)
            self._exit()
        if item in (1, 2):
            raise WorkloadError(f"item {item} failed")
        return item
