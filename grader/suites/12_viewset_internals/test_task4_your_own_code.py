"""Task 4: your viewset stands on GenericAPIView, not on DRF's viewsets or mixins."""

import pytest
from kata_books import book_viewset
from kata_callstack import watch
from kata_http import call
from kata_routes import serve

pytestmark = pytest.mark.task(4)


def test_your_classes_are_built_on_generic_api_view(viewsets):
    from rest_framework.generics import GenericAPIView

    for name in ("MiniGenericViewSet", "MiniModelViewSet"):
        cls = getattr(viewsets, name)
        assert isinstance(cls, type) and issubclass(cls, GenericAPIView), (
            f"{name} must be a subclass of rest_framework.generics.GenericAPIView, the rung "
            f"below viewsets on DRF's ladder (View → APIView → GenericAPIView) (task 4, rule 1)."
        )
        assert issubclass(cls, viewsets.ViewSetMixin), (
            f"{name} must get as_view() from your ViewSetMixin (task 4, rule 1)."
        )
    ladder = viewsets.MiniGenericViewSet.__mro__
    assert ladder.index(viewsets.ViewSetMixin) < ladder.index(GenericAPIView), (
        "MiniGenericViewSet(ViewSetMixin, GenericAPIView): your ViewSetMixin comes first, so "
        "its as_view() and initialize_request() are found before APIView's (task 4, rule 1)."
    )


def test_drfs_viewsets_and_mixins_are_not_in_your_class_ladder(viewsets):
    borrowed = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in viewsets.MiniModelViewSet.__mro__
        if cls.__module__ in ("rest_framework.viewsets", "rest_framework.mixins")
    ]
    assert not borrowed, (
        f"MiniModelViewSet inherits from DRF's own {', '.join(borrowed)}: that is the code "
        f"this exercise rebuilds. Write ViewSetMixin and the five mixins yourself, on top of "
        f"GenericAPIView (task 4, rule 2)."
    )


def test_no_drf_viewset_or_mixin_code_runs_for_your_viewset(viewsets, api, world):
    cls = book_viewset(viewsets.MiniModelViewSet)
    book = f"/kata/books/{world.books[0]}/"
    requests = [
        ("GET", "/kata/books/", None),
        (
            "POST",
            "/kata/books/",
            {"title": "Kindred", "isbn": "9780807083697", "author": world.authors[0]},
        ),
        ("GET", book, None),
        ("PUT", book, {"title": "Dune", "isbn": "9780441172719", "author": world.authors[1]}),
        ("PATCH", book, {"pages": 412}),
        ("OPTIONS", "/kata/books/", None),
        ("DELETE", book, None),
    ]
    api.force_authenticate(world.users["alice"])
    with watch() as probe:
        probe.now = "the router's as_view() calls"
        serve(cls)
        for method, path, data in requests:
            probe.now = f"{method} {path}"
            call(api, method, path, data)
    assert not probe.found, (
        "While your MiniModelViewSet built its views and answered every verb, DRF's own "
        "viewset code ran:\n"
        f"{probe.report()}\n"
        "rest_framework/viewsets.py (ViewSetMixin, GenericViewSet, ModelViewSet) and "
        "rest_framework/mixins.py are the code this exercise rebuilds: do not subclass, import "
        "or call them. Build on rest_framework.generics.GenericAPIView (task 4, rule 2)."
    )
