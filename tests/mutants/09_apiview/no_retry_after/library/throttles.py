"""Wrong: a hand-made BaseThrottle without wait(): the 429 has no Retry-After. Caught by: test_fourth_write_within_a_minute_is_429_with_retry_after."""

from django.core.cache import cache
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle


class BookWriteThrottle(BaseThrottle):
    """Counts writes in the cache by hand; no wait(), so DRF sends no Retry-After."""

    scope = "book-writes"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS or not request.user.is_authenticated:
            return True
        key = f"writes-{request.user.pk}"
        now = SimpleRateThrottle.timer()
        recent = [t for t in cache.get(key, []) if t > now - 60]
        if len(recent) >= 3:
            return False
        cache.set(key, [now, *recent], 60)
        return True
