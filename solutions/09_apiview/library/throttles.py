"""Task 3: BookWriteThrottle, a rate limit on writes, per user."""

from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle


class BookWriteThrottle(SimpleRateThrottle):
    # The rate comes from settings: REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["book-writes"].
    scope = "book-writes"

    def get_cache_key(self, request, view):
        if request.method in SAFE_METHODS or not request.user.is_authenticated:
            return None  # not throttled, and uses none of the budget
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
