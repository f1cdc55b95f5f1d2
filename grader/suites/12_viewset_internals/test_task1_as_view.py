"""Task 1: ViewSetMixin.as_view(actions, **initkwargs) maps HTTP methods to actions."""

import kata_witness
import pytest
from django.urls import path
from kata_http import call
from kata_routes import mount, serve
from kata_witness import SEEN, witness

from grader.api_calls import expect_status

pytestmark = pytest.mark.task(1)


@pytest.fixture(autouse=True)
def fresh_notes():
    kata_witness.reset()
    yield
    kata_witness.reset()


def _as_view_error(make, rule: str) -> str:
    """Call ``make()`` (an as_view call); the name of the error it raised, or a message."""
    try:
        make()
    except NotImplementedError:
        raise
    except TypeError:
        return ""
    except Exception as error:  # noqa: BLE001 - any other error is the wrong one
        return (
            f"it raised {type(error).__name__}: {error} — the README asks for TypeError ({rule})."
        )
    return f"it returned a view without complaint ({rule})."


def test_as_view_without_actions_raises_type_error(viewsets):
    cls = witness(viewsets)
    calls = {
        "Witness.as_view()": lambda: cls.as_view(),
        "Witness.as_view(None)": lambda: cls.as_view(None),
        "Witness.as_view({})": lambda: cls.as_view({}),
        'Witness.as_view(greeting="hi")': lambda: cls.as_view(greeting="hi"),
    }
    for shown, make in calls.items():
        problem = _as_view_error(make, "task 1, rule 1")
        assert not problem, (
            f"{shown} must raise TypeError: a viewset's view needs its actions, such as "
            f"{{'get': 'list'}}. Instead {problem}"
        )


def test_as_view_refuses_keys_that_are_not_http_method_names(viewsets):
    cls = witness(viewsets)
    for actions in ({"fetch": "show"}, {"GET": "show"}, {"get": "show", "send": "store"}):
        problem = _as_view_error(lambda a=actions: cls.as_view(a), "task 1, rule 2")
        assert not problem, (
            f"Witness.as_view({actions!r}) must raise TypeError: every key is a lowercase HTTP "
            f"method name of Witness.http_method_names ({', '.join(cls.http_method_names)}). "
            f"Instead {problem}"
        )


def test_as_view_refuses_actions_the_class_does_not_have(viewsets):
    cls = witness(viewsets)
    for actions in ({"get": "no_such_action"}, {"get": "greeting"}, {"post": "create"}):
        problem = _as_view_error(lambda a=actions: cls.as_view(a), "task 1, rule 3")
        assert not problem, (
            f"Witness.as_view({actions!r}) must raise TypeError at once: "
            f"{next(iter(actions.values()))!r} is not a method of Witness (a MiniGenericViewSet "
            f"with the actions show, store and own_head, and no mixin). A typo must fail when "
            f"the URLs are built, not at the first request. Instead {problem}"
        )


def test_as_view_refuses_method_names_and_unknown_attributes_as_initkwargs(viewsets):
    cls = witness(viewsets)
    for initkwargs in ({"get": "show"}, {"post": None}, {"colour": "red"}):
        problem = _as_view_error(
            lambda k=initkwargs: cls.as_view({"get": "show"}, **k), "task 1, rule 4"
        )
        shown = ", ".join(f"{key}={value!r}" for key, value in initkwargs.items())
        assert not problem, (
            f"Witness.as_view({{'get': 'show'}}, {shown}) must raise TypeError: an initkwarg "
            f"may not be an HTTP method name, and must be an attribute the class already has "
            f"(as in Django's View.as_view). Instead {problem}"
        )
    # Existing attributes are fine.
    cls.as_view({"get": "show"}, greeting="hi", serializer_class=None)


def test_every_request_gets_a_fresh_instance_with_the_initkwargs(viewsets, api):
    cls = witness(viewsets)
    mount(
        path("greet/", cls.as_view({"get": "show"}, greeting="bonjour")),
        path("plain/", cls.as_view({"get": "show"})),
    )
    first = expect_status(call(api, "GET", "/kata/greet/"), 200, "task 1, rule 5")
    second = expect_status(call(api, "GET", "/kata/greet/"), 200, "task 1, rule 5")
    assert first["greeting"] == second["greeting"] == "bonjour", (
        f"as_view({{'get': 'show'}}, greeting='bonjour'): every instance must get the "
        f"initkwargs: self.greeting must be 'bonjour' (task 1, rule 5). It was "
        f"{first['greeting']!r}, then {second['greeting']!r}."
    )
    made = SEEN["instances"]
    assert len(made) == 2 and made[0] is not made[1], (
        "Each request must run on a new instance, cls(**initkwargs), made inside the view "
        "function: two requests reached the same object (task 1, rule 5). An instance holds "
        "one request's state (self.request, self.action, self.kwargs…)."
    )
    assert cls.greeting == "hello", (
        f"The initkwargs belong to the instances, never to the class: after as_view(..., "
        f"greeting='bonjour') the class attribute Witness.greeting is {cls.greeting!r} "
        f"instead of 'hello' (task 1, rule 5)."
    )
    other = expect_status(call(api, "GET", "/kata/plain/"), 200, "task 1, rule 5")
    assert other["greeting"] == "hello", (
        f"A view made without initkwargs must see the class's own greeting 'hello'; it saw "
        f"{other['greeting']!r}: another view's initkwargs leaked into it (task 1, rule 5)."
    )


