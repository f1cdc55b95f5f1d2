"""Task 3: filtering the books — a django-filter FilterSet and a filter backend of your own."""

import django_filters
from rest_framework.filters import BaseFilterBackend

from library.models import Book


class BookFilter(django_filters.FilterSet):
    """?author=<id>, ?published_after=<year>, ?published_before=<year>, ?min_pages=<n>."""

    # TODO task 3: declare published_after, published_before (whole years from 1 to 9999)
    # and min_pages here.

    class Meta:
        model = Book
        fields = []  # TODO task 3: the author filter


class TitleSearchFilter(BaseFilterBackend):
    """?q=left dark: books whose title or author's name contains every word (any case)."""

    def filter_queryset(self, request, queryset, view):
        raise NotImplementedError("task 3: narrow the queryset to the books matching ?q")
