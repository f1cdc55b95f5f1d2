"""Hidden suite of exercise 12 — viewset_internals (the class ladder of DRF, rebuilt).

The learner writes library/viewsets.py: ViewSetMixin (as_view, initialize_request,
get_extra_actions), the five model mixins, MiniGenericViewSet(ViewSetMixin, GenericAPIView) and
MiniModelViewSet. Every test makes its own viewsets from those classes (kata_witness: a
viewset whose actions report what they saw; kata_books: book viewsets with the suite's own
serializers, permissions and paginator), routes them with DRF's real SimpleRouter or
DefaultRouter under /kata/ (kata_routes.serve), and talks to them through DRF's APIClient and
Django's whole stack (sessions, CsrfViewMiddleware, authentication) on SQLite. Task 3 builds one
viewset twice, on DRF's ModelViewSet and on the learner's MiniModelViewSet, and sends both the
same generated request sequences (kata_compare: fixed seed, shortest first, the first
difference shown after the sequence is simplified, with the task 1 or 2 rule it most likely
comes from). Task 4 watches every function call (kata_callstack, sys.setprofile) while a
router builds the learner's views and they answer every verb: no code of
rest_framework/viewsets.py or rest_framework/mixins.py may run.

Wrong answers this suite rejects:
- as_view without csrf_exempt — test_view_is_csrf_exempt,
  test_anonymous_post_passes_djangos_csrf_middleware.
- self.action never set (get_serializer_class by action breaks)
  — test_action_is_set_before_permissions_are_checked, test_generated_request_sequences_match_drfs_model_viewset.
- self.action set too late (after the permission checks, e.g. in initial() after super())
  — test_action_is_set_before_permissions_are_checked.
- self.action None for OPTIONS instead of "metadata" — test_action_is_set_before_permissions_are_checked.
- OPTIONS broken (action_map[method] raises KeyError for OPTIONS and unmapped methods)
  — test_options_answers_the_same_metadata, test_methods_a_route_does_not_map_answer_405_like_drf,
  test_action_is_set_before_permissions_are_checked.
- Missing or empty actions accepted silently — test_as_view_without_actions_raises_type_error.
- Keys that are not HTTP method names accepted ("fetch", "GET")
  — test_as_view_refuses_keys_that_are_not_http_method_names.
- Actions the class does not have accepted (failing only at the first request)
  — test_as_view_refuses_actions_the_class_does_not_have.
- initkwargs not checked (method names, unknown attributes)
  — test_as_view_refuses_method_names_and_unknown_attributes_as_initkwargs.
- initkwargs set on the class (leaking into other views), one instance shared by every request,
  or the initkwargs ignored — test_every_request_gets_a_fresh_instance_with_the_initkwargs,
  test_router_initkwargs_reach_the_instance, test_options_answers_the_same_metadata.
- Handlers bound on the class (setattr(cls, method, …)): one view's methods leak into the other
  views of the same class — test_each_view_binds_its_methods_on_its_own_instance,
  test_generated_request_sequences_match_drfs_model_viewset.
- A mapped "options" never bound (APIView's options() always answers OPTIONS), or self.action
  of a mapped OPTIONS taken from the mapping instead of "metadata"
  — test_mapped_options_runs_its_action_with_action_metadata.
- self.request not set before dispatch — test_request_is_set_on_the_instance_before_dispatch.
- HEAD not mapped to the GET action (405) — test_head_runs_the_get_action, test_head_answers_like_get.
- HEAD always mapped to GET, even when "head" is mapped — test_explicit_head_mapping_is_kept.
- HEAD bound but missing from action_map (self.action None for HEAD)
  — test_action_map_holds_the_mapping_with_head, test_action_is_set_before_permissions_are_checked.
- view.cls, view.initkwargs, view.actions missing — test_view_function_describes_its_viewset.
- No basename/detail/suffix/name/description class attributes (a router's as_view raises)
  — test_router_initkwargs_reach_the_instance, test_default_router_serves_a_viewset_with_extra_actions.
- get_extra_actions returning nothing (no routes for @action)
  — test_default_router_serves_a_viewset_with_extra_actions.
- list not paginated — test_list_is_paginated_when_the_view_has_a_paginator,
  test_generated_request_sequences_match_drfs_model_viewset.
- list without filter_queryset, or from self.queryset instead of get_queryset()
  — test_list_goes_through_get_queryset_and_filter_queryset.
- create answering 200, or without Location — test_create_answers_201_with_the_new_book_and_its_location,
  test_generated_request_sequences_match_drfs_model_viewset.
- Location read without a fallback (a serializer without url crashes)
  — test_create_without_a_url_field_has_no_location.
- create reading request.POST instead of request.data (JSON looks empty)
  — test_create_answers_201_with_the_new_book_and_its_location.
- is_valid() without raise_exception (a 500 instead of 400) — test_invalid_create_answers_400_with_the_errors.
- perform_create not called (the subclass's hook that sets the owner is ignored)
  — test_perform_create_hook_is_used.
- get_success_headers not called — test_get_success_headers_hook_is_used.
- retrieve with queryset.get(pk=…) instead of get_object() (500 for a missing book, no
  lookup_field, no object permissions) — test_retrieve_finds_the_book_with_get_object,
  test_retrieve_honours_lookup_field_and_object_permissions.
- update or destroy without get_object() (no object permissions, no 404)
  — test_update_and_destroy_check_object_permissions, test_delete_answers_204_with_an_empty_body.
- PATCH not partial (requires every field) — test_patch_changes_only_the_fields_sent.
- PUT partial too (missing required fields accepted) — test_put_requires_every_required_field.
- partial_update not going through self.update — test_patch_goes_through_update.
- perform_update or perform_destroy not called — test_perform_update_and_perform_destroy_hooks_are_used.
- destroy answering 200 with a body — test_delete_answers_204_with_an_empty_body,
  test_generated_request_sequences_match_drfs_model_viewset.
- MiniModelViewSet subclassing DRF's ModelViewSet, or the mixins or as_view handing the work to
  DRF's own (rest_framework.mixins, rest_framework.viewsets) — test_no_drf_viewset_or_mixin_code_runs_for_your_viewset,
  test_drfs_viewsets_and_mixins_are_not_in_your_class_ladder.
- MiniGenericViewSet not built on GenericAPIView, or MiniModelViewSet not combining the mixins
  — test_your_classes_are_built_on_generic_api_view, test_mini_model_viewset_combines_the_five_mixins
  (and the `viewsets` fixture, which says so in every test).
- Anything else that differs from DRF — test_generated_request_sequences_match_drfs_model_viewset.

Rule table (README task.rule → tests):
    1.1  test_as_view_without_actions_raises_type_error
    1.2  test_as_view_refuses_keys_that_are_not_http_method_names
    1.3  test_as_view_refuses_actions_the_class_does_not_have
    1.4  test_as_view_refuses_method_names_and_unknown_attributes_as_initkwargs
    1.5  test_every_request_gets_a_fresh_instance_with_the_initkwargs, test_the_view_binds_each_method_to_its_action, test_each_view_binds_its_methods_on_its_own_instance, test_request_is_set_on_the_instance_before_dispatch
    1.6  test_head_runs_the_get_action, test_explicit_head_mapping_is_kept
    1.7  test_action_is_set_before_permissions_are_checked, test_action_map_holds_the_mapping_with_head, test_mapped_options_runs_its_action_with_action_metadata
    1.8  test_view_is_csrf_exempt, test_anonymous_post_passes_djangos_csrf_middleware, test_logged_in_session_still_needs_a_csrf_token
    1.9  test_view_function_describes_its_viewset
    1.10 test_router_initkwargs_reach_the_instance, test_default_router_serves_a_viewset_with_extra_actions
    2.1  test_list_is_paginated_when_the_view_has_a_paginator, test_list_without_paginator_is_a_plain_list, test_list_goes_through_get_queryset_and_filter_queryset
    2.2  test_create_answers_201_with_the_new_book_and_its_location, test_create_without_a_url_field_has_no_location, test_invalid_create_answers_400_with_the_errors
    2.3  test_retrieve_finds_the_book_with_get_object, test_retrieve_honours_lookup_field_and_object_permissions
    2.4  test_put_replaces_the_book, test_put_requires_every_required_field, test_update_and_destroy_check_object_permissions
    2.5  test_patch_changes_only_the_fields_sent, test_patch_goes_through_update
    2.6  test_delete_answers_204_with_an_empty_body, test_update_and_destroy_check_object_permissions
    2.7  test_perform_create_hook_is_used, test_perform_update_and_perform_destroy_hooks_are_used, test_get_success_headers_hook_is_used
    2.8  test_each_mixin_works_alone_on_mini_generic_viewset, test_mini_model_viewset_combines_the_five_mixins, test_the_given_book_api_works
    3.1  test_generated_request_sequences_match_drfs_model_viewset
    3.2  test_options_answers_the_same_metadata
    3.3  test_head_answers_like_get
    3.4  test_methods_a_route_does_not_map_answer_405_like_drf
    4.1  test_your_classes_are_built_on_generic_api_view
    4.2  test_no_drf_viewset_or_mixin_code_runs_for_your_viewset, test_drfs_viewsets_and_mixins_are_not_in_your_class_ladder
"""