def test_the_view_binds_each_method_to_its_action(viewsets, api):
    cls = witness(viewsets)
    mount(path("things/<pk>/", cls.as_view({"get": "show", "post": "store"})))
    body = expect_status(call(api, "GET", "/kata/things/7/"), 200, "task 1, rule 5")
    assert body["action"] == "show" and body["kwargs"] == {"pk": "7"}, (
        f"GET /kata/things/7/ on as_view({{'get': 'show', 'post': 'store'}}) must run "
        f"show() with self.kwargs {{'pk': '7'}} (task 1, rule 5); it answered {body!r}."
    )
    stored = call(api, "POST", "/kata/things/7/", {})
    body = expect_status(stored, 201, "task 1, rule 5: POST is mapped to store()")
    assert body == {"action": "store", "stored": True}, (
        f"POST must run store() (task 1, rule 5); it answered {body!r}."
    )
    refused = call(api, "PUT", "/kata/things/7/", {})
    expect_status(refused, 405, "task 1, rule 5: PUT is not mapped, so 405 Method Not Allowed")
    assert refused.header("Allow") == "GET, POST, HEAD, OPTIONS", (
        f"The Allow header lists the methods the instance has: the mapped ones, HEAD (rule 6) "
        f"and OPTIONS (APIView's). Expected 'GET, POST, HEAD, OPTIONS', got "
        f"{refused.header('Allow')!r} (task 1, rules 5 and 6)."
    )


def test_each_view_binds_its_methods_on_its_own_instance(viewsets, api):
    cls = witness(viewsets)
    mount(
        path("both/", cls.as_view({"get": "show", "post": "store"})),
        path("read/", cls.as_view({"get": "show"})),
    )
    expect_status(
        call(api, "POST", "/kata/both/", {}),
        201,
        "task 1, rule 5: POST on as_view({'get': 'show', 'post': 'store'}) runs store()",
    )
    refused = call(api, "POST", "/kata/read/", {})
    allow = refused.header("Allow")
    assert refused.status == 405 and allow == "GET, HEAD, OPTIONS", (
        f"Two views of the same class: /kata/both/ is as_view({{'get': 'show', 'post': "
        f"'store'}}), /kata/read/ is as_view({{'get': 'show'}}). After a POST to /kata/both/, "
        f"POST /kata/read/ must still answer 405 with Allow 'GET, HEAD, OPTIONS': read/ maps "
        f"no POST. It answered {refused.status} with Allow {allow!r}: the methods bound for "
        f"both/ leaked into read/. Bind each method on the new instance, "
        f"setattr(self, method, getattr(self, action)), never on the class: a router makes "
        f"the list route and the detail route from one class (task 1, rule 5)."
        f"{refused.describe()}"
    )


def test_request_is_set_on_the_instance_before_dispatch(viewsets, api):
    cls = witness(viewsets)
    mount(path("things/", cls.as_view({"get": "show"})))
    expect_status(call(api, "GET", "/kata/things/"), 200, "task 1, rule 5")
    assert SEEN["authenticators"] == ["GET"], (
        f"The view function sets self.request, self.args and self.kwargs before it calls "
        f"self.dispatch(): code that runs early in dispatch (get_authenticators, get_parsers) "
        f"reads them. In get_authenticators, self.request.method was "
        f"{SEEN['authenticators'][:1] or ['(never called)']} instead of 'GET' (task 1, rule 5)."
    )


def test_head_runs_the_get_action(viewsets, api):
    cls = witness(viewsets)
    mount(path("things/", cls.as_view({"get": "show"})))
    head = call(api, "HEAD", "/kata/things/")
    expect_status(head, 200, "task 1, rule 6: HEAD runs the GET action when 'head' is not mapped")
    assert SEEN["instances"], "HEAD must run show(), the GET action (task 1, rule 6)."
    assert head.header("Allow") == "GET, HEAD, OPTIONS", (
        f"With only 'get' mapped, the Allow header must be 'GET, HEAD, OPTIONS' (task 1, "
        f"rule 6); it was {head.header('Allow')!r}."
    )


