"""Requests to the learner's API through Django's test client, with teaching failures."""

from __future__ import annotations

import json
from urllib.parse import urlparse

from kata_celery import explaining_send_errors

REPORTS_URL = "/api/reports/"


def status_path(task_id: str) -> str:
    return f"/api/tasks/{task_id}/"


def post_report(client, data):
    """POST data as JSON to /api/reports/ (an unsendable task message fails with its rule)."""
    with explaining_send_errors():
        return client.post(REPORTS_URL, data, content_type="application/json")


def body_of(response) -> dict | list | str:
    try:
        return json.loads(response.content or b"null")
    except ValueError:
        return response.content.decode("utf-8", "replace")[:300]


def accepted(client, title: str) -> dict:
    """POST a valid report and return the body; fail unless it is task 3's 202 answer."""
    response = post_report(client, {"title": title})
    body = body_of(response)
    assert response.status_code == 202, (
        f"POST {REPORTS_URL} with a valid title must answer 202 Accepted (task 3, rule 2); "
        f"it answered {response.status_code} with {body!r}."
    )
    assert isinstance(body, dict) and isinstance(body.get("task_id"), str) and body["task_id"], (
        f"The 202 body must hold the task's id as a string under 'task_id' (task 3, rule 3); "
        f"it was {body!r}."
    )
    assert isinstance(body.get("report_id"), int) and not isinstance(body["report_id"], bool), (
        f"The 202 body must hold the new report's id (an int) under 'report_id' (task 3, rule 3); "
        f"it was {body!r}."
    )
    return body


def get_status(client, task_id: str) -> dict:
    """GET /api/tasks/<task_id>/ and return its JSON body; fail unless it answers 200 JSON."""
    response = client.get(status_path(task_id))
    body = body_of(response)
    assert response.status_code == 200, (
        f"GET {status_path(task_id)} must answer 200 with the task's state (task 5, rule 1); "
        f"it answered {response.status_code} with {body!r}."
    )
    assert isinstance(body, dict) and "state" in body, (
        f"GET {status_path(task_id)} must answer a JSON object with 'task_id' and 'state' "
        f"(task 5, rule 1); it answered {body!r}."
    )
    return body


def path_of(url) -> str | None:
    return urlparse(url).path if isinstance(url, str) else None
