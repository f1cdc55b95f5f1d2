"""Fixtures of the hidden suite of exercise 15 — celery_canvas.

One real Celery worker for the whole suite: Celery's own test worker (a thread of this process,
thread pool, 2 threads) consuming the learner's app on the broker grader.brokers chooses
(in-memory by default, Redis or RabbitMQ when configured). Before the worker starts, the suite
reads the learner's own settings, registers its tiny helper tasks (kata_tasks) on the app, and
connects a recorder to Celery's task signals (kata_recorder) to see what ran where.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture(scope="session")
def canvas():
    """The learner's module, its app under a running worker, the suite's tasks and recorder."""
    # Registers celery.ping, which running_worker sends to wake the worker when it stops.
    import celery.contrib.testing.tasks  # noqa: F401
    from kata_recorder import Recorder
    from kata_tasks import SuiteTasks

    from grader.brokers import choose, running_worker
    from grader.loader import load

    mod = load("workflows")
    app = mod.app
    # The learner's own setting, read before the suite puts its broker settings over the app.
    learner_eager = bool(app.conf.task_always_eager)
    broker = choose()
    suite_tasks = SuiteTasks(app)
    app.conf.update(broker.celery_config())
    recorder = Recorder(app)
    recorder.connect()
    try:
        with running_worker(
            app, pool="threads", concurrency=2, wait_on_exit=0 if broker.kind == "memory" else None
        ) as worker:
            yield SimpleNamespace(
                mod=mod,
                app=app,
                worker=worker,
                broker=broker,
                tasks=suite_tasks,
                recorder=recorder,
                learner_eager=learner_eager,
            )
    finally:
        recorder.disconnect()
        broker.cleanup()
