"""URLs of exercise 10: the learner's library/urls.py (given code), and task 1's test bench.

The learner's URLconf is imported lazily, at the first request that reaches it (a URLResolver
given a module name imports it when it first resolves), so a broken views.py never breaks the
test bench, which grades the pagination class alone.
"""

import os

from django.urls import URLResolver, include, path
from django.urls.resolvers import RoutePattern

urlpatterns = []

if not os.environ.get("KATA_PLAYGROUND"):
    from kata_views import PagedItems

    # Task 1's test bench: the suite's own list view, paged by the learner's class.
    urlpatterns.append(path("kata/items/<int:total>/", PagedItems.as_view()))

urlpatterns.append(URLResolver(RoutePattern(""), "library.urls"))

if os.environ.get("KATA_PLAYGROUND"):
    urlpatterns.append(path("api-auth/", include("rest_framework.urls")))
