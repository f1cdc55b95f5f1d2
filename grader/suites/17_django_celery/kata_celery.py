"""What the suite watches: every task message the test process publishes, and every task the
worker receives and starts. Signals of Celery itself, connected once: the broker and the worker
are real, nothing is mocked.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field

import pytest

WAIT_SECONDS = 8.0  # below the 10 s per-test limit, so a stuck task fails with a message
# Once a task has not finished in time the worker is likely stuck (an endless loop takes a
# worker thread for good): later tests wait briefly, so the exercise ends within its limit.
STUCK_WAIT_SECONDS = 1.0
_stuck = threading.Event()
# The longest Recorder.holding_tasks keeps a task from starting: a request that waits for the
# very task it sent (it must not) still gets it after this long.
HOLD_SECONDS = 3.0


def wait_seconds() -> float:
    return STUCK_WAIT_SECONDS if _stuck.is_set() else WAIT_SECONDS


@dataclass(frozen=True)
class Published:
    task: str
    task_id: str
    args: list
    kwargs: dict
    # Was the publishing thread inside a database transaction (an atomic block) right then?
    in_transaction: bool


@dataclass(frozen=True)
class Started:
    task: str
    task_id: str
    # Started by the worker after it received the message from the broker (not eager, not a
    # direct call in the test's own thread)?
    by_worker: bool


@dataclass
class Recorder:
    published: list[Published] = field(default_factory=list)
    received: list[tuple[str, str]] = field(default_factory=list)  # (task name, task id)
    started: list[Started] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _tasks_may_start: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._tasks_may_start.set()

    @contextlib.contextmanager
    def holding_tasks(self):
        """The worker starts no task until the block ends: a task sent inside a request runs
        after that request has committed, whenever in the request it was sent."""
        self._tasks_may_start.clear()
        try:
            yield
        finally:
            self._tasks_may_start.set()

    def connect(self) -> None:
        from celery import signals

        signals.after_task_publish.connect(self._on_publish, weak=False)
        signals.task_received.connect(self._on_received, weak=False)
        signals.task_prerun.connect(self._on_prerun, weak=False)

    def clear(self) -> None:
        with self._lock:
            self.published.clear()
            self.received.clear()
            self.started.clear()

    def sent(self, task_name: str) -> list[Published]:
        with self._lock:
            return [p for p in self.published if p.task == task_name]

    def was_received(self, task_id: str) -> bool:
        with self._lock:
            return any(tid == task_id for _, tid in self.received)

    def received_of(self, task_name: str) -> list[str]:
        with self._lock:
            return [tid for name, tid in self.received if name == task_name]

    def started_of(self, task_id: str) -> Started | None:
        with self._lock:
            return next((s for s in self.started if s.task_id == task_id), None)

    def _on_publish(self, sender=None, body=None, headers=None, **_):
        from django.db import connection

        headers = headers or {}
        if isinstance(body, (tuple, list)):  # task message protocol 2: (args, kwargs, embed)
            args, kwargs = body[0], body[1]
        else:  # protocol 1
            args, kwargs = (body or {}).get("args", ()), (body or {}).get("kwargs", {})
        record = Published(
            task=sender or headers.get("task", ""),
            task_id=headers.get("id") or (body or {}).get("id", ""),
            args=list(args or ()),
            kwargs=dict(kwargs or {}),
            in_transaction=connection.in_atomic_block,
        )
        with self._lock:
            self.published.append(record)

    def _on_received(self, sender=None, request=None, **_):
        if request is not None:
            with self._lock:
                self.received.append((request.name, request.id))

    def _on_prerun(self, sender=None, task_id=None, task=None, **_):
        request = getattr(task, "request", None)
        eager = bool(getattr(request, "is_eager", False))
        in_test_thread = threading.current_thread() is threading.main_thread()
        if not in_test_thread:
            self._tasks_may_start.wait(timeout=HOLD_SECONDS)
        with self._lock:
            received = any(tid == task_id for _, tid in self.received)
            record = Started(
                getattr(task, "name", ""), task_id, received and not eager and not in_test_thread
            )
            self.started.append(record)


RECORDER = Recorder()


def wait_until_done(app, task_id: str, rule: str):
    """The task's AsyncResult once the backend says it is done (SUCCESS or FAILURE).

    Fails with what the suite saw (sent? received by the worker? started?) when it is not done
    within wait_seconds().
    """
    from celery.result import AsyncResult

    result = AsyncResult(task_id, app=app)
    sent = any(p.task_id == task_id for p in list(RECORDER.published))
    if not sent and result.state not in ("SUCCESS", "FAILURE"):
        # Sending is synchronous (the test's own thread publishes): it will never come.
        pytest.fail(
            f"Task {task_id} was never sent to the broker: no task message with this id was "
            f"published (was build_report sent with apply_async(..., task_id=that id)?) ({rule}).",
            pytrace=False,
        )
    seconds = wait_seconds()
    if not _done_within(result, seconds):
        was_stuck = _stuck.is_set()
        _stuck.set()
        if was_stuck and RECORDER.started_of(task_id) is None:
            why = (
                "the worker is still busy with an earlier task that never finished (see the "
                "first test that timed out waiting for a task)"
            )
        elif not RECORDER.was_received(task_id):
            why = "it was sent, but the worker never received it"
        elif RECORDER.started_of(task_id) is None:
            why = (
                "the worker received it but never started it (is build_report registered on "
                "the app from proj_celery?)"
            )
        else:
            why = "the worker started it, but it did not finish (an endless loop? a wait?)"
        pytest.fail(
            f"Task {task_id} was not done after {seconds:g} s: {why} ({rule}).",
            pytrace=False,
        )
    return result


def describe_failure(result) -> str:
    error = result.result
    if isinstance(error, NotImplementedError):
        return "it raised NotImplementedError: build_report is not implemented yet"
    return f"it raised {type(error).__name__}: {error}"


@contextlib.contextmanager
def explaining_send_errors():
    """Turn an unsendable task message (a Report object as argument) into the README's rule."""
    from kombu.exceptions import EncodeError

    try:
        yield
    except EncodeError as error:
        pytest.fail(
            f"build_report could not be sent: {error}. A task message is JSON: send the "
            f"report's id (report.pk, an int), never the Report object (task 4, rule 3).",
            pytrace=False,
        )


