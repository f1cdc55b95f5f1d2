"""A suite view that tells who DRF says the caller is: GET or POST /kata/probe/<source>/.

Task 1 is graded through it, so that it needs only the learner's authentication (and, for
rule 7, the authentication their views set up), not yet the views' methods:

    source "class"       [the learner's ApiKeyAuthentication, SessionAuthentication]
    source "BookList"    whatever BookList().get_authenticators() gives (same for "BookDetail")

Reads are open to anyone, writes need a user (IsAuthenticatedOrReadOnly), so an anonymous POST
shows whether DRF answers 401 (with WWW-Authenticate) or 403. The body is
``{"user": <username or null>, "auth": {"model": "ApiKey", "id": <pk>} | <repr> | null}``.
"""

from kata_api import learner_module
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

SOURCES = ("class", "BookList", "BookDetail")


class AuthProbe(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    throttle_classes = []
    versioning_class = None
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]

    def get_authenticators(self):
        source = self.kwargs.get("source")
        if source == "class":
            authentication = learner_module("authentication")
            return [authentication.ApiKeyAuthentication(), SessionAuthentication()]
        if source not in SOURCES:
            raise ValueError(f"kata probe: unknown source {source!r}")
        view_class = getattr(learner_module("views"), source)
        return list(view_class().get_authenticators())

    def get(self, request, source):
        from library.models import ApiKey

        auth = request.auth
        if isinstance(auth, ApiKey):
            shown = {"model": "ApiKey", "id": auth.pk}
        else:
            shown = None if auth is None else repr(auth)[:100]
        user = request.user
        return Response(
            {"user": user.get_username() if user.is_authenticated else None, "auth": shown}
        )

    def post(self, request, source):
        return self.get(request, source)
