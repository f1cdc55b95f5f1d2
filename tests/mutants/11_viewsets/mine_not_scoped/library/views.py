"""Wrong: mine lists every book, not the user's.
Caught by: test_mine_lists_only_the_readers_own_books_as_a_page.
"""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from .models import Book, Review
from .permissions import IsOwner
from .serializers import (
    BookDetailSerializer,
    BookListSerializer,
    BookWriteSerializer,
    ReviewCreateSerializer,
    ReviewSerializer,
)


class BookViewSet(viewsets.ModelViewSet):
    """/api/books/: everyone reads, a logged-in reader adds, only the owner changes."""

    # The router derives the basename "book" from this queryset: routes book-list, book-detail…
    queryset = Book.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["author"]

    # One serializer per action; the actions not listed (create, update…) write.
    serializer_class = BookWriteSerializer
    serializer_classes = {
        "list": BookListSerializer,
        "mine": BookListSerializer,
        "retrieve": BookDetailSerializer,
        "review": ReviewCreateSerializer,
    }
    # One list of permissions per action; the actions not listed change a book: owner only.
    permission_classes = [IsAuthenticated, IsOwner]
    permission_classes_by_action = {
        "list": [AllowAny],
        "retrieve": [AllowAny],
        "create": [IsAuthenticated],
        "review": [IsAuthenticated],
        "mine": [IsAuthenticated],
    }

    def get_serializer_class(self):
        return self.serializer_classes.get(self.action, self.serializer_class)

    def get_permissions(self):
        classes = self.permission_classes_by_action.get(self.action, self.permission_classes)
        return [permission() for permission in classes]

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)

    # The action reads a ReviewCreateSerializer and answers a ReviewSerializer: the schema
    # cannot guess the second one, so say it.
    @extend_schema(responses={201: ReviewSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        book = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if Review.objects.filter(book=book, user=request.user).exists():
            raise ValidationError({"detail": "You have already reviewed this book."})
        review = serializer.save(book=book, user=request.user)
        answer = ReviewSerializer(review, context=self.get_serializer_context())
        return Response(answer.data, status=status.HTTP_201_CREATED)

    @action(detail=False)
    def mine(self, request):
        books = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(books)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)


class ReviewViewSet(viewsets.ModelViewSet):
    """/api/reviews/: a reader's own reviews. Others' reviews do not exist for them (404)."""

    serializer_class = ReviewSerializer
    permission_classes = [IsAuthenticated]
    # No PUT (a review changes by PATCH) and no POST (reviews are made by the book's action).
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # drf-spectacular builds the schema without a logged-in user.
            return Review.objects.none()
        return Review.objects.filter(user=self.request.user).select_related("book", "user")
