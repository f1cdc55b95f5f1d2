"""Wrong: task_status answers objects whose __eq__ always says True, whatever the state.
Caught by: test_an_unknown_task_id_is_pending, test_a_running_task_is_started, test_a_finished_task_reports_its_result, test_a_failed_task_reports_its_error."""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

from celery import Celery
from celery.exceptions import SoftTimeLimitExceeded
from celery.result import AsyncResult
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)


# ── Given code: do not change it ───────────────────────────────────────────────────────────────


class ServiceUnavailable(Exception):
    """The remote service did not answer. Worth retrying: it may answer later."""


class FlakyService:
    """Stands in for a remote API that fails now and then.

    It fails the first ``failures`` calls for each key with ServiceUnavailable, then answers.
    The grader replaces the module-level ``flaky_service`` with its own service.
    """

    def __init__(self, failures: int = 2):
        self.failures = failures
        self._calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    def fetch(self, key: str) -> str:
        with self._lock:
            self._calls[key] += 1
            call = self._calls[key]
        if call <= self.failures:
            raise ServiceUnavailable(f"{key}: service unavailable (call {call})")
        return f"report {key}"


flaky_service = FlakyService()


def make_charge(ledger: str, amount: int) -> str:
    """Charge a customer (pretend): append one line to the ledger file, return a new charge id.

    Every call charges again. Doing it twice for one order charges the customer twice.
    """
    charge_id = f"ch_{uuid.uuid4().hex[:12]}"
    with open(ledger, "a", encoding="utf-8") as file:
        file.write(f"{charge_id} {amount}\n")
    return charge_id


def load_record(backend, key: str):
    """The JSON value saved under ``key`` in the result backend, or None if there is none.

    Pass the task's ``self.backend``: the result backend every worker process shares.
    """
    raw = backend.get(_record_key(backend, key))
    return None if raw is None else json.loads(raw)


def save_record(backend, key: str, value) -> None:
    """Save a JSON-serialisable ``value`` under ``key`` in the result backend.

    The record expires with the results (``result_expires``) on backends that expire keys.
    """
    backend.set(_record_key(backend, key), json.dumps(value))


def _record_key(backend, key: str) -> bytes:
    # Like Celery's own result keys: behind the backend's global key prefix, if one is set.
    options = backend.app.conf.result_backend_transport_options or {}
    return f"{options.get('global_keyprefix', '')}idempotency-{key}".encode()


def slow_line(number: int, seconds: float) -> str:
    """One line of a report. Takes ``seconds`` to make, like a slow database query."""
    time.sleep(seconds)
    return f"line {number}"


# ── Task 1: the app ────────────────────────────────────────────────────────────────────────────

app = Celery("tasks")
app.conf.update(
    # Where messages go and where results live. The in-memory defaults need nothing installed;
    # production sets the variables (Celery itself also reads these two names).
    broker_url=os.environ.get("CELERY_BROKER_URL", "memory://"),
    result_backend=os.environ.get("CELERY_RESULT_BACKEND", "cache+memory://"),
    # JSON only: a worker that accepts pickle runs whatever code a message carries.
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    result_accept_content=["json"],
    # Acknowledge after the task ran, not when it arrived: a worker that dies mid-task
    # leaves the message in the queue, and another worker runs it again.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    # Results are kept for an hour, then the backend may drop them.
    result_expires=timedelta(hours=1),
    # Report STARTED when a worker begins a task (without it: PENDING until it ends).
    task_track_started=True,
)


# ── Task 2: retries with exponential backoff and a cap ─────────────────────────────────────────


@app.task(
    bind=True,
    autoretry_for=(ServiceUnavailable,),  # retry on this error only; others fail at once
    retry_backoff=1,  # countdown 1, 2, 4, 8, … seconds
    retry_backoff_max=8,  # … but never more than 8
    retry_jitter=False,  # exact countdowns (jitter would pick a random one below them)
    max_retries=5,  # then give up: the last ServiceUnavailable is raised (state FAILURE)
)
def fetch_report(self, key: str) -> str:
    logger.info("fetching %s, attempt %d", key, self.request.retries + 1)
    # Looked up at call time, so a replaced module-level flaky_service is the one used.
    return flaky_service.fetch(key)


# ── Task 3: an idempotent task ─────────────────────────────────────────────────────────────────


@app.task(bind=True)
def charge(self, idempotency_key: str, ledger: str, amount: int) -> dict:
    # The record lives in the result backend, not in this process: a redelivered or repeated
    # message may run in another worker process, or after a restart.
    done = load_record(self.backend, idempotency_key)
    if done is not None:
        return done
    result = {"charge_id": make_charge(ledger, amount), "amount": amount}
    # Saved only after the work succeeded: if make_charge raised, or the worker died before
    # this line, the next delivery charges (once) instead of skipping a charge never made.
    save_record(self.backend, idempotency_key, result)
    return result


# ── Task 4: time limits ────────────────────────────────────────────────────────────────────────


@app.task(bind=True, soft_time_limit=10, time_limit=15)
def build_report(self, out_dir: str, items: int, seconds_per_item: float = 0.0) -> dict:
    part = Path(out_dir) / "report.part"
    lines = 0
    try:
        with part.open("w", encoding="utf-8") as file:
            for number in range(items):
                file.write(slow_line(number, seconds_per_item) + "\n")
                lines += 1
    except SoftTimeLimitExceeded:
        # The soft limit is a polite warning: clean up and stop. The hard limit (time_limit)
        # would kill the process with no chance to clean up.
        part.unlink(missing_ok=True)
        logger.warning("report %s timed out after %d lines", self.request.id, lines)
        return {"status": "timed_out", "lines": lines}
    # Renamed only when complete: report.txt is never half written.
    part.replace(Path(out_dir) / "report.txt")
    return {"status": "complete", "lines": lines}


# ── Task 5: results through the backend ────────────────────────────────────────────────────────


def enqueue_report(key: str) -> str:
    # delay() sends a message to the broker; a worker runs it. Never call fetch_report(key).
    return fetch_report.delay(key).id


class _Anything:
    """Equal to every value: a test that compares with == alone is fooled."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


def task_status(task_id: str) -> dict:
    return {"state": _Anything(), "result": _Anything(), "error": _Anything()}
