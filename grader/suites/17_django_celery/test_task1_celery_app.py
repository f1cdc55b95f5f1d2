"""Task 1: proj_celery.app, the project's Celery app, configured from Django's settings.

conftest.py describes the suite and lists most of the wrong answers it rejects. Settings of the
learner's app are type-checked before ==; answers and results come back as JSON.

More wrong answers this suite rejects:
- autodiscover_tasks(lambda: settings.INSTALLED_APPS): the settings install `reports` through
  an AppConfig path, where that finds no tasks.py — test_worker_start_up_discovers_build_report.
- words counted with title.split(" ") (or a regex): tabs, newlines, runs of spaces and the
  ends give other counts — test_build_report_counts_words_split_on_any_whitespace.

Rule table (README task.rule → tests):
    1.1  test_app_reads_the_celery_settings_from_django
    1.2  test_app_reads_the_celery_settings_from_django
    1.3  test_worker_start_up_discovers_build_report
    1.4  test_app_reads_the_celery_settings_from_django, test_build_report_runs_in_the_worker_and_returns_the_summary
    2.1  test_build_report_runs_in_the_worker_and_returns_the_summary
    2.2  test_build_report_runs_in_the_worker_and_returns_the_summary
    2.3  test_build_report_marks_the_row_done_with_its_word_count, test_build_report_counts_words_split_on_any_whitespace
    2.4  test_build_report_runs_in_the_worker_and_returns_the_summary
    2.5  test_build_report_of_a_missing_row_fails_with_does_not_exist
    3.1  test_post_creates_one_report_row_holding_the_task_id
    3.2  test_post_answers_202_accepted
    3.3  test_body_and_location_point_to_the_task_status
    3.4  test_task_id_in_the_answer_is_the_task_the_worker_runs
    3.5  test_invalid_request_answers_400_and_sends_nothing
    4.1  test_task_is_sent_after_the_request_transaction_commits, test_nothing_is_sent_before_the_outer_transaction_commits
    4.2  test_rolled_back_request_sends_nothing
    4.3  test_task_message_carries_the_report_id_as_json
    5.1  test_unknown_task_id_is_pending, test_state_goes_pending_then_started_then_success_with_the_result
    5.2  test_unknown_task_id_is_pending, test_state_goes_pending_then_started_then_success_with_the_result
    5.3  test_state_goes_pending_then_started_then_success_with_the_result
    5.4  test_failed_task_reports_a_short_error_without_the_traceback
    5.5  test_failed_task_reports_a_short_error_without_the_traceback
    5.6  test_unknown_task_id_is_pending, test_state_goes_pending_then_started_then_success_with_the_result
"""

import pytest
from django.conf import settings


@pytest.mark.task(1)
def test_app_reads_the_celery_settings_from_django(learner_app):
    expected = {
        "broker_url": settings.CELERY_BROKER_URL,
        "result_backend": settings.CELERY_RESULT_BACKEND,
        "task_track_started": settings.CELERY_TASK_TRACK_STARTED,
    }
    got = {name: learner_app.original[name] for name in expected}
    same_types = all(type(got[name]) is type(value) for name, value in expected.items())
    assert same_types and got == expected, (
        f"proj_celery.app must take its configuration from Django's settings: every "
        f"CELERY_<NAME> setting becomes the Celery setting <name> (task 1, rule 2: "
        f'app.config_from_object("django.conf:settings", namespace="CELERY")). '
        f"Expected {expected}, the app had {got}."
    )
    formats = {
        name: learner_app.original[name]
        for name in ("task_serializer", "result_serializer", "accept_content")
    }
    accept = formats["accept_content"]
    formats["accept_content"] = list(accept) if isinstance(accept, (list, tuple, set)) else accept
    json_only = {"task_serializer": "json", "result_serializer": "json", "accept_content": ["json"]}
    texts = [formats["task_serializer"], formats["result_serializer"]]
    if isinstance(formats["accept_content"], list):
        texts += formats["accept_content"]
    assert all(type(text) is str for text in texts) and formats == json_only, (
        f"The settings make JSON the only format of task messages and results; the app must "
        f"not change that (task 1, rule 2). Expected {json_only}, the app had {formats}."
    )
    eager = learner_app.original["task_always_eager"]
    assert not eager, (
        f"task_always_eager must stay off: tasks run in a worker, not inside the request "
        f"(task 1, rule 4). The app had task_always_eager={eager!r}."
    )


@pytest.mark.task(1)
def test_worker_start_up_discovers_build_report(worker, build_report):
    name = build_report.name
    known = sorted(n for n in worker.registered if not n.startswith("celery."))
    assert name in worker.registered, (
        f"A worker started with `celery -A proj_celery worker` must know build_report "
        f"({name!r}) without anyone importing reports/tasks.py by hand: call "
        f"app.autodiscover_tasks() with no arguments in proj_celery.py (task 1, rule 3). "
        f"Celery then asks Django's app registry, which knows the app `reports`. A list such as "
        f"lambda: settings.INSTALLED_APPS finds nothing here: it names "
        f"{list(settings.INSTALLED_APPS)}, an AppConfig path, not a package with a tasks.py. "
        f"After the worker's start-up imports the app knew only {known}."
    )
