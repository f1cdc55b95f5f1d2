"""The engine of the suite: middleware stacks as data, run through real Django and MiniHandler.

A ``Case`` is a stack of ``Layer`` specs (outermost first) and the paths to request. For each
layer a real middleware class is generated: a ``MiddlewareMixin`` subclass (old style: the
hooks it has are the ``process_*`` methods) or a new-style class (``__init__(get_response)``
and ``__call__``, plus any ``process_*`` hooks). The classes are registered in ``kata_mw``,
so real Django loads them from ``settings.MIDDLEWARE`` (dotted paths) through the test
``Client``; MiniHandler gets the same class objects. Every hook records an event in
``kata_trace.TRACE``; the two traces must be equal.

Actions a hook can take (strings, so a stack prints and compares as data):
  "-"                 the hook is absent (for a new-style ``__call__``: same as "pass")
  "pass"              records itself and lets the request go on (returns None, or passes the
                      response on unchanged; a template hook adds its name to the context)
  "respond"           returns its own HttpResponse("kata:<hook>")
  "template"          (process_view, process_exception) returns a template response
  "replace"           (process_template_response) returns a new template response
  "raise <Kind>"      raises ValueError, Http404 or PermissionDenied
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields, replace

import kata_mw
from django.core.exceptions import MiddlewareNotUsed, PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBase
from django.test import Client, RequestFactory, override_settings
from django.utils.deprecation import MiddlewareMixin
from kata_trace import TRACE, VIOLATIONS, record, reset, stop_checking
from kata_views import DESCRIBE_PATH, UNKNOWN_PATH, VIEWS, page_response

NAMES = "ABCDEFGH"
EXCEPTIONS = {"ValueError": ValueError, "Http404": Http404, "PermissionDenied": PermissionDenied}
RAISES = tuple(f"raise {kind}" for kind in EXCEPTIONS)


@dataclass(frozen=True)
class Layer:
    """One middleware of a stack, as data."""

    style: str = "mixin"  # "mixin" (MiddlewareMixin subclass) or "new" (a plain class)
    not_used: bool = False  # __init__ raises MiddlewareNotUsed
    request: str = "pass"  # process_request, or __call__ before get_response
    response: str = "pass"  # process_response, or __call__ after get_response
    view: str = "-"  # process_view
    exception: str = "-"  # process_exception
    template: str = "-"  # process_template_response


@dataclass(frozen=True)
class Case:
    layers: tuple[Layer, ...]
    paths: tuple[str, ...] = ("/ok/",)


def mixin(**kwargs) -> Layer:
    return Layer(style="mixin", **kwargs)


def new(**kwargs) -> Layer:
    return Layer(style="new", **kwargs)


# ── generated middleware classes ─────────────────────────────────────────────────────────────


def _act(action: str, event: str, hook: str):
    """Record the hook, then do what the action says: go on (None), answer, or raise."""
    if action.startswith("raise "):
        kind = action.split()[1]
        record(f"{event} -> raises {kind}")
        raise EXCEPTIONS[kind](f"{hook} failed")
    if action == "respond":
        record(f"{event} -> returns a response")
        return HttpResponse(f"kata:{hook}")
    if action == "template":
        record(f"{event} -> returns a template response")
        return page_response(hook)
    record(event)
    return None


def _status(response) -> str:
    return str(getattr(response, "status_code", f"{response!r}, not a response"))


def build_class(layer: Layer, name: str) -> type:
    """A real middleware class that behaves as ``layer`` says and records every hook."""
    ns: dict[str, object] = {"__module__": kata_mw.__name__, "__qualname__": name}

    if layer.style == "mixin":

        def __init__(self, get_response):
            if layer.not_used:
                record(f"{name}.__init__ -> raises MiddlewareNotUsed")
                raise MiddlewareNotUsed(f"{name} is switched off")
            record(f"{name}.__init__")
            MiddlewareMixin.__init__(self, get_response)

        if layer.request != "-":

            def process_request(self, request):
                return _act(layer.request, f"{name}.process_request", f"{name}.process_request")

            ns["process_request"] = process_request
        if layer.response != "-":

            def process_response(self, request, response):
                _act(
                    layer.response,
                    f"{name}.process_response(got {_status(response)})",
                    f"{name}.process_response",
                )
                return response

            ns["process_response"] = process_response
        bases: tuple[type, ...] = (MiddlewareMixin,)
    else:

        def __init__(self, get_response):
            if layer.not_used:
                record(f"{name}.__init__ -> raises MiddlewareNotUsed")
                raise MiddlewareNotUsed(f"{name} is switched off")
            record(f"{name}.__init__")
            self.get_response = get_response

        def __call__(self, request):
            answer = _act(
                layer.request if layer.request != "-" else "pass",
                f"{name}.__call__ before get_response",
                f"{name}.__call__",
            )
            if answer is not None:
                return answer
            response = self.get_response(request)
            _act(
                layer.response if layer.response != "-" else "pass",
                f"{name}.__call__ after get_response(got {_status(response)})",
                f"{name}.__call__",
            )
            return response

        ns["__call__"] = __call__
        bases = ()
    ns["__init__"] = __init__

    if layer.view != "-":

        def process_view(self, request, view_func, view_args, view_kwargs):
            seen = getattr(view_func, "__name__", repr(view_func))
            if view_args or view_kwargs:
                seen += f", args={view_args!r}, kwargs={view_kwargs!r}"
            return _act(layer.view, f"{name}.process_view({seen})", f"{name}.process_view")

        ns["process_view"] = process_view
    if layer.exception != "-":

        def process_exception(self, request, exception):
            seen = f"{type(exception).__name__}: {exception}"
            return _act(
                layer.exception, f"{name}.process_exception({seen})", f"{name}.process_exception"
            )

        ns["process_exception"] = process_exception
    if layer.template != "-":

        def process_template_response(self, request, response):
            event = f"{name}.process_template_response"
            if layer.template == "pass":
                record(event)
                context = getattr(response, "context_data", None)
                if isinstance(context, dict) and isinstance(context.get("trail"), list):
                    context["trail"].append(name)
                return response
            if layer.template == "replace":
                record(f"{event} -> returns a new template response")
                return page_response(f"{name}.replaced")
            return _act(layer.template, event, event)

        ns["process_template_response"] = process_template_response

    return type(name, bases, ns)


def install(layers: tuple[Layer, ...]) -> list[type]:
    """Build the classes of a stack and register them as kata_mw.A, kata_mw.B, …"""
    classes = []
    for name, layer in zip(NAMES, layers, strict=False):
        cls = build_class(layer, name)
        setattr(kata_mw, name, cls)
        classes.append(cls)
    return classes


# ── running a case ───────────────────────────────────────────────────────────────────────────


def outcome(response) -> str:
    """The last event of a request: status and body (error pages are compared by status)."""
    if not isinstance(response, HttpResponseBase):
        return f"=> returned {response!r}, not an HttpResponse"
    if getattr(response, "is_rendered", True) is False:
        return f"=> {response.status_code}, a template response that was never rendered"
    body = response.content.decode(errors="replace")
    if body.startswith("kata:"):
        shown = body  # made by a view or a middleware of the stack: compared exactly
    elif response.status_code >= 400:
        shown = "(error page)"  # yours or Django's: compared by status only
    else:
        shown = "(empty body)" if not body else "(body not compared)"
    return f"=> {response.status_code} {shown}"


def run_django(case: Case) -> list[str]:
    """The trace of real Django: the test Client, with MIDDLEWARE set to the stack's classes."""
    classes = install(case.layers)
    reset(check_stack=False)
    with override_settings(MIDDLEWARE=[f"{kata_mw.__name__}.{c.__name__}" for c in classes]):
        # A new Client is a new handler: it loads the middleware at its first request.
        client = Client(raise_request_exception=False)
        for path in case.paths:
            record(outcome(client.get(path)))
    return list(TRACE)


