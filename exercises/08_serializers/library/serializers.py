"""Serializers of the library API: a custom ISBN field, nested reads, validation at every level.

The given views (library/views.py) use these classes for every request: a serializer turns a
row into JSON (to_representation) and a client's JSON into checked, clean values
(to_internal_value, then the validators, then validate()).

Read the README's tasks; every rule there is graded. Replace each `raise NotImplementedError`.
"""

from rest_framework import serializers

from library.models import Author, Book, Review


class ISBNField(serializers.Field):
    """Task 1: an ISBN-13, written with or without hyphens and spaces, kept as 13 digits."""

    # Raise these with self.fail("invalid") or self.fail("checksum", expected=…, got=…).
    default_error_messages = {
        "invalid": "Enter an ISBN-13: 13 digits; hyphens and spaces are allowed.",
        "checksum": "Wrong check digit: expected {expected}, got {got}.",
    }

    def to_internal_value(self, data) -> str:
        """What a client sent → the 13 digits (a str), or a ValidationError."""
        raise NotImplementedError

    def to_representation(self, value) -> str:
        """The stored value → what a client reads."""
        raise NotImplementedError


class AuthorSerializer(serializers.ModelSerializer):
    """An author: {"id", "name", "birth_year"}. Given: the ModelSerializer shorthand.

    Meta names the model and the fields; ModelSerializer builds each field from the model
    field (its type, max_length, null, validators…). The books use it for their nested author.
    """

    class Meta:
        model = Author
        fields = ["id", "name", "birth_year"]


class BookSerializer(serializers.ModelSerializer):
    """Tasks 2 and 3: a book.

    Task 2: declare the fields the README describes and list every one in Meta.fields.
    Task 3: add validate_title(self, value) and validate(self, attrs) to this class.
    """

    class Meta:
        model = Book
        fields = ["id", "title"]  # Task 2: every field of the README.


class ReviewSerializer(serializers.ModelSerializer):
    """Task 4: a reader's review of a book."""

    class Meta:
        model = Review
        fields = ["id", "rating"]  # Task 4: every field of the README.

    def validate(self, attrs: dict) -> dict:
        """Task 4: the rules about the review as a whole (the reader and the book)."""
        raise NotImplementedError
