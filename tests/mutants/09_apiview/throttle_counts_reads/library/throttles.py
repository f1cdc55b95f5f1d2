"""Wrong: every request uses the budget, reads too. Caught by: test_reads_are_never_throttled_and_use_no_budget, test_unknown_book_is_404_for_every_method."""

from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle


class BookWriteThrottle(SimpleRateThrottle):
    # The rate comes from settings: REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["book-writes"].
    scope = "book-writes"

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated:
            return None  # not throttled, and uses none of the budget
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
