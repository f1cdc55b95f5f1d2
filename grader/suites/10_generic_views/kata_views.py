"""Task 1's test bench: a list view of the suite's own that pages with the learner's class.

Only the pagination is the learner's here, so task 1 is graded before views.py is written. The
bench pages a plain list (Django's Paginator takes any sequence): no database, no models.
"""

from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny


class KataItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class PagedItems(ListAPIView):
    """GET /kata/items/<total>/: items 1 to total as {"id", "title"}, paged by the learner."""

    serializer_class = KataItemSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    def get_queryset(self):
        total = self.kwargs["total"]
        return [{"id": n, "title": f"Book {n:02d}"} for n in range(1, total + 1)]

    @property
    def pagination_class(self):
        from grader.loader import load

        return load("library.pagination").BoundedPageNumberPagination