# ── Suite tasks, registered on the learner's app: task 5's status endpoint is graded on tasks
# whose outcome the suite controls, independently of build_report (task 2).
HOLD_ENTERED = threading.Event()
HOLD_RELEASE = threading.Event()
HOLD_SECONDS = 5.0


def register_suite_tasks(app) -> dict:
    def echo(value):
        return value

    def fail(message):
        raise ValueError(message)

    def hold(value):
        HOLD_ENTERED.set()
        HOLD_RELEASE.wait(HOLD_SECONDS)
        return value

    return {
        func.__name__: app.task(name=f"kata.{func.__name__}", shared=False)(func)
        for func in (echo, fail, hold)
    }


def settle(app, seconds: float = 3.0) -> None:
    """Wait until every task published during the test is done (or `seconds` have passed)."""
    import time

    from celery.result import AsyncResult

    if _stuck.is_set():
        seconds = min(seconds, 0.2)
    deadline = time.monotonic() + seconds
    for task_id in [
        p.task_id for p in list(RECORDER.published) if not p.task.startswith("celery.")
    ]:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        with contextlib.suppress(Exception):
            _done_within(AsyncResult(task_id, app=app), left)


def _done_within(result, seconds: float) -> bool:
    """Poll the backend until the task is done, by the wall clock.

    (AsyncResult.get counts only its own sleeps: a worker thread spinning in an endless loop
    slows every poll down and would stretch the wait past the per-test limit.) In memory, a
    poll follows each stored result at once (the bell of grader.filebroker); on a server's
    backend, every 10 ms.
    """
    import time

    from grader.filebroker import RESULTS

    deadline = time.monotonic() + seconds
    while True:
        seen = RESULTS.rung()  # before looking: a result stored meanwhile rings after it
        if result.state in ("SUCCESS", "FAILURE", "REVOKED"):
            return True
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        RESULTS.wait(seen, min(0.01, left))
