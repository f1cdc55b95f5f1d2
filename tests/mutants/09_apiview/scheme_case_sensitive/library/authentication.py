"""Wrong: the scheme must be spelled exactly Api-Key; api-key is treated as another scheme. Caught by: test_scheme_is_case_insensitive_but_the_key_is_not."""

from library.models import ApiKey
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0] != self.keyword.encode():
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
            raise exceptions.AuthenticationFailed("Invalid API key.")
        return (api_key.user, api_key)

    def authenticate_header(self, request):
        # Makes DRF answer 401 with "WWW-Authenticate: Api-Key" instead of 403.
        return self.keyword
