"""Task 1: a page-number pagination whose page size the client chooses, within bounds."""

from rest_framework.pagination import PageNumberPagination


class BoundedPageNumberPagination(PageNumberPagination):
    """Pages of 5 by default; ``?page_size=N`` chooses from 1 to 20."""

    # TODO task 1: the page size by default, the query parameter that chooses it, its cap.
    # PageNumberPagination reads these class attributes (see the README).

    def get_paginated_response(self, data):
        """The body: {"count", "page", "pages", "page_size", "next", "previous", "results"}."""
        raise NotImplementedError("task 1: build the page's body")
