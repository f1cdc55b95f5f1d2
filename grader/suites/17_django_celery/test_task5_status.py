"""Task 5: GET /api/tasks/<task_id>/ reports the task's state from the result backend."""

import json
import uuid

import kata_celery
import pytest
from kata_api import get_status, status_path
from kata_celery import wait_until_done

pytestmark = [pytest.mark.task(5), pytest.mark.django_db(transaction=True)]


def test_unknown_task_id_is_pending(client, worker):
    task_id = str(uuid.uuid4())
    body = get_status(client, task_id)
    got = (body.get("task_id"), body.get("state"), body.get("result"))
    assert got == (task_id, "PENDING", None), (
        f"A task id the backend has never heard of is PENDING, with no result (task 5, rule 2: "
        f"Celery cannot tell 'unknown' from 'waiting'). GET {status_path(task_id)} answered {body!r}."
    )


def test_state_goes_pending_then_started_then_success_with_the_result(client, worker, recorder):
    hold = worker.suite_tasks["hold"]
    task_id = str(uuid.uuid4())
    before = get_status(client, task_id)
    assert before.get("state") == "PENDING" and before.get("result") is None, (
        f"Before the task is sent its state is PENDING, with no result (task 5, rule 2); "
        f"the endpoint answered {before!r}."
    )
    kata_celery.HOLD_ENTERED.clear()
    kata_celery.HOLD_RELEASE.clear()
    hold.apply_async(args=[{"rows": 3}], task_id=task_id)
    try:
        assert kata_celery.HOLD_ENTERED.wait(kata_celery.wait_seconds()), (
            "The worker did not start the suite's task: is it still busy with an earlier task "
            "that never finished?"
        )
        running = get_status(client, task_id)
    finally:
        kata_celery.HOLD_RELEASE.set()
    expected_state = "STARTED" if worker.app.conf.task_track_started else "PENDING"
    assert running.get("state") == expected_state and running.get("result") is None, (
        f"While the task runs the backend says {expected_state} (task_track_started is on in "
        f"the settings), with no result yet; the endpoint answered {running!r} (task 5, rule 2). "
        f"Read the state from the result backend: AsyncResult(task_id).state."
    )
    wait_until_done(worker.app, task_id, "task 5")
    after = get_status(client, task_id)
    expected = {"task_id": task_id, "state": "SUCCESS", "result": {"rows": 3}}
    assert after == expected, (
        f"After the task succeeded the endpoint must answer {expected}: the state and the "
        f"task's return value, from the result backend (task 5, rule 3); it answered {after!r}."
    )


def test_failed_task_reports_a_short_error_without_the_traceback(client, worker, recorder):
    fail = worker.suite_tasks["fail"]
    sent = fail.delay("the data source is down")
    result = wait_until_done(worker.app, sent.id, "task 5")
    body = get_status(client, sent.id)
    expected_error = "ValueError: the data source is down"
    assert body.get("task_id") == sent.id and body.get("state") == "FAILURE", (
        f"A task that raised is in state FAILURE (task 5, rule 4); GET {status_path(sent.id)} "
        f"answered {body!r}."
    )
    assert body.get("error") == expected_error, (
        f"The 'error' of a failed task is '<ExceptionClass>: <message>', here "
        f"{expected_error!r} (task 5, rule 4); it was {body.get('error')!r}."
    )
    text = json.dumps(body)
    frames = [line.strip() for line in (result.traceback or "").splitlines() if "File " in line]
    leaked = "Traceback" in text or any(frame in text for frame in frames)
    assert not leaked, (
        f"The status answer must not contain the traceback: it shows your code and file paths "
        f"to anyone who asks (task 5, rule 5). It answered {text[:400]}."
    )
