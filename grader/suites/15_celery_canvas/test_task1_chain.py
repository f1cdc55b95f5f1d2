"""Hidden suite of exercise 15 — celery_canvas (chain, group, chord, error callbacks, states).

Everything runs through a real worker (see conftest.py). A signal recorder (kata_recorder) sees
every task the app runs: its name, the thread it ran in, whether it came through the broker or
ran eagerly, and the order of starts and ends. A gate can hold the worker so the suite can tell
"sent and returned" from "waited for the answer". The tests of tasks 2, 4 and 5 that grade a
helper (collect_group, report_failure, task_status, remember_group / restore_group) use the
suite's own tiny tasks (kata_tasks), so each task is graded on its own.

Wrong answers this suite rejects:
- task_always_eager switched on in the app — test_app_is_not_eager_and_tasks_reach_the_worker.
- The pipeline run in the caller (chain(...).apply(), or calling the steps as functions)
  — test_pipeline_returns_before_any_step_runs, test_pipeline_steps_run_as_separate_worker_tasks.
- One task that calls the others and waits (.delay().get() inside a task) instead of a chain
  — test_pipeline_steps_run_as_separate_worker_tasks.
- Words not normalised as the README says (case kept, punctuation kept, str.split() only)
  — test_pipeline_counts_words_by_the_readme_rules, test_each_step_works_on_its_own.
- A group whose values come back in completion order — test_collect_group_keeps_group_order.
- Partial failure swallowed (get(propagate=False) handed back as values)
  — test_collect_group_reports_every_failed_task_id,
  test_collect_group_names_the_failed_document_of_count_documents.
- Only the first failure reported (plain get()/join() raising one error without task ids)
  — test_collect_group_reports_every_failed_task_id.
- count_documents waiting for the answers — test_count_documents_returns_before_any_task_runs.
- A chord whose map task swallows errors, so the callback merges a partial count
  — test_word_count_fails_when_a_map_task_fails.
- A map-reduce done in the caller (group(...).get(), then merge)
  — test_word_count_returns_before_any_task_runs.
- The reduce run once per chunk, or before every chunk finished
  — test_word_count_maps_in_the_worker_and_merges_once.
- An error callback that reports its own id (or none) instead of the failed task's id
  — test_report_failure_records_the_failed_task_as_an_error_callback,
  test_count_with_report_reports_a_failed_chunk.
- The callback linked with link= (success) instead of link_error=
  — test_count_with_report_reports_a_failed_chunk.
- task_status calling .get() (blocks on PENDING, raises on FAILURE)
  — test_task_status_of_an_unknown_id_is_pending, test_task_status_of_a_failed_task.
- task_status handing back the exception as the value — test_task_status_of_a_failed_task.
- A group not saved, or rebuilt from its id without the backend
  — test_a_restored_group_has_the_same_tasks_in_order.
- count_documents sending one count_chunk per document (the same counts, another workflow), or
  sending the chains one by one and wrapping their results in a GroupResult of its own
  — test_count_documents_sends_one_chain_per_document_in_one_group.
- GroupFailed.results with None in place of the exceptions, or GroupFailed.failures holding
  messages instead of exceptions — test_collect_group_reports_every_failed_task_id.
- collect_group handing back an object whose __eq__ always says True
  — test_collect_group_returns_plain_values_when_all_succeed, test_collect_group_keeps_group_order.

Values a learner's function hands back directly (collect_group, task_status, remember_group,
restore_group) have their type checked before ==. Values read back from the result backend went
through JSON: they are plain types.

Rule table (README task.rule → tests):
    1.1  test_app_is_not_eager_and_tasks_reach_the_worker
    1.2  test_each_step_works_on_its_own, test_pipeline_counts_words_by_the_readme_rules
    1.3  test_each_step_works_on_its_own
    1.4  test_each_step_works_on_its_own
    1.5  test_pipeline_returns_before_any_step_runs, test_pipeline_steps_run_as_separate_worker_tasks, test_pipeline_counts_words_by_the_readme_rules
    2.1  test_count_documents_gives_one_count_per_document_in_order, test_count_documents_sends_one_chain_per_document_in_one_group
    2.2  test_count_documents_returns_before_any_task_runs
    2.3  test_collect_group_returns_plain_values_when_all_succeed, test_collect_group_keeps_group_order
    2.4  test_collect_group_reports_every_failed_task_id, test_collect_group_names_the_failed_document_of_count_documents
    3.1  test_count_chunk_and_merge_counts_work_on_their_own
    3.2  test_count_chunk_and_merge_counts_work_on_their_own
    3.3  test_word_count_totals_every_document, test_word_count_returns_before_any_task_runs, test_word_count_maps_in_the_worker_and_merges_once
    3.4  test_word_count_fails_when_a_map_task_fails
    4.1  test_report_failure_records_the_failed_task_as_an_error_callback
    4.2  test_count_with_report_reports_a_failed_chunk, test_count_with_report_saves_no_report_on_success
    5.1  test_task_status_of_an_unknown_id_is_pending, test_task_status_of_a_successful_task, test_task_status_of_a_failed_task
    5.2  test_task_status_of_an_unknown_id_is_pending
    5.3  test_task_status_of_a_successful_task
    5.4  test_task_status_of_a_failed_task
    5.5  test_a_restored_group_has_the_same_tasks_in_order
    5.6  test_a_restored_group_has_the_same_tasks_in_order, test_restore_group_of_an_unknown_id_raises_key_error
"""

