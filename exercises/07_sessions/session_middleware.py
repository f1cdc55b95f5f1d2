"""Your own session middleware: the cookie on one side, the session engine on the other.

On the way in it turns the session cookie into ``request.session`` (a store object, not yet
loaded). On the way out it decides whether to save the session, set the cookie, delete the
cookie, and tell caches that the response depends on the cookie (``Vary: Cookie``).
Task 2 of the README lists the rules.
"""

from __future__ import annotations

import time  # noqa: F401 - you will need it
from importlib import import_module  # noqa: F401 - you will need it

from django.conf import settings  # noqa: F401 - you will need it
from django.contrib.sessions.backends.base import UpdateError  # noqa: F401 - you will need it
from django.contrib.sessions.exceptions import SessionInterrupted  # noqa: F401 - you will need it
from django.utils.cache import patch_vary_headers  # noqa: F401 - you will need it
from django.utils.deprecation import MiddlewareMixin
from django.utils.http import http_date  # noqa: F401 - you will need it


class SessionMiddleware(MiddlewareMixin):
    def __init__(self, get_response):
        """Call ``super().__init__(get_response)``, then import the module named by
        ``settings.SESSION_ENGINE`` and keep its ``SessionStore`` class (rule 1)."""
        raise NotImplementedError

    def process_request(self, request):
        """``request.session`` = a NEW store for the key in the cookie named
        ``settings.SESSION_COOKIE_NAME`` (``None`` without a cookie). Do not read the
        session here: it loads itself when a view touches it (rule 2)."""
        raise NotImplementedError

    def process_response(self, request, response):
        """Delete the cookie (rule 3), or save and set the cookie (rules 4 and 5), and add
        ``Vary: Cookie`` (rule 6). When ``request.session.save()`` raises ``UpdateError`` (the
        session was deleted while this request ran), raise ``SessionInterrupted`` (rule 7).
        Return the response."""
        raise NotImplementedError