def test_explicit_head_mapping_is_kept(viewsets, api):
    cls = witness(viewsets)
    mount(path("things/", cls.as_view({"get": "show", "head": "own_head"})))
    head = call(api, "HEAD", "/kata/things/")
    expect_status(head, 200, "task 1, rule 6")
    assert head.header("X-Kata-Head") == "own_head" and not SEEN["instances"], (
        "as_view({'get': 'show', 'head': 'own_head'}): HEAD is mapped, so it must run "
        "own_head(), not the GET action (task 1, rule 6): 'head' is added only when the "
        "actions do not map it."
    )


def test_action_is_set_before_permissions_are_checked(viewsets, api):
    cls = witness(viewsets)
    mount(path("things/", cls.as_view({"get": "show", "post": "store"})))
    expected = [
        ("GET", 200, "show"),
        ("POST", 201, "store"),
        ("HEAD", 200, "show"),
        ("OPTIONS", 200, "metadata"),
        ("PUT", 405, None),
        ("DELETE", 405, None),
    ]
    for method, status, action in expected:
        SEEN["permissions"].clear()
        exchange = call(api, method, "/kata/things/", {} if method in ("POST", "PUT") else None)
        expect_status(exchange, status, f"task 1, rule 7: {method} on {{'get': 'show', …}}")
        seen = SEEN["permissions"][:1]
        assert seen == [action], (
            f"self.action must be set in initialize_request(), before authentication and "
            f"permissions run: on as_view({{'get': 'show', 'post': 'store'}}), {method} must "
            f"see self.action == {action!r} in get_permissions() (task 1, rule 7). "
            f"It saw {seen[0]!r}."
            if seen
            else f"get_permissions() never ran for {method}."
        )


def test_action_map_holds_the_mapping_with_head(viewsets, api):
    cls = witness(viewsets)
    mount(path("things/", cls.as_view({"get": "show", "post": "store"})))
    body = expect_status(call(api, "GET", "/kata/things/"), 200, "task 1, rule 7")
    expected = {"get": "show", "post": "store", "head": "show"}
    assert body["action_map"] == expected, (
        f"self.action_map must be the view's mapping, with 'head' added by rule 6: "
        f"{expected!r}; it was {body['action_map']!r} (task 1, rule 7)."
    )


def test_mapped_options_runs_its_action_with_action_metadata(viewsets, api):
    cls = witness(viewsets)
    mount(path("things/", cls.as_view({"get": "show", "options": "own_head"})))
    exchange = call(api, "OPTIONS", "/kata/things/")
    expect_status(exchange, 200, "task 1, rule 7: OPTIONS mapped to own_head()")
    assert exchange.header("X-Kata-Head") == "own_head", (
        f"as_view({{'get': 'show', 'options': 'own_head'}}) maps OPTIONS, so OPTIONS must run "
        f"own_head(), which answers with the header X-Kata-Head: own_head. Here APIView's own "
        f"options() (the metadata) answered instead. Rule 5 binds every mapped method, "
        f"'options' too; APIView's options() answers only when 'options' is not mapped "
        f"(task 1, rules 5 and 7).{exchange.describe()}"
    )
    seen = SEEN["permissions"][:1]
    assert seen == ["metadata"], (
        f"For OPTIONS, self.action is always 'metadata', even when the actions map 'options' "
        f"(here to own_head): get_permissions() must see self.action == 'metadata'; it saw "
        f"{seen[0] if seen else '(get_permissions never ran)'!r} (task 1, rule 7)."
    )


def test_view_is_csrf_exempt(viewsets):
    cls = witness(viewsets)
    view = cls.as_view({"get": "show", "post": "store"})
    assert getattr(view, "csrf_exempt", False) is True, (
        "The function as_view() returns must be CSRF-exempt: return csrf_exempt(view) "
        "(view.csrf_exempt is True). Django's CsrfViewMiddleware reads that mark (task 1, rule 8)."
    )


def test_anonymous_post_passes_djangos_csrf_middleware(viewsets, db):
    from rest_framework.test import APIClient

    cls = witness(viewsets)
    mount(path("things/", cls.as_view({"get": "show", "post": "store"})))
    strict = APIClient(enforce_csrf_checks=True)
    exchange = call(strict, "POST", "/kata/things/", {"title": "no token"})
    if exchange.status == 403 and "html" in (exchange.header("Content-Type") or ""):
        raise AssertionError(
            "An anonymous POST without a CSRF token to a view from as_view() was refused by "
            "Django's CsrfViewMiddleware (its HTML page 'CSRF verification failed', 403): the "
            "view is not CSRF-exempt. as_view() must return csrf_exempt(view) (task 1, rule 8)."
        )
    expect_status(
        exchange,
        201,
        "task 1, rule 8: the view is csrf_exempt, so Django's CsrfViewMiddleware lets a POST "
        "without a CSRF token reach DRF (an anonymous client, AllowAny)",
    )


