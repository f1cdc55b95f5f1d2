"""The library API (given: do not change it). DRF generic views around your serializers.

Every view takes its serializer from library/serializers.py: the views only fetch and save rows,
your serializers decide what a row looks like and what a client may write.

Anyone may read. Writing needs a logged-in user (IsAuthenticatedOrReadOnly, in the settings).
A user may change or delete only their own books and reviews: anyone else gets 404 (exercise 09
does this properly, with permission classes).
"""

from rest_framework import generics, permissions

from library.models import Author, Book, Review
from library.serializers import AuthorSerializer, BookSerializer, ReviewSerializer


class OwnRowsForWrites:
    """Reads see every row; PUT, PATCH and DELETE find only the requesting user's rows."""

    owner_field = "owner"

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.method in permissions.SAFE_METHODS:
            return queryset
        return queryset.filter(**{self.owner_field: self.request.user})


class AuthorList(generics.ListCreateAPIView):
    """GET /api/authors/ lists the authors; POST adds one."""

    queryset = Author.objects.all()
    serializer_class = AuthorSerializer


class AuthorDetail(generics.RetrieveUpdateAPIView):
    """GET, PUT and PATCH /api/authors/<pk>/."""

    queryset = Author.objects.all()
    serializer_class = AuthorSerializer


class BookList(generics.ListCreateAPIView):
    """GET /api/books/ lists the books; POST adds one, owned by the requesting user."""

    queryset = Book.objects.select_related("author", "owner").prefetch_related("reviews")
    serializer_class = BookSerializer

    def perform_create(self, serializer):
        # The owner never comes from the body: it is whoever sent the request.
        serializer.save(owner=self.request.user)


class BookDetail(OwnRowsForWrites, generics.RetrieveUpdateDestroyAPIView):
    """GET, PUT, PATCH (a partial update) and DELETE /api/books/<pk>/."""

    queryset = Book.objects.select_related("author", "owner").prefetch_related("reviews")
    serializer_class = BookSerializer


class ReviewList(generics.ListCreateAPIView):
    """GET /api/reviews/ lists the reviews; POST adds one.

    Nothing extra is passed to save(): the serializer finds the reader in the request
    (self.context["request"].user).
    """

    queryset = Review.objects.select_related("book", "user")
    serializer_class = ReviewSerializer


class ReviewDetail(OwnRowsForWrites, generics.RetrieveUpdateDestroyAPIView):
    """GET, PUT, PATCH and DELETE /api/reviews/<pk>/."""

    owner_field = "user"
    queryset = Review.objects.select_related("book", "user")
    serializer_class = ReviewSerializer
