"""Wrong: the search looks at titles only, not at the author's name. Caught by: test_search_needs_every_word_in_the_title_or_the_author_name."""

import django_filters
from django import forms
from library.models import Book
from rest_framework.filters import BaseFilterBackend


class YearFilter(django_filters.NumberFilter):
    """A NumberFilter whose form field takes whole numbers only (1970.5 is invalid)."""

    field_class = forms.IntegerField


class BookFilter(django_filters.FilterSet):
    """?author=<id>, ?published_after=<year>, ?published_before=<year>, ?min_pages=<n>."""

    # Django's dates run from year 1 to 9999: outside that, the year lookup would raise (500).
    # The form field refuses such a year first, and DjangoFilterBackend answers 400.
    published_after = YearFilter(
        field_name="published", lookup_expr="year__gte", min_value=1, max_value=9999
    )
    published_before = YearFilter(
        field_name="published", lookup_expr="year__lte", min_value=1, max_value=9999
    )
    min_pages = django_filters.NumberFilter(field_name="pages", lookup_expr="gte")

    class Meta:
        model = Book
        # A foreign key becomes a ModelChoiceFilter: the id of an existing author.
        fields = ["author"]


class TitleSearchFilter(BaseFilterBackend):
    """?q=left dark: books whose title or author's name contains every word (any case)."""

    def filter_queryset(self, request, queryset, view):
        for word in request.query_params.get("q", "").split():
            # One filter() per word: every word must match, each in the title or the name.
            queryset = queryset.filter(title__icontains=word)
        return queryset
