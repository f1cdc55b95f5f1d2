"""Permissions of exercise 11: who may change a book (task 2)."""

from rest_framework.permissions import BasePermission


class IsOwner(BasePermission):
    """Only the book's owner passes. An object permission: DRF asks it in get_object()."""

    def has_object_permission(self, request, view, obj) -> bool:
        # Task 2, rule 7: True when obj.owner == request.user (==, not is: two objects, one row).
        raise NotImplementedError("IsOwner.has_object_permission: task 2, rule 7")
