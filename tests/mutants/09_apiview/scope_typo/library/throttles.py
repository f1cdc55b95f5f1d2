"""Wrong: the scope is misspelled ("book-write"): the settings have no rate for it (ImproperlyConfigured). Caught by: test_fourth_write_within_a_minute_is_429_with_retry_after, test_every_write_method_on_both_views_counts."""

from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle


class BookWriteThrottle(SimpleRateThrottle):
    # The rate comes from settings: REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["book-writes"].
    scope = "book-write"

    def get_cache_key(self, request, view):
        if request.method in SAFE_METHODS or not request.user.is_authenticated:
            return None  # not throttled, and uses none of the budget
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
