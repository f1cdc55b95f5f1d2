"""Hidden suite of exercise 03_object_pools (README: exercises/03_object_pools/README.md).

Wrong answers this suite rejects:
- Task 1, `is` on two names for one object (always True), e.g. `a = n; b = n; return a is b`:
  test_agrees_with_the_interpreter_from_minus_1000_to_1000, test_agrees_with_the_interpreter_for_big_ints.
- Task 1, wrong cache bounds (257 or -6 included, 256 or -5 left out):
  test_agrees_with_the_interpreter_from_minus_1000_to_1000, test_cache_edges_are_minus_5_and_256.
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
"""

import pytest


@pytest.fixture
def pools():
    """The learner's object_pools module, imported for this test."""
    from grader.loader import load

    return load("object_pools")
