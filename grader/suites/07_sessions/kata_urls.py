"""URLs of exercise 07: the learner's views (reached lazily, through the loader) and the
suite's own probe views under /s/ (they drive the middleware and the engine)."""

import kata_views
from django.urls import path

from grader.loader import load


def learner_view(name):
    """A view that imports the learner's views.py only when a request arrives."""

    def view(request, *args, **kwargs):
        return getattr(load("views"), name)(request, *args, **kwargs)

    view.__name__ = name
    return view


urlpatterns = [
    path("", kata_views.inspector),
    path("cart/", learner_view("show_cart")),
    path("cart/add/", learner_view("add_to_cart")),
    path("login/", learner_view("login_view")),
    path("logout/", learner_view("logout_view")),
    path("s/set/", kata_views.set_values),
    path("s/get/", kata_views.get_values),
    path("s/plain/", kata_views.plain),
    path("s/flush/", kata_views.flush),
    path("s/expiry/", kata_views.set_expiry),
    path("s/vary/", kata_views.vary),
    path("s/fail/", kata_views.fail),
    path("s/cycle/", kata_views.cycle),
    path("s/race/", kata_views.race),
    path("race/cart/add/", kata_views.race_add_to_cart),
]
