"""Hidden suite of exercise 04 — compact_dict (字典的底层原理).

The learner builds ``CompactDict``, a MutableMapping with CPython's compact layout (a sparse
index table over a dense entries list), and ``probe_sequence``, CPython's probe order.

Wrong answers this suite rejects:
- perturb never shifted, or shifted after the new slot is computed, or ``+ 1`` missing
  (wrong recurrence) — test_probe_sequence_follows_the_cpython_recurrence.
- A negative hash used as a signed number instead of ``hash & (2**64 - 1)``
  — test_probe_sequence_treats_negative_hashes_as_unsigned,
  test_probe_sequence_reaches_every_slot.
- A size that is not a power of two accepted — test_probe_sequence_rejects_sizes_that_are_not_powers_of_two.
- A wrapper around a real dict (or a dict subclass) — test_keys_and_values_are_not_kept_in_a_dict_or_set,
  test_compact_dict_is_a_mutable_mapping_but_not_a_dict.
- Equality before identity (a NaN key is lost; ``__eq__`` called on the same object)
  — test_nan_key_is_found_again_by_identity, test_same_object_is_found_without_calling_eq.
- ``__eq__`` called for stored keys with a different hash (the stored hash not compared first)
  — test_eq_is_called_only_for_keys_with_the_same_hash.
- The new key object replaces the original on update (``d[1.0] = …`` turns key 1 into 1.0)
  — test_equal_keys_keep_the_original_key_object.
- Updating a value moves the key to the end — test_updating_a_value_keeps_its_position.
- Collisions lost or overwritten — test_keys_with_the_same_hash_are_all_kept,
  test_keys_sharing_a_first_slot_are_all_found.
- Never growing, or ``usable`` equal to ``table_size`` instead of 2/3 of it
  — test_new_table_has_8_slots_and_5_usable, test_table_grows_when_usable_places_run_out.
- Growing only when the LIVE count reaches ``usable`` (deleted entries not counted), so DUMMY
  slots fill the index and a missing-key lookup never meets EMPTY
  — test_lookups_finish_after_many_insertions_and_deletions.
- Deleted entries never reclaimed (new size computed from all entries, table keeps growing)
  — test_inserting_and_deleting_many_keys_keeps_the_table_small.
- Delete writes EMPTY instead of DUMMY (later keys on the chain lost)
  — test_deleting_a_key_keeps_later_colliding_keys_findable.
- Rebuilding the entries in index-slot order on resize (insertion order lost)
  — test_insertion_order_survives_deletion_and_resize.
- No RuntimeError when a key is added or deleted during iteration
  — test_adding_a_key_during_iteration_raises_runtime_error,
  test_deleting_a_key_during_iteration_raises_runtime_error.
- RuntimeError on a mere value update during iteration (a version counter bumped on every
  assignment) — test_assigning_values_during_iteration_is_allowed.
- ``==`` that compares items in order — test_equality_with_dicts_ignores_order_both_ways.
- popitem left to the mixin (pops the FIRST pair, dict pops the last)
  — test_popitem_removes_the_last_inserted_pair.
- Anything else that makes it differ from dict — test_random_operation_sequences_match_dict.
"""

import sys

import pytest
from compact_helpers import ENDLESS_LOOP_MESSAGE, LineCounter

# Far above what a correct solution runs in any one test (the reference: under 300,000).
LINES_PER_TEST = 3_000_000


@pytest.fixture(autouse=True)
def endless_loop_guard(request):
    """Stop a test whose learner code runs an absurd number of lines: an endless loop.

    Counting lines is deterministic, so a learner gets this message at once instead of a
    timeout, and the same code always gets the same result. Hypothesis tests guard each
    example themselves (tracing hypothesis' own engine would make them slow).
    """
    if getattr(request.function, "is_hypothesis_test", False):
        yield None
        return
    counter = LineCounter(
        LINES_PER_TEST, ENDLESS_LOOP_MESSAGE.format(limit=LINES_PER_TEST, scope="test")
    )
    previous = sys.gettrace()
    sys.settrace(counter.on_call)
    yield counter
    sys.settrace(previous)


@pytest.fixture
def cd():
    """The learner's compact_dict module, imported through the grader's loader."""
    from grader.loader import load

    return load("compact_dict")
