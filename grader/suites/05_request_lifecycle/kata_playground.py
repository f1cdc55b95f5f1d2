"""Playground pages: one request's trace through real Django and through your MiniHandler.

Each demo runs a small middleware stack twice, like the suite does, and shows both traces
side by side. Learner code is loaded lazily (grader.loader), so a broken lifecycle.py shows
its error on the page instead of stopping the server.
"""

from __future__ import annotations

import random
from html import escape

from django.http import HttpResponse
from kata_onion import Case, describe, mixin, new, random_case, run_django, run_mini
from kata_views import UNKNOWN_PATH

DEMOS = {
    "onion": (
        "Three middleware: in in order, out in reverse.",
        Case((mixin(), new(), mixin(view="pass")), ("/ok/",)),
    ),
    "short-circuit": (
        "B answers in process_request: C and the view never run, A still sees the response.",
        Case((mixin(), mixin(request="respond"), new()), ("/ok/",)),
    ),
    "view-error": (
        "The view raises: process_exception runs innermost first; B's answer wins, A is skipped.",
        Case(
            (mixin(exception="pass"), new(exception="respond"), mixin(exception="pass")),
            ("/fails/",),
        ),
    ),
    "template": (
        "A TemplateResponse: process_template_response innermost first, then render().",
        Case((mixin(template="pass"), new(template="pass"), mixin(view="pass")), ("/page/",)),
    ),
    "not-found": (
        "An unknown path: a 404 made inside every middleware, without process_view or the view.",
        Case((mixin(view="pass", exception="pass"), new()), (UNKNOWN_PATH,)),
    ),
    "middleware-error": (
        "B's process_request raises: B's layer turns it into a 500 that A sees.",
        Case((mixin(), mixin(request="raise ValueError"), new()), ("/ok/",)),
    ),
}

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; max-width: 70rem; }
table { border-collapse: collapse; width: 100%; }
td, th { border: 1px solid #ccc; padding: .25rem .5rem; font-family: monospace; text-align: left; }
tr.diff td { background: #fdd; }
pre { background: #f6f6f6; padding: .75rem; }
"""


def _page(title: str, body: str) -> HttpResponse:
    return HttpResponse(
        f"<!doctype html><meta charset=utf-8><title>{escape(title)}</title>"
        f"<style>{STYLE}</style><h1>{escape(title)}</h1>{body}"
    )


def index(request):
    items = "".join(
        f'<li><a href="/play/{name}/">{name}</a> — {escape(text)}</li>'
        for name, (text, _) in DEMOS.items()
    )
    items += '<li><a href="/play/random/?seed=7">random</a> — a generated stack (?seed=N)</li>'
    return _page(
        "05 · Django's request life cycle",
        "<p>Each demo runs one request through real Django and through your MiniHandler, "
        "and shows both traces.</p>"
        f"<ul>{items}</ul>",
    )


def demo(request, demo):
    if demo == "random":
        seed = request.GET.get("seed", "7")
        case = random_case(random.Random(f"playground/{seed}"), 5)
        text = f"A generated stack (seed {seed}). Try another seed."
    elif demo in DEMOS:
        text, case = DEMOS[demo]
    else:
        return _page("No such demo", '<p><a href="/">Back to the demos</a></p>')
    expected = run_django(case)
    try:
        from grader.loader import load

        got, _ = run_mini(load("lifecycle"), case, check_stack=False)
    except NotImplementedError:
        got = ["lifecycle.py still raises NotImplementedError: start with task 1"]
    except Exception as exc:  # noqa: BLE001 - the learner's error is shown, never fatal
        got = [f"MiniHandler failed: {type(exc).__name__}: {exc}"]
    rows = []
    for i in range(max(len(expected), len(got))):
        left = expected[i] if i < len(expected) else ""
        right = got[i] if i < len(got) else ""
        css = "" if left == right else ' class="diff"'
        rows.append(f"<tr{css}><td>{i}</td><td>{escape(left)}</td><td>{escape(right)}</td></tr>")
    verdict = "Same trace." if expected == got else "The traces differ (red rows)."
    return _page(
        f"Demo: {demo}",
        f"<p>{escape(text)}</p><pre>{escape(describe(case))}</pre><p><b>{verdict}</b></p>"
        "<table><tr><th>#</th><th>Django</th><th>your MiniHandler</th></tr>"
        + "".join(rows)
        + '</table><p><a href="/">All demos</a></p>',
    )