def test_logged_in_session_still_needs_a_csrf_token(viewsets, world):
    from kata_books import PASSWORD
    from rest_framework.test import APIClient

    cls = witness(viewsets)
    mount(path("things/", cls.as_view({"get": "show", "post": "store"})))
    strict = APIClient(enforce_csrf_checks=True)
    assert strict.login(username="alice", password=PASSWORD), "the suite could not log in"
    exchange = call(strict, "POST", "/kata/things/", {"title": "no token"})
    body = expect_status(
        exchange,
        403,
        "task 1, rule 8: DRF's SessionAuthentication checks CSRF itself for a logged-in session",
    )
    assert isinstance(body, dict) and str(body.get("detail", "")).startswith("CSRF Failed"), (
        f"A logged-in session without a CSRF token must be refused by DRF's "
        f"SessionAuthentication, with a JSON body {{'detail': 'CSRF Failed: …'}} — not by "
        f"Django's middleware (an HTML page), which csrf_exempt turns off (task 1, rule 8)."
        f"{exchange.describe()}"
    )


def test_view_function_describes_its_viewset(viewsets):
    cls = witness(viewsets)
    actions = {"get": "show", "post": "store"}
    view = cls.as_view(actions, greeting="hi")
    seen = {
        "cls": getattr(view, "cls", None),
        "initkwargs": getattr(view, "initkwargs", None),
        "actions": getattr(view, "actions", None),
    }
    assert seen["cls"] is cls, (
        f"view.cls must be the viewset class (task 1, rule 9); it is {seen['cls']!r}."
    )
    assert seen["initkwargs"] == {"greeting": "hi"}, (
        f"view.initkwargs must be the initkwargs {{'greeting': 'hi'}} (task 1, rule 9); "
        f"it is {seen['initkwargs']!r}."
    )
    assert (
        isinstance(seen["actions"], dict)
        and {k: v for k, v in seen["actions"].items() if k != "head"} == actions
    ), f"view.actions must be the actions {actions!r} (task 1, rule 9); it is {seen['actions']!r}."


def test_router_initkwargs_reach_the_instance(viewsets, api):
    cls = witness(viewsets)
    cls.list = cls.show  # the router maps GET on the list route to "list"
    list_path = serve(cls, prefix="things", basename="thing")
    body = expect_status(call(api, "GET", list_path), 200, "task 1, rule 10")
    expected = {"basename": "thing", "detail": False, "suffix": "List"}
    got = {key: body.get(key) for key in expected}
    assert got == expected, (
        f"A SimpleRouter calls as_view({{'get': 'list'}}, basename='thing', detail=False, "
        f"suffix='List'): the instance must have these attributes {expected!r}; it had "
        f"{got!r} (task 1, rules 5 and 10)."
    )


def test_default_router_serves_a_viewset_with_extra_actions(viewsets, api):
    from rest_framework.decorators import action
    from rest_framework.response import Response
    from rest_framework.routers import DefaultRouter

    cls = witness(viewsets)

    @action(detail=False)
    def recent(self, request):
        """The newest things."""
        return Response({"recent": [], "action": self.action})

    @action(detail=True, methods=["post"])
    def borrow(self, request, pk=None):
        return Response({"borrowed": pk, "action": self.action})

    cls.list = cls.show
    cls.recent = recent
    cls.borrow = borrow
    serve(cls, prefix="things", basename="thing", router=DefaultRouter())
    body = expect_status(
        call(api, "GET", "/kata/"), 200, "task 1, rule 10: DefaultRouter's API root"
    )
    assert isinstance(body, dict) and str(body.get("things", "")).endswith("/kata/things/"), (
        f"DefaultRouter's API root must list the viewset's route (task 1, rule 10); it "
        f"answered {body!r}."
    )
    recent_body = expect_status(
        call(api, "GET", "/kata/things/recent/"),
        200,
        "task 1, rule 10: get_extra_actions() must return the @action methods, so that the "
        "router adds their routes",
    )
    assert recent_body == {"recent": [], "action": "recent"}, (
        f"GET /kata/things/recent/ must run the @action recent() (task 1, rule 10); it "
        f"answered {recent_body!r}."
    )
    borrowed = expect_status(
        call(api, "POST", "/kata/things/12/borrow/", {}),
        200,
        "task 1, rule 10: a detail @action, POST only",
    )
    assert borrowed == {"borrowed": "12", "action": "borrow"}, (
        f"POST /kata/things/12/borrow/ must run the @action borrow(pk='12') (task 1, rule 10); "
        f"it answered {borrowed!r}."
    )
