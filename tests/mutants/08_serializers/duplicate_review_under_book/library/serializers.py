"""Wrong: the duplicate is refused in validate_book: the error is under 'book', and it also refuses updating your own review. Caught by: test_second_review_of_the_same_book_is_refused, test_updating_your_own_review_is_not_a_duplicate."""

import re

from library.models import Author, Book, Review
from rest_framework import serializers
from rest_framework.validators import UniqueTogetherValidator, UniqueValidator

# Thirteen ASCII digits: str.isdigit() would also accept "９" (full-width) or "²".
THIRTEEN_DIGITS = re.compile(r"[0-9]{13}")


def isbn13_check_digit(first12: str) -> int:
    """The check digit of an ISBN-13: weights 1, 3, 1, 3, … then (10 - total % 10) % 10."""
    total = sum(int(digit) * (3 if i % 2 else 1) for i, digit in enumerate(first12))
    return (10 - total % 10) % 10


class ISBNField(serializers.Field):
    """An ISBN-13, written with or without hyphens and spaces, stored and shown as 13 digits."""

    default_error_messages = {
        "invalid": "Enter an ISBN-13: 13 digits; hyphens and spaces are allowed.",
        "checksum": "Wrong check digit: expected {expected}, got {got}.",
    }

    def to_internal_value(self, data) -> str:
        # A code, not a quantity: a JSON number is refused, never converted.
        if not isinstance(data, str):
            self.fail("invalid")
        digits = data.replace("-", "").replace(" ", "")
        if not THIRTEEN_DIGITS.fullmatch(digits):
            self.fail("invalid")
        expected = isbn13_check_digit(digits[:12])
        if int(digits[12]) != expected:
            self.fail("checksum", expected=expected, got=digits[12])
        return digits

    def to_representation(self, value) -> str:
        return str(value)


class AuthorSerializer(serializers.ModelSerializer):
    """An author: {"id", "name", "birth_year"}. Given: the ModelSerializer shorthand."""

    class Meta:
        model = Author
        fields = ["id", "name", "birth_year"]


class BookSerializer(serializers.ModelSerializer):
    # Declaring the field replaces the one ModelSerializer would build, and with it the
    # UniqueValidator it would add for the model's unique=True: add it back here. It runs after
    # ISBNField has cleaned the value, and leaves out the book being updated.
    isbn = ISBNField(
        validators=[
            UniqueValidator(
                queryset=Book.objects.all(), message="A book with this ISBN already exists."
            )
        ]
    )
    author = AuthorSerializer(read_only=True)
    author_id = serializers.PrimaryKeyRelatedField(
        queryset=Author.objects.all(), source="author", write_only=True
    )
    owner = serializers.ReadOnlyField(source="owner.username")
    average_rating = serializers.SerializerMethodField()

    class Meta:
        model = Book
        fields = [
            "id",
            "title",
            "isbn",
            "author",
            "author_id",
            "owner",
            "published",
            "pages",
            "average_rating",
            "created_at",
        ]

    def get_average_rating(self, book: Book) -> float | None:
        # .all() reads the reviews the view prefetched: no query per book.
        ratings = [review.rating for review in book.reviews.all()]
        if not ratings:
            return None
        return round(sum(ratings) / len(ratings), 2)

    def validate_title(self, value: str) -> str:
        title = " ".join(value.split())
        if not any(character.isalnum() for character in title):
            raise serializers.ValidationError("A title needs at least one letter or digit.")
        return title

    def validate(self, attrs: dict) -> dict:
        # In a PATCH, attrs holds only what was sent: the rest comes from the book itself.
        author = attrs.get("author", getattr(self.instance, "author", None))
        published = attrs.get("published", getattr(self.instance, "published", None))
        if (
            author is not None
            and author.birth_year is not None
            and published is not None
            and published.year < author.birth_year
        ):
            raise serializers.ValidationError(
                {"published": "A book cannot be published before its author was born."}
            )
        return attrs


RATING_ERROR = "Rate from 1 to 5 stars."


class ReviewSerializer(serializers.ModelSerializer):
    # Never read from the body: the requesting user, from self.context["request"].
    user = serializers.HiddenField(default=serializers.CurrentUserDefault())
    reader = serializers.ReadOnlyField(source="user.username")
    rating = serializers.IntegerField(
        min_value=1,
        max_value=5,
        error_messages={
            "invalid": RATING_ERROR,
            "min_value": RATING_ERROR,
            "max_value": RATING_ERROR,
            "max_string_length": RATING_ERROR,
        },
    )

    class Meta:
        model = Review
        fields = ["id", "book", "user", "reader", "rating", "text", "created_at"]
        # Replaces the validator ModelSerializer makes from the model's UniqueConstraint
        # (its message names fields, not the rule). It leaves out the review being updated.
        validators = []

    def validate_book(self, book):
        user = self.context["request"].user
        if Review.objects.filter(book=book, user=user).exists():
            raise serializers.ValidationError("You have already reviewed this book.")
        return book

    def validate(self, attrs: dict) -> dict:
        book = attrs.get("book", getattr(self.instance, "book", None))
        user = attrs.get("user", getattr(self.instance, "user", None))
        if book is not None and user is not None and book.owner_id == user.pk:
            raise serializers.ValidationError("You cannot review a book you own.")
        return attrs
