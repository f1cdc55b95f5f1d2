"""The book API, built on your MiniModelViewSet (given: do not change it).

It is the same class you would write with DRF's ModelViewSet: only the base class differs.
"""

from rest_framework import permissions
from rest_framework.pagination import PageNumberPagination

from library.models import Book
from library.serializers import BookSerializer
from library.viewsets import MiniModelViewSet


class IsOwnerOrReadOnly(permissions.BasePermission):
    """Everyone may read a book; only its owner may change or delete it."""

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or obj.owner == request.user


class BookPagination(PageNumberPagination):
    page_size = 3


class MiniBookViewSet(MiniModelViewSet):
    """The library's books: anyone reads, signed-in readers add, owners change and delete."""

    queryset = Book.objects.select_related("owner")
    serializer_class = BookSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, IsOwnerOrReadOnly]
    pagination_class = BookPagination

    def perform_create(self, serializer):
        # The signed-in reader owns the book they add.
        serializer.save(owner=self.request.user)
