"""Shared pieces of the suite: the learner module's name, checks that fail with a teaching
message, the worker rig, and one run of fetch_report on it."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass

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
