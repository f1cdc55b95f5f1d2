"""Hidden suite of exercise 14_celery_tasks (README: exercises/14_celery_tasks/README.md).

Real workers, real brokers, no eager mode. Tasks 2 and 5 run on a worker thread in this process
(grader.brokers.running_worker: in-memory transport by default, Redis or RabbitMQ when
configured). Tasks 3 and 4 run on two `celery worker` processes (prefork pool: the only pool
that enforces time limits), see kata_processes.py. Task 1 reads the learner's own settings from
a fresh copy of the module (kata_probe.py), never touched by the suite's broker settings.
Retry countdowns are checked as the numbers each retry asks for (kata_hooks.py): the suite
never waits for them.

Wrong answers this suite rejects:
- Task 1, no in-memory default (Celery's default broker is amqp://localhost):
  test_broker_and_backend_default_to_in_memory.
- Task 1, pickle accepted (`accept_content=["json", "pickle"]`, or a pickle serializer):
  test_only_json_is_accepted.
- Task 1, acks early (task_acks_late off, or no task_reject_on_worker_lost):
  test_tasks_are_acknowledged_late.
- Task 1, results kept forever or for Celery's default day: test_results_expire_after_one_hour.
- Task 1, STARTED never reported (no task_track_started): test_the_started_state_is_tracked,
  test_a_running_task_is_started.
- Task 1, eager mode (`task_always_eager=True`: tasks run in the caller, no worker):
  test_tasks_are_never_run_eagerly.
- Task 2, retry without backoff (a constant countdown): test_countdowns_double_after_each_failure.
- Task 2, jitter left on (Celery's default): test_countdowns_double_after_each_failure,
  test_countdowns_stop_growing_at_the_cap.
- Task 2, backoff without a cap (retry_backoff_max left at 600): test_countdowns_stop_growing_at_the_cap.
- Task 2, retrying forever (max_retries=None) or the wrong number of retries (Celery's default 3):
  test_the_task_gives_up_after_five_retries.
- Task 2, a retry loop inside one run instead of Celery retries:
  test_a_flaky_call_is_retried_until_it_succeeds.
- Task 2, the final error swallowed (returning None when retries run out):
  test_the_final_error_is_raised_not_swallowed.
- Task 3, the idempotency record kept in process memory (a dict, a set, lru_cache):
  test_the_same_key_charges_once_and_returns_the_first_result.
- Task 3, the record saved before the work (a failed charge is never retried):
  test_a_failed_charge_is_not_recorded.
- Task 4, no time limit: test_build_report_declares_a_soft_and_a_hard_time_limit.
- Task 4, SoftTimeLimitExceeded not handled, or handled without removing report.part:
  test_a_report_over_its_soft_limit_cleans_up_and_says_timed_out.
- Task 5, calling the task function directly (or `.apply()`) instead of sending it to a worker:
  test_enqueue_report_sends_the_task_to_a_worker.
- Task 5, task_status waiting for the result (`.get()`) or raising the task's error:
  test_a_running_task_is_started, test_a_failed_task_reports_its_error.
"""

from __future__ import annotations

import pytest
from kata_rig import MODULE, Rig, require_celery_app, require_task, run_fetch_report


def pytest_collection_modifyitems(items):
    """The tests of the worker processes (tasks 3 and 4) run last, each file's tests still in
    their order: the processes boot, and task 4's report over its soft limit waits out its limit,
    while tasks 1, 2 and 5 are graded. (The report lists tests by file, whatever the order.)"""
    items.sort(key=lambda item: "processes" in item.fixturenames)


# ── task 1: the learner's own settings ─────────────────────────────────────────────────────────


@pytest.fixture(scope="session")
def pristine():
    """The learner's settings with CELERY_BROKER_URL and CELERY_RESULT_BACKEND unset."""
    from kata_probe import read_settings

    from grader.loader import load

    load(MODULE)  # import problems get the loader's clear message first
    return read_settings(MODULE, {})


# ── tasks 2 and 5: a worker thread in this process ─────────────────────────────────────────────


@pytest.fixture(scope="session")
def broker():
    from grader.brokers import choose

    chosen = choose()
    yield chosen
    chosen.cleanup()


@pytest.fixture(scope="session")
def rig(broker):
    import celery.contrib.testing.tasks  # noqa: F401 - registers celery.ping (stops the worker)
    from kata_hooks import RetryLog
    from kata_service import ScriptedService

    from grader.brokers import running_worker
    from grader.loader import load

    module = load(MODULE)
    require_task(module, "fetch_report", 2)
    module.flaky_service = ScriptedService(module.ServiceUnavailable)
    retries = RetryLog()
    retries.connect()
    app = module.app
    app.conf.update(broker.celery_config())
    try:
        # In memory, nothing is left to clean up: a task that never ends cannot hold the exit.
        wait = 0 if broker.kind == "memory" else None
        # One pool thread: a retry runs only after the run that asked for it has finished and
        # stored RETRY. (Its ETA is dropped: with two threads it could end first, and RETRY
        # would overwrite its FAILURE.)
        with running_worker(app, pool="threads", concurrency=1, wait_on_exit=wait):
            yield Rig(module, app, module.flaky_service, retries)
    finally:
        retries.disconnect()


@pytest.fixture(scope="session")
def recovered(rig):
    """fetch_report on a service that fails 3 times, then answers."""
    return run_fetch_report(rig, failures=3)


@pytest.fixture(scope="session")
def exhausted(rig):
    """fetch_report on a service that keeps failing (12 times: more than 5 retries can reach)."""
    return run_fetch_report(rig, failures=12)


# ── tasks 3 and 4: two worker processes ────────────────────────────────────────────────────────


@pytest.fixture(scope="session", autouse=True)
def booting_processes(broker, tmp_path_factory):
    """The worker processes of tasks 3 and 4, started with the session: each takes half a second
    to boot, spent while tasks 1, 2 and 5 are graded (see pytest_collection_modifyitems).
    ``processes`` waits until they answer.

    Task 4's report over its soft limit is sent along (when build_report is a task already):
    it waits 0.3 s for the limit on a pool process of its own of worker "a", while the tests
    before it run. Elsewhere than Linux and macOS the prefork pool does not run: no report."""
    import os
    from pathlib import Path

    import kata_processes
    from kata_rig import send_report_over_the_limit, task_name_if_ready

    from grader.loader import exercise_dir

    folder = tmp_path_factory.mktemp("celery-processes")
    workers = kata_processes.launch(MODULE, exercise_dir(), Path(__file__).parent, folder, broker)
    try:
        report = task_name_if_ready(MODULE, "build_report")
        if report and not workers.problem and os.name != "nt":
            base = tmp_path_factory.mktemp("over-the-limit")
            workers.early["over-the-limit"] = send_report_over_the_limit(workers, report, base)
        yield workers
    finally:
        kata_processes.stop(workers)


@pytest.fixture(scope="session")
def processes(booting_processes):
    import kata_processes

    from grader.loader import load

    require_celery_app(load(MODULE))
    try:
        kata_processes.wait_until_ready(booting_processes)
    except kata_processes.WorkerStartError as error:
        pytest.fail(f"{error}\n(`celery -A {MODULE} worker` must be able to start your app.)")
    return booting_processes
