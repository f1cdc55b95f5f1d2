"""Task 1: the app's settings, read from a fresh copy of the learner's module.

conftest.py describes the suite and lists most of the wrong answers it rejects. Every value a
test compares with == has its type checked first: an object whose __eq__ always says True does
not pass.

More wrong answers this suite rejects:
- Task 3, a charge_id that is not the id make_charge returned (the idempotency key, say):
  test_the_same_key_charges_once_and_returns_the_first_result.
- Task 3, an error of make_charge wrapped in another one: test_a_failed_charge_is_not_recorded.
- Task 4, lines written for n in 1..items instead of range(items):
  test_a_report_within_its_limits_completes.
- Task 4, 'lines' counting the line in progress when the soft limit hit (set before the line
  is made): test_timed_out_lines_counts_the_lines_written_before_the_limit.
- Task 5, task_status answering objects that are equal to anything:
  test_an_unknown_task_id_is_pending, test_a_running_task_is_started,
  test_a_finished_task_reports_its_result, test_a_failed_task_reports_its_error.

Rule table (README task.rule → tests):
    1.1  test_broker_and_backend_default_to_in_memory, test_build_report_declares_a_soft_and_a_hard_time_limit, test_a_flaky_call_is_retried_until_it_succeeds
    1.2  test_broker_and_backend_default_to_in_memory, test_broker_and_backend_follow_the_environment
    1.3  test_only_json_is_accepted
    1.4  test_tasks_are_acknowledged_late
    1.5  test_results_expire_after_one_hour
    1.6  test_the_started_state_is_tracked, test_a_running_task_is_started
    1.7  test_tasks_are_never_run_eagerly
    2.1  test_a_flaky_call_is_retried_until_it_succeeds
    2.2  test_a_flaky_call_is_retried_until_it_succeeds
    2.3  test_countdowns_double_after_each_failure
    2.4  test_countdowns_stop_growing_at_the_cap
    2.5  test_the_task_gives_up_after_five_retries
    2.6  test_the_final_error_is_raised_not_swallowed
    3.1  test_the_same_key_charges_once_and_returns_the_first_result
    3.2  test_the_same_key_charges_once_and_returns_the_first_result, test_different_keys_charge_separately
    3.3  test_the_same_key_charges_once_and_returns_the_first_result
    3.4  test_different_keys_charge_separately
    3.5  test_a_failed_charge_is_not_recorded
    4.1  test_build_report_declares_a_soft_and_a_hard_time_limit
    4.2  test_a_report_within_its_limits_completes
    4.3  test_a_report_within_its_limits_completes
    4.4  test_a_report_over_its_soft_limit_cleans_up_and_says_timed_out, test_timed_out_lines_counts_the_lines_written_before_the_limit
    5.1  test_enqueue_report_sends_the_task_to_a_worker
    5.2  test_an_unknown_task_id_is_pending, test_a_running_task_is_started, test_a_retrying_task_is_in_the_retry_state, test_a_finished_task_reports_its_result, test_a_failed_task_reports_its_error
    5.3  test_a_running_task_is_started, test_a_retrying_task_is_in_the_retry_state
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
    is_text = all(isinstance(value, str) for value in got)
    assert is_text and got == (wanted["CELERY_BROKER_URL"], wanted["CELERY_RESULT_BACKEND"]), (
        "The broker and the backend come from CELERY_BROKER_URL and CELERY_RESULT_BACKEND when "
        f"they are set (task 1, rule 2). With {wanted}, the app has broker_url={got[0]!r} and "
        f"result_backend={got[1]!r}."
    )


def _content_types(value) -> set | None:
    if value is None:
        return None
    names = [value] if isinstance(value, str) else list(value)
    # A name that is not a str stays itself (its repr): only the text "json" is JSON.
    names = [name if isinstance(name, str) else repr(name) for name in names]
    return {"json" if name == "application/json" else name for name in names}


@pytest.mark.task(1)
def test_only_json_is_accepted(pristine):
    require_app(pristine)
    conf = pristine.conf
    for setting in ("task_serializer", "result_serializer"):
        assert isinstance(conf[setting], str) and conf[setting] == "json", (
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
