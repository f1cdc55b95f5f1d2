"""Wrong: a page_size over 20 falls back to the default 5 instead of the cap 20. Caught by: test_page_size_over_the_cap_is_clamped_to_twenty."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class BoundedPageNumberPagination(PageNumberPagination):
    """Pages of 5 by default; ``?page_size=N`` chooses from 1 to 20."""

    page_size = 5
    page_size_query_param = "page_size"
    # DRF clamps a bigger page_size to this, and falls back to page_size when the value is
    # 0, negative or not a whole number (PageNumberPagination.get_page_size).
    max_page_size = 20

    def get_page_size(self, request):
        size = super().get_page_size(request)
        wanted = request.query_params.get(self.page_size_query_param, "")
        if wanted.isdigit() and int(wanted) > self.max_page_size:
            return self.page_size
        return size

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
