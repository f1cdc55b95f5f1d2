"""The Celery task that builds a report (task 2). It runs in a worker, never in the request."""

from proj_celery import app

from reports.models import Report  # noqa: F401 - you will need it


@app.task
def build_report(report_id: int) -> dict:
    """Build the report whose primary key is ``report_id`` and return its summary.

    - Read the row: ``Report.objects.get(pk=report_id)``. A missing row raises
      ``Report.DoesNotExist``: let it (the task fails, the status endpoint reports it).
    - ``words`` is the number of words of the title (split on whitespace).
    - Save the row with ``status = "done"`` and ``words``.
    - Return ``{"report_id": <id>, "title": <title>, "words": <words>}``.
    """
    raise NotImplementedError
