"""What ran where: a log of every task of the learner's app, written by Celery's own signals.

The worker runs in a thread of the test process, so ``task_prerun`` / ``task_postrun`` fire in
this process for every task it runs (and for eager ``.apply()`` calls too, flagged as eager).
Each record carries a sequence number at start and at end: the order of events, no clocks.

``hold()`` closes a gate that every worker task waits at before its body runs. A workflow
function called while the gate is closed must come back before any task got past it: that
proves it only sent messages and did not wait for results (a wrong answer blocks, the gate
opens by itself after a few seconds, tasks run, and the test sees them; eager tasks never wait
at the gate).
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from celery import signals

GATE_SECONDS = 3.0


@dataclass
class TaskRun:
    id: str
    name: str
    hostname: str | None
    eager: bool
    root_id: str | None
    parent_id: str | None
    group: str | None
    args: tuple
    thread: str
    thread_id: int
    delivered: bool  # the message came through the broker (delivery_info has a routing key)
    start: int  # prerun signal
    ran: int | None = None  # past the gate: the body is about to run
    end: int | None = None  # postrun signal (chained tasks are already sent by then)
    state: str | None = None
    retval: Any = None


class ErrbackErrors(logging.Handler):
    """Celery logs (and otherwise ignores) an error callback that raises: keep those records."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.errors: list[BaseException] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and str(record.msg).startswith("Errback"):
            self.errors.append(record.exc_info[1])


class Recorder:
    def __init__(self, app):
        self._app = app
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._seq = itertools.count(1)
        self.runs: dict[str, TaskRun] = {}
        self._gate = threading.Event()
        self._gate.set()
        self._gate_deadline = 0.0
        self.errback_errors = ErrbackErrors()

    # -- signal handlers ----------------------------------------------------------------------
    def _on_prerun(self, sender=None, task_id=None, task=None, args=None, **_):
        if task is None or task.app is not self._app:
            return
        request = task.request
        eager = bool(getattr(request, "is_eager", False))
        with self._lock:
            self.runs[task_id] = TaskRun(
                id=task_id,
                name=task.name,
                hostname=getattr(request, "hostname", None),
                eager=eager,
                root_id=getattr(request, "root_id", None),
                parent_id=getattr(request, "parent_id", None),
                group=getattr(request, "group", None),
                args=tuple(args or ()),
                thread=threading.current_thread().name,
                thread_id=threading.get_ident(),
                delivered=bool((getattr(request, "delivery_info", None) or {}).get("routing_key")),
                start=next(self._seq),
            )
            self._changed.notify_all()
        if not eager and not self._gate.is_set():
            self._gate.wait(max(0.0, self._gate_deadline - time.monotonic()))
        with self._lock:
            self.runs[task_id].ran = next(self._seq)

    def _on_postrun(self, sender=None, task_id=None, task=None, retval=None, state=None, **_):
        if task is None or task.app is not self._app:
            return
        with self._lock:
            run = self.runs.get(task_id)
            if run is not None:
                run.end = next(self._seq)
                run.state = state
                run.retval = retval
            self._changed.notify_all()

    def connect(self) -> None:
        signals.task_prerun.connect(self._on_prerun, weak=False)
        signals.task_postrun.connect(self._on_postrun, weak=False)
        logging.getLogger("celery.backends.base").addHandler(self.errback_errors)

    def disconnect(self) -> None:
        logging.getLogger("celery.backends.base").removeHandler(self.errback_errors)
        signals.task_prerun.disconnect(self._on_prerun)
        signals.task_postrun.disconnect(self._on_postrun)

    # -- queries ------------------------------------------------------------------------------
    def now(self) -> int:
        with self._lock:
            return next(self._seq)

    def get(self, task_id: str) -> TaskRun | None:
        with self._lock:
            return self.runs.get(task_id)

    def wait_finished(self, task_id: str, timeout: float = 5.0) -> TaskRun | None:
        """The run of ``task_id`` once its postrun signal was seen (None if it never ran)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                run = self.runs.get(task_id)
                if run is not None and run.end is not None:
                    return run
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return run
                self._changed.wait(remaining)

    def select(self, predicate) -> list[TaskRun]:
        with self._lock:
            return sorted((r for r in self.runs.values() if predicate(r)), key=lambda r: r.start)

    def wait_until(self, predicate, timeout: float = 5.0) -> list[TaskRun]:
        """Wait until the runs matching ``predicate`` have all finished and stop changing."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                runs = [r for r in self.runs.values() if predicate(r)]
                if runs and all(r.end is not None for r in runs):
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
        return self.select(predicate)

    def ran_between(self, first: int, last: int) -> list[TaskRun]:
        """Runs that started after ``first`` and were past the gate before ``last``."""
        return self.select(lambda r: r.start > first and r.ran is not None and r.ran < last)

    @contextmanager
    def hold(self, seconds: float = GATE_SECONDS):
        """Keep worker tasks from running while the block runs (at most ``seconds``)."""
        self._gate_deadline = time.monotonic() + seconds
        self._gate.clear()
        try:
            yield self.now()
        finally:
            self._gate.set()
