"""Wrong: next and previous built from the path alone: ?page_size and the filters are lost. Caught by: test_links_keep_the_other_query_parameters."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class BoundedPageNumberPagination(PageNumberPagination):
    """Pages of 5 by default; ``?page_size=N`` chooses from 1 to 20."""

    page_size = 5
    page_size_query_param = "page_size"
    # DRF clamps a bigger page_size to this, and falls back to page_size when the value is
    # 0, negative or not a whole number (PageNumberPagination.get_page_size).
    max_page_size = 20

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "page": self.page.number,
                "pages": paginator.num_pages,
                "page_size": paginator.per_page,
                "next": self.link(self.page.next_page_number()) if self.page.has_next() else None,
                "previous": (
                    self.link(self.page.previous_page_number())
                    if self.page.has_previous()
                    else None
                ),
                "results": data,
            }
        )

    def link(self, number):
        return self.request.build_absolute_uri(self.request.path) + f"?page={number}"

    def get_paginated_response_schema(self, schema):
        # The browsable API and schema generators describe the body as it really is.
        described = super().get_paginated_response_schema(schema)
        for name in ("page", "pages", "page_size"):
            described["properties"][name] = {"type": "integer", "example": 1}
        return described
