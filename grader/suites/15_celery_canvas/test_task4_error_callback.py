"""Task 4: an error callback — report_failure linked with link_error."""

import pytest
from celery.result import AsyncResult
from kata_support import error_of, must_be_result, value_of

REPORT_TIMEOUT = 3


def errback_mark(canvas):
    return len(canvas.recorder.errback_errors.errors)


def report_for(canvas, task_id, rule, since):
    """The failure report saved for ``task_id``, read back through the result backend.

    ``since``: errback_mark() taken before the task was sent, to find errors of this test's
    error callback in Celery's log.
    """
    report = canvas.app.AsyncResult(canvas.mod.report_id(task_id))
    errors = canvas.recorder.errback_errors.errors
    try:
        return report.get(timeout=REPORT_TIMEOUT, interval=0.01)
    except Exception as error:  # noqa: BLE001 - a missing report is the finding
        kind = type(error).__name__
        raised = errors[since:]
        if kind == "TimeoutError" and raised:
            bug = raised[-1]
            if isinstance(bug, NotImplementedError):
                pytest.fail(
                    f"Not implemented yet: report_failure still raises NotImplementedError when "
                    f"Celery calls it for the failed task ({rule})."
                )
            pytest.fail(
                f"No failure report was saved for the failed task {task_id} ({rule}): the error "
                f"callback ran but raised {type(bug).__name__}: {bug}. Celery calls it as "
                f"report_failure(request, exc, traceback), with the FAILED task's request."
            )
        if kind == "TimeoutError":
            pytest.fail(
                f"No failure report was saved for the failed task {task_id} within "
                f"{REPORT_TIMEOUT} s ({rule}). The error callback must run when the task fails "
                f"and call save_report(<the FAILED task's id>, report). Check that it is linked "
                f"with link_error (not link) and takes (request, exc, traceback)."
            )
        pytest.fail(f"Reading the failure report of {task_id} failed with {kind}: {error}")


def check_report(report, task_id, task_name, error_type, message, rule):
    assert isinstance(report, dict), (
        f"The report must be a dict with task_id, task and error ({rule}); got {report!r}"
    )
    assert report.get("task_id") == task_id, (
        f"report['task_id'] must be the id of the task that FAILED, {task_id} ({rule}); got "
        f"{report.get('task_id')!r}. The callback's `request` argument describes the failed task."
    )
    assert report.get("task") == task_name, (
        f"report['task'] must be the failed task's name, {task_name!r} ({rule}); got "
        f"{report.get('task')!r}"
    )
    error = report.get("error")
    assert isinstance(error, str) and error.startswith(f"{error_type}: ") and message in error, (
        f"report['error'] must read '{error_type}: <message>' for this failure ({rule}); got "
        f"{error!r}"
    )


@pytest.mark.task(4)
def test_report_failure_records_the_failed_task_as_an_error_callback(canvas):
    since = errback_mark(canvas)
    failing = canvas.tasks.fail.apply_async(
        ("the disk is full",), link_error=canvas.mod.report_failure.s()
    )
    with pytest.raises(ValueError):
        failing.get(timeout=10, interval=0.01)
    report = report_for(canvas, failing.id, "task 4, rule 1", since)
    check_report(
        report, failing.id, "kata.fail", "ValueError", "the disk is full", "task 4, rule 1"
    )


@pytest.mark.task(4)
def test_count_with_report_reports_a_failed_chunk(canvas):
    mod = canvas.mod
    since = errback_mark(canvas)
    result = mod.count_with_report(None)
    must_be_result(result, AsyncResult, "count_with_report(text)", "task 4, rule 2")
    error_of(
        result,
        "count_with_report(None), which sends count_chunk(None),",
        "TypeError",
        "task 4, rule 2; task 3, rule 1",
    )
    report = report_for(canvas, result.id, "task 4, rule 2", since)
    check_report(report, result.id, mod.count_chunk.name, "TypeError", "", "task 4, rule 2")


@pytest.mark.task(4)
def test_count_with_report_saves_no_report_on_success(canvas):
    mod = canvas.mod
    result = mod.count_with_report("All is well, all is WELL.")
    must_be_result(result, AsyncResult, "count_with_report(text)", "task 4, rule 2")
    got = value_of(result, "count_with_report('All is well, all is WELL.')", "task 4, rule 2")
    assert got == {"all": 2, "is": 2, "well": 2}, (
        f"count_with_report(text) must give count_chunk's result when it succeeds (task 4, "
        f"rule 2); expected {{'all': 2, 'is': 2, 'well': 2}}, got {got!r}"
    )
    run = canvas.recorder.wait_finished(result.id)
    ran = "no task the worker ran"
    if run is not None:
        ran = run.name + (" (run eagerly)" if run.eager else "")
    assert run is not None and run.name == mod.count_chunk.name and not run.eager, (
        f"count_with_report must send count_chunk to the worker (task 4, rule 2); the id it "
        f"returned belongs to {ran}"
    )
    state = canvas.app.AsyncResult(mod.report_id(result.id)).state
    assert state == "PENDING", (
        f"A task that succeeded must leave no failure report (task 4, rule 2); the backend has "
        f"one for it (state {state}). Link the callback with link_error, not link."
    )
