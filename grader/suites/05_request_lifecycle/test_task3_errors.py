"""Task 3: errors become responses — process_exception and the error boundaries."""

import pytest
from kata_onion import Case, check, mixin, new, sweep
from kata_views import UNKNOWN_PATH


@pytest.mark.task(3)
def test_an_unhandled_view_error_becomes_a_500_inside_every_middleware(lifecycle):
    check(
        lifecycle,
        Case((mixin(), new()), ("/fails/",)),
        "task 3, rules 1 and 3: when nobody handles the view's exception, re-raise it; the "
        "innermost boundary turns it into a 500 that goes out through every middleware",
    )


@pytest.mark.task(3)
def test_http404_and_permission_denied_become_404_and_403(lifecycle):
    check(
        lifecycle,
        Case((mixin(), new()), ("/missing/", "/forbidden/")),
        "task 3, rule 1: the boundary answers Http404 with 404 and PermissionDenied with 403 "
        "(response_for_exception does this)",
    )


@pytest.mark.task(3)
def test_an_unknown_path_is_a_404_made_inside_every_middleware(lifecycle):
    check(
        lifecycle,
        Case(
            (mixin(view="pass", exception="pass"), new(view="pass", exception="pass")),
            (UNKNOWN_PATH,),
        ),
        "task 3, rule 2: an unknown path raises Http404 in _get_response before any "
        "process_view; the innermost boundary makes the 404, no process_view, view or "
        "process_exception runs, and every middleware sees the 404 going out",
    )


@pytest.mark.task(3)
def test_process_exception_runs_innermost_first(lifecycle):
    check(
        lifecycle,
        Case(
            (mixin(exception="pass"), new(exception="pass"), mixin(exception="pass")), ("/fails/",)
        ),
        "task 3, rule 3: process_exception hooks run in REVERSE list order (C, B, A)",
    )


@pytest.mark.task(3)
def test_the_first_process_exception_answer_wins(lifecycle):
    check(
        lifecycle,
        Case(
            (mixin(exception="respond"), new(exception="respond"), mixin(exception="pass")),
            ("/fails/",),
        ),
        "task 3, rule 3: the first process_exception (innermost first) that returns a "
        "response wins; the others are skipped and that response goes out",
    )


@pytest.mark.task(3)
def test_an_error_in_a_middleware_becomes_a_response_at_its_layer(lifecycle):
    rule = (
        "task 3, rule 5: an exception in a middleware's own __call__, process_request or "
        "process_response is caught by that middleware's boundary; the middleware outside it "
        "see an error response"
    )
    check(lifecycle, Case((mixin(), mixin(request="raise ValueError"), new())), rule)
    check(lifecycle, Case((new(), new(request="raise Http404"), mixin())), rule)
    check(lifecycle, Case((mixin(), mixin(response="raise PermissionDenied"), mixin())), rule)
    check(lifecycle, Case((mixin(), new(response="raise ValueError"), new())), rule)


@pytest.mark.task(3)
def test_an_error_in_process_view_skips_process_exception(lifecycle):
    check(
        lifecycle,
        Case((mixin(exception="pass"), mixin(view="raise ValueError", exception="respond"))),
        "task 3, rule 4: an exception from process_view is not offered to process_exception; "
        "it goes straight to the innermost boundary (500)",
    )


@pytest.mark.task(3)
def test_an_error_in_process_exception_becomes_an_error_response(lifecycle):
    check(
        lifecycle,
        Case((mixin(exception="respond"), new(exception="raise PermissionDenied")), ("/fails/",)),
        "task 3, rule 4: an exception raised by a process_exception hook stops the hooks and "
        "goes to the innermost boundary (here PermissionDenied: 403)",
    )


@pytest.mark.task(3)
def test_generated_error_stacks_match_django(lifecycle):
    sweep(
        lifecycle,
        level=3,
        count=150,
        rule="task 3: process_exception, error boundaries, unknown paths",
    )
