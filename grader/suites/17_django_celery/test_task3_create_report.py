"""Task 3: POST /api/reports/ answers 202 Accepted with the id of the task that builds the report."""

import pytest
from kata_api import REPORTS_URL, accepted, body_of, path_of, post_report, status_path
from kata_celery import describe_failure, wait_until_done

pytestmark = [pytest.mark.task(3), pytest.mark.django_db(transaction=True)]


def test_post_answers_202_accepted(client, recorder):
    response = post_report(client, {"title": "Monthly revenue"})
    assert response.status_code == 202, (
        f"POST {REPORTS_URL} must answer 202 Accepted: the report is not built yet, only "
        f"accepted for processing — not 200 (done) nor 201 (created and ready) (task 3, rule 2). "
        f"It answered {response.status_code} with {body_of(response)!r}."
    )


def test_body_and_location_point_to_the_task_status(client, recorder):
    response = post_report(client, {"title": "Monthly revenue"})
    body = body_of(response)
    assert isinstance(body, dict) and isinstance(body.get("task_id"), str) and body["task_id"], (
        f"The answer must be a JSON object with the task's id under 'task_id' (task 3, rule 3); "
        f"it was {body!r}."
    )
    expected = status_path(body["task_id"])
    assert path_of(body.get("status_url")) == expected, (
        f"'status_url' in the body must be the status URL {expected} (task 3, rule 3); "
        f"it was {body.get('status_url')!r}."
    )
    location = response.headers.get("Location")
    assert path_of(location) == expected, (
        f"The Location header must point to the status URL {expected} (task 3, rule 3); "
        f"it was {location!r}."
    )


def test_post_creates_one_report_row_holding_the_task_id(client, recorder):
    from reports.models import Report

    body = accepted(client, "Churn by region")
    rows = list(Report.objects.values("pk", "title", "task_id"))
    expected = [{"pk": body["report_id"], "title": "Churn by region", "task_id": body["task_id"]}]
    assert rows == expected, (
        f"POST must create exactly one Report with the title sent and task_id set to the id "
        f"in the answer (task 3, rule 1). Expected rows {expected}, found {rows}."
    )


def test_task_id_in_the_answer_is_the_task_the_worker_runs(client, worker, recorder):
    # The task starts once the request is over: when it was sent, before or after the commit,
    # is task 4's rule, and here it must not decide whether the task finds its row.
    with recorder.holding_tasks():
        body = accepted(client, "Top customers this year")
    result = wait_until_done(worker.app, body["task_id"], "task 3, rule 4")
    assert result.state == "SUCCESS", (
        f"The task {body['task_id']} from the answer must build the report, but "
        f"{describe_failure(result)} (task 3, rule 4)."
    )
    got = result.result.get("report_id") if isinstance(result.result, dict) else result.result
    assert got == body["report_id"], (
        f"The task with the answer's task_id must build the report of the answer "
        f"(report_id {body['report_id']}); it built {got!r} (task 3, rule 4)."
    )
    started = recorder.started_of(body["task_id"])
    assert started is not None and started.by_worker, (
        "The task must run in the worker, which received it from the broker — not in the "
        "request (task 3, rule 4)."
    )


@pytest.mark.parametrize(
    "data",
    [{}, {"title": ""}, {"title": "x" * 201}],
    ids=["no_title", "blank_title", "title_too_long"],
)
def test_invalid_request_answers_400_and_sends_nothing(client, recorder, build_report, data):
    from reports.models import Report

    response = post_report(client, data)
    body = body_of(response)
    assert response.status_code == 400 and isinstance(body, dict) and "title" in body, (
        f"POST {data if len(str(data)) < 60 else '{title: 201 characters}'} must answer 400 with "
        f"the serializer's errors for 'title' (task 3, rule 5); it answered "
        f"{response.status_code} with {body!r}."
    )
    rows = Report.objects.count()
    sent = recorder.sent(build_report.name)
    assert rows == 0 and not sent, (
        f"An invalid request must create no Report and send no task (task 3, rule 5); "
        f"it created {rows} row(s) and sent {len(sent)} task(s)."
    )
