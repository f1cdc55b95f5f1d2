"""The library: authors, their books, readers' reviews, and API keys (given: do not change it).

Every exercise of the DRF track (08–12) ships this same app, so the models stay familiar while
the code around them changes.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)
    # Optional: unknown for some authors.
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Book(models.Model):
    title = models.CharField(max_length=200)
    # ISBN-13 stored as its 13 digits, without hyphens: "9780306406157".
    isbn = models.CharField("ISBN-13", max_length=13, unique=True)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    # The user who added the book; only they may change or delete it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="books"
    )
    published = models.DateField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Review(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="reviews")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            # One review per reader and book.
            models.UniqueConstraint(fields=["book", "user"], name="one_review_per_user_and_book")
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5 for {self.book} by {self.user}"


class ApiKey(models.Model):
    """A secret a script sends instead of a password (exercise 09's authentication)."""

    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )
    # A revoked key stays in the table but no longer authenticates anyone.
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"API key of {self.user} ({'active' if self.active else 'revoked'})"
