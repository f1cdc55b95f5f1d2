"""Task 4: deletion leaves a DUMMY; deleted entries are reclaimed at the next resize."""

import pytest
from compact_helpers import Collide, T, line_budget, same, shown

# Generous: a correct operation on these small tables runs well under a hundred lines.
LINES_PER_OPERATION = 20_000
LINES_FOR_THE_CHURN = 1000 * 1_000


def items_of(d):
    return [(key, d[key]) for key in d]


@pytest.mark.task(4)
def test_deleted_key_is_gone(cd):
    d = cd.CompactDict([(T("a"), 1), (T("b"), 2), (T("c"), 3)])
    del d[T("b")]
    assert len(d) == 2 and T("b") not in d, (
        f"after del d['b'] the key is gone and len drops to 2 (task 4); got len {len(d)}, "
        f"keys {list(d)}"
    )
    assert same(items_of(d), [(T("a"), 1), (T("c"), 3)]), (
        f"the other pairs stay, in order (task 4): expected [('a', 1), ('c', 3)], got {items_of(d)}"
    )
    with pytest.raises(KeyError):
        d[T("b")]


@pytest.mark.task(4)
def test_deleting_a_missing_key_raises_key_error(cd):
    d = cd.CompactDict([(T("a"), 1)])
    for missing in [T("zzz"), 0, Collide("x", 3)]:
        with pytest.raises(KeyError) as caught:
            del d[missing]
        assert same(caught.value.args, (missing,)), (
            f"del d[{missing!r}] on a missing key must raise KeyError({missing!r}) (task 4, "
            f"rule 1); the KeyError had args {caught.value.args!r}"
        )
    del d[T("a")]
    with pytest.raises(KeyError):
        del d[T("a")]
    assert len(d) == 0, f"deleting the same key twice must not change len again: got {len(d)}"


@pytest.mark.task(4)
def test_deleting_a_key_keeps_later_colliding_keys_findable(cd):
    a, b, c = (Collide(name, 77) for name in "ABC")
    d = cd.CompactDict()
    d[a], d[b], d[c] = "a", "b", "c"
    del d[b]
    for key, value in [(a, "a"), (c, "c")]:
        got = d.get(key, "<missing>")
        assert same(got, value), (
            f"A, B, C share one hash, so they sit along one probe chain. After del d[B], "
            f"d[{key.name}] must still be {value!r} (task 4, rule 2): B's slot must become "
            f"DUMMY — a probe goes on past DUMMY but stops at EMPTY. got {got!r}"
        )
    assert b not in d and len(d) == 2, f"B must be gone and len 2; got len {len(d)}"
    del d[a]
    assert same(d.get(c, "<missing>"), "c"), (
        "after deleting A and B, C (third on the chain) must still be found (task 4, rule 2)"
    )


@pytest.mark.task(4)
def test_deleting_a_key_keeps_keys_that_probed_past_it_findable(cd):
    # Different hashes, same first slot: the later keys were placed further along their probes.
    keys = [Collide(f"s{n}", 2 + 8 * n) for n in range(4)]
    d = cd.CompactDict()
    for value, key in enumerate(keys):
        d[key] = value
    del d[keys[0]]
    for value, key in enumerate(keys[1:], start=1):
        got = d.get(key, "<missing>")
        assert same(got, value), (
            f"{keys[0]!r} took the first slot that {key!r} probed; after deleting it, "
            f"{key!r} must still be found (task 4, rule 2: DUMMY, not EMPTY). got {got!r}"
        )


@pytest.mark.task(4)
def test_reinserted_key_goes_to_the_end(cd):
    d = cd.CompactDict()
    for key in "abcd":
        d[T(key)] = key
    del d[T("b")]
    d[T("b")] = "again"
    assert same(list(d), [T("a"), T("c"), T("d"), T("b")]), (
        f"a key inserted again after being deleted is a new entry at the end, like dict "
        f"(task 4, rule 4): expected ['a', 'c', 'd', 'b'], got {list(d)}"
    )


