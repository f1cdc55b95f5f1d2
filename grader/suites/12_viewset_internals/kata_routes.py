"""Serve a viewset at /kata/<prefix>/ through a real DRF router, for the test client to reach.

``serve`` registers the viewset on a router (SimpleRouter by default, as a project would),
which calls the viewset's ``as_view(actions, **initkwargs)`` for each route, and puts the
router's URLs in kata_urls under /kata/. Every test serves what it needs; the URL caches are
cleared so the next request sees the new routes.
"""

from __future__ import annotations

from django.urls import clear_url_caches, include, path


class RouterError(AssertionError):
    """The router could not build the routes: as_view() or get_extra_actions() failed."""


def serve(viewset: type, prefix: str = "books", basename: str = "kata-book", router=None) -> str:
    """Route ``viewset`` at /kata/<prefix>/ and return that list path."""
    import kata_urls
    from rest_framework.routers import SimpleRouter

    router = router if router is not None else SimpleRouter()
    router.register(prefix, viewset, basename=basename)
    try:
        urls = router.urls
    except NotImplementedError:
        raise
    except Exception as error:
        raise RouterError(
            f"DRF's {type(router).__name__} could not build the routes of a viewset made from "
            f"your classes: {type(error).__name__}: {error}. A router calls "
            f"get_extra_actions() and as_view(actions, basename=…, detail=…, suffix=…) "
            f"(task 1, rules 1-4 and 10)."
        ) from error
    kata_urls.urlpatterns[:] = [path("kata/", include(urls))]
    clear_url_caches()
    return f"/kata/{prefix}/"


def mount(*patterns) -> None:
    """Put these URL patterns (views the test made with as_view) under /kata/."""
    import kata_urls

    kata_urls.urlpatterns[:] = [path("kata/", include(list(patterns)))]
    clear_url_caches()
