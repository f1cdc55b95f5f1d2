"""Wrong: UpdateError from save() is swallowed and the response goes out as if saved (a 200): the change is lost silently instead of SessionInterrupted (a 400). Caught by: test_session_deleted_by_another_tab_is_not_saved_back, test_update_error_becomes_session_interrupted, test_logout_in_another_tab_is_not_undone."""

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
            if session.get_expire_at_browser_close():
                max_age = None
                expires = None
            else:
                max_age = session.get_expiry_age()
                expires = http_date(time.time() + max_age)
            try:
                session.save()
            except UpdateError:
                return response  # the session is gone: nothing to save, nothing to say
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
