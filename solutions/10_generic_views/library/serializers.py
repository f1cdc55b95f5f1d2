"""The serializers of exercise 10 (given: use them, do not change them).

Two per model: one to read a list, one to write. Your views choose between them by the
request's method (``get_serializer_class``).
"""

from rest_framework import serializers

from library.models import Author, Book, Review


class AuthorSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name"]


class BookListSerializer(serializers.ModelSerializer):
    """A book in a list: its author nested, its owner by name. Read only."""

    author = AuthorSummarySerializer(read_only=True)
    owner = serializers.ReadOnlyField(source="owner.username")

    class Meta:
        model = Book
        fields = ["id", "title", "author", "published", "pages", "owner"]
        read_only_fields = fields


class BookWriteSerializer(serializers.ModelSerializer):
    """A new book: the author by id. The owner is shown, never written (the view sets it)."""

    owner = serializers.ReadOnlyField(source="owner.username")

    class Meta:
        model = Book
        fields = ["id", "title", "isbn", "author", "published", "pages", "owner"]

    def validate_isbn(self, value: str) -> str:
        if len(value) != 13 or not value.isdigit():
            raise serializers.ValidationError("An ISBN-13 is 13 digits.")
        return value


class BookSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Book
        fields = ["id", "title"]


class ReviewSerializer(serializers.ModelSerializer):
    """A review in a list: its book nested. Read only."""

    book = BookSummarySerializer(read_only=True)

    class Meta:
        model = Review
        fields = ["id", "book", "rating", "text", "created_at"]
        read_only_fields = fields


class ReviewWriteSerializer(serializers.ModelSerializer):
    """A new review: the book by id. The reader is the request's user (the view sets it)."""

    class Meta:
        model = Review
        fields = ["id", "book", "rating", "text"]

    def validate(self, attrs: dict) -> dict:
        request = self.context.get("request")
        if request is None:
            # GenericAPIView.get_serializer() puts the request in the context; a serializer
            # made by hand (ReviewWriteSerializer(data=…)) has none.
            raise AssertionError(
                "ReviewWriteSerializer needs the request in its context: "
                "make it with self.get_serializer(data=request.data)."
            )
        if Review.objects.filter(book=attrs["book"], user=request.user).exists():
            raise serializers.ValidationError("You have already reviewed this book.")
        return attrs
