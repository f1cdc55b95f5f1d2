"""Task 1: ApiKeyAuthentication, a custom DRF authentication scheme.

A script sends ``Authorization: Api-Key <key>`` instead of a password or a session cookie.
"""

from rest_framework.authentication import BaseAuthentication


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):
        """(user, api_key) for a good key; None without an Api-Key header; raise otherwise."""
        raise NotImplementedError("ApiKeyAuthentication.authenticate: task 1")

    def authenticate_header(self, request):
        """The WWW-Authenticate value of a 401 answer."""
        raise NotImplementedError("ApiKeyAuthentication.authenticate_header: task 1")
