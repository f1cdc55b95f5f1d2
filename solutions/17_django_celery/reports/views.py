"""The API (tasks 3–5): ask for a report and get 202 Accepted at once; poll its task's state.

POST /api/reports/          → create_report: a Report row, a task sent after the commit, 202
GET  /api/tasks/<task_id>/  → task_status: the task's state, read from the result backend
"""

from celery.result import AsyncResult
from celery.utils import uuid
from django.db import transaction
from django.urls import reverse
from proj_celery import app
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from reports.models import Report
from reports.tasks import build_report


class ReportRequestSerializer(serializers.ModelSerializer):
    """What a client may send: a title (required, not blank, at most 200 characters). Given."""

    class Meta:
        model = Report
        fields = ["title"]


@api_view(["POST"])
def create_report(request):
    """Create a Report, send ``build_report`` once the transaction commits, answer 202."""
    serializer = ReportRequestSerializer(data=request.data)
    # Invalid input: DRF answers 400 with the field errors; no row, no task.
    serializer.is_valid(raise_exception=True)

    # The task id is chosen now, because the task is sent later: after the commit, which (with
    # ATOMIC_REQUESTS) happens only after this view has returned its response.
    task_id = uuid()
    with transaction.atomic():
        report = serializer.save(task_id=task_id)
        # Sent only if and when the row is committed: the worker can always read it, and a
        # rolled-back request sends nothing. The message carries the id (JSON), not the object.
        transaction.on_commit(lambda: build_report.apply_async(args=[report.pk], task_id=task_id))

    status_url = reverse("task-status", args=[task_id])
    return Response(
        {"report_id": report.pk, "task_id": task_id, "status_url": status_url},
        status=status.HTTP_202_ACCEPTED,  # accepted for processing, not done: not 200, not 201
        headers={"Location": status_url},
    )


@api_view(["GET"])
def task_status(request, task_id):
    """The state of any task id, as the result backend knows it. Never waits for the task."""
    result = AsyncResult(task_id, app=app)
    state = result.state  # PENDING for unknown ids too: Celery cannot tell them apart
    body = {"task_id": task_id, "state": state}
    if state == "SUCCESS":
        body["result"] = result.result
    elif state == "FAILURE":
        error = result.result  # the exception, rebuilt by the backend
        # Name and message only: a traceback shows code and paths to anyone who asks.
        body["error"] = f"{type(error).__name__}: {error}"
    return Response(body)
