"""Wrong: IsOwnerOrReadOnly has no message: the 403 says DRF's default text. Caught by: test_non_owner_cannot_put_patch_or_delete_a_book."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsOwnerOrReadOnly(BasePermission):
    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        return obj.owner_id == request.user.pk
