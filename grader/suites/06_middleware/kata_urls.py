"""URLs of exercise 06. Only suite views here: the learner writes middleware, not views.

Task 4's decorated views are built per test (conftest.maintenance_urls), so that importing
this URLconf never runs learner code and tasks 1-3 never depend on task 4.
"""

import os

import kata_views
from django.urls import path

urlpatterns = [
    path("", kata_views.home),
    path("async/", kata_views.async_home),
    path("echo/", kata_views.echo),
    path("async/echo/", kata_views.async_echo),
    path("api/echo/", kata_views.echo),
    path("api/raise/<str:kind>/", kata_views.raise_view),
    path("api/async/raise/<str:kind>/", kata_views.async_raise_view),
    path("pages/raise/<str:kind>/", kata_views.raise_view),
    path("apiary/raise/<str:kind>/", kata_views.raise_view),
]

if os.environ.get("KATA_PLAYGROUND"):
    # The playground only (never set while grading): a page marked with the learner's decorator.
    urlpatterns.append(path("status/", kata_views.playground_status_view()))
