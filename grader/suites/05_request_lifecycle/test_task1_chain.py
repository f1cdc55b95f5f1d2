"""Task 1: build the onion — the chain of middleware, in and out."""

import pytest
from kata_onion import Case, check, mixin, new, sweep


@pytest.mark.task(1)
def test_without_middleware_get_response_returns_the_view_response(lifecycle):
    check(
        lifecycle,
        Case((), ("/ok/",)),
        "task 1, rules 3 and 7: with no middleware, get_response calls _get_response, "
        "which calls urls[request.path_info](request)",
    )


@pytest.mark.task(1)
def test_middleware_are_built_once_from_last_to_first(lifecycle):
    check(
        lifecycle,
        Case((mixin(), new(), mixin()), ("/ok/", "/ok/")),
        "task 1, rules 1 and 6: __init__ calls the factories once, from the LAST to the FIRST; "
        "a second request reuses the same middleware",
    )


@pytest.mark.task(1)
def test_requests_go_in_in_order_and_responses_come_out_in_reverse(lifecycle):
    rule = (
        "task 1, rule 4: requests go in A, B, C and responses come out C, B, A, because each "
        "middleware wraps the next"
    )
    check(lifecycle, Case((mixin(), mixin(), mixin())), rule)
    check(lifecycle, Case((new(), mixin(), new())), rule)


@pytest.mark.task(1)
def test_a_middleware_that_answers_stops_the_request_there(lifecycle):
    rule = (
        "task 1, rule 5: a middleware that returns its own response ends the trip in; the "
        "middleware inside it and the view never run, the ones outside see the response"
    )
    check(lifecycle, Case((mixin(), mixin(request="respond"), mixin())), rule)
    check(lifecycle, Case((mixin(), new(request="respond"), new())), rule)


@pytest.mark.task(1)
def test_a_factory_raising_middleware_not_used_is_skipped(lifecycle):
    check(
        lifecycle,
        Case((mixin(), new(not_used=True), mixin(), mixin(not_used=True))),
        "task 1, rule 2: a factory that raises MiddlewareNotUsed is skipped; the next factory "
        "out wraps the same inner callable",
    )


@pytest.mark.task(1)
def test_generated_plain_stacks_match_django(lifecycle):
    sweep(
        lifecycle,
        level=1,
        count=60,
        rule="task 1: build order, in/out order, short answers, MiddlewareNotUsed",
    )
