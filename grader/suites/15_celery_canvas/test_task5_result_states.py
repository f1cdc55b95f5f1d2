"""Task 5: result states and AsyncResult — task_status, remember_group, restore_group."""

import uuid

import pytest
from celery import group
from celery.result import GroupResult
from kata_support import call_with_limit

from grader.checks import same as _same

FIELDS = ("task_id", "state", "ready", "successful", "value", "error", "traceback")


def status_of(canvas, task_id, rule):
    finished, status = call_with_limit(lambda: canvas.mod.task_status(task_id), seconds=3)
    assert finished, (
        f"task_status({task_id!r}) did not return within 3 s ({rule}). It must only READ the "
        f"backend: .get() and .wait() block until the task finishes, and a PENDING task may "
        f"never finish."
    )
    assert isinstance(status, canvas.mod.TaskStatus), (
        f"task_status must return a TaskStatus ({rule}); got {type(status).__name__}: {status!r}"
    )
    return status


def fields(status):
    return {name: getattr(status, name) for name in FIELDS}


@pytest.mark.task(5)
def test_task_status_of_an_unknown_id_is_pending(canvas):
    task_id = str(uuid.uuid4())
    got = fields(status_of(canvas, task_id, "task 5, rule 1"))
    expected = {
        "task_id": task_id,
        "state": "PENDING",
        "ready": False,
        "successful": False,
        "value": None,
        "error": None,
        "traceback": None,
    }
    assert _same(got, expected), (
        f"For an id the backend has never seen, Celery cannot tell 'unknown' from 'waiting': "
        f"the state is PENDING (task 5, rules 1-2). Expected {expected}, got {got}"
    )


@pytest.mark.task(5)
def test_task_status_of_a_successful_task(canvas):
    sent = canvas.tasks.echo.delay({"words": 3})
    sent.get(timeout=10, interval=0.01)
    got = fields(status_of(canvas, sent.id, "task 5, rule 1"))
    expected = {
        "task_id": sent.id,
        "state": "SUCCESS",
        "ready": True,
        "successful": True,
        "value": {"words": 3},
        "error": None,
        "traceback": None,
    }
    assert _same(got, expected), (
        f"For a task that returned {{'words': 3}} (task 5, rules 1 and 3): expected {expected}, "
        f"got {got}"
    )


@pytest.mark.task(5)
def test_task_status_of_a_failed_task(canvas):
    sent = canvas.tasks.fail.delay("bad input")
    with pytest.raises(ValueError):
        sent.get(timeout=10, interval=0.01)
    status = status_of(canvas, sent.id, "task 5, rule 1")
    got = fields(status)
    traceback = got.pop("traceback")
    expected = {
        "task_id": sent.id,
        "state": "FAILURE",
        "ready": True,
        "successful": False,
        "value": None,
        "error": "ValueError: bad input",
    }
    assert _same(got, expected), (
        f"For a task that raised ValueError('bad input') (task 5, rules 1 and 4): the value is "
        f"None (the exception is not a value) and error reads 'ValueError: bad input'. "
        f"Expected {expected}, got {got}"
    )
    assert isinstance(traceback, str) and "ValueError" in traceback, (
        f"TaskStatus.traceback must be the worker's traceback text for a failed task (task 5, "
        f"rule 4): AsyncResult.traceback. Got {traceback!r:.300}"
    )


@pytest.mark.task(5)
def test_a_restored_group_has_the_same_tasks_in_order(canvas):
    mod, echo = canvas.mod, canvas.tasks.echo
    sent = group(echo.s(f"value {i}") for i in range(4)).apply_async()
    group_id = mod.remember_group(sent)
    assert _same(group_id, sent.id), (
        f"remember_group must return the group's own id, {sent.id!r} (task 5, rule 5); got "
        f"{group_id!r}"
    )
    try:
        restored = mod.restore_group(group_id)
    except KeyError:
        pytest.fail(
            f"restore_group({group_id!r}) raised KeyError right after remember_group saved that "
            f"group (task 5, rules 5-6): remember_group must store the group in the result "
            f"backend (GroupResult.save()), and restore_group must read it from there."
        )
    assert isinstance(restored, GroupResult), (
        f"restore_group must return a GroupResult (task 5, rule 6); got "
        f"{type(restored).__name__}: {restored!r}"
    )
    ids = [child.id for child in restored.results]
    expected_ids = [child.id for child in sent.results]
    assert _same(restored.id, group_id) and _same(ids, expected_ids), (
        f"restore_group({group_id!r}) must give back the saved group: the same id and the same "
        f"task ids in the same order, read from the result backend (task 5, rule 6). Expected "
        f"{expected_ids}, got {ids}"
    )
    values = restored.join(timeout=10, interval=0.01)
    assert values == [f"value {i}" for i in range(4)], (
        f"The restored group must lead to the same results (task 5, rule 6); got {values!r}"
    )


@pytest.mark.task(5)
def test_restore_group_of_an_unknown_id_raises_key_error(canvas):
    unknown = str(uuid.uuid4())
    try:
        got = canvas.mod.restore_group(unknown)
    except KeyError:
        return
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001 - the wrong kind of error is the finding
        pytest.fail(
            f"restore_group of an id that was never saved must raise KeyError (task 5, rule 6); "
            f"it raised {type(error).__name__}: {error}"
        )
    pytest.fail(
        f"restore_group of an id that was never saved must raise KeyError (task 5, rule 6); it "
        f"returned {got!r}"
    )
