"""URLs of exercise 17. The learner's views are reached lazily, at request time, through
kata_learner: importing this URLconf never runs learner code, and a broken reports/views.py
gives the loader's clear message inside the test.
"""

import os

import kata_views
from django.urls import path
from django.views.decorators.csrf import csrf_exempt


def learner_view(name: str):
    """The view ``name`` of the learner's reports/views.py, looked up at every request."""

    @csrf_exempt
    def view(request, *args, **kwargs):
        from kata_learner import module

        return getattr(module("reports.views"), name)(request, *args, **kwargs)

    view.__name__ = view.__qualname__ = name
    return view


urlpatterns = [
    path("api/reports/", learner_view("create_report"), name="report-create"),
    path("api/tasks/<str:task_id>/", learner_view("task_status"), name="task-status"),
]

if os.environ.get("KATA_PLAYGROUND"):
    # The playground only (never set while grading): a page to try the API from a browser.
    urlpatterns.append(path("", kata_views.playground))
