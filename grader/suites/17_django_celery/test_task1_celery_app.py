"""Task 1: proj_celery.app, the project's Celery app, configured from Django's settings."""

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
    assert got == expected, (
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
    assert formats == json_only, (
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
        f"app.autodiscover_tasks() in proj_celery.py (task 1, rule 3). After the worker's "
        f"start-up imports the app knew only {known}."
    )
