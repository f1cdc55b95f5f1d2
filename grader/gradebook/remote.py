"""Grade a class on grading workers: the same contract as batch.grade_class, through a broker.

Students the local cache (or an interrupted batch) already serves are finished here, exactly as
grade_class finishes them. For every other student, their pending exercise folders travel as an
archive in one Celery task (grader.distributed.grade_submission); a worker grades them with its
own pristine grader and sends the report back through the result backend. The report each
student gets is built here, from the exercises' results, by the same code as local mode's, so
the CSV, the JSON reports and report.html cannot tell the two apart (only durations differ).
Fresh results go into the local cache too, so the next batch sends only what changed.

A task that fails gives that student an error report saying why; it never stops the batch.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from grader import distributed
from grader.errors import UsageError
from grader.gradebook import batch
from grader.gradebook.archive import UnsendableSubmission, pack_exercises
from grader.gradebook.cache import ResultCache
from grader.manifest import Course, Exercise
from grader.results import printable
from grader.writers.json_report import exercise_from_dict

# One task per submission spreads a class as well as one per exercise on 2 cores, with a
# quarter of the messages (see `nox -s bench`); "exercise" is kept for measuring that.
SUBMISSION, EXERCISE = "submission", "exercise"
# How long the batch waits for any worker to answer before saying how to start one.
WORKER_WAIT = 60.0
# Between looks at the results still out (one MGET for all of them from Redis): a result is
# seen 25 ms late on average, and a submission takes a second or more to grade.
_POLL = 0.05
_PING_EVERY = 10.0
_NOT_CACHED = {"timeout"}


class NoWorkers(UsageError):
    """No grading worker answered within the wait."""


@dataclass
class RemoteRun:
    """One exercise graded on a worker, as the progress display reads a finished run."""

    exercise: Exercise
    duration: float


@dataclass
class _Sent:
    work: batch.StudentWork
    exercises: list[Exercise]
    result: object  # celery AsyncResult


@dataclass
class _Gathered:
    entries: dict[str, dict] = field(default_factory=dict)  # exercise id -> entry
    cached: set[str] = field(default_factory=set)
    duration: float = 0.0
    error: str = ""


def grade_class_remote(
    course: Course,
    works: list[batch.StudentWork],
    cache: ResultCache,
    *,
    broker: str,
    backend: str | None = None,
    on_run: Callable[[RemoteRun, str], None] | None = None,
    on_student: Callable[[dict], None] | None = None,
    granularity: str = SUBMISSION,
    worker_wait: float = WORKER_WAIT,
) -> dict[str, dict]:
    """student -> report for every planned student, in their order (as grade_class)."""
    reports: dict[str, dict] = {}
    local = [work for work in works if not work.pending]
    remote = [work for work in works if work.pending]
    if local:  # served by the cache, kept from --resume, or unreadable: nothing to send
        reports.update(batch.grade_class(course, local, cache, on_student=on_student))
    if remote:
        if not (backend or distributed.default_backend(broker)):
            raise UsageError(
                f"--broker {broker.split('://')[0]}://… needs a result backend for the reports: "
                f"add --backend redis://HOST:6379/1 (or another Celery result backend URL)"
            )
        app = distributed.make_app(broker, backend, course)
        distributed.check_broker(app)
        _wait_for_a_worker(app, broker, worker_wait)
        tasks, unsendable = _send(app, remote, cache, granularity)
        gathered = {work.submission.student: _Gathered() for work in remote}
        for student, why in unsendable.items():
            gathered[student].error = why

        def finish(work: batch.StudentWork) -> None:
            report = _finish(course, work, gathered[work.submission.student], cache)
            reports[work.submission.student] = report
            if on_student:
                on_student(report)

        waiting: dict[str, int] = {}
        for task in tasks:
            student = task.work.submission.student
            waiting[student] = waiting.get(student, 0) + 1
        for work in remote:
            if work.submission.student not in waiting:
                finish(work)
        _collect(app, broker, tasks, gathered, waiting, on_run, finish, worker_wait)
    return {work.submission.student: reports[work.submission.student] for work in works}


def _wait_for_a_worker(app, broker: str, seconds: float) -> None:
    # A ping collects replies for its whole timeout unless told how many to wait for: one
    # worker's answer is enough here and in _collect, a second sooner than the timeout.
    deadline = time.monotonic() + seconds
    while not app.control.ping(timeout=1.0, limit=1):
        if time.monotonic() > deadline:
            raise _no_workers(broker, seconds)


def _no_workers(broker: str, seconds: float) -> NoWorkers:
    from kombu.utils.url import maybe_sanitize_url

    return NoWorkers(
        f"no grading worker answered on {maybe_sanitize_url(broker)} within {seconds:g} s: start "
        f"one on a machine with this course, `nox -s grading-worker -- --broker {broker}`, "
        f"then grade again (--resume keeps what was done)"
    )


def _send(app, works, cache, granularity) -> tuple[list[_Sent], dict[str, str]]:
    """One task per submission (or per submission and exercise); student -> why for those whose
    files cannot travel."""
    tasks, unsendable = [], {}
    for work in works:
        if granularity == EXERCISE:
            groups = [[exercise] for exercise in work.pending]
        else:
            groups = [list(work.pending)]
        try:
            archives = [
                pack_exercises(work.submission.exercises_dir, [e.folder for e in group])
                for group in groups
            ]
        except (UnsendableSubmission, OSError) as error:
            unsendable[work.submission.student] = printable(str(error))
            continue
        for group, archive in zip(groups, archives, strict=True):
            # A worker grades what it is sent, never from a cache of its own: what this cache
            # holds was served above, and a row says "cached" for that alone, as local mode's do.
            options = {"exercises": [exercise.id for exercise in group], "use_cache": False}
            result = app.send_task(
                distributed.TASK_NAME, args=(archive, cache.fingerprint, options),
                queue=distributed.QUEUE,
            )  # fmt: skip
            tasks.append(_Sent(work, group, result))
    return tasks, unsendable


def _collect(app, broker, tasks, gathered, waiting, on_run, finish, worker_wait) -> None:
    """Read each task's outcome as it arrives; stop only when none is left, or when no worker
    has answered for ``worker_wait`` seconds."""
    pending = list(tasks)
    last_news = last_ping = time.monotonic()
    while pending:
        arrived = {id(task) for task in _arrived(app, pending)}
        still = []
        for task in pending:
            if id(task) not in arrived:
                still.append(task)
                continue
            last_news = time.monotonic()
            student = task.work.submission.student
            _take(task, gathered[student], on_run)
            task.result.forget()
            waiting[student] -= 1
            if waiting[student] == 0:
                finish(task.work)
        pending = still
        if not pending:
            return
        now = time.monotonic()
        if now - last_news > _PING_EVERY and now - last_ping > _PING_EVERY:
            last_ping = now
            if app.control.ping(timeout=1.0, limit=1):
                last_news = now  # somebody is grading: a long submission, not a lost farm
            elif now - last_news > worker_wait:
                raise _no_workers(broker, worker_wait)
        time.sleep(_POLL)


def _arrived(app, pending: list[_Sent]) -> list[_Sent]:
    """The tasks whose outcome is in. A key-value result backend (Redis) is asked about all of
    them at once: one GET per task and per look kept a class of 200 busy at a fifth of a core
    (and Redis with it), one MGET takes a fiftieth. Other backends are asked task by task."""
    from celery import states

    backend = app.backend
    if not (hasattr(backend, "mget") and hasattr(backend, "get_key_for_task")):
        return [task for task in pending if task.result.ready()]
    keys = [backend.get_key_for_task(task.result.id) for task in pending]
    values = backend.mget(keys)
    if hasattr(values, "get"):  # some clients answer with a mapping of key to value
        values = [values.get(key) for key in keys]
    return [
        task
        for task, value in zip(pending, values, strict=True)
        if value is not None and backend.decode_result(value).get("status") in states.READY_STATES
    ]


def _take(task: _Sent, gathered: _Gathered, on_run) -> None:
    outcome = task.result
    report = outcome.result if outcome.successful() else None
    if not isinstance(report, dict):
        why = outcome.result if report is None else f"an unexpected answer ({type(report)})"
        if not gathered.error:
            gathered.error = printable(" ".join(f"a grading worker failed: {why}".split()))
        return
    submission = report.get("submission", {})
    content = submission.get("content", {})
    for exercise in task.exercises:
        entry = next((e for e in report.get("exercises", []) if e.get("id") == exercise.id), None)
        if entry is None or content.get(exercise.folder) != task.work.content[exercise.folder]:
            gathered.error = gathered.error or (
                f"the worker's report of {exercise.folder} does not match what was sent: "
                f"grade this student again"
            )
            continue
        gathered.entries[exercise.id] = entry
        if on_run:
            on_run(RemoteRun(exercise, entry.get("duration", 0.0)), task.work.submission.student)
    gathered.cached.update(submission.get("cached", []))
    gathered.duration += float(submission.get("duration", 0.0))


def _finish(course: Course, work: batch.StudentWork, gathered: _Gathered, cache) -> dict:
    if gathered.error:
        # One line why, and nothing of this student's kept: a partial grade would mislead.
        work.error = gathered.error
        work.results = {}
        work.cached = []
    else:
        for exercise_id, entry in gathered.entries.items():
            held = batch.Held(exercise_from_dict(entry), fresh=True)
            work.results[exercise_id] = held
            if entry.get("status") not in _NOT_CACHED:
                cache.put(held.folder, work.content[held.folder], entry)
        work.cached = [
            exercise.id
            for exercise in course.exercises
            if exercise.id in set(work.cached) | gathered.cached
        ]
    report = batch._report(course, work, cache.fingerprint)
    report["submission"]["duration"] = round(gathered.duration, 2)
    return report
