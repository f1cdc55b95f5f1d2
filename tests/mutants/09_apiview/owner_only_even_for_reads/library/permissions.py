"""Wrong: IsOwnerOrReadOnly refuses reads by others too (no SAFE_METHODS case). Caught by: test_is_owner_or_read_only_allows_reads_to_anyone_and_writes_to_the_owner, test_detail_returns_one_book."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsOwnerOrReadOnly(BasePermission):
    message = "Only the owner of a book may change it."

    def has_object_permission(self, request, view, obj):
        return obj.owner_id == request.user.pk
