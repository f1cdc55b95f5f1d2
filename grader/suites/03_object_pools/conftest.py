"""Hidden suite of exercise 03_object_pools (README: exercises/03_object_pools/README.md).

Every answer is checked for its type before its value (pool_checks.same): an object whose
``__eq__`` always says True does not pass.

Wrong answers this suite rejects:
- Task 1, `is` on two names for one object (always True), e.g. `a = n; b = n; return a is b`:
  test_agrees_with_the_interpreter_from_minus_1000_to_1000, test_agrees_with_the_interpreter_for_big_ints.
- Task 1, wrong cache bounds (257 or -6 included, 256 or -5 left out):
  test_agrees_with_the_interpreter_from_minus_1000_to_1000, test_cache_edges_are_minus_5_and_256.
- Task 1, an answer that is not a bool but claims to equal anything:
  test_agrees_with_the_interpreter_from_minus_1000_to_1000, test_cache_edges_are_minus_5_and_256,
  test_returns_a_bool.
- Task 2, a pool that never frees (a plain dict, or a WeakValueDictionary keyed by the value,
  whose key keeps the value alive): test_entry_vanishes_when_the_last_reference_goes,
  test_pool_does_not_keep_values_alive.
- Task 2, a pool that is not thread-safe (check-then-insert race):
  test_threads_interning_at_once_get_one_canonical_object.
- Task 2, one pool shared by every instance (class-level dict): test_pools_are_independent.
- Task 3, a FreeList that keeps more than maxsize objects: test_keeps_at_most_maxsize_objects,
  test_random_use_recycles_whenever_it_can_and_never_shares.
- Task 3, a FreeList that accepts a double release and later hands one object to two callers:
  test_double_release_raises_and_the_object_is_handed_out_once.
- Task 3, a FreeList that finds kept objects by == instead of `is`:
  test_equal_but_distinct_objects_can_both_be_released.
- Task 3, a FreeList that never recycles: test_acquire_after_release_returns_the_same_object.
- Task 3, a reset hook that is never called: test_reset_runs_before_a_recycled_object_is_reused.
- Task 4, an LRU that evicts by insertion order (FIFO): test_a_hit_refreshes_recency_so_the_least_recently_used_is_evicted,
  test_matches_functools_on_random_call_sequences.
- Task 4, hits/misses counted wrong: test_cache_info_counts_hits_and_misses,
  test_maxsize_zero_caches_nothing, test_cache_clear_empties_the_cache_and_resets_the_counts.
- Task 4, keyword arguments ignored in the key: test_keyword_arguments_are_part_of_the_key.
- Task 4, keyword pairs flattened into the key without a separator:
  test_a_keyword_pair_never_collides_with_a_positional_tuple.
- Task 4, unhashable arguments silently left uncached (or stored by repr), or the wrong error:
  test_unhashable_arguments_raise_type_error_without_calling_the_function.
- Task 4, only `@lru_cache(...)` supported, bare `@lru_cache` broken:
  test_bare_decorator_uses_the_default_maxsize_of_128.
- Task 4, one cache shared by every decorated function: test_each_decorated_function_has_its_own_cache.

Rule table (README task.rule → tests):
    1.1  test_agrees_with_the_interpreter_from_minus_1000_to_1000, test_agrees_with_the_interpreter_for_big_ints
    1.2  test_cache_edges_are_minus_5_and_256, test_agrees_with_the_interpreter_for_big_ints
    1.3  test_returns_a_bool
    2.1  test_equal_values_return_the_first_object, test_different_values_get_different_canonical_objects
    2.2  test_different_values_get_different_canonical_objects, test_entry_vanishes_when_the_last_reference_goes
    2.3  test_entry_vanishes_when_the_last_reference_goes, test_pool_does_not_keep_values_alive, test_a_new_object_becomes_canonical_after_the_old_one_died
    2.4  test_values_that_cannot_be_weakly_referenced_raise_type_error
    2.5  test_pools_are_independent
    2.6  test_threads_interning_at_once_get_one_canonical_object
    3.1  test_acquire_calls_the_factory_when_nothing_is_free, test_acquire_after_release_returns_the_same_object, test_random_use_recycles_whenever_it_can_and_never_shares
    3.2  test_keeps_at_most_maxsize_objects, test_negative_maxsize_raises_value_error, test_random_use_recycles_whenever_it_can_and_never_shares
    3.3  test_two_acquires_never_return_the_same_live_object, test_random_use_recycles_whenever_it_can_and_never_shares
    3.4  test_double_release_raises_and_the_object_is_handed_out_once, test_equal_but_distinct_objects_can_both_be_released
    3.5  test_reset_runs_before_a_recycled_object_is_reused
    4.1  test_repeated_call_is_served_from_the_cache, test_each_decorated_function_has_its_own_cache
    4.2  test_cache_info_counts_hits_and_misses, test_each_decorated_function_has_its_own_cache
    4.3  test_a_hit_refreshes_recency_so_the_least_recently_used_is_evicted, test_matches_functools_on_random_call_sequences
    4.4  test_cache_clear_empties_the_cache_and_resets_the_counts
    4.5  test_keyword_arguments_are_part_of_the_key, test_a_keyword_pair_never_collides_with_a_positional_tuple
    4.6  test_unhashable_arguments_raise_type_error_without_calling_the_function
    4.7  test_maxsize_none_is_unbounded, test_maxsize_zero_caches_nothing
    4.8  test_bare_decorator_uses_the_default_maxsize_of_128, test_wrapper_keeps_the_function_metadata
    4.9  test_exceptions_propagate_and_are_not_cached, test_a_recursive_function_can_call_its_cached_self
"""

import pytest


@pytest.fixture
def pools():
    """The learner's object_pools module, imported for this test."""
    from grader.loader import load

    return load("object_pools")
