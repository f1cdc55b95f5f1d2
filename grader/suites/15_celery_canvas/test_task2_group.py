"""Task 2: a group — count_documents and collect_group."""

import pytest
from celery import group
from celery.result import GroupResult
from kata_support import (
    counts,
    must_be_result,
    sent_without_waiting,
    started_in_worker_problems,
)

from grader.checks import same as _same

DOCS = [
    "It was the best of times, it was the worst of times.",
    "To be, or not to be: that is the question.",
    "",
    "Times change; TIMES change.",
]


def join_all(result):
    """The suite's own reading of a group: values in group order, exceptions in place."""
    return result.join(timeout=10, propagate=False, interval=0.01)


@pytest.mark.task(2)
def test_count_documents_gives_one_count_per_document_in_order(canvas):
    result = canvas.mod.count_documents(DOCS)
    must_be_result(result, GroupResult, "count_documents(docs)", "task 2, rule 1")
    assert len(result.results) == len(DOCS), (
        f"count_documents(docs) must start one pipeline per document (task 2, rule 1): "
        f"{len(DOCS)} documents, but the group has {len(result.results)} results"
    )
    got = join_all(result)
    expected = [counts(doc) for doc in DOCS]
    assert got == expected, (
        f"count_documents(docs) must give each document's word count, in the order of the "
        f"documents (task 2, rule 1); expected {expected}, got {got!r}"
    )


@pytest.mark.task(2)
def test_count_documents_sends_one_chain_per_document_in_one_group(canvas):
    mod, recorder = canvas.mod, canvas.recorder
    docs = ["Shape of a group: one CHAIN", "per document, in one group."]
    result = mod.count_documents(docs)
    must_be_result(result, GroupResult, "count_documents(docs)", "task 2, rule 1")
    join_all(result)
    expected = [mod.normalise.name, mod.tokenize.name, mod.count_words.name]
    problems = []
    for doc, child in zip(docs, result.results, strict=False):
        steps = _chain_ending_at(recorder, child.id)
        names = [run.name for run in steps]
        if not steps:
            problems.append(f"for {doc!r}: its result {child.id} belongs to no task the worker ran")
        elif names != expected:
            problems.append(f"for {doc!r} the worker ran {' → '.join(names)}")
        elif tuple(steps[0].args[:1]) != (doc,):
            problems.append(f"the chain of {doc!r} started with normalise{steps[0].args!r}")
        elif steps[-1].group != result.id:
            problems.append(
                f"the chain of {doc!r} is not in the group count_documents returned (its last "
                f"step's group is {steps[-1].group!r}, not {result.id!r})"
            )
    assert len(result.results) == len(docs) and not problems, (
        f"count_documents(docs) must send ONE group holding one chain per document, the "
        f"pipeline of task 1: normalise → tokenize → count_words, each step a task of its own "
        f"(task 2, rule 1). The same counts from other tasks (count_chunk, one task doing the "
        f"three steps) or from chains sent one by one are not that workflow. "
        f"{len(docs)} documents, {len(result.results)} results; "
        + ("; ".join(problems) or "every chain was right")
        + ". Build it as group(chain(normalise.s(doc), tokenize.s(), count_words.s()) for doc "
        "in docs).apply_async()."
    )


def _chain_ending_at(recorder, task_id):
    """The runs of the chain whose last step is ``task_id``, first step first (by parent ids)."""
    last = recorder.wait_finished(task_id)
    steps = [last] if last is not None else []
    while steps and steps[0].parent_id and len(steps) < 5:
        parent = recorder.get(steps[0].parent_id)
        if parent is None:
            break
        steps.insert(0, parent)
    return steps


@pytest.mark.task(2)
def test_count_documents_returns_before_any_task_runs(canvas):
    result = sent_without_waiting(
        canvas, lambda: canvas.mod.count_documents(DOCS[:2]), "count_documents", "task 2, rule 2"
    )
    must_be_result(result, GroupResult, "count_documents(docs)", "task 2, rule 1")
    got = join_all(result)
    expected = [counts(doc) for doc in DOCS[:2]]
    assert got == expected, (
        f"count_documents(docs) must give each document's word count, in order (task 2, "
        f"rule 1); expected {expected}, got {got!r}"
    )
    runs = canvas.recorder.select(lambda r: r.args and r.args[0] in DOCS[:2])
    problems = started_in_worker_problems(runs)
    assert runs and not problems, (
        "Every task of count_documents must run in the worker, sent through the broker "
        "(task 2, rule 2): " + ("; ".join(problems) or "the worker ran none")
    )


@pytest.mark.task(2)
def test_collect_group_returns_plain_values_when_all_succeed(canvas):
    echo = canvas.tasks.echo
    values = [1, "two", {"three": 3}, None, [5]]
    result = group(echo.s(value) for value in values).apply_async()
    got = canvas.mod.collect_group(result)
    assert _same(got, values), (
        f"collect_group must return every task's value, in group order, when all succeed "
        f"(task 2, rule 3); expected {values}, got {got!r}"
    )