import pytest


@pytest.fixture
def viewsets():
    """The learner's library/viewsets.py, imported inside the test (never at collection).

    Every test builds viewsets on MiniGenericViewSet or MiniModelViewSet: their two class
    lines (task 4, rule 1 and task 2, rule 8) come first, or no test can say anything useful.
    """
    from rest_framework.generics import GenericAPIView

    from grader.loader import LearnerCodeError, load

    module = load("library.viewsets")
    generic, model, mixin = module.MiniGenericViewSet, module.MiniModelViewSet, module.ViewSetMixin
    if not (
        isinstance(generic, type)
        and issubclass(generic, GenericAPIView)
        and issubclass(generic, mixin)
    ):
        raise LearnerCodeError(
            "library/viewsets.py: start with the class line of MiniGenericViewSet: "
            "class MiniGenericViewSet(ViewSetMixin, GenericAPIView). Every test builds its "
            "viewsets on it (task 4, rule 1)."
        )
    if not (isinstance(model, type) and issubclass(model, generic)):
        raise LearnerCodeError(
            "library/viewsets.py: MiniModelViewSet must combine the five mixins and "
            "MiniGenericViewSet: class MiniModelViewSet(CreateModelMixin, RetrieveModelMixin, "
            "UpdateModelMixin, DestroyModelMixin, ListModelMixin, MiniGenericViewSet) "
            "(task 2, rule 8)."
        )
    return module


