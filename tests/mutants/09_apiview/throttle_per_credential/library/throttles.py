"""Wrong: one bucket per credential (API key or session) instead of per user. Caught by: test_api_key_and_session_of_one_user_share_a_budget."""

from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle


class BookWriteThrottle(SimpleRateThrottle):
    # The rate comes from settings: REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["book-writes"].
    scope = "book-writes"

    def get_cache_key(self, request, view):
        if request.method in SAFE_METHODS or not request.user.is_authenticated:
            return None  # not throttled, and uses none of the budget
        ident = f"key{request.auth.pk}" if request.auth is not None else f"user{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
