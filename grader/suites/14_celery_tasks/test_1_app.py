"""Task 1: the app's settings, read from a fresh copy of the learner's module.

See conftest.py for the wrong answers this suite rejects.
"""

import pytest
from kata_probe import read_settings, seconds
from kata_rig import MODULE, require_app


@pytest.mark.task(1)
def test_broker_and_backend_default_to_in_memory(pristine):
    require_app(pristine)
    broker, backend = pristine.conf["broker_url"], pristine.conf["result_backend"]
    assert str(broker).startswith("memory://"), (
        "With CELERY_BROKER_URL unset, the broker must be Celery's in-memory transport "
        f'"memory://" (task 1, rule 2); broker_url is {broker!r}.'
    )
    assert str(backend).startswith("cache+memory://"), (
        "With CELERY_RESULT_BACKEND unset, results must live in memory: "
        f'"cache+memory://" (task 1, rule 2); result_backend is {backend!r}.'
    )


@pytest.mark.task(1)
def test_broker_and_backend_follow_the_environment(pristine):
    require_app(pristine)
    wanted = {
        "CELERY_BROKER_URL": "redis://kata.invalid:6379/5",
        "CELERY_RESULT_BACKEND": "redis://kata.invalid:6379/6",
    }
    settings = read_settings(MODULE, wanted)
    got = (settings.conf.get("broker_url"), settings.conf.get("result_backend"))
    assert got == (wanted["CELERY_BROKER_URL"], wanted["CELERY_RESULT_BACKEND"]), (
        "The broker and the backend come from CELERY_BROKER_URL and CELERY_RESULT_BACKEND when "
        f"they are set (task 1, rule 2). With {wanted}, the app has broker_url={got[0]!r} and "
        f"result_backend={got[1]!r}."
    )


def _content_types(value) -> set | None:
    if value is None:
        return None
    names = [value] if isinstance(value, str) else list(value)
    return {"json" if name == "application/json" else name for name in names}


@pytest.mark.task(1)
def test_only_json_is_accepted(pristine):
    require_app(pristine)
    conf = pristine.conf
    for setting in ("task_serializer", "result_serializer"):
        assert conf[setting] == "json", (
            f'{setting} must be "json" (task 1, rule 3); it is {conf[setting]!r}.'
        )
    accepted = _content_types(conf["accept_content"])
    assert accepted == {"json"}, (
        'accept_content must be ["json"] and nothing else (task 1, rule 3): a worker that '
        "accepts pickle runs whatever code a message carries. It is "
        f"{conf['accept_content']!r}."
    )
    results = _content_types(conf["result_accept_content"])
    assert results in (None, {"json"}), (
        "result_accept_content must be unset (it then follows accept_content) or ['json'] "
        f"(task 1, rule 3); it is {conf['result_accept_content']!r}."
    )


@pytest.mark.task(1)
def test_tasks_are_acknowledged_late(pristine):
    require_app(pristine)
    for setting in ("task_acks_late", "task_reject_on_worker_lost"):
        assert pristine.conf[setting] is True, (
            f"{setting} must be True for the whole app (task 1, rule 4): a message is "
            "acknowledged only after its task ran, so a worker that dies mid-task leaves it "
            f"in the queue for another worker. It is {pristine.conf[setting]!r}."
        )
    for name, options in pristine.tasks.items():
        if options and options["acks_late"] is not True:
            pytest.fail(
                f"`{name}` overrides acks_late with {options['acks_late']!r}: every task must "
                "be acknowledged late (task 1, rule 4)."
            )


@pytest.mark.task(1)
def test_results_expire_after_one_hour(pristine):
    require_app(pristine)
    value = pristine.conf["result_expires"]
    assert seconds(value) == 3600, (
        "result_expires must be one hour: 3600 (seconds) or timedelta(hours=1) (task 1, "
        f"rule 5). It is {value!r}; Celery's default keeps results for a day."
    )


@pytest.mark.task(1)
def test_the_started_state_is_tracked(pristine):
    require_app(pristine)
    assert pristine.conf["task_track_started"] is True, (
        "task_track_started must be True (task 1, rule 6): without it a running task still "
        f"reads PENDING. It is {pristine.conf['task_track_started']!r}."
    )


@pytest.mark.task(1)
def test_tasks_are_never_run_eagerly(pristine):
    require_app(pristine)
    assert pristine.conf["task_always_eager"] is False, (
        "task_always_eager must stay False (task 1, rule 7): eager mode runs every task in "
        "the caller's process, with no broker and no worker. It is "
        f"{pristine.conf['task_always_eager']!r}."
    )
