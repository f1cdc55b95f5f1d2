"""Task 3: a chord — map-reduce word count with count_chunk and merge_counts."""

import time

import pytest
from celery import states
from celery.result import AsyncResult
from kata_support import (
    counts,
    error_of,
    must_be_result,
    remote_tail,
    sent_without_waiting,
    started_in_worker_problems,
    value_of,
)


def wait_ready(result, seconds=5.0):
    """The state of ``result`` once it is ready (a chord's error lands after its header's)."""
    deadline = time.monotonic() + seconds
    while result.state not in states.READY_STATES and time.monotonic() < deadline:
        time.sleep(0.01)
    return result.state


DOCS = [
    "The quick brown fox.",
    "The lazy dog; the QUICK cat!",
    "Fox, dog, cat: 3 animals, 3 names.",
]


@pytest.mark.task(3)
def test_count_chunk_and_merge_counts_work_on_their_own(canvas):
    mod = canvas.mod
    got = value_of(mod.count_chunk.delay("A a, b! B-b"), "count_chunk", "task 3, rule 1")
    assert got == {"a": 2, "b": 3}, (
        f"count_chunk('A a, b! B-b') must count words by the rules of task 1 (task 3, rule 1); "
        f"expected {{'a': 2, 'b': 3}}, got {got!r}"
    )
    merged = value_of(
        mod.merge_counts.delay([{"a": 1}, {"a": 2, "b": 1}, {}]), "merge_counts", "task 3, rule 2"
    )
    assert merged == {"a": 3, "b": 1}, (
        f"merge_counts([{{'a': 1}}, {{'a': 2, 'b': 1}}, {{}}]) must add the counters up "
        f"(task 3, rule 2); expected {{'a': 3, 'b': 1}}, got {merged!r}"
    )
    error_of(
        mod.count_chunk.delay(None),
        "count_chunk(None), whose input is not a str,",
        "TypeError",
        "task 3, rule 1",
    )


@pytest.mark.task(3)
def test_word_count_totals_every_document(canvas):
    result = canvas.mod.word_count(DOCS)
    must_be_result(result, AsyncResult, "word_count(docs)", "task 3, rule 3")
    got = value_of(result, "word_count(docs)", "task 3, rule 3")
    expected = counts(*DOCS)
    assert got == expected, (
        f"word_count(docs) must give the word counts of all documents together (task 3, "
        f"rule 3); expected {expected}, got {got!r}"
    )


@pytest.mark.task(3)
def test_word_count_returns_before_any_task_runs(canvas):
    docs = ["alpha beta", "beta gamma"]
    result = sent_without_waiting(
        canvas, lambda: canvas.mod.word_count(docs), "word_count", "task 3, rule 3"
    )
    must_be_result(result, AsyncResult, "word_count(docs)", "task 3, rule 3")
    got = value_of(result, "word_count(docs)", "task 3, rule 3")
    assert got == counts(*docs), (
        f"word_count({docs}) must give {counts(*docs)} (task 3, rule 3); got {got!r}"
    )


@pytest.mark.task(3)
def test_word_count_maps_in_the_worker_and_merges_once(canvas):
    mod, recorder = canvas.mod, canvas.recorder
    docs = ["map one", "map two", "map three", "map four"]
    docs1 = [(doc,) for doc in docs]
    result = mod.word_count(docs)
    must_be_result(result, AsyncResult, "word_count(docs)", "task 3, rule 3")
    value_of(result, "word_count(docs)", "task 3, rule 3")
    callback = recorder.wait_finished(result.id)
    assert callback is not None and callback.name == mod.merge_counts.name, (
        f"word_count must return the chord's result: the AsyncResult of the merge_counts "
        f"callback (task 3, rule 3). The id it returned belongs to "
        f"{callback.name if callback else 'no task the worker ran'}."
    )
    chunks = recorder.wait_until(lambda r: r.name == mod.count_chunk.name and r.args[:1] in docs1)
    assert sorted(run.args[0] for run in chunks) == sorted(docs), (
        f"word_count must map with one count_chunk task per document (task 3, rule 3); the "
        f"worker ran count_chunk for {[run.args[0] for run in chunks]}"
    )
    merges = recorder.select(
        lambda r: r.name == mod.merge_counts.name and r.start > chunks[0].start
    )
    assert len(merges) == 1, (
        f"merge_counts must run exactly once, as the chord's callback, with every chunk's "
        f"counter (task 3, rule 3); it ran {len(merges)} times"
    )
    problems = started_in_worker_problems(chunks + merges)
    assert not problems, (
        "The map and the reduce must both run in the worker, sent through the broker "
        "(task 3, rule 3): " + "; ".join(problems)
    )
    early = [run.args[0] for run in chunks if run.ran is None or run.ran > merges[0].start]
    assert not early, (
        f"merge_counts started before count_chunk ran for {early} (task 3, rule 3): a chord's "
        f"callback waits for the whole header."
    )
    assert len(merges[0].args[0]) == len(docs), (
        f"merge_counts must receive one counter per document, {len(docs)} in all (task 3, "
        f"rule 3); it received {merges[0].args[0]!r}"
    )


@pytest.mark.task(3)
def test_word_count_fails_when_a_map_task_fails(canvas):
    mod, recorder = canvas.mod, canvas.recorder
    docs = ["fine words here", None, "more fine words"]
    result = mod.word_count(docs)
    must_be_result(result, AsyncResult, "word_count(docs)", "task 3, rule 3")
    try:
        got = result.get(timeout=10, interval=0.01)
    except Exception as error:  # noqa: BLE001 - failing is what the chord must do
        kind = type(error).__name__
        assert kind != "TimeoutError", (
            "word_count with a failing document never finished (task 3, rule 4): the chord "
            "must fail as soon as all map tasks are done."
        )
    else:
        pytest.fail(
            f"One document is None, so its count_chunk task fails; word_count must then FAIL "
            f"(task 3, rule 4). It succeeded with {got!r}: a partial count, with a failure "
            f"swallowed. Let count_chunk raise; the chord then never calls merge_counts."
            f"{remote_tail(result)}"
        )
    state = wait_ready(canvas.app.AsyncResult(result.id))
    assert state == "FAILURE", (
        f"The result backend must hold FAILURE for the chord's result (task 3, rule 4); "
        f"it holds {state}"
    )
    docs1 = [(doc,) for doc in docs]
    recorder.wait_until(lambda r: r.name == mod.count_chunk.name and r.args[:1] in docs1)
    merged = recorder.get(result.id)
    assert merged is None, (
        f"merge_counts must not run when a map task failed (task 3, rule 4); it ran with "
        f"{merged.args[0]!r}"
    )
