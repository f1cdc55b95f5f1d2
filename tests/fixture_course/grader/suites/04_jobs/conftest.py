"""Fixture Celery suite: one real in-process worker for the whole module."""

import pytest

from grader.brokers import choose, running_worker
from grader.loader import load


@pytest.fixture(scope="session")
def jobs():
    import celery.contrib.testing.tasks  # noqa: F401 - registers celery.ping

    module = load("jobs")
    broker = choose()
    module.app.conf.update(broker.celery_config())
    with running_worker(module.app, wait_on_exit=0 if broker.kind == "memory" else None) as worker:
        yield module, worker
    broker.cleanup()
