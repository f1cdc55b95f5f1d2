"""Task 2: InternPool hands out canonical objects, forgets dead ones, and is thread-safe.

See conftest.py for the wrong answers this suite rejects.
"""

import gc
import threading
import time
import weakref

import pytest
from pool_values import Key, SlowKey


@pytest.mark.task(2)
def test_equal_values_return_the_first_object(pools):
    pool = pools.InternPool()
    first, second = pools.Point(1, 2), pools.Point(1, 2)
    got_first, got_second = pool.intern(first), pool.intern(second)
    assert got_first is first, (
        "The first object interned for a value becomes canonical: intern(first) must return "
        f"first itself (task 2, rule 1), got a different object {got_first!r}."
    )
    assert got_second is first, (
        "intern() of an equal value must return the canonical object, the first one interned "
        "(task 2, rule 1): intern(Point(1, 2)) returned a new object, not the first Point(1, 2)."
    )


@pytest.mark.task(2)
def test_different_values_get_different_canonical_objects(pools):
    pool = pools.InternPool()
    a, b = Key("a"), Key("b")
    got = (pool.intern(a), pool.intern(b), pool.intern(Key("a")))
    assert got[0] is a and got[1] is b and got[2] is a, (
        "Each distinct value has its own canonical object (task 2, rule 1): "
        f"interning Key('a'), Key('b'), Key('a') returned {got!r}; expected the first Key('a'), "
        "the first Key('b'), then the first Key('a') again."
    )
    assert len(pool) == 2, (
        f"len(pool) counts the canonical objects (task 2, rule 2): expected 2, got {len(pool)}."
    )


@pytest.mark.task(2)
def test_entry_vanishes_when_the_last_reference_goes(pools):
    pool = pools.InternPool()
    kept = pool.intern(Key("kept"))
    dropped = pool.intern(Key("dropped"))
    assert len(pool) == 2, (
        f"len(pool) must be 2 after interning two values (task 2, rule 2), got {len(pool)}."
    )
    del dropped
    gc.collect()
    assert len(pool) == 1, (
        "When nobody holds a canonical object any more, its entry must vanish: the pool must hold "
        f"values only weakly (task 2, rule 3). After dropping one of two values, len(pool) is {len(pool)}, "
        "expected 1."
    )
    del kept
    gc.collect()
    assert len(pool) == 0, (
        f"After dropping every value, len(pool) must be 0 (task 2, rule 3), got {len(pool)}."
    )


@pytest.mark.task(2)
def test_pool_does_not_keep_values_alive(pools):
    pool = pools.InternPool()
    value = Key("short-lived")
    assert pool.intern(value) is value, (
        "intern(value) must return value the first time (task 2, rule 1)."
    )
    alive = weakref.ref(value)
    for n in range(200):
        pool.intern(Key(n))  # interned and dropped straight away
    del value
    gc.collect()
    assert alive() is None, (
        "The pool must not keep a value alive (task 2, rule 3): after the last reference went "
        "and gc.collect() ran, the value still exists. A dict (or a WeakValueDictionary whose "
        "key is the value itself) holds it strongly."
    )
    assert len(pool) == 0, (
        f"Values nobody holds must not be counted (task 2, rule 3): len(pool) is {len(pool)}, expected 0."
    )


@pytest.mark.task(2)
def test_a_new_object_becomes_canonical_after_the_old_one_died(pools):
    pool = pools.InternPool()
    pool.intern(Key("again"))
    gc.collect()
    newer = Key("again")
    got = pool.intern(newer)
    assert got is newer, (
        "Once the canonical object is gone, the next equal value becomes canonical "
        "(task 2, rules 1 and 3): intern returned an older Key('again') that the pool should have "
        "forgotten, not the new object."
    )


@pytest.mark.task(2)
@pytest.mark.parametrize("value", [42, "text", (1, 2)], ids=["int", "str", "tuple"])
def test_values_that_cannot_be_weakly_referenced_raise_type_error(pools, value):
    pool = pools.InternPool()
    try:
        pool.intern(value)
    except TypeError:
        return
    raise AssertionError(
        f"intern({value!r}) must raise TypeError: a {type(value).__name__} cannot be weakly "
        "referenced (task 2, rule 4). It returned instead."
    )


@pytest.mark.task(2)
def test_pools_are_independent(pools):
    one, two = pools.InternPool(), pools.InternPool()
    a, b = Key("shared"), Key("shared")
    got = (one.intern(a), two.intern(b))
    assert got[0] is a and got[1] is b, (
        "Each InternPool has its own entries (task 2, rule 5): the first equal value interned in "
        "a second pool must be canonical there, but it got the other pool's object."
    )
    assert len(one) == 1 and len(two) == 1, (
        f"Each pool counts only its own entries (task 2, rule 5): got len {len(one)} and {len(two)}, expected 1 and 1."
    )


THREADS = 8
ROUNDS = 40


@pytest.mark.task(2)
def test_threads_interning_at_once_get_one_canonical_object(pools):
    pool = pools.InternPool()
    barrier = threading.Barrier(THREADS, timeout=10)
    # results[r][t]: what thread t got in round r. Kept alive until the end of the test.
    results = [[None] * THREADS for _ in range(ROUNDS)]
    errors = []

    def worker(t):
        try:
            for r in range(ROUNDS):
                mine = SlowKey(r)  # each thread brings its own equal object
                barrier.wait()  # all threads ask for round r at the same moment
                results[r][t] = pool.intern(mine)
        except BaseException as error:  # noqa: BLE001 - reported below, from the main thread
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 8  # generous: only there so a deadlock fails instead of hanging
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, (
        f"{len(stuck)} of {THREADS} threads never finished interning (task 2, rule 6): is intern() "
        "waiting for a lock it already holds?"
    )
    if errors and isinstance(errors[0], NotImplementedError):
        raise errors[0]
    assert not errors, (
        f"intern() raised when called from {THREADS} threads at once (task 2, rule 6): {errors[0]!r}"
    )
    split = [r for r in range(ROUNDS) if len({id(got) for got in results[r]}) != 1]
    assert not split, (
        f"{THREADS} threads interned equal values at the same moment and did not all get the same "
        f"canonical object in {len(split)} of {ROUNDS} rounds (task 2, rule 6). Look-up and insert must "
        "happen as one step: guard them with a threading.Lock."
    )
    assert len(pool) == ROUNDS, (
        f"After {ROUNDS} rounds of one value each, len(pool) must be {ROUNDS} (task 2, rule 6), got {len(pool)}."
    )
