"""The Celery app grading workers run: `celery -A grader.distributed worker -Q kata-grading`.

`nox -s grading-worker -- --broker URL` starts it (grader/commands/grading_worker.py). One task,
``grade_submission``: a submission's exercise folders arrive as an archive (content, never a
path), are unpacked into a private temporary folder and graded by this machine's own pristine
grader through grader.gradebook.batch — the same runner, isolation and limits as local grading,
and this worker's own result cache. The report goes back through the result backend.

Nothing is lost when a worker dies mid-task: a task is acknowledged only once its report is
stored (late acks), a pool process that dies puts it back (reject on worker lost), and a worker
holds one task at a time. A worker killed outright leaves its task unacknowledged on the broker;
Redis hands it to another worker once the visibility timeout has passed, so that timeout is
fitted to the longest a submission can take (RabbitMQ requeues on disconnect).

Settings come from the environment the grading-worker verb sets: KATA_GRADING_BROKER,
KATA_GRADING_BACKEND (default: the broker's URL for Redis), KATA_GRADING_COURSE (the manifest),
KATA_GRADING_CACHE (the worker's result cache), KATA_GRADING_JOBS (exercises graded at once).
"""

from __future__ import annotations

import dataclasses
import os
import platform
import shutil
import tempfile
from pathlib import Path

from celery import Celery

from grader.errors import UsageError
from grader.manifest import MANIFEST_PATH, Course, load_course
from grader.runner import BOOT_ALLOWANCE

QUEUE = "kata-grading"
TASK_NAME = "kata.grade_submission"
BROKER_VARIABLE = "KATA_GRADING_BROKER"
BACKEND_VARIABLE = "KATA_GRADING_BACKEND"
COURSE_VARIABLE = "KATA_GRADING_COURSE"
CACHE_VARIABLE = "KATA_GRADING_CACHE"
JOBS_VARIABLE = "KATA_GRADING_JOBS"
# Unpacking, the snapshot of the grader, scoring and storing the report, beyond the children.
VISIBILITY_MARGIN = 15.0
# Seconds between a worker's looks for tasks a dead worker held past the visibility timeout.
RESTORE_EVERY = 5
# A broker is reached within seconds or reported as unreachable.
CONNECT_SECONDS = 3.0


class BrokerUnreachable(UsageError):
    """The broker or the result backend does not answer: nothing was sent."""


class GradingRefused(Exception):
    """The worker will not grade this task; the message says why and what to do."""


def longest_submission_seconds(course: Course) -> float:
    """The most a whole submission can take on one worker: every exercise up to its limit, one
    after the other, plus the work around the children."""
    children = sum(
        exercise.limits.exercise_seconds + BOOT_ALLOWANCE for exercise in course.exercises
    )
    return children + VISIBILITY_MARGIN


def default_backend(broker: str) -> str | None:
    """Redis stores results as well as it queues tasks; other brokers need a backend named."""
    return broker if broker.startswith(("redis://", "rediss://", "unix://")) else None


def make_app(broker: str, backend: str | None, course: Course) -> Celery:
    """The app both sides use: the client to send and collect, the worker to consume."""
    app = Celery(
        "kata-grading",
        broker=broker,
        backend=backend or default_backend(broker),
        set_as_current=False,
    )
    visibility = longest_submission_seconds(course)
    app.conf.update(
        # JSON only: a pickled message could run code on whoever unpickles it.
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_accept_content=["json"],
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # Past this, Celery ends the task (a failure, acknowledged) before Redis redelivers it.
        task_time_limit=visibility,
        broker_transport_options={
            "visibility_timeout": visibility,
            # Look for a dead worker's tasks every few seconds (kombu's default is 100 s).
            "unacked_restore_interval": RESTORE_EVERY,
            "unacked_restore_throttle": 1,
            "socket_timeout": 30,
        },
        broker_connection_timeout=CONNECT_SECONDS,
        redis_socket_connect_timeout=CONNECT_SECONDS,
        redis_socket_timeout=30,
        redis_retry_on_timeout=True,
        result_extended=False,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
    )
    return app


def check_broker(app: Celery) -> None:
    """Reach the broker and the result backend within seconds, or say which one does not."""
    from kombu.utils.url import maybe_sanitize_url

    for role, url, probe in (
        ("broker", app.conf.broker_url, lambda: _connect(app)),
        (
            "result backend",
            app.conf.result_backend,
            lambda: app.backend.get_task_meta("kata-probe"),
        ),
    ):
        try:
            probe()
        except Exception as error:  # any client library's way of failing to connect
            why = " ".join(str(error).split()) or type(error).__name__
            raise BrokerUnreachable(
                f"cannot reach the {role} at {maybe_sanitize_url(str(url))} ({why}): start it, "
                f"or check the URL, its password and the firewall or SSH tunnel"
            ) from None


def _connect(app: Celery) -> None:
    with app.connection_for_write() as connection:
        connection.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0.5, interval_max=0.5,
            timeout=CONNECT_SECONDS,
        )  # fmt: skip


def worker_course() -> Course:
    return load_course(Path(os.environ.get(COURSE_VARIABLE) or MANIFEST_PATH))


def _worker_app() -> Celery:
    broker = os.environ.get(BROKER_VARIABLE, "")
    app = make_app(broker or "memory://", os.environ.get(BACKEND_VARIABLE) or None, worker_course())
    app.task(name=TASK_NAME)(grade_submission)
    return app


def grade_submission(archive_b64: str, grader_fingerprint: str, options: dict) -> dict:
    """One submission's report (the `grade --json` model plus "submission"), graded here.

    ``options``: ``exercises``, the ids to grade (default: every exercise of this course);
    ``use_cache``, false to grade again what this worker's cache holds."""
    from grader.gradebook import batch
    from grader.gradebook.archive import UnsafeArchive, unpack_exercises
    from grader.gradebook.cache import ResultCache
    from grader.gradebook.cache import grader_fingerprint as fingerprint_of

    course = worker_course()
    own = fingerprint_of(course)
    if grader_fingerprint != own:
        raise GradingRefused(
            f"this worker's grader is version {own[:12]}, the task was sent by grader version "
            f"{str(grader_fingerprint)[:12]}: update both to the same commit of the course "
            f"(git pull) and restart the worker"
        )
    options = options if isinstance(options, dict) else {}
    wanted = options.get("exercises")
    by_id = {exercise.id: exercise for exercise in course.exercises}
    if wanted is not None:
        unknown = [str(name) for name in wanted if name not in by_id]
        if unknown or not isinstance(wanted, list):
            raise GradingRefused(f"this course has no exercise {', '.join(unknown)}")
        course = dataclasses.replace(course, exercises=tuple(by_id[name] for name in wanted))
    cache = ResultCache(_cache_folder(course), own)
    scratch = Path(tempfile.mkdtemp(prefix="kata-grading-"))
    try:
        try:
            exercises = unpack_exercises(
                archive_b64, scratch, {exercise.folder for exercise in course.exercises}
            )
        except UnsafeArchive as error:
            raise GradingRefused(str(error)) from None
        jobs = int(os.environ.get(JOBS_VARIABLE) or 0) or None
        try:
            return batch.grade_submission(
                course, exercises, cache, use_cache=options.get("use_cache", True) is not False,
                jobs=jobs,
            )  # fmt: skip
        except batch.TamperedGrader as error:
            raise GradingRefused(f"on worker {platform.node()}: {error}") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _cache_folder(course: Course) -> Path:
    return Path(os.environ.get(CACHE_VARIABLE) or course.root / ".kata" / "grading-worker-cache")


app = _worker_app()
