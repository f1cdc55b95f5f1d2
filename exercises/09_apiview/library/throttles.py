"""Task 3: BookWriteThrottle, a rate limit on writes, per user."""

from rest_framework.throttling import SimpleRateThrottle


class BookWriteThrottle(SimpleRateThrottle):
    # TODO (task 3): the scope whose rate the settings hold.

    def get_cache_key(self, request, view):
        """The key of this user's bucket, or None when the request is not throttled."""
        raise NotImplementedError("BookWriteThrottle.get_cache_key: task 3")
