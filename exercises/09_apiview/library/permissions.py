"""Task 2: IsOwnerOrReadOnly, an object permission."""

from rest_framework.permissions import BasePermission


class IsOwnerOrReadOnly(BasePermission):
    # TODO (task 2): the message of a 403 answer.

    def has_object_permission(self, request, view, obj):
        """Reads: anyone. Writes: only the book's owner."""
        raise NotImplementedError("IsOwnerOrReadOnly.has_object_permission: task 2")
