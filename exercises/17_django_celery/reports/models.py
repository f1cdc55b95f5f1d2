"""The Report model (given: you do not need to change it).

A client asks for a report; the API stores a row and hands the slow work to Celery. The row is
the business data; the task's state lives in Celery's result backend.
"""

from django.db import models


class Report(models.Model):
    title = models.CharField(max_length=200)
    # The id of the Celery task that builds this report (set by the API view, task 3).
    task_id = models.CharField(max_length=255, blank=True, default="")
    # "pending" until build_report has run, then "done" (task 2).
    status = models.CharField(max_length=20, default="pending")
    # Filled in by build_report: how many words the title has.
    words = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Report #{self.pk}: {self.title} ({self.status})"
