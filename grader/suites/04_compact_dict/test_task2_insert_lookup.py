"""Task 2: insert and look up through the index table."""

from collections.abc import MutableMapping

import pytest
from compact_helpers import (
    Collide,
    FixedNaN,
    RecordingKey,
    SelfEqForbidden,
    T,
    hash_table_holding,
    same,
    shown,
)


def items_of(d):
    return [(key, d[key]) for key in d]


@pytest.mark.task(2)
def test_compact_dict_is_a_mutable_mapping_but_not_a_dict(cd):
    d = cd.CompactDict()
    assert isinstance(d, MutableMapping), (
        f"CompactDict must be a collections.abc.MutableMapping (task 2, rule 1); "
        f"its base classes are {type(d).__mro__}"
    )
    assert not isinstance(d, dict), (
        "CompactDict must not subclass dict: the point is to build the table yourself (task 2, rule 1)"
    )
    assert len(d) == 0 and same(list(d), []), (
        f"a new CompactDict must be empty (task 2): len {len(d)}, keys {list(d)}"
    )


@pytest.mark.task(2)
def test_stored_values_are_found_again(cd):
    pairs = [
        (0, "zero"),
        (1, "one"),
        (-1, "minus one"),
        (-2, "minus two"),
        (2**70, "big"),
        (T("a"), 1),
        (T(""), 2),
        ((1, 2), 3),
        (3.5, 5),
        (frozenset({1}), 6),
    ]
    d = cd.CompactDict()
    for count, (key, value) in enumerate(pairs, start=1):
        d[key] = value
        assert len(d) == count, (
            f"len(d) must count the keys (task 2): after {count} different keys, got {len(d)}"
        )
    for key, value in pairs:
        got = d[key]
        assert same(got, value), (
            f"d[{key!r}] must return the value stored under it (task 2, rule 2): "
            f"expected {value!r}, got {shown(got)}"
        )


@pytest.mark.task(2)
def test_missing_key_raises_key_error_naming_the_key(cd):
    d = cd.CompactDict()
    d[T("present")] = 1
    for missing in [T("absent"), 12345, -2, (1, 2)]:
        with pytest.raises(KeyError) as caught:
            d[missing]
        assert same(caught.value.args, (missing,)), (
            f"d[{missing!r}] on a missing key must raise KeyError({missing!r}), like dict "
            f"(task 2, rule 4); the KeyError had args {caught.value.args!r}"
        )


@pytest.mark.task(2)
def test_keys_iterate_in_insertion_order(cd):
    keys = [T("kiwi"), 42, T("apple"), -7, (3, 1), T("banana"), 0, 99]
    d = cd.CompactDict()
    for value, key in enumerate(keys):
        d[key] = value
    assert same(list(d), keys), (
        f"iterating a CompactDict must give the keys in insertion order (task 2, rule 6): "
        f"expected {keys}, got {list(d)}"
    )


@pytest.mark.task(2)
def test_updating_a_value_keeps_its_position(cd):
    d = cd.CompactDict()
    for key in [T("a"), T("b"), T("c")]:
        d[key] = 0
    d[T("a")] = 100
    assert same(items_of(d), [(T("a"), 100), (T("b"), 0), (T("c"), 0)]), (
        f"assigning to an existing key replaces only its value and keeps its place "
        f"(task 2, rule 5): expected [('a', 100), ('b', 0), ('c', 0)], got {items_of(d)}"
    )
    assert len(d) == 3, f"updating a key must not change len(d) (task 2, rule 5): got {len(d)}"


@pytest.mark.task(2)
def test_equal_keys_keep_the_original_key_object(cd):
    d = cd.CompactDict()
    d[1] = "int"
    d[1.0] = "float"
    d[True] = "bool"
    keys = list(d)
    assert len(d) == 1 and keys == [1], (
        f"1, 1.0 and True are equal with equal hashes: they are ONE key (task 2, rule 5); "
        f"got keys {keys!r}"
    )
    assert type(keys[0]) is int, (
        f"after d[1] = …; d[1.0] = …; d[True] = …, the key must still be the original int 1, "
        f"like dict; only the value is replaced (task 2, rule 5). The key is now {keys[0]!r}"
    )
    assert same(d[1], "bool"), f"the value must be the last one assigned, 'bool'; got {shown(d[1])}"


@pytest.mark.task(2)
def test_keys_with_the_same_hash_are_all_kept(cd):
    keys = [Collide(name, 42) for name in "ABCD"]
    d = cd.CompactDict()
    for value, key in enumerate(keys):
        d[key] = value
    assert len(d) == 4 and same(list(d), keys), (
        f"four different keys with the same hash are four keys (task 2, rule 7): "
        f"expected {keys}, got {list(d)}"
    )
    for value, key in enumerate(keys):
        twin = Collide(key.name, 42)  # an equal key that is a different object
        got = d[twin]
        assert same(got, value), (
            f"d[{twin!r}] must find the equal key stored earlier, even though three other keys "
            f"share its hash (task 2, rule 7): expected {value}, got {got!r}"
        )
    with pytest.raises(KeyError):
        d[Collide("Z", 42)]


