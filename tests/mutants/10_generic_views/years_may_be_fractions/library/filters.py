"""Wrong: NumberFilter with min_value/max_value but a decimal form field: 1970.5 is taken as 1970 instead of refused. Caught by: test_years_outside_one_to_9999_or_not_whole_are_refused."""

import django_filters
from django import forms
from django.db.models import Q
from library.models import Book
from rest_framework.filters import BaseFilterBackend


class YearFilter(django_filters.NumberFilter):
    """A NumberFilter whose form field takes whole numbers only (1970.5 is invalid)."""

    field_class = forms.IntegerField


class BookFilter(django_filters.FilterSet):
    """?author=<id>, ?published_after=<year>, ?published_before=<year>, ?min_pages=<n>."""

    # Django's dates run from year 1 to 9999: outside that, the year lookup would raise (500).
    # The form field refuses such a year first, and DjangoFilterBackend answers 400.
    published_after = django_filters.NumberFilter(
        field_name="published", lookup_expr="year__gte", min_value=1, max_value=9999
    )
    published_before = django_filters.NumberFilter(
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
            queryset = queryset.filter(Q(title__icontains=word) | Q(author__name__icontains=word))
        return queryset
