"""Tasks 2 and 4: the books and the reviews, as GenericAPIView plus mixins."""

from rest_framework.generics import GenericAPIView
from rest_framework.mixins import CreateModelMixin, ListModelMixin

from library.models import Book, Review  # noqa: F401 - for your querysets
from library.pagination import BoundedPageNumberPagination  # noqa: F401 - task 2
from library.serializers import (  # noqa: F401 - your views choose among them
    BookListSerializer,
    BookWriteSerializer,
    ReviewSerializer,
    ReviewWriteSerializer,
)


class BookList(ListModelMixin, CreateModelMixin, GenericAPIView):
    """GET /api/books/: every book, filtered and paged. POST: a new book of the user's."""

    # TODO task 2: pagination_class. TODO task 3: filter_backends and filterset_class.

    def get_queryset(self):
        raise NotImplementedError("task 2: every book, with its author and owner joined")

    def get_serializer_class(self):
        raise NotImplementedError("task 2: BookWriteSerializer for POST, else BookListSerializer")

    def perform_create(self, serializer):
        raise NotImplementedError("task 2: save the book with the requesting user as its owner")

    def get(self, request, *args, **kwargs):
        raise NotImplementedError("task 2: list the books (ListModelMixin)")

    def post(self, request, *args, **kwargs):
        raise NotImplementedError("task 2: create a book (CreateModelMixin)")


class ReviewList(ListModelMixin, CreateModelMixin, GenericAPIView):
    """GET /api/reviews/: the user's own reviews (?book=<id> narrows). POST: a new review."""

    # TODO task 4: permission_classes and pagination_class.

    def get_queryset(self):
        raise NotImplementedError("task 4: the requesting user's reviews, narrowed by ?book")

    def get_serializer_class(self):
        raise NotImplementedError("task 4: ReviewWriteSerializer for POST, else ReviewSerializer")

    def perform_create(self, serializer):
        raise NotImplementedError("task 4: save the review with the requesting user")

    def get(self, request, *args, **kwargs):
        raise NotImplementedError("task 4: list the reviews (ListModelMixin)")

    def post(self, request, *args, **kwargs):
        raise NotImplementedError("task 4: create a review (CreateModelMixin)")