@pytest.mark.task(2)
def test_keys_sharing_a_first_slot_are_all_found(cd):
    # Different hashes, same first slot in an 8-slot table: each one probes past the others.
    keys = [Collide(f"k{n}", 5 + 8 * n) for n in range(5)] + [Collide("far", 5 + 2**40)]
    d = cd.CompactDict()
    for value, key in enumerate(keys):
        d[key] = value
        for earlier_value, earlier in enumerate(keys[: value + 1]):
            got = d.get(earlier, "<missing>")
            assert same(got, earlier_value), (
                f"{earlier!r} must be found after inserting {key!r}: their first probe slots "
                f"collide, so one of them must follow probe_sequence to a free slot "
                f"(task 2, rules 2 and 7). expected {earlier_value}, got {got!r}"
            )


@pytest.mark.task(2)
def test_nan_key_is_found_again_by_identity(cd):
    nan = FixedNaN("nan")  # a real float NaN, with a hash that is the same in every run
    d = cd.CompactDict()
    d[nan] = "not a number"
    assert nan in d and same(d[nan], "not a number"), (
        "a NaN key must be found again with the same object: nan != nan, so check identity "
        "(`stored_key is key`) before == (task 2, rule 3)"
    )
    d[nan] = "replaced"
    assert len(d) == 1, (
        f"assigning to the same NaN object again must replace its value, not add a key "
        f"(task 2, rule 3): len is {len(d)}"
    )
    assert FixedNaN("nan") not in d, (
        "another NaN object is not equal and not identical: like dict, it must not be found "
        "(task 2, rule 3)"
    )


@pytest.mark.task(2)
def test_same_object_is_found_without_calling_eq(cd):
    keys = [SelfEqForbidden(name, 7) for name in "PQR"]
    d = cd.CompactDict()
    for value, key in enumerate(keys):
        d[key] = value
    for value, key in enumerate(keys):
        assert same(d[key], value), f"d[{key!r}] must be {value} (task 2, rule 3)"
        d[key] = value + 10
    assert same([d[key] for key in keys], [10, 11, 12]), (
        f"re-assigning the same key objects must update their values (task 2, rule 5): "
        f"got {[d[key] for key in keys]}"
    )


@pytest.mark.task(2)
def test_eq_is_called_only_for_keys_with_the_same_hash(cd):
    log = []
    # Same first slot (hash % 8 == 3), different hashes.
    keys = [RecordingKey(f"h{h}", h, log) for h in (3, 11, 19, 27)]
    d = cd.CompactDict()
    for value, key in enumerate(keys):
        d[key] = value
    for key in keys:
        log.clear()
        d[RecordingKey(key.name, key.hash_value, [])]
        wrong = [(a, b) for a, b in log if hash(a) != hash(b)]
        assert not wrong, (
            f"__eq__ must only be called when the stored hash equals the hash looked for: "
            f"compare the stored hash first, it is cheap (task 2, rule 3). Looking up "
            f"{key!r}, __eq__ compared keys with different hashes: {wrong}"
        )


@pytest.mark.task(2)
def test_constructor_accepts_what_dict_accepts(cd):
    cases = [
        ((), {}, []),
        (({T("a"): 1, T("b"): 2},), {}, [(T("a"), 1), (T("b"), 2)]),
        (([(T("x"), 1), (T("y"), 2), (T("x"), 3)],), {}, [(T("x"), 3), (T("y"), 2)]),
        (([(7, 1)],), {"q": 2}, [(7, 1), ("q", 2)]),
        ((), {"only": "keywords"}, [("only", "keywords")]),
    ]
    for args, kwargs, expected in cases:
        d = cd.CompactDict(*args, **kwargs)
        shown = ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
        assert same(items_of(d), expected), (
            f"CompactDict({shown}) must hold the same pairs, in the same order, as "
            f"dict({shown}) (task 2, rule 8): expected {expected}, got {items_of(d)}"
        )


@pytest.mark.task(2)
def test_keys_and_values_are_not_kept_in_a_dict_or_set(cd):
    key, value = Collide("needle", 1234), Collide("needle-value", 99)
    d = cd.CompactDict()
    d[T("before")] = 1
    d[key] = value
    d[T("after")] = 2
    holder = hash_table_holding(d, [key, value])
    assert holder is None, (
        f"CompactDict must keep its keys and values in its own index table and entries list, "
        f"not in a {type(holder).__name__} (task 2, rule 1): found the key or value inside a "
        f"{type(holder).__name__} reachable from the CompactDict"
    )
