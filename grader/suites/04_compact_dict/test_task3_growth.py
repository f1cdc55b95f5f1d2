"""Task 3: table_size and usable; the table grows when usable places run out."""

import pytest
from compact_helpers import Collide, T, check_invariants, expected_size, same, shown


def size_after_inserts(n):
    """table_size after n inserts of new keys, no deletions (README task 3, rule 4)."""
    size = 8
    for live_before in range(n):
        if live_before >= size * 2 // 3:
            size = expected_size(live_before)
    return size


@pytest.mark.task(3)
def test_new_table_has_8_slots_and_5_usable(cd):
    d = cd.CompactDict()
    assert same((d.table_size, d.usable), (8, 5)), (
        f"a new CompactDict has an index table of 8 slots, 5 of them usable (8 * 2 // 3) "
        f"(task 3, rules 1-2); got table_size={d.table_size!r}, usable={d.usable!r}"
    )


@pytest.mark.task(3)
def test_table_grows_when_usable_places_run_out(cd):
    d = cd.CompactDict()
    for n in range(1, 201):
        d[T(f"key{n}")] = n
        expected = size_after_inserts(n)
        assert same(d.table_size, expected), (
            f"after inserting {n} different keys (no deletions) table_size must be {expected} "
            f"(task 3, rules 3-4: grow when a new key finds all usable places used; new size = "
            f"smallest power of two >= 8 and >= 3 * len(d) before the insert); got {shown(d.table_size)}"
        )
        check_invariants(d, f"after {n} inserts")
    assert same(list(d.values()), list(range(1, 201))), (
        "growing must keep every pair and the insertion order (task 3, rule 5)"
    )


@pytest.mark.task(3)
def test_sixth_key_grows_the_table_to_16(cd):
    d = cd.CompactDict()
    for n in range(5):
        d[n] = n
    assert same(d.table_size, 8), (
        f"5 keys fit in an 8-slot table (usable 5) (task 3, rule 4); got table_size {d.table_size}"
    )
    d[5] = 5
    assert same((d.table_size, d.usable), (16, 10)), (
        f"the 6th key finds no usable place left: the table is rebuilt with 16 slots "
        f"(3 * 5 = 15 -> 16), 10 usable (task 3, rule 4); got table_size={d.table_size}, "
        f"usable={d.usable}"
    )


@pytest.mark.task(3)
def test_updating_existing_keys_never_grows_the_table(cd):
    d = cd.CompactDict()
    for n in range(5):
        d[n] = n
    for round_ in range(50):
        for n in range(5):
            d[n] = round_
    assert same(d.table_size, 8) and len(d) == 5, (
        f"assigning new values to existing keys uses no new place: table_size must stay 8 "
        f"(task 3, rule 5); got table_size {d.table_size}, len {len(d)}"
    )


@pytest.mark.task(3)
def test_colliding_first_slots_keep_the_accounting(cd):
    # Five keys whose first probe slot is the same (hash % 8 == 6): five usable places used.
    keys = [Collide(f"c{n}", 6 + 8 * n) for n in range(5)]
    d = cd.CompactDict()
    for value, key in enumerate(keys):
        d[key] = value
    assert same((d.table_size, d.usable, len(d)), (8, 5, 5)), (
        f"five keys colliding on their first slot still fit in 8 slots: each takes the next "
        f"free slot of its probe sequence (task 3, rules 3-4). expected table_size=8, usable=5, "
        f"len=5; got table_size={d.table_size}, usable={d.usable}, len={len(d)}"
    )
    sixth = Collide("c5", 6 + 8 * 5)
    d[sixth] = 5
    assert same((d.table_size, d.usable, len(d)), (16, 10, 6)), (
        f"the sixth key must grow the table to 16 slots (task 3, rule 4); got "
        f"table_size={d.table_size}, usable={d.usable}, len={len(d)}"
    )
    for value, key in enumerate([*keys, sixth]):
        got = d.get(key, "<missing>")
        assert same(got, value), (
            f"after the resize every key is placed again by its probe sequence in the bigger "
            f"table and must still be found (task 3, rule 5): d[{key!r}] expected {value}, got {got!r}"
        )
