"""Task 2: build_report(report_id), run by the real worker, reading the committed row."""

import pytest
from kata_celery import describe_failure, wait_until_done

TITLE = "Quarterly sales report for the north"


def make_report(title=TITLE):
    from reports.models import Report

    return Report.objects.create(title=title)


@pytest.mark.task(2)
@pytest.mark.django_db(transaction=True)
def test_build_report_runs_in_the_worker_and_returns_the_summary(worker, recorder, build_report):
    report = make_report()
    sent = build_report.delay(report.pk)
    result = wait_until_done(worker.app, sent.id, "task 2")
    assert result.state == "SUCCESS", (
        f"build_report({report.pk}) must succeed for an existing report, but {describe_failure(result)} "
        f"(task 2, rule 2)."
    )
    expected = {"report_id": report.pk, "title": TITLE, "words": 6}
    assert result.result == expected, (
        f"build_report must return the summary {{'report_id', 'title', 'words'}} (task 2, rule 4): "
        f"expected {expected}, the result backend holds {result.result!r}."
    )
    started = recorder.started_of(sent.id)
    assert started is not None and started.by_worker, (
        "build_report must run in the worker, which received it from the broker — not eagerly "
        "in the caller (task 1, rule 4)."
    )


@pytest.mark.task(2)
@pytest.mark.django_db(transaction=True)
def test_build_report_marks_the_row_done_with_its_word_count(worker, recorder, build_report):
    report = make_report("Weekly report")
    result = wait_until_done(worker.app, build_report.delay(report.pk).id, "task 2")
    assert result.state == "SUCCESS", (
        f"build_report({report.pk}) must succeed, but {describe_failure(result)} (task 2, rule 2)."
    )
    report.refresh_from_db()
    got = {"status": report.status, "words": report.words}
    assert got == {"status": "done", "words": 2}, (
        f"build_report must save the row with status='done' and words=2 for the title "
        f"'Weekly report' (task 2, rule 3); the row holds {got}."
    )


@pytest.mark.task(2)
@pytest.mark.django_db(transaction=True)
def test_build_report_counts_words_split_on_any_whitespace(worker, recorder, build_report):
    # split() with no argument: runs of spaces, tabs and newlines separate words, the ends do
    # not count, and punctuation stays inside a word. 4 words here; split(" ") finds 6 pieces,
    # a regex for \w+ finds 5.
    title = "  Q3-Q4\tsales  report\n(north) "
    report = make_report(title)
    result = wait_until_done(worker.app, build_report.delay(report.pk).id, "task 2")
    assert result.state == "SUCCESS", (
        f"build_report({report.pk}) must succeed, but {describe_failure(result)} (task 2, rule 2)."
    )
    report.refresh_from_db()
    got = {"returned": result.result.get("words") if isinstance(result.result, dict) else None}
    got["saved"] = report.words
    assert all(type(v) is int for v in got.values()) and got == {"returned": 4, "saved": 4}, (
        f"words is len(title.split()) (task 2, rule 3): for the title {title!r} that is 4 "
        f"({title.split()}). The task returned words={got['returned']!r} and saved "
        f"words={got['saved']!r}. split() with no argument splits on any run of whitespace "
        f"(tabs and newlines too) and ignores it at both ends; split(' ') does not."
    )


@pytest.mark.task(2)
@pytest.mark.django_db(transaction=True)
def test_build_report_of_a_missing_row_fails_with_does_not_exist(worker, recorder, build_report):
    from reports.models import Report

    missing = (Report.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    result = wait_until_done(worker.app, build_report.delay(missing).id, "task 2")
    error = result.result
    assert result.state == "FAILURE" and type(error).__name__ == "DoesNotExist", (
        f"build_report({missing}) for a report that does not exist must fail with "
        f"Report.DoesNotExist, so the status endpoint can report it (task 2, rule 5: do not "
        f"catch it). It ended {result.state}: {describe_failure(result) if result.state == 'FAILURE' else repr(error)}."
    )