def run_mini(lifecycle, case: Case, check_stack: bool = True) -> tuple[list[str], list[str]]:
    """The trace of the learner's MiniHandler on the same classes, and any off-limits use.

    (The playground turns the stack check off: there, runserver's own handler is below.)
    """
    classes = install(case.layers)
    reset(check_stack=check_stack)
    try:
        try:
            handler = lifecycle.MiniHandler(list(classes), dict(VIEWS))
        except NotImplementedError:
            raise
        except Exception as exc:
            record(f"=> MiniHandler(...) raised {type(exc).__name__}: {exc}")
            return list(TRACE), list(VIOLATIONS)
        factory = RequestFactory()
        for path in case.paths:
            try:
                response = handler.get_response(factory.get(path))
            except NotImplementedError:
                raise
            except Exception as exc:
                record(f"=> get_response raised {type(exc).__name__}: {exc}")
                continue
            record(outcome(response))
    finally:
        stop_checking()
    return list(TRACE), list(VIOLATIONS)


# ── explaining a difference ──────────────────────────────────────────────────────────────────

WORDS = {
    "pass": "returns None",
    "respond": "returns a response",
    "template": "returns a template response",
    "replace": "returns a new template response",
}


def _word(action: str, passing: str = "returns None") -> str:
    if action.startswith("raise "):
        return f"raises {action.split()[1]}"
    return passing if action == "pass" else WORDS[action]


