"""URLs of the test of the given routes: the learner's library/urls.py, as the playground serves it."""

from django.urls import include, path

urlpatterns = [path("", include("library.urls"))]
