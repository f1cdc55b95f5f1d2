"""URLs of exercise 11: the learner's library/urls.py (their router, schema and docs URLs).

Django imports it at the first request. The suite's autouse fixture ``learner_code`` imports it
before, through the grader's loader, so that a broken file fails with one clear message.
"""

import os

from django.urls import include, path

urlpatterns = [path("", include("library.urls"))]

if os.environ.get("KATA_PLAYGROUND"):
    # The playground only: DRF's login and logout pages for the browsable API.
    urlpatterns.append(path("api-auth/", include("rest_framework.urls")))
