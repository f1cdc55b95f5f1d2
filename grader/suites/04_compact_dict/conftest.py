"""Hidden suite of exercise 04 — compact_dict (字典的底层原理).

The learner builds ``probe_sequence`` (CPython's probe order) and ``CompactDict``, a
MutableMapping with CPython's compact layout: a sparse index table over a dense entries list.
The README's numbered rules are what the tests check; failure messages cite them. Every answer
is checked for its type before its value (compact_helpers.same): an object whose ``__eq__``
always says True does not pass.

Wrong answers this suite rejects:
- perturb never shifted, or shifted after the next slot is computed, or ``+ 1`` missing
  (a wrong recurrence) — test_probe_sequence_follows_the_cpython_recurrence.
- A negative hash used as a signed number instead of ``hash & (2**64 - 1)``
  — test_probe_sequence_treats_negative_hashes_as_unsigned, test_probe_sequence_reaches_every_slot.
- A size that is not a power of two accepted — test_probe_sequence_rejects_sizes_that_are_not_powers_of_two.
- A wrapper around a real dict (or a dict subclass), with table_size/usable imitated by counters
  — test_keys_and_values_are_not_kept_in_a_dict_or_set, test_compact_dict_is_a_mutable_mapping_but_not_a_dict.
- Equality before identity (a NaN key is lost; ``__eq__`` called on the same object)
  — test_nan_key_is_found_again_by_identity, test_same_object_is_found_without_calling_eq.
- ``__eq__`` called for stored keys with a different hash (stored hash not compared first)
  — test_eq_is_called_only_for_keys_with_the_same_hash.
- The new key object replaces the original on update (``d[1.0] = …`` turns key 1 into 1.0)
  — test_equal_keys_keep_the_original_key_object.
- Updating a value moves the key to the end — test_updating_a_value_keeps_its_position.
- Collisions lost or overwritten — test_keys_with_the_same_hash_are_all_kept,
  test_keys_sharing_a_first_slot_are_all_found, test_colliding_first_slots_keep_the_accounting.
- Never growing, or ``usable`` equal to ``table_size`` instead of 2/3 of it
  — test_new_table_has_8_slots_and_5_usable, test_table_grows_when_usable_places_run_out,
  test_sixth_key_grows_the_table_to_16.
- Growing only when the LIVE count reaches ``usable`` (deleted entries not counted), so DUMMY
  slots fill the index and a missing-key lookup never meets EMPTY
  — test_lookups_finish_after_many_insertions_and_deletions, test_popitem_cycles_do_not_fill_the_index.
- Deleted entries never reclaimed (new size computed from all entries: the table keeps growing)
  — test_inserting_and_deleting_many_keys_keeps_the_table_small.
- A rebuild that only drops the deleted entries and keeps the size while the live keys fit,
  instead of sizing the table from 3 * len(d) — test_a_deleted_entry_keeps_its_place_until_the_next_resize.
- Delete writes EMPTY instead of DUMMY (keys further along the chain are lost)
  — test_deleting_a_key_keeps_later_colliding_keys_findable,
  test_deleting_a_key_keeps_keys_that_probed_past_it_findable.
- Rebuilding the entries in index-slot order on resize (insertion order lost)
  — test_insertion_order_survives_deletion_and_resize.
- No RuntimeError when a key is added or deleted during iteration
  — test_adding_a_key_during_iteration_raises_runtime_error,
  test_adding_a_key_after_the_last_step_still_raises,
  test_deleting_a_key_during_iteration_raises_runtime_error.
- An iteration guard that compares len(d): one key added and another deleted leave the length
  as it was — test_adding_one_key_and_deleting_another_during_iteration_raises.
- RuntimeError on a mere value update during iteration (a version counter bumped on every
  assignment) — test_assigning_values_during_iteration_is_allowed.
- ``==`` that compares the pairs in order — test_equality_with_dicts_ignores_order_both_ways.
- popitem left to the mixin (it pops the FIRST pair; dict pops the last)
  — test_popitem_removes_the_last_inserted_pair.
- popitem returning something that only claims to be the pair (its __eq__ says True to
  anything) — test_popitem_removes_the_last_inserted_pair.
- Anything else that makes it differ from dict — test_random_operation_sequences_match_dict
  (hypothesis, derandomized), test_mixin_methods_behave_like_dict.

Determinism: the keys the tests use have run-independent hashes (ints, tuples of ints,
``compact_helpers.Text`` strings, ``FixedNaN``, ``Collide``), so where keys land, and therefore
the grade, is the same on every run. The only exception is keyword-argument names (plain
str), each in a table of one or two keys. Endless probe loops are stopped by counting executed
lines of learner code (``LineCounter``), not by a clock: a guarded block (a test, an example,
an operation) runs untraced until it has used ``UNTRACED_CPU_SECONDS`` of CPU, which no block of
a correct solution comes near, and from then on stops after its limit of lines. An endless loop
always gets there and fails with the same message on every machine; correct code never gets
there. Between the two, code that finishes but is far slower than it needs to be (probe chains
through many deleted entries, say) is judged by what it returns when it finishes within that
CPU time; on a much slower machine it could run out of lines instead.

Rule table (README task.rule → tests):
    1.1  test_probe_sequence_rejects_sizes_that_are_not_powers_of_two
    1.2  test_probe_sequence_treats_negative_hashes_as_unsigned
    1.3  test_probe_sequence_follows_the_cpython_recurrence
    1.4  test_probe_sequence_follows_the_cpython_recurrence
    1.5  test_probe_sequence_never_ends, test_probe_sequence_reaches_every_slot
    2.1  test_compact_dict_is_a_mutable_mapping_but_not_a_dict, test_keys_and_values_are_not_kept_in_a_dict_or_set
    2.2  test_stored_values_are_found_again, test_keys_sharing_a_first_slot_are_all_found
    2.3  test_nan_key_is_found_again_by_identity, test_same_object_is_found_without_calling_eq, test_eq_is_called_only_for_keys_with_the_same_hash
    2.4  test_missing_key_raises_key_error_naming_the_key
    2.5  test_updating_a_value_keeps_its_position, test_equal_keys_keep_the_original_key_object
    2.6  test_keys_iterate_in_insertion_order
    2.7  test_keys_with_the_same_hash_are_all_kept, test_keys_sharing_a_first_slot_are_all_found
    2.8  test_constructor_accepts_what_dict_accepts
    3.1  test_new_table_has_8_slots_and_5_usable
    3.2  test_new_table_has_8_slots_and_5_usable, test_table_grows_when_usable_places_run_out
    3.3  test_table_grows_when_usable_places_run_out, test_colliding_first_slots_keep_the_accounting, test_a_deleted_entry_keeps_its_place_until_the_next_resize
    3.4  test_table_grows_when_usable_places_run_out, test_sixth_key_grows_the_table_to_16, test_a_deleted_entry_keeps_its_place_until_the_next_resize
    3.5  test_updating_existing_keys_never_grows_the_table, test_insertion_order_survives_deletion_and_resize, test_colliding_first_slots_keep_the_accounting
    3.6  test_table_grows_when_usable_places_run_out, test_random_operation_sequences_match_dict
    4.1  test_deleting_a_missing_key_raises_key_error
    4.2  test_deleting_a_key_keeps_later_colliding_keys_findable, test_deleting_a_key_keeps_keys_that_probed_past_it_findable
    4.3  test_a_deleted_entry_keeps_its_place_until_the_next_resize, test_lookups_finish_after_many_insertions_and_deletions, test_popitem_cycles_do_not_fill_the_index
    4.4  test_reinserted_key_goes_to_the_end
    4.5  test_inserting_and_deleting_many_keys_keeps_the_table_small
    5.1  test_keys_iterate_in_insertion_order, test_mixin_methods_behave_like_dict
    5.2  test_adding_a_key_during_iteration_raises_runtime_error, test_adding_a_key_after_the_last_step_still_raises, test_deleting_a_key_during_iteration_raises_runtime_error, test_adding_one_key_and_deleting_another_during_iteration_raises, test_assigning_values_during_iteration_is_allowed
    5.3  test_equality_with_dicts_ignores_order_both_ways
    5.4  test_repr_shows_the_pairs_in_insertion_order
    5.5  test_popitem_removes_the_last_inserted_pair, test_popitem_cycles_do_not_fill_the_index
    5.6  test_clear_starts_again_from_a_fresh_table
    5.7  test_mixin_methods_behave_like_dict
    5.8  test_random_operation_sequences_match_dict
"""

import pytest
from compact_helpers import LineCounter, counted_when_slow, endless_loop_message

# Far above what a correct solution runs in any one test (the reference: under 300,000).
LINES_PER_TEST = 3_000_000


@pytest.fixture(autouse=True)
def endless_loop_guard(request):
    """Stop a test whose learner code runs an absurd number of lines: an endless loop.

    Counting lines is deterministic, so a learner gets this message instead of a timeout, and
    the same code always gets the same result. Hypothesis tests guard each example themselves
    (tracing hypothesis' own engine would make them slow).
    """
    if getattr(request.function, "is_hypothesis_test", False):
        yield None
        return
    counter = LineCounter(LINES_PER_TEST, endless_loop_message(LINES_PER_TEST, "test"))
    with counted_when_slow(counter):
        yield counter


@pytest.fixture
def cd():
    """The learner's compact_dict module, imported through the grader's loader."""
    from grader.loader import load

    return load("compact_dict")