def describe(case: Case) -> str:
    lines = ["Stack, outermost first (the order of settings.MIDDLEWARE):"]
    for name, layer in zip(NAMES, case.layers, strict=False):
        if layer.not_used:
            lines.append(f"  {name}  raises MiddlewareNotUsed in __init__")
            continue
        hooks = []
        if layer.style == "mixin":
            kind = "MiddlewareMixin"
            if layer.request != "-":
                hooks.append(f"process_request {_word(layer.request)}")
        else:
            kind = "new-style"
            before = layer.request if layer.request != "-" else "pass"
            after = layer.response if layer.response != "-" else "pass"
            call = "__call__ calls get_response"
            if before == "respond":
                call = "__call__ returns its own response (never calls get_response)"
            elif before.startswith("raise"):
                call = f"__call__ {_word(before)} before get_response"
            elif after.startswith("raise"):
                call = f"__call__ {_word(after)} after get_response"
            hooks.append(call)
        if layer.view != "-":
            hooks.append(f"process_view {_word(layer.view)}")
        if layer.exception != "-":
            hooks.append(f"process_exception {_word(layer.exception)}")
        if layer.template != "-":
            hooks.append(
                f"process_template_response {_word(layer.template, 'returns the response')}"
            )
        if layer.style == "mixin" and layer.response != "-":
            hooks.append(f"process_response {_word(layer.response, 'returns the response')}")
        lines.append(f"  {name}  {kind}: " + ("; ".join(hooks) or "no hooks"))
    if not case.layers:
        lines.append("  (no middleware)")
    for path in case.paths:
        lines.append(f"Request: GET {path}  ({DESCRIBE_PATH[path]})")
    return "\n".join(lines)


def explain(case: Case, expected: list[str], got: list[str], rule: str) -> str:
    split = next(
        (i for i, (e, g) in enumerate(zip(expected, got, strict=False)) if e != g),
        min(len(expected), len(got)),
    )
    lines = [f"MiniHandler did not handle this request like Django ({rule}).", describe(case)]
    start = max(0, split - 6)
    if split:
        lines.append("Both traces start with:")
        if start:
            lines.append(f"  ({start} earlier event{'s' if start > 1 else ''}, also the same)")
        lines += [f"  {i:2}  {expected[i]}" for i in range(start, split)]

    def rest(trace: list[str]) -> list[str]:
        tail = [f"  {i:2}  {trace[i]}" for i in range(split, min(len(trace), split + 4))]
        if len(trace) > split + 4:
            tail.append(f"      … {len(trace) - split - 4} more")
        return tail or ["      (nothing: the trace ends here)"]

    lines.append("Then Django (expected) goes on with:")
    lines += rest(expected)
    lines.append("but your MiniHandler goes on with:")
    lines += rest(got)
    return "\n".join(lines)


def explain_violation(violations: list[str]) -> str:
    used = ", ".join(sorted(set(violations)))
    return (
        f"MiniHandler ran Django's own handler code while handling the request: {used}. "
        f"BaseHandler (and every handler built on it: WSGIHandler, the test Client) and "
        f"convert_exception_to_response are off limits: build the chain, the hook lists and "
        f"_get_response yourself (README, 'What you may use from Django')."
    )


def mismatch(lifecycle, case: Case, rule: str) -> str | None:
    """None when MiniHandler matches Django on ``case``, else the message for the learner."""
    expected = run_django(case)
    got, violations = run_mini(lifecycle, case)
    if violations:
        return explain_violation(violations)
    if expected != got:
        return explain(case, expected, got, rule)
    return None


def check(lifecycle, case: Case, rule: str) -> None:
    message = mismatch(lifecycle, case, rule)
    assert message is None, message


# ── generated stacks ─────────────────────────────────────────────────────────────────────────

