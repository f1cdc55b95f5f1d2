"""Shared pieces of the suite: the learner module's name, checks that fail with a teaching
message, the worker rig, and one run of fetch_report on it."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

MODULE = "tasks"


def fail_if_not_implemented(value, name: str, task: int) -> None:
    """A task body that still raises NotImplementedError fails in the worker: say so plainly."""
    if type(value).__name__ == "NotImplementedError":
        pytest.fail(
            f"Not implemented yet: {name}() still raises NotImplementedError when a worker runs "
            f"it (task {task})."
        )


def require_app(settings) -> None:
    if settings.problem:
        pytest.fail(settings.problem)


def require_celery_app(module):
    from celery import Celery
    from kata_probe import no_app_message

    app = getattr(module, "app", None)
    if not isinstance(app, Celery):
        pytest.fail(no_app_message(MODULE, app))
    return app


def require_task(module, name: str, task: int):
    """The learner's task object, or a failure that says how to make one."""
    app = require_celery_app(module)
    found = getattr(module, name)
    if getattr(found, "name", None) not in app.tasks:
        pytest.fail(
            f"`{name}` is not a Celery task of `app` yet: decorate it with "
            f"`@app.task(bind=True, ...)` (task {task}, rule 1)."
        )
    return found


def task_name_if_ready(module_name: str, name: str) -> str | None:
    """The Celery name of the learner's task ``name``, or None while it is not one yet (or the
    module does not import): the tests that need it then say what is wrong."""
    from celery import Celery

    from grader.loader import load

    try:
        module = load(module_name)
        app, found = getattr(module, "app", None), getattr(module, name, None)
    except Exception:  # noqa: BLE001 - the module's own problem, reported by the tests
        return None
    task_name = getattr(found, "name", None)
    if isinstance(app, Celery) and isinstance(task_name, str) and task_name in app.tasks:
        return task_name
    return None


# Task 4's long report: 20 s of lines, far past the short soft limit it is sent with.
SLOW_ITEMS, SECONDS_PER_ITEM = 400, 0.05
SOFT_LIMIT, HARD_LIMIT = 0.3, 6


@dataclass
class ReportRun:
    """build_report sent over its soft limit, out_dir/report.part a link to ``written``: the
    task writes its lines through the link, and deleting report.part removes only the link, so
    the suite can still count the lines written before the limit."""

    result: object  # AsyncResult
    args: tuple
    out_dir: Path
    written: Path


def send_report_over_the_limit(processes, task_name: str, base: Path) -> ReportRun:
    out_dir, written = base / "out", base / "written-through-report-part.txt"
    out_dir.mkdir()
    written.touch()
    (out_dir / "report.part").symlink_to(written)
    args = (str(out_dir), SLOW_ITEMS, SECONDS_PER_ITEM)
    result = processes.send("a", task_name, args, soft_time_limit=SOFT_LIMIT, time_limit=HARD_LIMIT)
    return ReportRun(result, args, out_dir, written)


@dataclass
class Rig:
    module: object
    app: object
    service: object  # kata_service.ScriptedService, in place of the learner's flaky_service
    retries: object  # kata_hooks.RetryLog


@dataclass
class Outcome:
    """One run of fetch_report, sent to the worker and waited for."""

    key: str
    task_id: str
    finished: bool
    state: str
    value: object
    calls: list  # kata_service.Call, one per call of flaky_service.fetch
    countdowns: list  # seconds each retry asked for

    def attempts(self) -> str:
        return f"{len(self.calls)} attempt{'s' if len(self.calls) != 1 else ''}"


def run_fetch_report(rig: Rig, timeout: float = 8.0, **plan) -> Outcome:
    from celery.exceptions import TimeoutError as CeleryTimeout

    key = f"key-{uuid.uuid4().hex[:8]}"
    rig.service.plan(key, **plan)
    result = rig.module.fetch_report.apply_async((key,))
    finished, value = True, None
    try:
        value = result.get(timeout=timeout, interval=0.01, propagate=False)
    except CeleryTimeout:
        finished = False
    return Outcome(
        key=key,
        task_id=result.id,
        finished=finished,
        state=result.state,
        value=value,
        calls=rig.service.calls(key),
        countdowns=rig.retries.countdowns(result.id),
    )


def call_briefly(function, *args, timeout: float = 2.0):
    """(finished, value, error) of function(*args) run in a thread: a call that waits is caught."""
    box: dict = {}

    def target():
        try:
            box["value"] = function(*args)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            box["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    return (not thread.is_alive()), box.get("value"), box.get("error")
