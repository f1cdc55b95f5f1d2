"""Wrong: an unknown, revoked or inactive user's key returns None (anonymous) instead of raising. Caught by: test_unknown_key_is_401, test_bad_key_on_a_read_of_the_books_is_401_not_anonymous."""

from library.models import ApiKey
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            # No header, or another scheme (Basic, Bearer…): let the next class try.
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Invalid Api-Key header.")
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid Api-Key header.") from None
        api_key = (
            ApiKey.objects.select_related("user")
            .filter(key=key, active=True, user__is_active=True)
            .first()
        )
        if api_key is None:
            # Unknown, revoked, or the key of an inactive user: the same answer for all three.
            return None
        return (api_key.user, api_key)

    def authenticate_header(self, request):
        # Makes DRF answer 401 with "WWW-Authenticate: Api-Key" instead of 403.
        return self.keyword
