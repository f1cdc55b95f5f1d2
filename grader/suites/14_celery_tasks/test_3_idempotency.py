"""Task 3: charge is idempotent: one idempotency key, one charge, across worker processes.

Runs on two real `celery worker` processes, "a" and "b". A test sends the first run of a key to
one and the repeat to the other: a record kept in one process's memory is not seen by the other,
just as after a worker restart or on another machine.
See conftest.py for the wrong answers this suite rejects.
"""

import uuid

import pytest
from kata_rig import MODULE, fail_if_not_implemented, require_task

from grader.checks import same as _same

WAIT = 8.0


def _charge_name():
    from grader.loader import load

    return require_task(load(MODULE), "charge", 3).name


def _run(processes, worker, *args):
    """(state, value) of charge(*args) run on worker "a" or "b"."""
    from celery.exceptions import TimeoutError as CeleryTimeout

    result = processes.send(worker, _charge_name(), args)
    try:
        value = result.get(timeout=WAIT, interval=0.01, propagate=False)
    except CeleryTimeout:
        pytest.fail(
            f"charge{args!r} did not finish within {WAIT:.0f} s on a worker process (task 3). "
            f"The worker's last lines:\n{processes.log_tail(worker)}"
        )
    fail_if_not_implemented(value, "charge", 3)
    return result.state, value


def _ledger_lines(ledger) -> list[str]:
    return ledger.read_text(encoding="utf-8").splitlines() if ledger.exists() else []


def _require_success(state, value, what):
    assert state == "SUCCESS", (
        f"{what} must succeed (task 3); it ended in state {state} with {value!r}."
    )
    assert isinstance(value, dict) and {"charge_id", "amount"} <= set(value), (
        f'{what} must return {{"charge_id": ..., "amount": ...}} (task 3, rule 2); it '
        f"returned {value!r}."
    )


@pytest.mark.task(3)
def test_the_same_key_charges_once_and_returns_the_first_result(processes, tmp_path):
    ledger = tmp_path / "ledger.txt"
    key = f"order-{uuid.uuid4().hex[:8]}"
    first_state, first = _run(processes, "a", key, str(ledger), 42)
    _require_success(first_state, first, f"The first charge({key!r}, ledger, 42)")
    lines = _ledger_lines(ledger)
    assert len(lines) == 1, (
        f"The first charge must call make_charge once (task 3, rule 2): the ledger has "
        f"{len(lines)} lines: {lines}."
    )
    expected = {"charge_id": lines[0].split()[0], "amount": 42}
    assert _same(first, expected), (
        'The first charge must return {"charge_id": <what make_charge returned>, "amount": '
        f"amount}} (task 3, rule 2): make_charge wrote {lines[0]!r} to the ledger, so expected "
        f"{expected!r}, got {first!r}."
    )
    second_state, second = _run(processes, "b", key, str(ledger), 42)
    lines = _ledger_lines(ledger)
    assert len(lines) == 1, (
        "charge ran twice with the same idempotency key and the customer was charged "
        f"{len(lines)} times (task 3, rule 3): {lines}. The repeat ran in another worker "
        "process, as after a restart or on another machine: a record kept in process memory "
        "(a dict, a set, lru_cache) is not there. Keep it in the result backend with "
        "save_record / load_record."
    )
    assert second_state == "SUCCESS" and second == first, (
        "The repeat of a charge must return the first charge's result, without charging "
        f"again (task 3, rule 3): expected {first!r}, got {second!r} (state {second_state})."
    )


@pytest.mark.task(3)
def test_different_keys_charge_separately(processes, tmp_path):
    ledger = tmp_path / "ledger.txt"
    one, two = (f"order-{uuid.uuid4().hex[:8]}" for _ in range(2))
    state_one, first = _run(processes, "a", one, str(ledger), 10)
    state_two, second = _run(processes, "a", two, str(ledger), 20)
    _require_success(state_one, first, f"charge({one!r}, ledger, 10)")
    _require_success(state_two, second, f"charge({two!r}, ledger, 20)")
    lines = _ledger_lines(ledger)
    assert len(lines) == 2 and first != second, (
        "Two different idempotency keys are two different charges (task 3, rule 4): expected "
        f"2 ledger lines and 2 results, got {len(lines)} lines {lines} and results "
        f"{first!r}, {second!r}. The record must be kept per key."
    )
    assert _same((first["amount"], second["amount"]), (10, 20)), (
        f"Each charge returns its own amount (task 3, rule 2): got {first!r} and {second!r}."
    )


@pytest.mark.task(3)
def test_a_failed_charge_is_not_recorded(processes, tmp_path):
    ledger = tmp_path / "not-yet" / "ledger.txt"  # make_charge raises FileNotFoundError here
    key = f"order-{uuid.uuid4().hex[:8]}"
    state, value = _run(processes, "a", key, str(ledger), 7)
    assert state == "FAILURE" and type(value).__name__ == "FileNotFoundError", (
        "When make_charge raises, charge must fail with that very error (task 3, rule 5): "
        "with a ledger in a missing folder, make_charge raises FileNotFoundError. charge ended "
        f"in state {state} with {value!r}."
        + (" Let the error through: do not wrap it in another one." if state == "FAILURE" else "")
    )
    ledger.parent.mkdir()
    state, value = _run(processes, "b", key, str(ledger), 7)
    lines = _ledger_lines(ledger)
    assert state == "SUCCESS" and len(lines) == 1, (
        "A charge that failed must not be recorded: the next run with the same key charges "
        "(task 3, rule 5). Save the record only after make_charge succeeded, or a worker that "
        "dies between the two leaves a charge that is never made. The second run ended in "
        f"state {state} with {value!r}, and the ledger has {len(lines)} lines."
    )
    assert isinstance(value, dict) and _same(value.get("amount"), 7), (
        f'The second run must return {{"charge_id": ..., "amount": 7}}; it returned {value!r}.'
    )
