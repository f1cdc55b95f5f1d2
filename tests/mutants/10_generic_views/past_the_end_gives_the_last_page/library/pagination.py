"""Wrong: a page past the end (or not a number) serves the last page instead of answering 404. Caught by: test_page_that_does_not_exist_is_404."""

from django.core.paginator import InvalidPage
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class BoundedPageNumberPagination(PageNumberPagination):
    """Pages of 5 by default; ``?page_size=N`` chooses from 1 to 20."""

    page_size = 5
    page_size_query_param = "page_size"
    # DRF clamps a bigger page_size to this, and falls back to page_size when the value is
    # 0, negative or not a whole number (PageNumberPagination.get_page_size).
    max_page_size = 20

    def get_page_number(self, request, paginator):
        number = super().get_page_number(request, paginator)
        try:
            return paginator.validate_number(number)
        except InvalidPage:
            return paginator.num_pages

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "page": self.page.number,
                "pages": paginator.num_pages,
                "page_size": paginator.per_page,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        # The browsable API and schema generators describe the body as it really is.
        described = super().get_paginated_response_schema(schema)
        for name in ("page", "pages", "page_size"):
            described["properties"][name] = {"type": "integer", "example": 1}
        return described
