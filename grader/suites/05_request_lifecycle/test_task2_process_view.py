"""Task 2: process_view and the view."""

import pytest
from kata_onion import Case, check, mixin, new, sweep


@pytest.mark.task(2)
def test_process_view_runs_in_order_after_every_request_hook(lifecycle):
    check(
        lifecycle,
        Case((mixin(view="pass"), new(view="pass"), mixin(), mixin(view="pass"))),
        "task 2, rules 1 and 3: process_view hooks run in list order (A before B), inside the "
        "innermost layer, after every __call__/process_request and right before the view",
    )


@pytest.mark.task(2)
def test_process_view_gets_the_view_and_no_arguments(lifecycle):
    check(
        lifecycle,
        Case((new(view="pass"),), ("/ok/",)),
        "task 2, rule 2: call process_view(request, view, (), {}) with the view function "
        "that urls maps request.path_info to",
    )


@pytest.mark.task(2)
def test_first_process_view_answer_skips_the_rest_and_the_view(lifecycle):
    rule = (
        "task 2, rule 4: the first process_view that returns a response wins; later "
        "process_view hooks and the view are skipped, and that response goes out"
    )
    check(lifecycle, Case((mixin(view="pass"), new(view="respond"), mixin(view="pass"))), rule)
    check(lifecycle, Case((mixin(view="respond"), mixin(view="respond"))), rule)


@pytest.mark.task(2)
def test_generated_view_stacks_match_django(lifecycle):
    sweep(
        lifecycle,
        level=2,
        count=60,
        rule="task 2: process_view in order, the first answer wins, then the view",
    )
