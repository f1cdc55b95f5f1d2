"""Task 5: CompactDict behaves like dict (iteration guard, ==, repr, mixins, random sequences)."""

import pytest
from compact_helpers import (
    ENDLESS_LOOP_MESSAGE,
    Collide,
    LineCounter,
    check_invariants,
    line_budget,
    traced,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def items_of(d):
    return [(key, d[key]) for key in d]


def steps_after_mutation(d, mutate):
    """Iterate d, calling mutate(d, first_key) once after the first step.

    Returns (raised RuntimeError?, keys given after the mutation).
    """
    after = []
    try:
        for position, key in enumerate(d):
            if position == 0:
                mutate(d, key)
            else:
                after.append(key)
                if len(after) > 20:
                    break
    except RuntimeError:
        return True, after
    return False, after


@pytest.mark.task(5)
def test_adding_a_key_during_iteration_raises_runtime_error(cd):
    def add(d, key):
        d[key + "!"] = 0

    raised, after = steps_after_mutation(cd.CompactDict(a=1, b=2, c=3), add)
    assert raised, (
        f"adding a key while iterating must make the NEXT step of the iteration raise "
        f"RuntimeError, like dict ('dictionary changed size during iteration') (task 5, "
        f"rule 2); the iteration went on and gave {after}"
    )


@pytest.mark.task(5)
def test_adding_a_key_after_the_last_step_still_raises(cd):
    def add(d, key):
        d["b"] = 2

    raised, after = steps_after_mutation(cd.CompactDict(a=1), add)
    assert raised, (
        f"the size changed during the iteration: the next step must raise RuntimeError, "
        f"even after the last key was given, like dict (task 5, rule 2); it ended normally "
        f"after giving {after}"
    )


@pytest.mark.task(5)
def test_deleting_a_key_during_iteration_raises_runtime_error(cd):
    def delete(d, key):
        del d[key]

    raised, after = steps_after_mutation(cd.CompactDict(a=1, b=2, c=3), delete)
    assert raised, (
        f"deleting a key while iterating must make the next step raise RuntimeError, like "
        f"dict (task 5, rule 2); the iteration went on and gave {after}"
    )


@pytest.mark.task(5)
def test_assigning_values_during_iteration_is_allowed(cd):
    d = cd.CompactDict(a=1, b=2, c=3)
    try:
        for key in d:
            d[key] = d[key] * 10
        for key, value in d.items():
            d[key] = value + 1
    except RuntimeError as error:
        pytest.fail(
            f"assigning a new value to an existing key does not change the size: iterating "
            f"must go on, as with dict (task 5, rule 2); got RuntimeError: {error}",
            pytrace=False,
        )
    assert items_of(d) == [("a", 11), ("b", 21), ("c", 31)], (
        f"every value must be updated: expected [('a', 11), ('b', 21), ('c', 31)], got {items_of(d)}"
    )


@pytest.mark.task(5)
def test_equality_with_dicts_ignores_order_both_ways(cd):
    d = cd.CompactDict([("a", 1), ("b", 2), ("c", 3)])
    same_other_order = {"c": 3, "a": 1, "b": 2}
    checks = [
        (d == same_other_order, True, "d == {'c': 3, 'a': 1, 'b': 2}"),
        (same_other_order == d, True, "{'c': 3, 'a': 1, 'b': 2} == d"),
        (d != same_other_order, False, "d != {'c': 3, 'a': 1, 'b': 2}"),
        (d == cd.CompactDict(b=2, c=3, a=1), True, "d == CompactDict(b=2, c=3, a=1)"),
        (d == {"a": 1, "b": 2, "c": 4}, False, "d == {'a': 1, 'b': 2, 'c': 4}"),
        (d == {"a": 1, "b": 2, "x": 3}, False, "{'a': 1, 'b': 2, 'x': 3} == d"),
        (d == {"a": 1, "b": 2}, False, "d == {'a': 1, 'b': 2}"),
        (d != {"a": 1, "b": 2}, True, "d != {'a': 1, 'b': 2}"),
        (d == [("a", 1), ("b", 2), ("c", 3)], False, "d == [('a', 1), ('b', 2), ('c', 3)]"),
        (cd.CompactDict() == {}, True, "CompactDict() == {}"),
    ]
    for got, expected, expression in checks:
        assert got is expected or got == expected, (
            f"`{expression}` must be {expected}: == compares the pairs, in any order, with any "
            f"mapping, from either side; a non-mapping is never equal (task 5, rule 3). got {got!r}"
        )
    with pytest.raises(TypeError):
        hash(d)


@pytest.mark.task(5)
def test_repr_shows_the_pairs_in_insertion_order(cd):
    d = cd.CompactDict()
    d[1] = "a"
    d["b"] = 2
    d[(3,)] = None
    cases = [
        (d, "CompactDict({1: 'a', 'b': 2, (3,): None})"),
        (cd.CompactDict(), "CompactDict({})"),
    ]
    for mapping, expected in cases:
        got = repr(mapping)
        assert got == expected, (
            f"repr must be `CompactDict(` + the pairs as a dict literal in insertion order + `)` "
            f"(task 5, rule 4): expected {expected!r}, got {got!r}"
        )


@pytest.mark.task(5)
def test_popitem_removes_the_last_inserted_pair(cd):
    d = cd.CompactDict(a=1, b=2, c=3)
    del d["c"]
    d["d"] = 4
    popped = [d.popitem(), d.popitem()]
    assert popped == [("d", 4), ("b", 2)], (
        f"popitem() removes and returns the LAST inserted pair, like dict (LIFO); the "
        f"MutableMapping mixin pops the first one, so override it (task 5, rule 5). expected "
        f"[('d', 4), ('b', 2)], got {popped}"
    )
    assert items_of(d) == [("a", 1)], f"only ('a', 1) must be left; got {items_of(d)}"
    d.popitem()
    with pytest.raises(KeyError):
        d.popitem()


@pytest.mark.task(5)
def test_popitem_cycles_do_not_fill_the_index(cd):
    d = cd.CompactDict()
    message = (
        "inserting and popitem()-ing keys one at a time: an operation did not finish. The slot "
        "a popped key leaves is DUMMY, so it must count against usable like any deletion "
        "(task 5, rule 5 and task 4, rule 3)"
    )
    for n in range(200):
        with line_budget(20_000, f"{message} (key {n})"):
            d[n] = n
            got = d.popitem()
        assert got == (n, n), f"popitem() must return ({n}, {n}); got {got!r}"
    with line_budget(20_000, f"{message} (looking up a missing key)"):
        found = 12345 in d
    assert not found and d.table_size == 8, (
        f"the dict must end empty with an 8-slot table; got found={found}, table_size={d.table_size}"
    )


@pytest.mark.task(5)
def test_clear_starts_again_from_a_fresh_table(cd):
    d = cd.CompactDict((n, n) for n in range(40))
    d.clear()
    assert (len(d), list(d), d.table_size) == (0, [], 8), (
        f"clear() removes every key and starts again from an 8-slot table (task 5, rule 6); "
        f"got len {len(d)}, keys {list(d)}, table_size {d.table_size}"
    )
    d["again"] = 1
    assert items_of(d) == [("again", 1)], f"the dict must work after clear(); got {items_of(d)}"


@pytest.mark.task(5)
def test_mixin_methods_behave_like_dict(cd):
    d = cd.CompactDict(a=1, b=2)
    ref = {"a": 1, "b": 2}
    steps = [
        ("'a' in d", lambda m: "a" in m),
        ("'z' in d", lambda m: "z" in m),
        ("d.get('a')", lambda m: m.get("a")),
        ("d.get('z', 0)", lambda m: m.get("z", 0)),
        ("d.setdefault('c', 3)", lambda m: m.setdefault("c", 3)),
        ("d.setdefault('a', 99)", lambda m: m.setdefault("a", 99)),
        ("d.pop('b')", lambda m: m.pop("b")),
        ("d.pop('b', 'gone')", lambda m: m.pop("b", "gone")),
        ("d.update({'d': 4}, e=5)", lambda m: m.update({"d": 4}, e=5)),
        ("d.update([('a', 10)])", lambda m: m.update([("a", 10)])),
        ("list(d.keys())", lambda m: list(m.keys())),
        ("list(d.values())", lambda m: list(m.values())),
        ("list(d.items())", lambda m: list(m.items())),
        ("d.keys() & {'a', 'x'}", lambda m: set(m.keys() & {"a", "x"})),
        ("len(d)", len),
    ]
    for expression, step in steps:
        expected, got = step(ref), step(d)
        assert got == expected, (
            f"`{expression}` must give what it gives for a dict (task 5, rule 7): expected "
            f"{expected!r}, got {got!r}"
        )
        assert items_of(d) == list(ref.items()), (
            f"after `{expression}` the pairs must be {list(ref.items())}, in that order "
            f"(task 5, rule 7); got {items_of(d)}"
        )
    with pytest.raises(KeyError):
        d.pop("missing")


# -- long random operation sequences, side by side with dict ------------------------------

NAN = float("nan")
KEY_POOL = [
    *range(12),
    -1,
    -2,
    1.0,
    True,
    2**64,
    "a",
    "b",
    "c",
    NAN,
    Collide("p", 13),
    Collide("q", 13),
    Collide("r", 13 + 8),
    Collide("s", -2),
    Collide("t", 21),
]
OPERATIONS = [
    "set",
    "set",
    "set",
    "set",
    "set",
    "del",
    "del",
    "pop",
    "pop_default",
    "get",
    "contains",
    "setdefault",
    "update",
    "iterate",
    "popitem",
    "clear",
]
operations = st.lists(
    st.tuples(
        st.sampled_from(OPERATIONS),
        st.sampled_from(KEY_POOL),
        st.integers(0, 9),
        st.lists(st.tuples(st.sampled_from(KEY_POOL), st.integers(0, 9)), max_size=4),
    ),
    max_size=60,
)


def apply(mapping, operation):
    """Run one operation; return ('ok', result) or ('raised', exception type name)."""
    name, key, value, pairs = operation
    actions = {
        "set": lambda: mapping.__setitem__(key, value),
        "del": lambda: mapping.__delitem__(key),
        "pop": lambda: mapping.pop(key),
        "pop_default": lambda: mapping.pop(key, "default"),
        "get": lambda: mapping.get(key, "default"),
        "contains": lambda: key in mapping,
        "setdefault": lambda: mapping.setdefault(key, value),
        "update": lambda: mapping.update(pairs),
        "iterate": lambda: list(mapping),
        "popitem": lambda: mapping.popitem(),
        "clear": lambda: mapping.clear(),
    }
    try:
        return ("ok", actions[name]())
    except (KeyError, RuntimeError, TypeError) as error:
        return ("raised", type(error).__name__)


def describe(name, key, value, pairs):
    return {
        "set": f"d[{key!r}] = {value}",
        "del": f"del d[{key!r}]",
        "pop": f"d.pop({key!r})",
        "pop_default": f"d.pop({key!r}, 'default')",
        "get": f"d.get({key!r}, 'default')",
        "contains": f"{key!r} in d",
        "setdefault": f"d.setdefault({key!r}, {value})",
        "update": f"d.update({pairs!r})",
        "iterate": "list(d)",
        "popitem": "d.popitem()",
        "clear": "d.clear()",
    }[name]


@pytest.mark.task(5)
@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(operations=operations)
def test_random_operation_sequences_match_dict(operations):
    # Loaded here rather than through the fixture: hypothesis and function-scoped fixtures
    # do not mix (the fixture would not be reset between examples).
    from grader.loader import load

    limit = 300_000
    with traced(LineCounter(limit, ENDLESS_LOOP_MESSAGE.format(limit=limit, scope="example"))):
        check_against_dict(load("compact_dict").CompactDict(), operations)


def check_against_dict(d, operations):
    ref = {}
    done = []
    for operation in operations:
        done.append(describe(*operation))
        got, expected = apply(d, operation), apply(ref, operation)
        history = "; ".join(done)
        assert got == expected, (
            f"CompactDict must behave like dict (task 5, rule 8). After: {history}\n"
            f"the last step gave {got!r} (('raised', …) means an exception), dict gave {expected!r}"
        )
        assert items_of(d) == list(ref.items()), (
            f"CompactDict must hold the same pairs as dict, in the same order (task 5, rule 8). "
            f"After: {history}\nexpected {list(ref.items())}\ngot      {items_of(d)}"
        )
        key_types, expected_types = [type(k).__name__ for k in d], [type(k).__name__ for k in ref]
        assert key_types == expected_types, (
            f"the key objects must be the ones dict keeps (an equal key never replaces the "
            f"original: task 2, rule 5). After: {history}\nkey types expected {expected_types}, "
            f"got {key_types}"
        )
        check_invariants(d, f"after: {history}")
    assert d == ref and ref == d, (
        f"CompactDict and dict must compare equal after: {'; '.join(done)}"
    )
