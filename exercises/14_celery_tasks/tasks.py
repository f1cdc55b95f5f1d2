"""Exercise 14: a Celery app with safe settings, retries with backoff, an idempotent task,
time limits, and results read back from the result backend.

Read exercises/14_celery_tasks/README.md first. Fill in every TODO; keep the given code as it is.
Run a worker for it with:   celery -A tasks worker --loglevel=INFO
"""

from __future__ import annotations

import json
import os  # noqa: F401 - you need these
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta  # noqa: F401
from pathlib import Path  # noqa: F401

from celery import Celery  # noqa: F401 - you need these
from celery.exceptions import SoftTimeLimitExceeded  # noqa: F401
from celery.result import AsyncResult  # noqa: F401
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

# TODO (task 1): create the Celery app and configure it: broker and result backend from the
# environment with in-memory defaults, JSON only, late acks, results kept one hour, STARTED
# tracked. Until then `app` is None, and every task below waits for it.
app = None


# ── Task 2: retries with exponential backoff and a cap ─────────────────────────────────────────


# TODO (task 2): make this a bound Celery task that retries on ServiceUnavailable:
# countdowns 1, 2, 4, 8, 8 seconds (doubling, capped at 8, no jitter), 5 retries at most.
def fetch_report(self, key: str) -> str:
    """Return ``flaky_service.fetch(key)``, retrying while the service is unavailable.

    When the retries run out, the last ServiceUnavailable is raised (state FAILURE).
    """
    raise NotImplementedError


# ── Task 3: an idempotent task ─────────────────────────────────────────────────────────────────


# TODO (task 3): make this a bound Celery task.
def charge(self, idempotency_key: str, ledger: str, amount: int) -> dict:
    """Charge ``amount`` once per ``idempotency_key``, however often the task runs.

    The first run calls ``make_charge(ledger, amount)`` and returns
    ``{"charge_id": <its id>, "amount": amount}``. Every later run with the same key returns
    that same dict and charges nothing. Keep the record with ``save_record`` / ``load_record``
    (the result backend, shared by every worker process), saved after the charge succeeded.
    """
    raise NotImplementedError


# ── Task 4: time limits ────────────────────────────────────────────────────────────────────────


# TODO (task 4): make this a bound Celery task with a soft and a (longer) hard time limit.
def build_report(self, out_dir: str, items: int, seconds_per_item: float = 0.0) -> dict:
    """Write ``items`` lines (``slow_line(n, seconds_per_item)``) to ``out_dir/report.part``,
    then rename it to ``out_dir/report.txt`` and return ``{"status": "complete", "lines": items}``.

    On SoftTimeLimitExceeded: remove ``report.part`` and return
    ``{"status": "timed_out", "lines": <lines written so far>}``.
    """
    raise NotImplementedError


# ── Task 5: results through the backend ────────────────────────────────────────────────────────


def enqueue_report(key: str) -> str:
    """Send ``fetch_report(key)`` to the broker for a worker to run; return the task id."""
    raise NotImplementedError


def task_status(task_id: str) -> dict:
    """``{"state": ..., "result": ..., "error": ...}`` of a task, read from the result backend.

    "result" is the return value when the state is SUCCESS, else None. "error" is the exception's
    class name (e.g. "ServiceUnavailable") when the state is FAILURE, else None. Never waits.
    """
    raise NotImplementedError
