"""URLs of exercise 05: the suite's views (the same functions MiniHandler gets) and the playground."""

import kata_playground
from django.urls import path
from kata_views import VIEWS

urlpatterns = [path(url.strip("/") + "/", view) for url, view in VIEWS.items()]
urlpatterns += [
    path("", kata_playground.index),
    path("play/<slug:demo>/", kata_playground.demo),
]
