"""Wrong: IsOwner compares with `is` (the same Python object), not `==`: the book's owner and the
request's user are loaded separately, so even the owner is refused.
Caught by: test_is_owner_allows_only_the_owner, test_put_replaces_a_book_and_patch_changes_one_field, test_delete_answers_204_and_removes_the_book.
"""

from rest_framework.permissions import BasePermission


class IsOwner(BasePermission):
    """Only the book's owner passes. An object permission: DRF asks it in get_object()."""

    def has_object_permission(self, request, view, obj) -> bool:
        return obj.owner is request.user
