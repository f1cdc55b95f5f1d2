"""Hidden suite of exercise 05 — request_lifecycle (django的生命周期).

The learner writes ``MiniHandler(middleware, urls)`` with ``get_response(request)``: Django's
BaseHandler rebuilt. Every test runs the same generated middleware classes through real
Django (the test ``Client`` with ``settings.MIDDLEWARE`` pointing at ``kata_mw``) and through
MiniHandler, records a trace of every hook, view and render (``kata_trace``), and compares the
traces event by event (``kata_onion``). Generated stacks come from a fixed seed, smallest
first; a failing one is simplified before it is shown. While MiniHandler runs, every event
also checks that no BaseHandler code and no ``convert_exception_to_response`` wrapper is on
the call stack. What the learner's handler returns is compared as text the suite builds
(kata_onion.outcome, and plain-str headers in task 5), never with its own __eq__.

Wrong answers this suite rejects:
- Factories called first to last (the first middleware innermost)
  — test_middleware_are_built_once_from_last_to_first,
  test_requests_go_in_in_order_and_responses_come_out_in_reverse.
- The chain rebuilt on every request — test_middleware_are_built_once_from_last_to_first.
- Responses unwinding in forward order (flat loops over process_request/process_response)
  — test_requests_go_in_in_order_and_responses_come_out_in_reverse.
- A short answer from __call__/process_request that still runs the inner middleware or the
  view — test_a_middleware_that_answers_stops_the_request_there.
- MiddlewareNotUsed not handled (MiniHandler() fails) — test_a_factory_raising_middleware_not_used_is_skipped.
- process_view in reverse order — test_process_view_runs_in_order_after_every_request_hook.
- process_view run in get_response before the chain (before the middleware's own request
  work) — test_process_view_runs_in_order_after_every_request_hook.
- process_view's response ignored, later process_view hooks still run, or the view still runs
  after a process_view answered — test_first_process_view_answer_skips_the_rest_and_the_view.
- process_exception in forward order — test_process_exception_runs_innermost_first.
- The last process_exception answer wins instead of the first — test_the_first_process_exception_answer_wins.
- An exception from a process_exception hook swallowed and the next hook asked
  — test_an_error_in_process_exception_becomes_an_error_response.
- An error boundary that answers every exception with a 500 (not 404/403)
  — test_http404_and_permission_denied_become_404_and_403.
- Exceptions from middleware propagating instead of becoming a response at that layer (no
  boundary per middleware, or one boundary around the whole chain)
  — test_an_error_in_a_middleware_becomes_a_response_at_its_layer.
- An unknown path answered outside the middleware, or routed to a "not found" view so that
  process_view/process_exception run — test_an_unknown_path_is_a_404_made_inside_every_middleware.
- Exceptions from process_view offered to process_exception — test_an_error_in_process_view_skips_process_exception.
- Exceptions from process_template_response offered to process_exception
  — test_an_error_in_a_template_hook_skips_process_exception.
- process_template_response skipped, run in forward order, or the response never rendered
  — test_template_hooks_run_innermost_first_then_the_response_is_rendered.
- process_template_response called for plain responses — test_plain_responses_skip_the_template_hooks.
- Template handling only for the view's response (not process_view's)
  — test_a_template_response_from_process_view_is_processed_too.
- process_exception's answer returned at once: a template response from it is never rendered
  — test_a_template_response_from_process_exception_is_processed_too.
- render() errors not offered to process_exception — test_render_errors_go_to_process_exception.
- Using BaseHandler (or its methods) or convert_exception_to_response — test_the_onion_is_your_own_code
  (and every comparison test).
- Anything else that differs from Django — test_generated_stacks_match_django (300 stacks)
  and test_djangos_own_middleware_behave_the_same.

Rule table (README task.rule → tests):
    1.1  test_middleware_are_built_once_from_last_to_first, test_requests_go_in_in_order_and_responses_come_out_in_reverse
    1.2  test_a_factory_raising_middleware_not_used_is_skipped
    1.3  test_without_middleware_get_response_returns_the_view_response, test_generated_plain_stacks_match_django
    1.4  test_requests_go_in_in_order_and_responses_come_out_in_reverse
    1.5  test_a_middleware_that_answers_stops_the_request_there
    1.6  test_middleware_are_built_once_from_last_to_first
    1.7  test_without_middleware_get_response_returns_the_view_response
    2.1  test_process_view_runs_in_order_after_every_request_hook
    2.2  test_process_view_gets_the_view_and_no_arguments
    2.3  test_process_view_runs_in_order_after_every_request_hook
    2.4  test_first_process_view_answer_skips_the_rest_and_the_view, test_generated_view_stacks_match_django
    3.1  test_an_unhandled_view_error_becomes_a_500_inside_every_middleware, test_http404_and_permission_denied_become_404_and_403
    3.2  test_an_unknown_path_is_a_404_made_inside_every_middleware
    3.3  test_process_exception_runs_innermost_first, test_the_first_process_exception_answer_wins, test_an_unhandled_view_error_becomes_a_500_inside_every_middleware
    3.4  test_an_error_in_process_view_skips_process_exception, test_an_error_in_process_exception_becomes_an_error_response, test_an_error_in_a_template_hook_skips_process_exception
    3.5  test_an_error_in_a_middleware_becomes_a_response_at_its_layer, test_generated_error_stacks_match_django
    4.1  test_template_hooks_run_innermost_first_then_the_response_is_rendered
    4.2  test_template_hooks_run_innermost_first_then_the_response_is_rendered, test_each_template_hook_gets_what_the_previous_one_returned, test_a_template_response_from_process_view_is_processed_too, test_a_template_response_from_process_exception_is_processed_too
    4.3  test_plain_responses_skip_the_template_hooks
    4.4  test_render_errors_go_to_process_exception
    4.5  test_an_error_in_a_template_hook_skips_process_exception
    5.1  test_generated_stacks_match_django
    5.2  test_djangos_own_middleware_behave_the_same
    5.3  test_the_onion_is_your_own_code
"""

import pytest


@pytest.fixture
def lifecycle():
    """The learner's lifecycle.py, imported inside the test (never at collection)."""
    from grader.loader import load

    return load("lifecycle")
