"""Fixture Celery suite. Wrong answers it rejects: adding in the caller (test_add_runs_in_the_worker)."""

import pytest


@pytest.mark.task(1)
def test_add_runs_in_the_worker(jobs):
    module, _worker = jobs
    total, eager = module.add.delay(2, 3).get(timeout=10, interval=0.01)
    assert (total, eager) == (5, False), f"got {total!r}, eager={eager!r}"
