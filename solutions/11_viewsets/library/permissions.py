"""Permissions of exercise 11: who may change a book."""

from rest_framework.permissions import BasePermission


class IsOwner(BasePermission):
    """Only the book's owner passes. An object permission: DRF asks it in get_object()."""

    def has_object_permission(self, request, view, obj) -> bool:
        return obj.owner == request.user
