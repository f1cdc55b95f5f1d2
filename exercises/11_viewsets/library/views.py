"""The viewsets of exercise 11: books and reviews, each one class on a router.

Everything you need is imported below. Delete a method you do not use: for example, choose
the permissions with get_permissions() or with permission_classes=… on @action, as you like.
Both at once? @action(permission_classes=…, serializer_class=…) takes effect only if your
get_permissions() and get_serializer_class() fall back to self.permission_classes and
self.serializer_class for the actions they do not list.
"""

from django_filters.rest_framework import DjangoFilterBackend  # noqa: F401 - task 1, rule 8
from drf_spectacular.utils import extend_schema  # noqa: F401 - task 5, rule 4
from rest_framework import status, viewsets  # noqa: F401
from rest_framework.decorators import action  # noqa: F401 - task 3
from rest_framework.exceptions import ValidationError  # noqa: F401 - task 3, rule 3
from rest_framework.permissions import AllowAny, IsAuthenticated  # noqa: F401 - task 2
from rest_framework.response import Response  # noqa: F401

from .models import Book, Review  # noqa: F401
from .permissions import IsOwner  # noqa: F401
from .serializers import (  # noqa: F401
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

    # Task 1, rule 8: filter the list by ?author=<id> with a filter backend.

    def get_serializer_class(self):
        # Task 2, rules 1-3: one serializer per action (self.action), not per HTTP method.
        raise NotImplementedError("BookViewSet.get_serializer_class: task 2")

    def get_permissions(self):
        # Task 2, rules 4-6 (and task 3): one list of permissions per action.
        raise NotImplementedError("BookViewSet.get_permissions: task 2")

    def perform_create(self, serializer):
        # Task 1, rule 3: the owner is the user who sends the request.
        raise NotImplementedError("BookViewSet.perform_create: task 1, rule 3")

    # Task 3, rules 1-3: POST /api/books/<id>/review/ — make this method an action.
    def review(self, request, pk=None):
        raise NotImplementedError("BookViewSet.review: task 3")

    # Task 3, rule 4: GET /api/books/mine/ — make this method an action.
    def mine(self, request):
        raise NotImplementedError("BookViewSet.mine: task 3, rule 4")


class ReviewViewSet(viewsets.ModelViewSet):
    """/api/reviews/: a reader's own reviews. Others' reviews do not exist for them (404)."""

    # Task 4: the serializer, the permissions and the HTTP methods of /api/reviews/.

    def get_queryset(self):
        # Task 4, rules 2-4: only the requesting user's reviews.
        raise NotImplementedError("ReviewViewSet.get_queryset: task 4")
