"""The serializers of exercise 11 (given: use them, do not change them).

A book has three shapes, one per kind of action:

- ``BookListSerializer``: the summary in a list (list, mine).
- ``BookDetailSerializer``: one book in full, with its author and its reviews (retrieve).
- ``BookWriteSerializer``: what a client sends to create or change a book, and the answer to
  that request (create, update, partial_update).

A review has two:

- ``ReviewSerializer``: a review as readers see it (the /api/reviews/ endpoints, and inside a
  book's detail). A PATCH may change its rating and its text, nothing else.
- ``ReviewCreateSerializer``: the body of POST /api/books/<id>/review/: a rating and a text.
  The book comes from the URL, the reader from ``request.user``.

The ``url`` fields link to the route named ``"book-detail"``: a router names it so when the
books are registered with the basename ``"book"``.
"""

import re

from rest_framework import serializers

from .models import Author, Book, Review


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name", "birth_year"]


class ReviewSerializer(serializers.ModelSerializer):
    book = serializers.PrimaryKeyRelatedField(read_only=True)
    book_title = serializers.CharField(source="book.title", read_only=True)
    user = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Review
        fields = ["id", "book", "book_title", "user", "rating", "text", "created_at"]
        read_only_fields = ["created_at"]


class ReviewCreateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = ["rating", "text"]


class BookListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="book-detail")
    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = Book
        # `author` is the author's id here: the list stays small.
        fields = ["id", "url", "title", "author", "owner"]


class BookDetailSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="book-detail")
    owner = serializers.CharField(source="owner.username", read_only=True)
    author = AuthorSerializer(read_only=True)
    reviews = ReviewSerializer(many=True, read_only=True)

    class Meta:
        model = Book
        fields = [
            "id", "url", "title", "isbn", "author", "owner", "published", "pages", "created_at",
            "reviews",
        ]  # fmt: skip


class BookWriteSerializer(serializers.ModelSerializer):
    # In the answer to POST: DRF's CreateModelMixin copies this field into the Location header.
    url = serializers.HyperlinkedIdentityField(view_name="book-detail")
    # Read-only: the owner is whoever sends the request (perform_create), never the body.
    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = Book
        fields = ["id", "url", "title", "isbn", "author", "owner", "published", "pages"]

    def validate_isbn(self, value: str) -> str:
        if not re.fullmatch(r"\d{13}", value):
            raise serializers.ValidationError("An ISBN-13 is 13 digits, without hyphens.")
        return value
