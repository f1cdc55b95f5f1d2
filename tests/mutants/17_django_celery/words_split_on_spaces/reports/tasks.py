"""Wrong: words counted with title.split(" "): runs of spaces, tabs, newlines and the ends give wrong counts. Caught by: test_build_report_counts_words_split_on_any_whitespace."""

from proj_celery import app
from reports.models import Report


@app.task
def build_report(report_id: int) -> dict:
    """Build the report whose primary key is ``report_id`` and return its summary.

    The argument is the id, not the Report: a task message is JSON, and the worker must read
    the row as it is in the database when the task runs, not a copy from the request.
    """
    # Not caught: if the row is missing (the sender did not wait for the commit, or it was
    # deleted), the task fails and the status endpoint reports DoesNotExist.
    report = Report.objects.get(pk=report_id)
    words = len(report.title.split(" "))
    report.status = "done"
    report.words = words
    report.save(update_fields=["status", "words"])
    # The return value goes to the result backend: plain JSON types only.
    return {"report_id": report.pk, "title": report.title, "words": words}
