"""Task 4: MaintenanceMiddleware.process_view and @allow_during_maintenance."""

import kata_views
import pytest
from django.http import HttpResponse
from kata_support import describe, same, shown

ALLOWED = {
    "/health/": "a function view decorated with @allow_during_maintenance",
    "/ping/": "allow_during_maintenance(PingView.as_view())",
    "/status/": "@allow_during_maintenance on the class StatusView, then StatusView.as_view()",
}
NOT_ALLOWED = {
    "/plain/": "a function view that is not decorated",
    "/plain-class/": "a class-based view that is not decorated",
}


def assert_served(response, url, what, rule):
    name = url.strip("/")
    assert same(response.status_code, 200) and same(response.content, f"{name} ok".encode()), (
        f"{url} ({what}) must be served normally ({rule}); got {describe(response)}"
    )


def assert_maintenance(response, url, what, rule):
    assert same(response.status_code, 503), (
        f"While MAINTENANCE_MODE is true, {url} ({what}) must answer 503 ({rule}); "
        f"got {describe(response)}"
    )


@pytest.mark.task(4)
def test_views_run_normally_when_maintenance_is_off(client, use_middleware, plain_urls, settings):
    use_middleware("MaintenanceMiddleware")
    for url, what in NOT_ALLOWED.items():
        assert_served(client.get(url), url, what, "task 4, rule 1: MAINTENANCE_MODE is False")
    del settings.MAINTENANCE_MODE
    for url, what in NOT_ALLOWED.items():
        assert_served(
            client.get(url), url, what, "task 4, rule 1: a missing MAINTENANCE_MODE means off"
        )


@pytest.mark.task(4)
def test_maintenance_mode_answers_503_with_retry_after(
    client, use_middleware, plain_urls, settings
):
    use_middleware("MaintenanceMiddleware")
    settings.MAINTENANCE_MODE = True
    for url, what in NOT_ALLOWED.items():
        response = client.get(url)
        assert_maintenance(response, url, what, "task 4, rule 2")
        retry_after = response.headers.get("Retry-After")
        assert same(retry_after, "120"), (
            "The 503 must tell clients when to come back: a Retry-After: 120 header (task 4, "
            f"rule 3); {url} got Retry-After {shown(retry_after)}"
        )


@pytest.mark.task(4)
def test_maintenance_mode_does_not_run_the_view(client, use_middleware, plain_urls, settings):
    use_middleware("MaintenanceMiddleware")
    settings.MAINTENANCE_MODE = True
    response = client.get("/plain/")
    assert_maintenance(response, "/plain/", NOT_ALLOWED["/plain/"], "task 4, rule 2")
    assert kata_views.CALLS == [], (
        "process_view must answer 503 INSTEAD of running the view (task 4, rule 2): return the "
        f"response from process_view. The view ran anyway: {kata_views.CALLS}"
    )


@pytest.mark.task(4)
def test_maintenance_setting_is_read_at_request_time(client, use_middleware, plain_urls, settings):
    use_middleware("MaintenanceMiddleware")
    sequence = [False, True, False, True]
    got = []
    for mode in sequence:
        settings.MAINTENANCE_MODE = mode
        status = client.get("/plain/").status_code
        got.append(status if type(status) is int else shown(status))
    expected = [503 if mode else 200 for mode in sequence]
    assert got == expected, (
        "MAINTENANCE_MODE must be read from django.conf.settings on every request, not once at "
        "import or in __init__ (task 4, rule 1): with MAINTENANCE_MODE set to "
        f"{sequence} before each request (one client), expected statuses {expected}, got {got}"
    )


@pytest.mark.task(4)
def test_decorated_function_view_runs_during_maintenance(
    client, use_middleware, maintenance_urls, settings
):
    use_middleware("MaintenanceMiddleware")
    settings.MAINTENANCE_MODE = True
    url = "/health/"
    assert_served(client.get(url), url, ALLOWED[url], "task 4, rules 4 and 5")


@pytest.mark.task(4)
def test_decorated_as_view_function_runs_during_maintenance(
    client, use_middleware, maintenance_urls, settings
):
    use_middleware("MaintenanceMiddleware")
    settings.MAINTENANCE_MODE = True
    url = "/ping/"
    assert_served(client.get(url), url, ALLOWED[url], "task 4, rules 4 and 6")


@pytest.mark.task(4)
def test_decorated_view_class_runs_during_maintenance(
    client, use_middleware, maintenance_urls, settings
):
    use_middleware("MaintenanceMiddleware")
    settings.MAINTENANCE_MODE = True
    url = "/status/"
    assert_served(
        client.get(url),
        url,
        ALLOWED[url],
        "task 4, rules 4 and 6: as_view() makes a new function, so a mark on the class is not "
        "on it; look at view_func.view_class too, or mark what as_view() returns",
    )


@pytest.mark.task(4)
def test_undecorated_views_get_503_during_maintenance(
    client, use_middleware, maintenance_urls, settings
):
    use_middleware("MaintenanceMiddleware")
    settings.MAINTENANCE_MODE = True
    for url, what in NOT_ALLOWED.items():
        assert_maintenance(
            client.get(url), url, what, "task 4, rule 4: only marked views are let through"
        )


@pytest.mark.task(4)
def test_decorated_views_work_normally_when_maintenance_is_off(
    client, use_middleware, maintenance_urls
):
    use_middleware("MaintenanceMiddleware")
    for url, what in {**ALLOWED, **NOT_ALLOWED}.items():
        assert_served(client.get(url), url, what, "task 4, rules 1 and 6")


@pytest.mark.task(4)
def test_process_view_returns_none_or_a_503(mw, rf, settings):
    view = kata_views.make_function_view("direct")
    middleware = mw.MaintenanceMiddleware(lambda request: HttpResponse("ok"))
    result = middleware.process_view(rf.get("/direct/"), view, (), {})
    assert result is None, (
        "With maintenance off, process_view(request, view_func, view_args, view_kwargs) must "
        f"return None so the view runs (task 4, rule 1); it returned {result!r}"
    )
    settings.MAINTENANCE_MODE = True
    result = middleware.process_view(rf.get("/direct/"), view, (), {})
    status = getattr(result, "status_code", None)
    assert isinstance(result, HttpResponse) and same(status, 503), (
        "With maintenance on, process_view must return a 503 HttpResponse for a view that is "
        f"not marked (task 4, rule 2); it returned {result!r}"
    )
