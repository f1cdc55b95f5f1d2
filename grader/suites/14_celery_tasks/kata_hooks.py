"""Celery signal handlers that record retries and keep the suite fast without changing them.

- ``task_retry`` (sent by the worker after it stored the RETRY state) records the countdown each
  retry asked for: ``Retry.when``, a number of seconds, or an ETA turned into seconds. They are
  kept by ``request.retries``, so they read in retry order whatever order the signals came in.
- ``before_task_publish`` sees every retry message on its way to the broker. Its ETA (now +
  countdown) is dropped, so the retry runs at once: the countdowns are checked as requested
  numbers, never by waiting for them. A test can instead *hold* a task's retries: their ETA is
  pushed a day ahead, so the task stays in the RETRY state while the test looks at it.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from celery import signals


class RetryLog:
    def __init__(self):
        self._lock = threading.Lock()
        self._countdowns: dict[str, dict[int, float]] = {}  # task id → {request.retries: countdown}
        self._retried: dict[str, threading.Event] = {}
        self._held: set[str] = set()

    # ── what tests read ──
    def countdowns(self, task_id: str) -> list[float]:
        """The countdowns, in retry order (the signals of two retries may come out of order)."""
        with self._lock:
            asked = self._countdowns.get(task_id, {})
            return [asked[retries] for retries in sorted(asked)]

    def hold(self, task_id: str) -> threading.Event:
        """Keep this task's retries waiting; the event is set at its first retry."""
        with self._lock:
            self._held.add(task_id)
            return self._retried.setdefault(task_id, threading.Event())

    # ── signal handlers ──
    def on_retry(self, sender=None, request=None, reason=None, **_):
        task_id = getattr(request, "id", None)
        if task_id is None:
            return
        when = getattr(reason, "when", None)
        if isinstance(when, datetime):
            now = datetime.now(when.tzinfo or UTC)
            when = (when - now).total_seconds()
        with self._lock:
            self._countdowns.setdefault(task_id, {})[request.retries] = when
            event = self._retried.setdefault(task_id, threading.Event())
        event.set()

    def before_publish(self, sender=None, headers=None, **_):
        if not headers or not headers.get("retries"):
            return  # not a retry
        with self._lock:
            held = headers.get("id") in self._held
        # The message is published with this very dict: changing it changes the message.
        if held:
            headers["eta"] = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        elif headers.get("eta"):
            headers["eta"] = None

    def connect(self) -> None:
        signals.task_retry.connect(self.on_retry, weak=False)
        signals.before_task_publish.connect(self.before_publish, weak=False)

    def disconnect(self) -> None:
        signals.task_retry.disconnect(self.on_retry)
        signals.before_task_publish.disconnect(self.before_publish)
