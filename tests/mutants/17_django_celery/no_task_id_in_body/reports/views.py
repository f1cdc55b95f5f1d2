"""Wrong: the answer has no task id (delay_on_commit returns nothing to put there). Caught by: test_body_and_location_point_to_the_task_status."""

from celery.result import AsyncResult
from celery.utils import uuid
from django.db import transaction
from django.urls import reverse
from proj_celery import app
from reports.models import Report
from reports.tasks import build_report
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response


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
    with transaction.atomic():
        report = serializer.save()
        build_report.delay_on_commit(report.pk)

    status_url = reverse("task-status", args=[report.task_id or "unknown"])
    return Response(
        {"report_id": report.pk, "status_url": status_url},
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
