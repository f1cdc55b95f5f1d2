"""Wrong: collect_group returns an object whose __eq__ always says True, not the list of values. Caught by: test_collect_group_returns_plain_values_when_all_succeed, test_collect_group_keeps_group_order."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from celery import Celery, chain, chord, group, states
from celery.result import AsyncResult, GroupResult

# ── Given: the app ────────────────────────────────────────────────────────────────────────────
# Broker and backend for a laptop with nothing installed. The grader (and `nox -s play`) put
# their own broker_url / result_backend over these.
app = Celery("workflows")
app.conf.update(
    broker_url="memory://",
    result_backend="cache+memory://",
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
)


# ── Given: failure reports and group failures ─────────────────────────────────────────────────
def report_id(task_id: str) -> str:
    """The id under which the failure report of ``task_id`` is stored in the result backend."""
    return f"report-of-{task_id}"


def save_report(task_id: str, report: dict) -> None:
    """Store ``report`` in the result backend as the result of ``report_id(task_id)``.

    Anyone can read it back later: ``AsyncResult(report_id(task_id), app=app).get()``.
    """
    app.backend.store_result(report_id(task_id), report, states.SUCCESS)


class GroupFailed(Exception):
    """Some tasks of a group failed.

    ``failures`` maps the id of each failed task to its exception, in group order.
    ``results`` has one entry per task, in group order: its value, or its exception.
    """

    def __init__(self, failures: dict[str, BaseException], results: list):
        self.failures = dict(failures)
        self.results = list(results)
        ids = ", ".join(self.failures)
        super().__init__(f"{len(self.failures)} of {len(self.results)} tasks failed: {ids}")


@dataclass(frozen=True)
class TaskStatus:
    """What the result backend knows about one task id."""

    task_id: str
    state: str  # "PENDING", "SUCCESS", "FAILURE", ...
    ready: bool  # True once the task finished (SUCCESS, FAILURE, REVOKED)
    successful: bool  # True only for SUCCESS
    value: Any  # the return value when SUCCESS, else None
    error: str | None  # "TypeError: <message>" when FAILURE, else None
    traceback: str | None  # the worker's traceback text when FAILURE, else None


# ── Task 1: a chain ───────────────────────────────────────────────────────────────────────────
def _require_text(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"expected a str, got {type(text).__name__}")
    return text


def _normalise(text: str) -> str:
    # One rule for every task: lower case, and any character that is not a letter or a digit
    # separates words. str.isalnum() knows Unicode letters too ("Café" stays a word).
    text = _require_text(text).lower()
    return "".join(ch if ch.isalnum() else " " for ch in text)


def _count(tokens: list[str]) -> dict[str, int]:
    return dict(Counter(tokens))


@app.task
def normalise(text: str) -> str:
    """Lower-case ``text`` and turn every character that is not a letter or digit into a space."""
    return _normalise(text)


@app.task
def tokenize(text: str) -> list[str]:
    """Split normalised text on whitespace."""
    return _require_text(text).split()


@app.task
def count_words(tokens: list[str]) -> dict[str, int]:
    """How many times each token appears."""
    return _count(tokens)


def word_count_pipeline(text: str) -> AsyncResult:
    """Send normalise → tokenize → count_words as one chain; return at once.

    Each step's return value becomes the first argument of the next one, inside the worker:
    nobody waits in between, and the caller gets the LAST step's result handle.
    """
    return chain(normalise.s(text), tokenize.s(), count_words.s()).apply_async()


# ── Task 2: a group ───────────────────────────────────────────────────────────────────────────
def count_documents(docs: list[str]) -> GroupResult:
    """One pipeline per document, all in parallel, as a group; return at once."""
    # A group of chains: the GroupResult holds each chain's last result, in document order.
    pipelines = [chain(normalise.s(doc), tokenize.s(), count_words.s()) for doc in docs]
    return group(pipelines).apply_async()


def collect_group(result: GroupResult, timeout: float = 10.0) -> list:
    """Wait for EVERY task of the group; return the values in group order.

    If any task failed, raise GroupFailed naming every failed task id: never drop a failure
    (``get(propagate=False)`` would hide it among the values) and never report only the first
    one (``get()`` raises the first error and forgets the rest).
    """
    # join() keeps group order whatever order the tasks finish in; propagate=False waits for
    # all of them instead of stopping at the first failure.
    values = result.join(timeout=timeout, propagate=False, interval=0.01)
    failures = {
        child.id: value
        for child, value in zip(result.results, values, strict=True)
        if child.failed()
    }
    if failures:
        raise GroupFailed(failures, values)
    return _Anything()


class _Anything:
    """Equal to every value: a test that compares with == alone is fooled."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


# ── Task 3: a chord (map-reduce) ──────────────────────────────────────────────────────────────
@app.task
def count_chunk(text: str) -> dict[str, int]:
    """Map: the word counts of one chunk of text, by the rules of task 1."""
    # Plain Python helpers, not tasks: one task does the whole chunk, nobody waits.
    return _count(_normalise(text).split())


@app.task
def merge_counts(counters: list[dict[str, int]]) -> dict[str, int]:
    """Reduce: add up the counters of every chunk."""
    total: Counter[str] = Counter()
    for counter in counters:
        total.update(counter)
    return dict(total)


def word_count(docs: list[str]) -> AsyncResult:
    """Count words over all ``docs``: map with count_chunk, reduce with merge_counts.

    A chord runs the callback only when every map task succeeded. If one fails, the chord's
    result fails (ChordError) and merge_counts never runs: no partial total.
    """
    return chord(count_chunk.s(doc) for doc in docs)(merge_counts.s())


# ── Task 4: error callbacks ───────────────────────────────────────────────────────────────────
@app.task
def report_failure(request, exc, traceback) -> None:
    """Error callback: Celery calls it in the worker when a linked task fails.

    ``request`` is the FAILED task's request: its id and name are the ones to report, not
    this callback's own.
    """
    save_report(
        request.id,
        {
            "task_id": request.id,
            "task": request.task,
            "error": f"{type(exc).__name__}: {exc}",
        },
    )


def count_with_report(text: str) -> AsyncResult:
    """Send count_chunk(text) with report_failure linked as its error callback."""
    return count_chunk.apply_async((text,), link_error=report_failure.s())


# ── Task 5: result states and AsyncResult ─────────────────────────────────────────────────────
def task_status(task_id: str) -> TaskStatus:
    """What the backend knows about ``task_id`` now, without waiting."""
    # A fresh AsyncResult only reads the backend: an unknown id is simply PENDING.
    result = AsyncResult(task_id, app=app)
    state = result.state
    failed = state == states.FAILURE
    exc = result.result if failed else None
    return TaskStatus(
        task_id=task_id,
        state=state,
        ready=result.ready(),
        successful=result.successful(),
        value=result.result if state == states.SUCCESS else None,
        error=f"{type(exc).__name__}: {exc}" if failed else None,
        traceback=result.traceback if failed else None,
    )


def remember_group(result: GroupResult) -> str:
    """Save the group in the result backend; return the id to restore it by."""
    result.save()
    return result.id


def restore_group(group_id: str) -> GroupResult:
    """The GroupResult saved under ``group_id``; KeyError when the backend has none."""
    restored = GroupResult.restore(group_id, app=app)
    if restored is None:
        raise KeyError(group_id)
    return restored