import pytest
from celery.result import AsyncResult
from kata_support import (
    counts,
    error_of,
    must_be_result,
    sent_without_waiting,
    started_in_worker_problems,
    value_of,
    words,
)

TEXT = "The cat; the HAT!\nA cat's hat-trick: 2 cats, 2 hats."


@pytest.mark.task(1)
def test_app_is_not_eager_and_tasks_reach_the_worker(canvas):
    assert canvas.learner_eager is False, (
        "workflows.app has task_always_eager switched on (task 1, rule 1). Eager mode runs every "
        "task in the caller, with no broker and no worker: nothing here would be tested. Remove it."
    )
    sent = canvas.mod.normalise.delay("Worker, are you there?")
    value_of(sent, "normalise", "task 1, rule 2")
    assert canvas.app.conf.task_always_eager is False, (
        "Something switched task_always_eager on while the module was used (task 1, rule 1): "
        "leave the app's settings alone."
    )
    run = canvas.recorder.wait_finished(sent.id)
    problems = started_in_worker_problems([run]) if run else ["normalise never ran in the worker"]
    assert not problems, (
        "Tasks must run in the worker, sent through the broker (task 1, rule 1): "
        + "; ".join(problems)
    )


@pytest.mark.task(1)
def test_each_step_works_on_its_own(canvas):
    mod = canvas.mod
    text = "Hello, World! It's 2 o'clock_now."
    normalised = value_of(mod.normalise.delay(text), "normalise", "task 1, rule 2")
    assert isinstance(normalised, str), (
        f"normalise must return a str (task 1, rule 2); got {type(normalised).__name__}"
    )
    odd = sorted({ch for ch in normalised if not (ch.isalnum() or ch.isspace())})
    assert normalised == normalised.lower() and not odd, (
        f"normalise({text!r}) must lower-case the text and turn every character that is not a "
        f"letter or digit into a space (task 1, rule 2); got {normalised!r}"
    )
    assert normalised.split() == words(text), (
        f"normalise({text!r}) must keep the words {words(text)} (task 1, rule 2); "
        f"got {normalised!r}, which splits into {normalised.split()}"
    )
    tokens = value_of(mod.tokenize.delay("cat  hat\tcat\n"), "tokenize", "task 1, rule 3")
    assert tokens == ["cat", "hat", "cat"], (
        f"tokenize('cat  hat\\tcat\\n') must split on any whitespace, in order (task 1, rule 3); "
        f"expected ['cat', 'hat', 'cat'], got {tokens!r}"
    )
    counted = value_of(mod.count_words.delay(["b", "a", "b"]), "count_words", "task 1, rule 4")
    assert counted == {"b": 2, "a": 1}, (
        f"count_words(['b', 'a', 'b']) must give {{'b': 2, 'a': 1}} (task 1, rule 4); "
        f"got {counted!r}"
    )
    error_of(
        mod.normalise.delay(None),
        "normalise(None), whose input is not a str,",
        "TypeError",
        "task 1, rule 2",
    )


