"""Task 4: template responses — process_template_response, then render()."""

import pytest
from kata_onion import Case, check, mixin, new, sweep


@pytest.mark.task(4)
def test_template_hooks_run_innermost_first_then_the_response_is_rendered(lifecycle):
    check(
        lifecycle,
        Case((mixin(template="pass"), new(template="pass"), mixin(template="pass")), ("/page/",)),
        "task 4, rules 1 and 2: process_template_response runs in REVERSE list order (C, B, A), "
        "then response.render() is called once, after all of them",
    )


@pytest.mark.task(4)
def test_plain_responses_skip_the_template_hooks(lifecycle):
    check(
        lifecycle,
        Case((mixin(template="pass"), new(template="pass")), ("/ok/",)),
        "task 4, rule 3: a response without a render() method skips process_template_response",
    )


@pytest.mark.task(4)
def test_a_template_response_from_process_view_is_processed_too(lifecycle):
    check(
        lifecycle,
        Case((mixin(template="pass"), new(view="template", template="pass")), ("/ok/",)),
        "task 4, rule 2: a template response from process_view (not only from the view) goes "
        "through the template hooks and is rendered",
    )


@pytest.mark.task(4)
def test_a_template_response_from_process_exception_is_processed_too(lifecycle):
    check(
        lifecycle,
        Case(
            (mixin(template="pass"), new(exception="template", template="pass")),
            ("/fails/",),
        ),
        "task 4, rule 2: a template response from process_exception is used as the view's "
        "response (task 3, rule 3), so it goes through the template hooks and is rendered too",
    )


@pytest.mark.task(4)
def test_each_template_hook_gets_what_the_previous_one_returned(lifecycle):
    check(
        lifecycle,
        Case(
            (mixin(template="pass"), mixin(template="replace"), new(template="pass")), ("/page/",)
        ),
        "task 4, rule 2: each process_template_response gets the response the previous one "
        "returned (it may be a new one), and the last one is rendered",
    )


@pytest.mark.task(4)
def test_render_errors_go_to_process_exception(lifecycle):
    check(
        lifecycle,
        Case(
            (mixin(exception="pass"), new(exception="respond"), mixin(template="pass")),
            ("/broken-page/",),
        ),
        "task 4, rule 4: when render() raises, offer the exception to process_exception "
        "(innermost first), as for the view",
    )


@pytest.mark.task(4)
def test_an_error_in_a_template_hook_skips_process_exception(lifecycle):
    check(
        lifecycle,
        Case((mixin(exception="respond"), mixin(template="raise ValueError")), ("/page/",)),
        "task 4, rule 5: an exception from process_template_response is not offered to "
        "process_exception; the innermost boundary makes a 500",
    )


@pytest.mark.task(4)
def test_generated_template_stacks_match_django(lifecycle):
    sweep(
        lifecycle,
        level=4,
        count=100,
        rule="task 4: template hooks in reverse, then render(); render errors to process_exception",
    )
