"""URLs of exercise 09: the learner's library/urls.py (given code) and, while grading, a probe.

The learner's URLconf is imported at the first request, through the grader's loader: a broken
views.py (or authentication.py, permissions.py, throttles.py, which it imports) makes every
/api/ request fail with the loader's clear message, while the probe keeps working.
"""

import os

from django.urls import include, path, re_path
from kata_api import learner_module

from grader.loader import LearnerCodeError, load


def _learner_urls():
    try:
        learner_module("views")
        load("library.urls")
    except LearnerCodeError as error:
        message = str(error)

        def broken(request, *args, **kwargs):
            raise LearnerCodeError(message)

        return [re_path(r"^api/", broken)]
    return [path("", include("library.urls"))]


urlpatterns = _learner_urls()

if os.environ.get("KATA_PLAYGROUND"):
    # DRF's login and logout pages, for the browsable API (a session client).
    urlpatterns.append(path("api-auth/", include("rest_framework.urls")))
else:
    import kata_probe

    urlpatterns.append(path("kata/probe/<str:source>/", kata_probe.AuthProbe.as_view()))
