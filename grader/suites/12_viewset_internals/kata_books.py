"""The suite's own book API: serializers, a permission, a paginator, and viewsets made from them.

The side by side comparison builds the same viewset twice, once on DRF's ModelViewSet and once
on the learner's MiniModelViewSet (``book_viewset``): same name, docstring, queryset,
serializers, permissions, paginator and hooks, so any difference comes from the base class.
Models and DRF serializers are imported inside functions: a broken library/models.py must give
the loader's message in each test, never a collection error.
"""

from __future__ import annotations

import functools

from rest_framework import permissions
from rest_framework.pagination import PageNumberPagination

# The password of the suite's readers alice and bob (conftest.world_rows).
PASSWORD = "reads-books"
# The route name of the suite's detail URLs (kata_routes.serve registers basename "kata-book").
DETAIL_ROUTE = "kata-book-detail"


class IsOwnerOrReadOnly(permissions.BasePermission):
    """Everyone reads; only the owner writes (an object permission: needs get_object())."""

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or obj.owner == request.user


class OwnerOnly(permissions.BasePermission):
    """Only the owner may even see a book (used to prove retrieve goes through get_object)."""

    message = "Only the owner may see this book."

    def has_object_permission(self, request, view, obj):
        return obj.owner == request.user


class TwoPerPage(PageNumberPagination):
    page_size = 2


@functools.cache
def serializers() -> dict[str, type]:
    """{"book": full serializer with a url, "summary": list serializer, "plain": no url}."""
    from library.models import Book
    from rest_framework import serializers as s

    def validate_isbn(self, value):
        if len(value) != 13 or not value.isdigit():
            raise s.ValidationError("An ISBN-13 is 13 digits, without hyphens.")
        return value

    fields = ["id", "title", "isbn", "author", "owner", "published", "pages"]
    book = type(
        "BookSerializer",
        (s.ModelSerializer,),
        {
            "url": s.HyperlinkedIdentityField(view_name=DETAIL_ROUTE),
            "owner": s.ReadOnlyField(source="owner.username"),
            "Meta": type("Meta", (), {"model": Book, "fields": ["url", *fields]}),
            "validate_isbn": validate_isbn,
        },
    )
    summary = type(
        "BookSummarySerializer",
        (s.ModelSerializer,),
        {
            "url": s.HyperlinkedIdentityField(view_name=DETAIL_ROUTE),
            "Meta": type("Meta", (), {"model": Book, "fields": ["url", "id", "title"]}),
        },
    )
    plain = type(
        "PlainBookSerializer",
        (s.ModelSerializer,),
        {
            "owner": s.ReadOnlyField(source="owner.username"),
            "Meta": type("Meta", (), {"model": Book, "fields": fields}),
            "validate_isbn": validate_isbn,
        },
    )
    return {"book": book, "summary": summary, "plain": plain}


def _serializer_by_action(self):
    # The list shows a summary; every other action (and OPTIONS' "metadata") the whole book.
    chosen = serializers()
    return chosen["summary"] if self.action == "list" else chosen["book"]


def _owner_is_the_user(self, serializer):
    serializer.save(owner=self.request.user)


def book_viewset(base: type, name: str = "BookViewSet", **attrs) -> type:
    """The suite's book viewset on ``base`` (DRF's ModelViewSet or the learner's class)."""
    from library.models import Book

    namespace = {
        "__module__": __name__,
        "__qualname__": name,
        "__doc__": "The library's books: anyone reads, readers add, owners change.",
        "queryset": Book.objects.select_related("owner"),
        "get_serializer_class": _serializer_by_action,
        "permission_classes": [permissions.IsAuthenticatedOrReadOnly, IsOwnerOrReadOnly],
        "pagination_class": TwoPerPage,
        "perform_create": _owner_is_the_user,
    }
    namespace.update(attrs)
    return type(name, (base,), namespace)


def plain_viewset(base: type, name: str = "PlainBookViewSet", **attrs) -> type:
    """A small book viewset for one rule at a time: no url field, no pagination, AllowAny."""
    from library.models import Book

    namespace = {
        "__module__": __name__,
        "__qualname__": name,
        "queryset": Book.objects.select_related("owner"),
        "serializer_class": serializers()["plain"],
        "permission_classes": [permissions.AllowAny],
        "pagination_class": None,
        "perform_create": _owner_is_the_user,
    }
    namespace.update(attrs)
    return type(name, (base,), namespace)
