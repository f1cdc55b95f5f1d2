"""Task 2: fetch_report retries a flaky call with exponential backoff and a cap, then gives up.

Runs on a real worker (a thread of this process). The service is the suite's: it fails a set
number of times. Countdowns are the numbers each retry asked for; the suite never waits them out.
See conftest.py for the wrong answers this suite rejects.
"""

import pytest
from kata_rig import fail_if_not_implemented


def _rounded(countdowns):
    return [round(c, 1) if isinstance(c, (int, float)) else c for c in countdowns]


def _numbers(countdowns) -> bool:
    """Every countdown is a plain number (checked before ==)."""
    return all(type(c) in (int, float) for c in countdowns)


def _diagnose(got, expected) -> str:
    """One sentence on what the countdowns look like, when it helps."""
    numbers = [c for c in got if isinstance(c, (int, float))]
    if len(numbers) > 1 and len(set(numbers)) == 1:
        return " A constant countdown hammers a service that is already down."
    if numbers != sorted(numbers):
        return " They go down as well as up: is jitter on? Celery's retry_jitter defaults to True."
    if len(got) > len(expected):
        return f" That is {len(got)} retries: there must be 5 at most."
    if any(c > 8 for c in numbers):
        return " Countdowns above 8 s: the cap is missing (retry_backoff_max defaults to 600)."
    return ""


def _require_calls(outcome):
    fail_if_not_implemented(outcome.value, "fetch_report", 2)
    if not outcome.calls:
        pytest.fail(
            f"fetch_report({outcome.key!r}) never called flaky_service.fetch(key) (task 2, "
            f"rule 1). Its state is {outcome.state}, its result {outcome.value!r}. Call the "
            "module-level flaky_service inside the task, looked up when the task runs."
        )


@pytest.mark.task(2)
def test_a_flaky_call_is_retried_until_it_succeeds(recovered):
    _require_calls(recovered)
    expected = f"report {recovered.key}"
    assert recovered.finished, (
        "With a service that fails 3 times and then answers, fetch_report must finish with the "
        f"answer (task 2, rule 2). After 8 s it was still {recovered.state}, after "
        f"{recovered.attempts()}."
    )
    answered = isinstance(recovered.value, str) and recovered.value == expected
    assert recovered.state == "SUCCESS" and answered, (
        "With a service that fails 3 times and then answers, fetch_report must return the "
        f"answer {expected!r} (task 2, rule 2). Its state is {recovered.state}, its result "
        f"{recovered.value!r}, after {recovered.attempts()}."
    )
    retries = [call.retries for call in recovered.calls]
    assert retries == [0, 1, 2, 3], (
        "Each failure must be retried by Celery: a new run of the same task with "
        "request.retries one higher (autoretry_for or self.retry, task 2, rule 2), not a loop "
        f"inside one run. The calls came with request.retries = {retries}, expected [0, 1, 2, 3]."
    )
    local = sum(not call.from_worker for call in recovered.calls)
    assert not local, (
        f"Every attempt must run on the worker, from a message on the queue (task 2): {local} "
        f"of {recovered.attempts()} ran in the caller (eagerly or called directly)."
    )


@pytest.mark.task(2)
def test_countdowns_double_after_each_failure(recovered):
    _require_calls(recovered)
    got = _rounded(recovered.countdowns)
    assert _numbers(got) and got == [1, 2, 4], (
        "After failures 1, 2 and 3 the retries must wait 1, 2 and 4 seconds: the countdown "
        "doubles each time, with no jitter (task 2, rule 3). The retries asked for countdowns "
        f"{got} (seconds).{_diagnose(got, [1, 2, 4])}"
    )


@pytest.mark.task(2)
def test_countdowns_stop_growing_at_the_cap(exhausted):
    _require_calls(exhausted)
    got = _rounded(exhausted.countdowns)
    assert _numbers(got) and got == [1, 2, 4, 8, 8], (
        "With a service that keeps failing, the 5 retries must wait 1, 2, 4, 8 and 8 seconds: "
        "doubling, but never more than the cap of 8 s, with no jitter (task 2, rules 3 and 4). "
        f"The retries asked for countdowns {got} (seconds).{_diagnose(got, [1, 2, 4, 8, 8])}"
    )


@pytest.mark.task(2)
def test_the_task_gives_up_after_five_retries(exhausted):
    _require_calls(exhausted)
    made = len(exhausted.calls)
    still = "" if exhausted.finished else f" and after 8 s it was still {exhausted.state}"
    assert made == 6 and exhausted.finished, (
        "With a service that keeps failing, fetch_report must make 6 attempts, the first run "
        f"and 5 retries (max_retries=5), then stop (task 2, rule 5). It made {made}{still}. "
        "(The suite's service gave up failing after 12 calls.)"
    )


@pytest.mark.task(2)
def test_the_final_error_is_raised_not_swallowed(exhausted):
    _require_calls(exhausted)
    error = type(exhausted.value).__name__
    assert exhausted.state == "FAILURE" and error == "ServiceUnavailable", (
        "When the retries run out, fetch_report must fail with the service's own "
        "ServiceUnavailable, so the backend records state FAILURE (task 2, rule 6). It ended "
        f"in state {exhausted.state} with result {exhausted.value!r}. Do not catch the last "
        "error and return None: a caller must be able to see that the call failed."
    )
