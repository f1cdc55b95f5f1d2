"""Hidden suite of exercise 02_garbage_collection (module ``garbage_collection.py``).

It grades behaviour that holds on CPython 3.11 to 3.14: no reference counts, no generation
numbers, no object sizes, no reliance on the number ``gc.collect()`` returns. Objects are
watched with weak references and ``weakref.finalize``, and ``gc.collect()`` is only used as
"run a full collection now". Every test that turns automatic collection off turns it back on
(``gc_off`` fixture, and ``restore_gc`` after every test). Every answer is checked for its type
before its value (gc_checks.same): an object whose ``__eq__`` always says True does not pass.

Wrong answers this suite rejects:

Task 1 (Node)
- A strong child -> parent reference: the tree is a web of cycles, only the cycle collector frees
  it. Caught by test_dropping_the_root_frees_every_node_without_the_cycle_collector and
  test_a_surviving_child_does_not_keep_its_parent_alive.
- `.parent` returning the weak reference object instead of the parent. Caught by
  test_add_child_returns_the_child_and_links_both_ways.
- Children held weakly too: holding the root no longer keeps the tree. Caught by
  test_holding_the_root_keeps_the_whole_tree_alive.

Task 2 (count_cycle_garbage)
- Returning gc.collect()'s number without collecting first: garbage that existed before the call
  is counted. Caught by test_garbage_that_existed_before_the_call_is_not_counted.
- Leaving automatic collection on while build runs: part of the garbage is freed before it is
  counted. Caught by test_automatic_collections_during_build_do_not_hide_garbage.
- Counting what build left behind instead of what is unreachable (live objects count too).
  Caught by test_a_cycle_still_reachable_from_a_live_object_is_not_garbage and
  test_a_mix_counts_only_what_the_cycle_collector_frees.
- Counting garbage without cycles. Reference counting frees it while build runs, so a generic
  function cannot see it afterwards; this mistake shows up as counting everything build made or
  left behind (mutant counts_new_objects). Caught by test_acyclic_garbage_counts_zero and
  test_a_mix_counts_only_what_the_cycle_collector_frees.
- Counting only the objects on a cycle, not those a cycle keeps alive. Caught by
  test_objects_kept_alive_only_by_a_cycle_count_too.
- Collecting first and turning automatic collection off, then returning the number the second
  gc.collect() gives: it also counts the weak references their callbacks freed (a long-lived
  WeakSet holding the ring's members). Caught by
  test_weak_references_to_the_garbage_are_not_counted.
- Leaving the garbage in gc.garbage, or gc disabled / DEBUG_SAVEALL on afterwards. Caught by
  test_gc_state_is_restored_and_the_garbage_really_freed and
  test_an_exception_from_build_propagates_and_gc_is_restored.

Task 3 (LeakTracker)
- Reporting objects that existed before the block. Caught by
  test_objects_created_before_the_block_are_never_reported.
- Counting with isinstance: a subclass instance counts for its base type too. Caught by
  test_an_object_counts_for_its_exact_type_only.
- leaks that only claim to be right: a dict subclass whose __eq__ says True to anything. Caught
  by test_survivors_are_counted_exactly_by_type.
- No gc.collect() at exit: cycles released in the block are reported as leaks. Caught by
  test_cycles_released_in_the_block_are_not_leaks.
- Listing candidates (strong references) before collecting: that list keeps the released cycles
  alive, so the tracker reports leaks it caused itself. Caught by
  test_cycles_released_in_the_block_are_not_leaks.
- Keeping strong references to what it reports. Caught by
  test_the_tracker_itself_keeps_nothing_alive.
- Remembering pre-existing objects by id only: a new object at a reused address is missed.
  Caught by test_a_new_object_at_a_reused_address_is_still_reported.
- Remembering pre-existing objects in a WeakSet (needs hashable objects). Caught by
  test_unhashable_instances_can_be_tracked.
- Swallowing an exception raised in the block (__exit__ returning True). Caught by
  test_an_exception_in_the_block_propagates_and_leaks_are_still_counted.

Task 4 (ManagedResource)
- A finalizer whose callback is a bound method of self (or a closure over self): the object is
  never freed. Caught by test_dropping_the_last_reference_runs_the_cleanup_at_once.
- A __del__ cleanup that runs again after close(). Caught by
  test_close_runs_the_cleanup_once_and_marks_closed.
- A weak-reference callback stored on the object itself: it never runs for objects in a cycle.
  Caught by test_resources_in_a_cycle_are_cleaned_up_by_the_collector.

Rule table (README task.rule → tests):
    1.1  test_holding_the_root_keeps_the_whole_tree_alive
    1.2  test_add_child_returns_the_child_and_links_both_ways, test_a_surviving_child_does_not_keep_its_parent_alive
    1.3  test_dropping_the_root_frees_every_node_without_the_cycle_collector
    1.4  test_a_surviving_child_does_not_keep_its_parent_alive
    2.1  test_a_self_loop_is_one_object_of_cycle_garbage, test_a_long_ring_counts_every_object_on_it, test_objects_kept_alive_only_by_a_cycle_count_too, test_weak_references_to_the_garbage_are_not_counted
    2.2  test_acyclic_garbage_counts_zero, test_a_mix_counts_only_what_the_cycle_collector_frees
    2.3  test_a_cycle_still_reachable_from_a_live_object_is_not_garbage, test_a_mix_counts_only_what_the_cycle_collector_frees
    2.4  test_objects_with_del_are_collectable_and_finalized_once
    2.5  test_garbage_that_existed_before_the_call_is_not_counted, test_automatic_collections_during_build_do_not_hide_garbage
    2.6  test_gc_state_is_restored_and_the_garbage_really_freed, test_an_exception_from_build_propagates_and_gc_is_restored
    3.1  test_nothing_is_reported_when_everything_was_released, test_survivors_are_counted_exactly_by_type
    3.2  test_survivors_are_counted_exactly_by_type, test_nothing_is_reported_when_everything_was_released, test_an_object_counts_for_its_exact_type_only
    3.3  test_objects_created_before_the_block_are_never_reported, test_a_new_object_at_a_reused_address_is_still_reported
    3.4  test_cycles_released_in_the_block_are_not_leaks
    3.5  test_the_tracker_itself_keeps_nothing_alive
    3.6  test_unhashable_instances_can_be_tracked
    3.7  test_types_that_cannot_be_weakly_referenced_are_refused
    3.8  test_an_exception_in_the_block_propagates_and_leaks_are_still_counted
    4.1  test_close_runs_the_cleanup_once_and_marks_closed
    4.2  test_close_runs_the_cleanup_once_and_marks_closed
    4.3  test_dropping_the_last_reference_runs_the_cleanup_at_once
    4.4  test_dropping_the_last_reference_runs_the_cleanup_at_once, test_resources_in_a_cycle_are_cleaned_up_by_the_collector
    4.5  test_resources_in_a_cycle_are_cleaned_up_by_the_collector
    4.6  test_a_with_block_closes_the_resource
"""

from __future__ import annotations

import gc

import pytest


@pytest.fixture
def gcmod():
    """The learner's garbage_collection module."""
    from grader.loader import load

    return load("garbage_collection")


@pytest.fixture(autouse=True)
def restore_gc():
    """Whatever a test or the learner's code did, the next test starts with gc as it was."""
    enabled = gc.isenabled()
    debug = gc.get_debug()
    garbage_size = len(gc.garbage)
    try:
        yield
    finally:
        gc.set_debug(debug)
        del gc.garbage[garbage_size:]
        if enabled:
            gc.enable()
        else:
            gc.disable()


@pytest.fixture
def gc_off():
    """Automatic collection off for the test: only reference counting frees objects."""
    was_enabled = gc.isenabled()
    gc.disable()
    gc.collect()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
