"""Wrong: the status endpoint reads the Report row (by task_id) instead of the result backend. Caught by: test_unknown_task_id_is_pending, test_state_goes_pending_then_started_then_success_with_the_result, test_failed_task_reports_a_short_error_without_the_traceback."""

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
    from django.shortcuts import get_object_or_404

    report = get_object_or_404(Report, task_id=task_id)
    if report.status != "done":
        return Response({"task_id": task_id, "state": "PENDING"})
    summary = {"report_id": report.pk, "title": report.title, "words": report.words}
    return Response({"task_id": task_id, "state": "SUCCESS", "result": summary})
