"""URLs of exercise 08: the learner's library/urls.py (given code), imported at the first request.

The suite imports library.urls through the grader's loader before any request (conftest's
`learner_api`), so a broken file is reported with the loader's message, not a bare traceback.
"""

import os

from django.urls import include, path

urlpatterns = [path("", include("library.urls"))]

if os.environ.get("KATA_PLAYGROUND"):
    # The browsable API's login and logout views, for trying the API by hand.
    urlpatterns.append(path("api-auth/", include("rest_framework.urls")))
