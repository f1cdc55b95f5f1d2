"""Wrong: the cookie's Max-Age is always SESSION_COOKIE_AGE, ignoring set_expiry() and SESSION_EXPIRE_AT_BROWSER_CLOSE. Caught by: test_cookie_max_age_follows_set_expiry, test_expire_at_browser_close_sets_a_browser_session_cookie."""

from __future__ import annotations

import time
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin
from django.utils.http import http_date


class SessionMiddleware(MiddlewareMixin):
    def __init__(self, get_response):
        super().__init__(get_response)
        # The engine is whatever settings.SESSION_ENGINE names: this middleware works with
        # any engine (yours, Django's database or signed-cookie one) and knows none of them.
        engine = import_module(settings.SESSION_ENGINE)
        self.SessionStore = engine.SessionStore

    def process_request(self, request):
        # Lazy: a store object holding only the key. Nothing is read until a view touches
        # request.session. A new store per request: nothing shared between visitors.
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        request.session = self.SessionStore(session_key)

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is None:
            return response  # the request never went through process_request
        accessed = session.accessed
        modified = session.modified
        empty = session.is_empty()
        cookie_name = settings.SESSION_COOKIE_NAME

        if cookie_name in request.COOKIES and empty:
            # flush() (logout) emptied the session: the browser must forget the key too.
            # Same path and domain as when it was set, or the browser keeps the old cookie.
            response.delete_cookie(
                cookie_name,
                path=settings.SESSION_COOKIE_PATH,
                domain=settings.SESSION_COOKIE_DOMAIN,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
            patch_vary_headers(response, ("Cookie",))
            return response

        if accessed:
            # The body depends on who asked: a shared cache must not serve it to others.
            patch_vary_headers(response, ("Cookie",))

        if (modified or settings.SESSION_SAVE_EVERY_REQUEST) and not empty:
            # A failed response (5xx) may hold half-done changes: do not keep them.
            if response.status_code >= 500:
                return response
            max_age = settings.SESSION_COOKIE_AGE
            expires = http_date(time.time() + max_age)
            try:
                session.save()
            except UpdateError:
                # The row was deleted while this request ran (the user logged out in another
                # tab). Saving must not bring it back: Django answers 400, no cookie is set.
                raise SessionInterrupted(
                    "The request's session was deleted before the request completed. "
                    "The user may have logged out in a concurrent request, for example."
                ) from None
            response.set_cookie(
                cookie_name,
                session.session_key,
                max_age=max_age,
                expires=expires,
                domain=settings.SESSION_COOKIE_DOMAIN,
                path=settings.SESSION_COOKIE_PATH,
                secure=settings.SESSION_COOKIE_SECURE or None,
                # HttpOnly: page JavaScript (and so an XSS) cannot read the session key.
                httponly=settings.SESSION_COOKIE_HTTPONLY or None,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
            patch_vary_headers(response, ("Cookie",))
        return response