@pytest.mark.task(4)
def test_insertion_order_survives_deletion_and_resize(cd):
    d = cd.CompactDict()
    # Keys whose hashes put them in the index in a different order than they are inserted.
    order = [9, 2, 30, 17, 4, 25, 12, 1, 28, 6]
    for key in order:
        d[key] = str(key)
    for key in order[::2]:
        del d[key]
    added = [101, 55, 13, 88, 7, 64, 39, 21, 90, 3, 77, 46, 58, 15, 33]
    for key in added:
        d[key] = str(key)
    expected = order[1::2] + added
    assert same(list(d), expected), (
        f"the entries list holds the order: a resize must walk the entries (skipping deleted "
        f"ones), not the index slots (task 3, rule 5 and task 4, rule 3).\nexpected {expected}\n"
        f"got      {list(d)}"
    )
    assert all(same(d[key], str(key)) for key in expected), "every remaining key keeps its value"


@pytest.mark.task(4)
def test_a_deleted_entry_keeps_its_place_until_the_next_resize(cd):
    d = cd.CompactDict()
    d[1], d[9], d[17] = "one", "nine", "seventeen"
    del d[9]
    d[2], d[3] = "two", "three"
    assert same((d.table_size, len(d)), (8, 4)), (
        f"keys 1, 9, 17, then del d[9], then keys 2 and 3: five entries are used (one of them "
        f"deleted), exactly the 5 usable places of an 8-slot table, so no rebuild yet (task 3, "
        f"rules 3-4). expected table_size=8 and len=4, got table_size={shown(d.table_size)} "
        f"and len={len(d)}"
    )
    d[4] = "four"
    assert same(d.table_size, 16), (
        f"after keys 1, 9, 17, del d[9], keys 2 and 3, all 5 usable places are taken: the deleted "
        f"entry still holds its place (task 4, rule 3). So the next new key, 4, rebuilds the "
        f"table first, at the smallest power of two >= 8 and >= 3 * 4 live keys = 12: 16 slots "
        f"(task 3, rule 4). Got table_size {shown(d.table_size)}: a table that only drops the "
        f"deleted entries, or that counts live keys only, stays at 8."
    )
    expected = [(1, "one"), (17, "seventeen"), (2, "two"), (3, "three"), (4, "four")]
    assert same(items_of(d), expected), (
        f"the rebuild keeps the live pairs in insertion order and drops the deleted one "
        f"(task 3, rule 5); got {items_of(d)}"
    )


@pytest.mark.task(4)
def test_inserting_and_deleting_many_keys_keeps_the_table_small(cd):
    d = cd.CompactDict()
    sizes = set()
    with line_budget(
        LINES_FOR_THE_CHURN,
        "inserting then deleting 1000 keys, one at a time, did not finish: a probe that never "
        "meets an EMPTY slot loops forever. Count deleted entries against usable so the table "
        "is rebuilt (task 4, rule 3)",
    ):
        for n in range(1000):
            d[n] = n
            del d[n]
            sizes.add(d.table_size)
    assert sizes == {8}, (
        f"inserting and deleting 1000 different keys one at a time never holds more than one "
        f"live key, so each rebuild must use the smallest table, 8 slots: deleted entries are "
        f"dropped and the new size comes from the LIVE count (task 3, rule 4; task 4, rules 3 "
        f"and 5). table_size took the values {sorted(sizes)}"
    )
    assert len(d) == 0 and same(list(d), []), f"the dict must end empty; got {list(d)}"


@pytest.mark.task(4)
def test_lookups_finish_after_many_insertions_and_deletions(cd):
    d = cd.CompactDict()
    budget_message = (
        "an operation on a table full of deleted entries did not finish: when every slot "
        "of the index is DUMMY or used, a lookup of a missing key never meets EMPTY and loops "
        "forever. Deleted entries must count against usable, so the table is rebuilt before "
        "that happens (task 4, rule 3)"
    )
    for n in range(100):
        with line_budget(LINES_PER_OPERATION, f"inserting or deleting key {n}: {budget_message}"):
            d[n] = n
            del d[n]
    for missing in [1000, 1001, -5, T("missing"), Collide("nobody", 3)]:
        with line_budget(
            LINES_PER_OPERATION, f"looking up missing key {missing!r}: {budget_message}"
        ):
            found = missing in d
        assert not found, f"{missing!r} was never inserted: `in` must be False (task 4)"
    d[T("back")] = 1
    assert same(list(d.items()), [(T("back"), 1)]), (
        f"after the churn the table must still work: expected [('back', 1)], got {list(d.items())}"
    )