# Options per task level, with weights. Level N adds what task N teaches. Raises are rare per
# hook: with up to five layers, a stack that stops early is already common.
_PLAIN_REQUEST = {"pass": 80, "-": 8, "respond": 7}
_PLAIN_RESPONSE = {"pass": 85, "-": 10}
_RAISE_RARELY = {"raise ValueError": 3, "raise Http404": 2, "raise PermissionDenied": 2}
_LEVELS = {
    1: {
        "request": _PLAIN_REQUEST,
        "response": _PLAIN_RESPONSE,
        "view": {"-": 1},
        "exception": {"-": 1},
        "template": {"-": 1},
        "paths": {"/ok/": 1},
    },
    2: {
        "request": _PLAIN_REQUEST,
        "response": _PLAIN_RESPONSE,
        "view": {"-": 40, "pass": 45, "respond": 15},
        "exception": {"-": 1},
        "template": {"-": 1},
        "paths": {"/ok/": 1},
    },
    3: {
        "request": {**_PLAIN_REQUEST, **_RAISE_RARELY},
        "response": {**_PLAIN_RESPONSE, **_RAISE_RARELY},
        "view": {"-": 40, "pass": 35, "respond": 10, "raise ValueError": 8},
        "exception": {"-": 25, "pass": 35, "respond": 25, **{k: 5 for k in RAISES}},
        "template": {"-": 1},
        "paths": {"/ok/": 2, "/fails/": 5, "/missing/": 1, "/forbidden/": 1, UNKNOWN_PATH: 1},
    },
    4: {
        "request": _PLAIN_REQUEST,
        "response": _PLAIN_RESPONSE,
        "view": {"-": 50, "pass": 30, "template": 15},
        "exception": {"-": 40, "pass": 30, "respond": 30},
        "template": {"-": 25, "pass": 50, "replace": 15, "raise ValueError": 8},
        "paths": {"/page/": 5, "/broken-page/": 4, "/ok/": 1},
    },
    5: {
        "request": {**_PLAIN_REQUEST, **_RAISE_RARELY},
        "response": {**_PLAIN_RESPONSE, **_RAISE_RARELY},
        "view": {"-": 45, "pass": 30, "respond": 8, "template": 8, "raise ValueError": 6},
        "exception": {
            "-": 30,
            "pass": 30,
            "respond": 25,
            "raise ValueError": 5,
            "raise Http404": 5,
        },
        "template": {"-": 35, "pass": 40, "replace": 12, "raise PermissionDenied": 6},
        "paths": {
            "/ok/": 2,
            "/fails/": 4,
            "/missing/": 1,
            "/forbidden/": 1,
            "/page/": 3,
            "/broken-page/": 2,
            UNKNOWN_PATH: 1,
        },
    },
}


def _pick(rng: random.Random, weighted: dict[str, int]) -> str:
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def random_case(rng: random.Random, level: int, max_layers: int = 5) -> Case:
    options = _LEVELS[level]
    layers = []
    for _ in range(rng.randint(1, max_layers)):
        layers.append(
            Layer(
                style=rng.choice(["mixin", "new"]),
                not_used=rng.random() < 0.1,
                **{hook: _pick(rng, options[hook]) for hook in _HOOKS},
            )
        )
    return Case(tuple(layers), (_pick(rng, options["paths"]),))


_HOOKS = ("request", "response", "view", "exception", "template")
_SIMPLEST = {"style": "mixin", "not_used": False, "request": "pass", "response": "pass"}


def _size(case: Case) -> tuple[int, int]:
    default = Layer()
    changed = sum(
        getattr(layer, f.name) != getattr(default, f.name)
        for layer in case.layers
        for f in fields(Layer)
    )
    return len(case.layers), changed


def _simpler(case: Case):
    """Cases one step simpler than ``case``: a layer fewer, a hook plainer, the plain view."""
    layers = case.layers
    for i in range(len(layers)):
        if len(layers) > 1:
            yield Case(layers[:i] + layers[i + 1 :], case.paths)
    for i, layer in enumerate(layers):
        for f in fields(Layer):
            value = getattr(layer, f.name)
            simple = _SIMPLEST.get(f.name, "-")
            candidates = [simple]
            if (
                isinstance(value, str)
                and value.startswith("raise ")
                and value != "raise ValueError"
            ):
                candidates.insert(0, "raise ValueError")
            if value not in ("-", "pass") and f.name in _HOOKS:
                candidates.insert(0, "pass")
            for candidate in candidates:
                if candidate != value:
                    yield Case(
                        layers[:i] + (replace(layer, **{f.name: candidate}),) + layers[i + 1 :],
                        case.paths,
                    )
    if case.paths != ("/ok/",):
        yield Case(layers, ("/ok/",))


def shrink(lifecycle, case: Case, rule: str, budget: int = 150) -> tuple[Case, str]:
    """Greedily simplify a failing case while it still fails: a small stack teaches best."""
    message = mismatch(lifecycle, case, rule)
    improved = True
    while improved and budget > 0:
        improved = False
        for candidate in _simpler(case):
            budget -= 1
            if budget < 0:
                break
            found = mismatch(lifecycle, candidate, rule)
            if found is not None:
                case, message, improved = candidate, found, True
                break
    return case, message


def sweep(lifecycle, level: int, count: int, rule: str, seed: int = 0) -> int:
    """Compare MiniHandler with Django on ``count`` generated stacks, smallest first.

    The seed is fixed: the same code always meets the same stacks and gets the same grade.
    """
    rng = random.Random(f"05_request_lifecycle/{level}/{seed}")
    # dict.fromkeys drops repeats and keeps the draw order (a set's order would vary by run).
    cases = sorted(dict.fromkeys(random_case(rng, level) for _ in range(count)), key=_size)
    for case in cases:
        if mismatch(lifecycle, case, rule) is not None:
            case, message = shrink(lifecycle, case, rule)
            raise AssertionError(f"{message}\n(One of {len(cases)} generated stacks, simplified.)")
    return len(cases)
