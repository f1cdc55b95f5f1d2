"""Task 5: enqueue_report sends work to a worker; task_status reads states from the backend.

Runs on a real worker (a thread of this process).
See conftest.py for the wrong answers this suite rejects.
"""

import time
import uuid

import pytest
from kata_rig import call_briefly, run_fetch_report

from grader.checks import same as _same

KEYS = {"state", "result", "error"}


def _status(rig, task_id, what):
    """task_status(task_id), which must answer at once."""
    finished, value, error = call_briefly(rig.module.task_status, task_id)
    if not finished:
        pytest.fail(
            f"task_status({task_id!r}) did not return within 2 s for {what} (task 5, rule 3). "
            "It must read the state and return at once: never wait with .get()."
        )
    if error is not None:
        raise error
    assert isinstance(value, dict) and KEYS <= set(value), (
        "task_status must return a dict with the keys 'state', 'result' and 'error' (task 5, "
        f"rule 2); it returned {value!r}."
    )
    return value


@pytest.mark.task(5)
def test_an_unknown_task_id_is_pending(rig):
    task_id = str(uuid.uuid4())
    status = _status(rig, task_id, "an id no one sent")
    expected = {"state": "PENDING", "result": None, "error": None}
    assert _same({key: status[key] for key in KEYS}, expected), (
        "The backend knows nothing of an id no one sent: task_status must say "
        f"{expected} (task 5, rule 2); it said {status!r}."
    )


@pytest.mark.task(5)
def test_a_running_task_is_started(rig):
    key = f"key-{uuid.uuid4().hex[:8]}"
    plan = rig.service.plan(key, hold=True)
    result = rig.module.fetch_report.apply_async((key,))
    try:
        deadline = time.monotonic() + 5
        while not plan.entered.wait(0.02) and not result.ready() and time.monotonic() < deadline:
            pass
        if not plan.entered.is_set():
            pytest.fail(
                f"fetch_report({key!r}) never called flaky_service.fetch (task 2, rule 1): its "
                f"state is {result.state}, its result {result.result!r}."
            )
        status = _status(rig, result.id, "a task the worker is running")
    finally:
        plan.release.set()
    assert _same(status["state"], "STARTED"), (
        "While a worker runs the task, task_status must say 'STARTED' (task 5, rule 2; it needs "
        f"task_track_started, task 1 rule 6). It said {status['state']!r}."
    )
    result.get(timeout=8, interval=0.01, propagate=False)


@pytest.mark.task(5)
def test_a_retrying_task_is_in_the_retry_state(rig):
    key = f"key-{uuid.uuid4().hex[:8]}"
    rig.service.plan(key, failures=1)
    task_id = str(uuid.uuid4())
    retried = rig.retries.hold(task_id)  # its retry waits a day: it stays in RETRY
    result = rig.module.fetch_report.apply_async((key,), task_id=task_id)
    deadline = time.monotonic() + 5
    while not retried.wait(0.02) and not result.ready() and time.monotonic() < deadline:
        pass
    if not retried.is_set():
        pytest.fail(
            f"fetch_report({key!r}) on a service that failed once was not retried (task 5 needs "
            f"task 2's retries first): its state is {result.state}."
        )
    status = _status(rig, task_id, "a task waiting for its retry")
    assert _same(status["state"], "RETRY"), (
        "Between a failure and its retry, task_status must say 'RETRY' (task 5, rule 2). It "
        f"said {status['state']!r}."
    )


@pytest.mark.task(5)
def test_a_finished_task_reports_its_result(rig):
    outcome = run_fetch_report(rig, failures=0)
    assert outcome.state == "SUCCESS", (
        f"fetch_report on a healthy service must succeed (task 2); it ended {outcome.state} "
        f"with {outcome.value!r}."
    )
    status = _status(rig, outcome.task_id, "a task that succeeded")
    expected = {"state": "SUCCESS", "result": f"report {outcome.key}", "error": None}
    assert _same({key: status[key] for key in KEYS}, expected), (
        "For a task that succeeded, task_status must give its return value from the backend "
        f"(task 5, rule 2): expected {expected}, got {status!r}."
    )


@pytest.mark.task(5)
def test_a_failed_task_reports_its_error(rig):
    outcome = run_fetch_report(rig, other_error=ValueError)
    assert outcome.state == "FAILURE", (
        "fetch_report must fail when the service raises ValueError, an error not worth "
        f"retrying (task 2); it ended {outcome.state} with {outcome.value!r}."
    )
    status = _status(rig, outcome.task_id, "a task that failed")
    expected = {"state": "FAILURE", "result": None, "error": "ValueError"}
    assert _same({key: status[key] for key in KEYS}, expected), (
        "For a task that failed, task_status must give the error's class name and no result, "
        f"without raising it (task 5, rule 2): expected {expected}, got {status!r}."
    )


@pytest.mark.task(5)
def test_enqueue_report_sends_the_task_to_a_worker(rig):
    from celery.result import AsyncResult

    key = f"key-{uuid.uuid4().hex[:8]}"
    rig.service.plan(key)
    task_id = rig.module.enqueue_report(key)
    deadline = time.monotonic() + 5
    while not rig.service.calls(key) and time.monotonic() < deadline:
        time.sleep(0.01)
    calls = rig.service.calls(key)
    assert calls, (
        f"enqueue_report({key!r}) must send fetch_report({key!r}) to a worker (task 5, rule 1): "
        "within 5 s no one called flaky_service.fetch for that key."
    )
    local = [call for call in calls if not call.from_worker]
    assert not local, (
        "enqueue_report must send fetch_report to the broker for a worker to run (task 5, "
        "rule 1): it ran the task right here, in the caller"
        + (" (eagerly: .apply() or task_always_eager)" if local[0].eager else "")
        + ". Use fetch_report.delay(key) or .apply_async()."
    )
    assert isinstance(task_id, str), (
        f"enqueue_report must return the task id, a str (task 5, rule 1); it returned {task_id!r}."
    )
    result = AsyncResult(task_id, app=rig.app)
    try:
        value = result.get(timeout=8, interval=0.01, propagate=False)
    except Exception as error:  # noqa: BLE001 - reported below
        value = error
    assert _same(value, f"report {key}"), (
        f"The id returned by enqueue_report({key!r}) must lead to the result in the backend "
        f"(task 5, rule 1): AsyncResult(id).get() gave {value!r}, state {result.state}."
    )