@pytest.fixture(scope="session")
def world_rows(django_db_setup, django_db_blocker):
    """Two readers, two authors, three books (alice's two, bob's one), made once.

    They are committed before the first test; every test runs in a transaction that is rolled
    back, so each one starts from exactly these rows (and the same next ids).
    """
    from django.contrib.auth import get_user_model
    from kata_books import PASSWORD
    from kata_compare import World
    from library.models import Author, Book

    from grader.library_fixtures import isbn13

    with django_db_blocker.unblock():
        users = {
            name: get_user_model().objects.create_user(name, f"{name}@example.com", PASSWORD)
            for name in ("alice", "bob")
        }
        le_guin = Author.objects.create(name="Ursula K. Le Guin", birth_year=1929)
        pratchett = Author.objects.create(name="Terry Pratchett", birth_year=1948)
        rows = [
            ("The Left Hand of Darkness", le_guin, users["alice"], 304),
            ("The Dispossessed", le_guin, users["alice"], None),
            ("Small Gods", pratchett, users["bob"], 400),
        ]
        books = [
            Book.objects.create(title=t, author=a, owner=o, pages=p, isbn=isbn13(306406150 + i))
            for i, (t, a, o, p) in enumerate(rows)
        ]
    return World(
        users=users,
        books=tuple(b.pk for b in books),
        isbns=tuple(b.isbn for b in books),
        titles=tuple(b.title for b in books),
        authors=(le_guin.pk, pratchett.pk),
    )


@pytest.fixture
def world(world_rows, db):
    """The rows every test starts from (see world_rows), inside the test's transaction."""
    return world_rows
