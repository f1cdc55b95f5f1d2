"""Celery canvas: chain, group and chord, error callbacks, result states.

A word count built from small tasks. Read README.md first: it lists the rules the grader checks.
The workflow functions only SEND messages and hand back result handles: the worker does the
work, the result backend keeps the answers.

The app, save_report, GroupFailed and TaskStatus are given and complete. Every function that
raises NotImplementedError is yours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from celery import Celery, chain, chord, group, states  # noqa: F401 - you will need them
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
@app.task
def normalise(text: str) -> str:
    """Lower-case ``text`` and turn every character that is not a letter or digit into a space.

    Raise TypeError when ``text`` is not a str.
    """
    raise NotImplementedError


@app.task
def tokenize(text: str) -> list[str]:
    """Split normalised text on whitespace."""
    raise NotImplementedError


@app.task
def count_words(tokens: list[str]) -> dict[str, int]:
    """How many times each token appears: {"word": count}."""
    raise NotImplementedError


def word_count_pipeline(text: str) -> AsyncResult:
    """Send normalise → tokenize → count_words as ONE chain; return its result at once."""
    raise NotImplementedError


# ── Task 2: a group ───────────────────────────────────────────────────────────────────────────
def count_documents(docs: list[str]) -> GroupResult:
    """Send one word-count pipeline per document, all as one group; return at once."""
    raise NotImplementedError


def collect_group(result: GroupResult, timeout: float = 10.0) -> list:
    """Wait for EVERY task of the group; return the values in group order.

    If any task failed, raise GroupFailed(failures, results) naming every failed task id.
    """
    raise NotImplementedError


# ── Task 3: a chord (map-reduce) ──────────────────────────────────────────────────────────────
@app.task
def count_chunk(text: str) -> dict[str, int]:
    """Map: the word counts of one chunk of text, by the rules of task 1.

    Raise TypeError when ``text`` is not a str.
    """
    raise NotImplementedError


@app.task
def merge_counts(counters: list[dict[str, int]]) -> dict[str, int]:
    """Reduce: add up the counters of every chunk."""
    raise NotImplementedError


def word_count(docs: list[str]) -> AsyncResult:
    """Count words over all ``docs`` as a chord: count_chunk per doc, then merge_counts."""
    raise NotImplementedError


# ── Task 4: error callbacks ───────────────────────────────────────────────────────────────────
@app.task
def report_failure(request, exc, traceback) -> None:
    """Error callback: Celery calls it in the worker when a linked task fails.

    Save {"task_id": ..., "task": ..., "error": "<ExceptionType>: <message>"} about the FAILED
    task with save_report(...).
    """
    raise NotImplementedError


def count_with_report(text: str) -> AsyncResult:
    """Send count_chunk(text) with report_failure linked as its error callback."""
    raise NotImplementedError


# ── Task 5: result states and AsyncResult ─────────────────────────────────────────────────────
def task_status(task_id: str) -> TaskStatus:
    """What the backend knows about ``task_id`` now, without waiting."""
    raise NotImplementedError


def remember_group(result: GroupResult) -> str:
    """Save the group in the result backend; return the id to restore it by."""
    raise NotImplementedError


def restore_group(group_id: str) -> GroupResult:
    """The GroupResult saved under ``group_id``; KeyError when the backend has none."""
    raise NotImplementedError
