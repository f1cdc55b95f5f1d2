"""Wrong: BookList with permission_classes = [AllowAny]: an anonymous POST reaches perform_create. Caught by: test_anonymous_post_is_refused."""

from django_filters.rest_framework import DjangoFilterBackend
from library.filters import BookFilter, TitleSearchFilter
from library.models import Book, Review
from library.pagination import BoundedPageNumberPagination
from library.serializers import (
    BookListSerializer,
    BookWriteSerializer,
    ReviewSerializer,
    ReviewWriteSerializer,
)
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import CreateModelMixin, ListModelMixin
from rest_framework.permissions import AllowAny, IsAuthenticated


class BookList(ListModelMixin, CreateModelMixin, GenericAPIView):
    """GET /api/books/: every book, filtered and paged. POST: a new book of the user's."""

    pagination_class = BoundedPageNumberPagination
    # Both backends run, in order, before the page is cut.
    filter_backends = [DjangoFilterBackend, TitleSearchFilter]
    filterset_class = BookFilter
    permission_classes = [AllowAny]

    def get_queryset(self):
        # The list shows each book's author and owner: one JOIN, not one query per book.
        return Book.objects.select_related("author", "owner")

    def get_serializer_class(self):
        if self.request.method == "POST":
            return BookWriteSerializer
        return BookListSerializer

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.create(request, *args, **kwargs)


class ReviewList(ListModelMixin, CreateModelMixin, GenericAPIView):
    """GET /api/reviews/: the user's own reviews (?book=<id> narrows). POST: a new review."""

    permission_classes = [IsAuthenticated]
    pagination_class = BoundedPageNumberPagination

    def get_queryset(self):
        reviews = Review.objects.filter(user=self.request.user).select_related("book")
        book = self.request.query_params.get("book")
        if book is not None:
            try:
                book_id = int(book)
            except ValueError:
                raise ValidationError({"book": ["A book id is a whole number."]}) from None
            reviews = reviews.filter(book_id=book_id)
        return reviews

    def get_serializer_class(self):
        if self.request.method == "POST":
            return ReviewWriteSerializer
        return ReviewSerializer

    def perform_create(self, serializer):
        serializer.save(user=self.request.user)

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.create(request, *args, **kwargs)
