"""The playground's session middleware: the learner's when it can be built, else Django's.

A learner who has finished only the engine (task 1) can still watch rows appear: Django's
SessionMiddleware then runs on their engine, and the inspector page says so. Saving
session_middleware.py restarts the server, and the learner's middleware takes over.
Only `nox -s play` uses this (kata_settings picks it when KATA_PLAYGROUND is set); the
hidden tests always name the middleware they test.
"""

from grader.loader import load


class PlaygroundSessionMiddleware:
    def __init__(self, get_response):
        try:
            self.inner = load("session_middleware").SessionMiddleware(get_response)
            self.active = "session_middleware.SessionMiddleware (yours / 你的)"
        except Exception as error:  # noqa: BLE001 - any failure of learner code: fall back
            from django.contrib.sessions.middleware import SessionMiddleware

            self.inner = SessionMiddleware(get_response)
            self.active = (
                f"Django's SessionMiddleware: yours could not be built "
                f"({type(error).__name__}: {error}) / 你的中间件还无法创建，暂用 Django 的"
            )

    def __call__(self, request):
        request.kata_active_middleware = self.active
        return self.inner(request)