@pytest.mark.task(2)
def test_collect_group_keeps_group_order(canvas):
    tasks = canvas.tasks
    result = group(
        tasks.finish_when_read.s("first"),
        tasks.echo.s("second"),
        tasks.echo.s("third"),
    ).apply_async()
    first, second, third = result.results
    second.get(timeout=10, interval=0.01)
    third.get(timeout=10, interval=0.01)
    # The first task finishes only after collect_group has looked at it and seen it PENDING,
    # while the two others are already done.
    with tasks.release_on_first_read(first):
        got = canvas.mod.collect_group(result)
    assert _same(got, ["first", "second", "third"]), (
        f"collect_group must return values in GROUP order, not in the order tasks finish "
        f"(task 2, rule 3). Here the second and third tasks finished first. Expected "
        f"['first', 'second', 'third'], got {got!r}"
    )


@pytest.mark.task(2)
def test_collect_group_reports_every_failed_task_id(canvas):
    mod, tasks = canvas.mod, canvas.tasks
    result = group(
        tasks.echo.s(1),
        tasks.fail.s("bad chunk A"),
        tasks.echo.s(3),
        tasks.fail.s("bad chunk B"),
    ).apply_async()
    failed_ids = [result.results[1].id, result.results[3].id]
    try:
        got = mod.collect_group(result)
    except mod.GroupFailed as error:
        caught = error
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001 - the wrong kind of error is the finding
        pytest.fail(
            f"When tasks of the group fail, collect_group must raise GroupFailed naming every "
            f"failed task id (task 2, rule 4); it raised {type(error).__name__}: {error}. "
            f"A plain get() stops at the first failure and hides the others and their ids."
        )
    else:
        pytest.fail(
            f"Two of four tasks failed, but collect_group returned {got!r} (task 2, rule 4). "
            f"A partial failure must be reported with GroupFailed, not swallowed into the values."
        )
    assert _same(list(caught.failures), failed_ids), (
        f"GroupFailed.failures must map the id of EVERY failed task, in group order, to its "
        f"exception (task 2, rule 4); expected the ids {failed_ids}, got {list(caught.failures)}"
    )
    errors = list(caught.failures.values())
    messages = [str(exc) for exc in errors]
    assert all(isinstance(exc, ValueError) for exc in errors) and _same(
        messages, ["bad chunk A", "bad chunk B"]
    ), (
        f"GroupFailed.failures must hold each failed task's own exception (task 2, rule 4); "
        f"expected ValueError('bad chunk A') and ValueError('bad chunk B'), got {errors!r}"
    )
    entries = caught.results
    in_place = len(entries) == 4 and _same([entries[0], entries[2]], [1, 3])
    assert in_place, (
        f"GroupFailed.results must hold one entry per task in group order: the value, or the "
        f"exception (task 2, rule 4). The group was [1, ValueError('bad chunk A'), 3, "
        f"ValueError('bad chunk B')]; got {entries!r}"
    )
    failed = [entries[1], entries[3]]
    assert all(isinstance(exc, ValueError) for exc in failed) and _same(
        [str(exc) for exc in failed], ["bad chunk A", "bad chunk B"]
    ), (
        f"GroupFailed.results must hold each failed task's exception in its place, not None or "
        f"a message (task 2, rule 4): entries 2 and 4 must be ValueError('bad chunk A') and "
        f"ValueError('bad chunk B'); got {failed!r}"
    )
    assert all(child.ready() for child in result.results), (
        "collect_group must wait for EVERY task before raising (task 2, rule 4): some tasks were "
        "still running when it raised."
    )


@pytest.mark.task(2)
def test_collect_group_names_the_failed_document_of_count_documents(canvas):
    mod = canvas.mod
    result = mod.count_documents(["good words", None, "more good words"])
    must_be_result(result, GroupResult, "count_documents(docs)", "task 2, rule 1")
    with pytest.raises(Exception) as caught:
        got = mod.collect_group(result)
        pytest.fail(
            f"count_documents(['good words', None, 'more good words']) has one failing "
            f"document, but collect_group returned {got!r} (task 2, rule 4): report it."
        )
    if isinstance(caught.value, NotImplementedError):
        raise caught.value
    assert isinstance(caught.value, mod.GroupFailed), (
        f"collect_group must raise GroupFailed for a group with a failed task (task 2, rule 4); "
        f"it raised {type(caught.value).__name__}: {caught.value}"
    )
    expected = [result.results[1].id]
    assert _same(list(caught.value.failures), expected), (
        f"Only the second document failed: GroupFailed.failures must name exactly its id "
        f"{expected} (task 2, rule 4); got {list(caught.value.failures)}"
    )
    kind = type(next(iter(caught.value.failures.values()))).__name__
    assert kind == "TypeError", (
        f"A document that is not a str fails with TypeError (task 1, rule 2); the failure "
        f"recorded was {kind}"
    )
