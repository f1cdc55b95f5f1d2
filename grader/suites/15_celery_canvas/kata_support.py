"""Helpers shared by the tests: the README's word rules, waiting for results, worker checks."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

RESULT_TIMEOUT = 10


def words(text: str) -> list[str]:
    """The README's rule: lower case; a word is a run of characters for which isalnum() is true."""
    return "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()


def counts(*texts: str) -> dict[str, int]:
    total: Counter[str] = Counter()
    for text in texts:
        total.update(words(text))
    return dict(total)


def remote_tail(result) -> str:
    """The last lines of the worker's traceback for a failed result, for a failure message."""
    try:
        text = result.traceback
    except Exception:  # noqa: BLE001 - the backend may not have it; the message still stands
        text = None
    if not text:
        return ""
    lines = [line for line in str(text).strip().splitlines() if line.strip(" ^~")]
    return "\n  worker traceback (last lines):\n    " + "\n    ".join(lines[-4:])


def value_of(result, what: str, rule: str):
    """``result.get()`` with a short poll; a failure becomes a message about ``what``."""
    try:
        return result.get(timeout=RESULT_TIMEOUT, interval=0.01)
    except Exception as error:  # noqa: BLE001 - any failure is reported to the learner
        kind = type(error).__name__
        if kind == "NotImplementedError":
            pytest.fail(
                f"Not implemented yet: {what} still raises NotImplementedError in the worker "
                f"({rule}).{remote_tail(result)}"
            )
        if kind == "TimeoutError":
            pytest.fail(
                f"{what} did not finish within {RESULT_TIMEOUT} s: no result came back through "
                f"the result backend ({rule}). Is a task waiting for another one?"
            )
        pytest.fail(
            f"{what} failed in the worker with {kind}: {error} ({rule}).{remote_tail(result)}"
        )


def error_of(result, what: str, expected: str, rule: str) -> BaseException:
    """The exception ``result.get()`` raises; the test fails unless it is of type ``expected``."""
    try:
        got = result.get(timeout=RESULT_TIMEOUT, interval=0.01)
    except Exception as error:  # noqa: BLE001 - failing is what is asked for here
        kind = type(error).__name__
        if kind == "NotImplementedError":
            pytest.fail(
                f"Not implemented yet: {what} still raises NotImplementedError in the worker "
                f"({rule}).{remote_tail(result)}"
            )
        assert kind == expected, (
            f"{what} must fail with {expected} ({rule}); it failed with {kind}: {error}"
            f"{remote_tail(result)}"
        )
        return error
    pytest.fail(f"{what} must fail with {expected} ({rule}); it succeeded with {got!r:.300}")


def must_be_result(value, kind, call: str, rule: str) -> None:
    assert isinstance(value, kind), (
        f"{call} must return a {kind.__module__}.{kind.__name__} ({rule}); "
        f"it returned {type(value).__name__}: {value!r:.200}"
    )


def started_in_worker_problems(runs, worker=None) -> list[str]:
    """Why each of ``runs`` did not run in the suite's worker (empty when all did)."""
    problems = []
    for run in runs:
        if run.eager:
            problems.append(
                f"{run.name} ran eagerly in thread {run.thread!r} (.apply() or task_always_eager)"
            )
        elif run.thread_id == threading.main_thread().ident:
            problems.append(f"{run.name} ran in the caller's thread, not in the worker")
        elif not run.delivered:
            problems.append(f"{run.name} did not come through the broker")
    return problems


def sent_without_waiting(canvas, call, what: str, rule: str):
    """Call ``call()`` while the worker is held; it must return before any task finished."""
    recorder = canvas.recorder
    with recorder.hold() as first:
        value = call()
        last = recorder.now()
    ran = recorder.ran_between(first, last)
    names = ", ".join(f"{run.name}{' (eager)' if run.eager else ''}" for run in ran)
    assert not ran, (
        f"{what} must only send the work and return at once ({rule}), but {len(ran)} "
        f"task(s) had already run when it returned: {names}. Do not call .get(), .join(), "
        f".apply() or the task function itself here: return the result handle."
    )
    return value


def call_with_limit(function, seconds: float = 3.0):
    """Run ``function()`` in a helper thread; (finished, value or exception)."""
    box: dict = {}

    def target():
        try:
            box["value"] = function()
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            box["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        return False, None
    if "error" in box:
        raise box["error"]
    return True, box.get("value")
