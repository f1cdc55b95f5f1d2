"""The flaky service the suite puts in place of the learner's module-level `flaky_service`.

Each key has a plan: fail the first N calls with the learner's ServiceUnavailable, optionally
hold a call until the test releases it, or raise an error that is not worth retrying. Every call
is recorded with where it ran (from a queue by a worker, eagerly, or in a plain call), so a
test can tell a worker's call from a direct or eager one. (request.hostname cannot tell: the
thread pool reports the machine's name, as apply() does.)
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Call:
    retries: int | None  # request.retries of the task that made the call (None: no task)
    from_worker: bool  # a worker ran it, from a message it took off a queue
    eager: bool  # run by apply() / task_always_eager, not by a worker
    task_id: str | None
    thread: str


@dataclass
class Plan:
    failures: int = 0
    other_error: type[Exception] | None = None  # raised instead of answering (never retried)
    hold: bool = False
    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


class ScriptedService:
    HOLD_SECONDS = 5.0  # a held call gives up after this, so a forgotten release never hangs

    def __init__(self, unavailable: type[Exception]):
        self.unavailable = unavailable
        self._plans: dict[str, Plan] = {}
        self._calls: dict[str, list[Call]] = {}
        self._lock = threading.Lock()

    def plan(self, key: str, **options) -> Plan:
        with self._lock:
            plan = self._plans[key] = Plan(**options)
            self._calls[key] = []
        return plan

    def calls(self, key: str) -> list[Call]:
        with self._lock:
            return list(self._calls.get(key, ()))

    def fetch(self, key: str) -> str:
        call = _describe_caller()
        with self._lock:
            plan = self._plans.setdefault(key, Plan())
            calls = self._calls.setdefault(key, [])
            calls.append(call)
            number = len(calls)
        if plan.hold:
            plan.entered.set()
            plan.release.wait(self.HOLD_SECONDS)
        if number <= plan.failures:
            raise self.unavailable(f"{key}: service unavailable (call {number})")
        if plan.other_error is not None:
            raise plan.other_error(f"{key}: bad request, retrying will not help")
        return f"report {key}"


def _describe_caller() -> Call:
    from celery import current_task

    request = current_task.request if current_task else None
    thread = threading.current_thread().name
    if request is None or request.id is None:
        return Call(None, False, False, None, thread)
    eager = bool(request.is_eager)
    delivered = bool((request.delivery_info or {}).get("routing_key"))
    return Call(
        retries=request.retries,
        from_worker=delivered and not eager and not request.called_directly,
        eager=eager,
        task_id=request.id,
        thread=thread,
    )
