"""URLs of exercise 12: the suite's own routes under /kata/; the given routes in the playground.

A test serves a viewset of its own (built on the learner's classes, or on DRF's for the side by
side comparison) with kata_routes.serve(), which puts a router's URLs here under /kata/. The
learner's library/urls.py (given code: a DefaultRouter with MiniBookViewSet) is not included
while grading, so that a mistake in one task does not break the URLs of every test: the test of
the given routes uses kata_urls_given; the playground includes it below.
"""

import os

from django.urls import include, path

urlpatterns: list = []

if os.environ.get("KATA_PLAYGROUND"):
    urlpatterns += [
        path("", include("library.urls")),
        path("api-auth/", include("rest_framework.urls")),
    ]
