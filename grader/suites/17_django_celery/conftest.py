"""Hidden suite of exercise 17 — django_celery, the capstone (Django + DRF + Celery).

The learner writes the project's Celery app (proj_celery.py), the task build_report
(reports/tasks.py) and two DRF views (reports/views.py): POST /api/reports/ stores a Report and
sends the task only after the transaction commits, answering 202 Accepted with the task id;
GET /api/tasks/<task_id>/ reports the task's state from the result backend. Every task runs in
one real worker (grader.brokers.running_worker, threads) consuming the suite's broker
(in-memory, Redis or RabbitMQ); the suite watches the broker side through Celery's own signals
(after_task_publish in the sending thread, task_received / task_prerun in the worker).

The database: `@pytest.mark.django_db(transaction=True)` on every test that runs a task. The
view's transaction really commits (no test-wide transaction to roll back), so the worker thread
— with its own database connection — reads what the request wrote. The test database is an
SQLite file in the temp folder (kata_settings: DATABASES["default"]["TEST"]["NAME"]), not
Django's shared-cache in-memory one, whose table locks fail at once instead of waiting;
pytest-django flushes it after each test. Requests run with ATOMIC_REQUESTS on.

Wrong answers this suite rejects:
- build_report.delay() inside the transaction (before the commit)
  — test_task_is_sent_after_the_request_transaction_commits (sent while in an atomic block),
  test_nothing_is_sent_before_the_outer_transaction_commits, test_rolled_back_request_sends_nothing
  (a rolled-back request must publish nothing, and the worker must receive nothing).
- transaction.on_commit(build_report.apply_async(...)) — the call runs at once, on_commit gets
  its result — test_rolled_back_request_sends_nothing (and every POST test: TypeError).
- 200 or 201 instead of 202 Accepted — test_post_answers_202_accepted.
- No task id in the body (delay_on_commit returns None) — test_body_and_location_point_to_the_task_status.
- A task id in the answer that is not the id of the task sent (fresh uuid, then delay())
  — test_task_id_in_the_answer_is_the_task_the_worker_runs,
  test_nothing_is_sent_before_the_outer_transaction_commits.
- No validation: a blank or missing title still accepted — test_invalid_request_answers_400_and_sends_nothing.
- The Report object as the task's argument (not JSON) — test_task_message_carries_the_report_id_as_json
  (and every POST test, with the same message).
- A task that swallows DoesNotExist and "succeeds" — test_build_report_of_a_missing_row_fails_with_does_not_exist.
- A task that never saves the row — test_build_report_marks_the_row_done_with_its_word_count.
- A status endpoint that always says SUCCESS — test_unknown_task_id_is_pending,
  test_state_goes_pending_then_started_then_success_with_the_result.
- A status endpoint that reads the Report row instead of the result backend — test_unknown_task_id_is_pending,
  test_state_goes_pending_then_started_then_success_with_the_result,
  test_failed_task_reports_a_short_error_without_the_traceback (suite tasks have no row).
- A status endpoint that leaks the traceback — test_failed_task_reports_a_short_error_without_the_traceback.
- A status endpoint that waits for the task (result.get) — test_unknown_task_id_is_pending,
  test_state_goes_pending_then_started_then_success_with_the_result.
- The app not configured from Django's settings (no namespace="CELERY"), or eager mode turned
  on — test_app_reads_the_celery_settings_from_django.
- No autodiscover_tasks(): a worker started with -A proj_celery does not know build_report
  — test_worker_start_up_discovers_build_report.
"""

from __future__ import annotations

from dataclasses import dataclass

import kata_celery
import pytest

# Settings the suite reads from the learner's app before putting its own broker over it.
SNAPSHOT = (
    "broker_url",
    "result_backend",
    "task_serializer",
    "result_serializer",
    "accept_content",
    "task_track_started",
    "task_always_eager",
)


@dataclass
class LearnerApp:
    app: object
    # The learner's own configuration, as it was before the suite chose the broker.
    original: dict


@dataclass
class Worker:
    app: object
    hostname: str
    # The task names the app knew after the worker's start-up imports (autodiscovery).
    registered: frozenset
    # The suite's own tasks on the learner's app (kata_celery.register_suite_tasks).
    suite_tasks: dict


@pytest.fixture(autouse=True)
def learner_models():
    """A broken reports/models.py fails every test with the loader's message."""
    import kata_apps

    from grader.learner_apps import models_failure
    from grader.loader import LearnerCodeError

    failure = models_failure(kata_apps.LearnerReportsConfig)
    if failure:
        raise LearnerCodeError(failure)


@pytest.fixture(scope="session")
def broker():
    from grader.brokers import choose

    chosen = choose()
    yield chosen
    chosen.cleanup()


@pytest.fixture(scope="session")
def learner_app(broker) -> LearnerApp:
    """proj_celery.app, its own settings recorded, then pointed at the suite's broker."""
    from celery import Celery

    from grader.loader import LearnerCodeError, load

    app = load("proj_celery").app
    if not isinstance(app, Celery):
        raise LearnerCodeError(
            f'proj_celery.app must be a Celery app (app = Celery("proj")), got '
            f"{type(app).__name__} (task 1, rule 1)."
        )
    original = {name: app.conf.get(name) for name in SNAPSHOT}
    app.conf.update(broker.celery_config())
    return LearnerApp(app, original)


@pytest.fixture(scope="session")
def worker(learner_app, broker) -> Worker:
    """One real worker (threads) consuming the suite's broker, for the whole session."""
    import celery.contrib.testing.tasks  # noqa: F401 - registers celery.ping, used to stop
    from kata_learner import import_failure, module

    from grader.brokers import running_worker
    from grader.loader import LearnerCodeError

    app = learner_app.app
    try:
        # What `celery -A proj_celery worker` imports at start-up (autodiscover_tasks).
        app.loader.import_default_modules()
    except Exception as error:  # noqa: BLE001 - a broken tasks.py, reported in every test
        raise LearnerCodeError(import_failure(error)) from None
    registered = frozenset(app.tasks)
    # Tasks 2-5 are graded even without autodiscovery (task 1): the worker must know the task
    # before it starts, since it reads its registry once.
    module("reports.tasks")
    suite_tasks = kata_celery.register_suite_tasks(app)
    kata_celery.RECORDER.connect()
    wait = 0 if broker.kind == "memory" else None
    with running_worker(app, pool="threads", concurrency=2, wait_on_exit=wait) as running:
        yield Worker(app, running.hostname, registered, suite_tasks)


@pytest.fixture
def recorder(worker):
    """What this test sent and the worker ran. Afterwards, waits (briefly) for the tasks the
    test sent, so no task of this test runs in the next one, or after its database flush."""
    kata_celery.RECORDER.clear()
    yield kata_celery.RECORDER
    kata_celery.settle(worker.app)
    kata_celery.RECORDER.clear()


@pytest.fixture
def tasks(worker):
    """The learner's reports/tasks.py."""
    from kata_learner import module

    return module("reports.tasks")


@pytest.fixture
def build_report(tasks):
    return tasks.build_report


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Before pytest describes a failure, let the worker finish the tasks the test sent.

    CPython 3.11 can raise "SystemError: AST constructor recursion depth mismatch" when two
    threads parse source at once — pytest reading the failing test's source here, and the
    worker formatting a failed task's traceback — which would end the whole run.
    """
    if call.excinfo is not None and call.when == "call":
        worker = getattr(item, "funcargs", {}).get("worker")
        if worker is not None:
            kata_celery.settle(worker.app)
    yield
