"""The API (tasks 3–5): ask for a report and get 202 Accepted at once; poll its task's state.

POST /api/reports/          → create_report: a Report row, a task sent after the commit, 202
GET  /api/tasks/<task_id>/  → task_status: the task's state, read from the result backend

The URLs are given (the course's URLconf); the status URL is named "task-status":
reverse("task-status", args=[task_id]) gives "/api/tasks/<task_id>/".
"""

from celery.result import AsyncResult  # noqa: F401 - you will need these
from celery.utils import uuid  # noqa: F401
from django.db import transaction  # noqa: F401
from django.urls import reverse  # noqa: F401
from proj_celery import app  # noqa: F401
from rest_framework import serializers, status  # noqa: F401
from rest_framework.decorators import api_view
from rest_framework.response import Response  # noqa: F401

from reports.models import Report
from reports.tasks import build_report  # noqa: F401


class ReportRequestSerializer(serializers.ModelSerializer):
    """What a client may send: a title (required, not blank, at most 200 characters). Given."""

    class Meta:
        model = Report
        fields = ["title"]


@api_view(["POST"])
def create_report(request):
    """Create a Report, send ``build_report`` once the transaction commits, answer 202.

    Tasks 3 and 4: validate with ReportRequestSerializer (400 on errors), save the row with its
    task id, send ``build_report`` with the report's id from ``transaction.on_commit``, answer
    202 Accepted with ``{"report_id", "task_id", "status_url"}`` and a ``Location`` header.
    """
    raise NotImplementedError


@api_view(["GET"])
def task_status(request, task_id):
    """Task 5: the state of any task id, as the result backend knows it. Never waits.

    ``{"task_id", "state"}``, plus ``"result"`` on SUCCESS or ``"error"`` on FAILURE.
    """
    raise NotImplementedError