@pytest.mark.task(1)
@pytest.mark.parametrize(
    "text",
    [
        TEXT,
        "Hello, hello! HELLO?  world...",
        "Don't stop: 3-2-1, go_go GO!",
        "Café au lait, CAFÉ noir.",
        "",
    ],
    ids=["sentences", "case", "apostrophe-digits-underscore", "accents", "empty"],
)
def test_pipeline_counts_words_by_the_readme_rules(canvas, text):
    result = canvas.mod.word_count_pipeline(text)
    must_be_result(result, AsyncResult, "word_count_pipeline(text)", "task 1, rule 5")
    got = value_of(result, f"word_count_pipeline({text!r})", "task 1, rule 5")
    expected = counts(text)
    assert got == expected, (
        f"word_count_pipeline({text!r}) must count the words by the README's rules (task 1, "
        f"rules 2-5: lower case; anything that is not a letter or digit separates words); "
        f"expected {expected}, got {got!r}"
    )


@pytest.mark.task(1)
def test_pipeline_returns_before_any_step_runs(canvas):
    result = sent_without_waiting(
        canvas,
        lambda: canvas.mod.word_count_pipeline("one two two"),
        "word_count_pipeline",
        "task 1, rule 5",
    )
    must_be_result(result, AsyncResult, "word_count_pipeline(text)", "task 1, rule 5")
    got = value_of(result, "word_count_pipeline('one two two')", "task 1, rule 5")
    assert got == {"one": 1, "two": 2}, (
        f"word_count_pipeline('one two two') must give {{'one': 1, 'two': 2}} (task 1, rule 5); "
        f"got {got!r}"
    )


@pytest.mark.task(1)
def test_pipeline_steps_run_as_separate_worker_tasks(canvas):
    mod, recorder = canvas.mod, canvas.recorder
    text = "Red fish, blue fish."
    result = mod.word_count_pipeline(text)
    must_be_result(result, AsyncResult, "word_count_pipeline(text)", "task 1, rule 5")
    value_of(result, f"word_count_pipeline({text!r})", "task 1, rule 5")
    last = recorder.wait_finished(result.id)
    assert last is not None, (
        f"The result word_count_pipeline returned (id {result.id}) belongs to no task the worker "
        f"ran (task 1, rule 5): return the AsyncResult of the chain's last step."
    )
    root = last.root_id or last.id
    runs = recorder.wait_until(lambda r: (r.root_id or r.id) == root)
    names = [run.name for run in runs]
    expected = [mod.normalise.name, mod.tokenize.name, mod.count_words.name]
    assert names == expected, (
        f"word_count_pipeline must send ONE chain of three tasks, normalise → tokenize → "
        f"count_words, each a task of its own (task 1, rule 5). The worker ran {names}. "
        f"A task that calls other tasks and waits for them (.delay().get(), .apply()) is not a "
        f"chain: it blocks a worker while doing nothing."
    )
    problems = started_in_worker_problems(runs, canvas.worker)
    assert not problems, (
        "Every step must run in the worker, sent through the broker (task 1, rule 5): "
        + "; ".join(problems)
    )
    for before, after in zip(runs, runs[1:], strict=False):
        assert after.parent_id == before.id, (
            f"{after.name} must be sent by {before.name} when it finishes, with its result, as "
            f"the next link of the chain (task 1, rule 5); it was sent by "
            f"{after.parent_id or 'the caller'}."
        )
    for run in runs:
        state = canvas.app.AsyncResult(run.id).state
        assert state == "SUCCESS", (
            f"The result backend must hold every step's result: {run.name} (id {run.id}) is "
            f"{state}, expected SUCCESS (task 1, rule 5)."
        )
