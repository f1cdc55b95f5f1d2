"""The suite's own views: small probes of request.session, and the playground's inspector.

They use whatever ``request.session`` the middleware under test put there, and import no
learner code, except race_add_to_cart, which calls the learner's add_to_cart through the loader.
"""

import datetime
import os
import sqlite3
from contextlib import closing

from django.conf import settings
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.utils.html import escape


def set_values(request):
    """/s/set/?a=1&b=2 stores every query parameter in the session (strings)."""
    for name, value in request.GET.items():
        request.session[name] = value
    return JsonResponse({"session": dict(request.session.items())})


def get_values(request):
    """/s/get/ reads the session and changes nothing."""
    return JsonResponse({"session": dict(request.session.items())})


def plain(request):
    """/s/plain/ never touches request.session."""
    return HttpResponse("plain")


def flush(request):
    request.session.flush()
    return HttpResponse("flushed")


def set_expiry(request):
    """/s/expiry/?seconds=N stores a value and calls set_expiry(N)."""
    request.session["expiring"] = "yes"
    request.session.set_expiry(int(request.GET["seconds"]))
    return HttpResponse("expiry set")


def vary(request):
    """Reads the session, and the response already varies on Accept-Language."""
    response = JsonResponse({"session": dict(request.session.items())})
    response["Vary"] = "Accept-Language"
    return response


def fail(request):
    """Changes the session, then fails with a 500."""
    request.session["half_done"] = "yes"
    return HttpResponseServerError("something broke")


def cycle(request):
    """/s/cycle/ only calls cycle_key(): the data moves to a new key, nothing else changes."""
    request.session.cycle_key()
    return HttpResponse("key cycled")


def log_out_in_another_tab(request, logout_path: str):
    """While this request runs, another tab of the same browser (same cookie) logs out.

    A full request of its own, through a second test client: the same middleware setting, the
    same engine and the same views as this request, so the row is deleted as a real logout
    deletes it.
    """
    from django.test import Client

    tab = Client()
    tab.cookies[settings.SESSION_COOKIE_NAME] = request.COOKIES[settings.SESSION_COOKIE_NAME]
    response = tab.post(logout_path)
    if response.status_code != 200:
        raise AssertionError(
            f"setup: the other tab's logout, POST {logout_path}, must answer 200 (for /logout/: "
            f"task 3, rule 5): got {response.status_code}"
        )


def race(request):
    """/s/race/: reads the session, another tab logs out (/s/flush/), then changes the session."""
    seen = dict(request.session.items())
    log_out_in_another_tab(request, "/s/flush/")
    request.session["late"] = "written after the logout"
    return JsonResponse({"session": seen})


def race_add_to_cart(request):
    """/race/cart/add/: the learner's add_to_cart runs (loads and changes the cart), then,
    before the response goes out, another tab logs out with the learner's logout view."""
    from grader.loader import load

    response = load("views").add_to_cart(request)
    log_out_in_another_tab(request, "/logout/")
    return response


# ── Playground ────────────────────────────────────────────────────────────────────────────

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>07 sessions — inspector</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}
td,th{{border:1px solid #ccc;padding:.3em .6em;font-family:monospace}}table{{border-collapse:collapse}}
form{{display:inline-block;margin-right:1.5em}}</style></head><body>
<h1>Session inspector / 会话查看器</h1>
<p>Cookie <code>{cookie_name}</code> your browser sent / 浏览器发来的 cookie: <code>{cookie}</code></p>
<p><code>request.session.session_key</code> after loading / 加载之后: <code>{key}</code></p>
<p><code>request.session</code>: <code>{data}</code></p>
<p>SESSION_ENGINE = <code>{engine}</code>; session middleware / 会话中间件: <code>{middleware}</code></p>
<h2>Rows of <code>kata_session</code> in <code>{db}</code></h2>
{rows}
<h2>Try / 试试</h2>
<form method="post" action="/cart/add/"><input name="item" value="apple"> <button>add to cart</button></form>
<form method="post" action="/login/"><input name="username" value="alice">
<input name="password" value="wonderland"> <button>log in</button></form>
<form method="post" action="/logout/"><button>log out</button></form>
<p>The forms answer with JSON: come back here (reload) to see the cookie and the rows change.
Open the browser's developer tools (Application → Cookies) to watch the cookie and its flags.<br>
表单返回 JSON：回到本页（刷新）查看 cookie 和数据行的变化。用浏览器开发者工具（Application → Cookies）查看 cookie 及其属性。</p>
</body></html>"""


def _readable(expire) -> str:
    """A Unix timestamp as a UTC date, e.g. ' (2026-01-01 12:00:00 UTC)'."""
    try:
        stamp = datetime.datetime.fromtimestamp(float(expire), tz=datetime.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return ""
    return f" ({stamp:%Y-%m-%d %H:%M:%S} UTC)"


def _rows_html() -> str:
    path = settings.KATA_SESSION_DB
    if not os.path.exists(path):
        return "<p>(no file yet: nothing was saved / 还没有文件：尚未保存过会话)</p>"
    try:
        with closing(sqlite3.connect(path)) as db:
            rows = db.execute(
                "SELECT session_key, session_data, expire_date FROM kata_session "
                "ORDER BY expire_date"
            ).fetchall()
    except sqlite3.Error as error:
        return f"<p>(cannot read the table / 无法读取数据表: {escape(error)})</p>"
    if not rows:
        return "<p>(no rows / 没有数据行)</p>"
    cells = "".join(
        f"<tr><td>{escape(key)}</td><td>{escape(data)}</td><td>{escape(expire)}"
        f"{escape(_readable(expire))}</td></tr>"
        for key, data, expire in rows
    )
    return f"<table><tr><th>session_key</th><th>session_data</th><th>expire_date</th></tr>{cells}</table>"


def inspector(request):
    """/ shows the cookie, the loaded session and the rows of the learner's SQLite file."""
    data = dict(request.session.items())
    return HttpResponse(
        PAGE.format(
            cookie_name=escape(settings.SESSION_COOKIE_NAME),
            cookie=escape(request.COOKIES.get(settings.SESSION_COOKIE_NAME, "(none / 无)")),
            key=escape(request.session.session_key),
            data=escape(data),
            engine=escape(settings.SESSION_ENGINE),
            middleware=escape(
                getattr(request, "kata_active_middleware", None) or settings.MIDDLEWARE
            ),
            db=escape(settings.KATA_SESSION_DB),
            rows=_rows_html(),
        )
    )
