"""Task 3: FreeList recycles released objects, within its bound, never sharing a live one.

See conftest.py for the wrong answers this suite rejects.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pool_checks import same


class Thing:
    """A fresh object from the factory; ``==`` compares state, like many real objects."""

    def __init__(self, serial):
        self.serial = serial
        self.payload = []

    def __repr__(self):
        return f"<Thing #{self.serial}>"


class CountingFactory:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return Thing(self.calls)


@pytest.mark.task(3)
def test_acquire_calls_the_factory_when_nothing_is_free(pools):
    factory = CountingFactory()
    free = pools.FreeList(factory, maxsize=4)
    a, b = free.acquire(), free.acquire()
    assert factory.calls == 2, (
        f"With nothing released, each acquire() must call factory() (task 3, rule 1): "
        f"2 acquires made {factory.calls} factory calls."
    )
    assert isinstance(a, Thing) and isinstance(b, Thing), (
        f"acquire() must return what factory() made (task 3, rule 1), got {a!r} and {b!r}."
    )


@pytest.mark.task(3)
def test_acquire_after_release_returns_the_same_object(pools):
    factory = CountingFactory()
    free = pools.FreeList(factory, maxsize=4)
    first = free.acquire()
    free.release(first)
    assert len(free) == 1, (
        f"After one release, len(free_list) must be 1 (task 3, rule 2), got {len(free)}."
    )
    again = free.acquire()
    assert again is first, (
        "acquire() must hand back a released object instead of making a new one (task 3, rule 1): "
        f"released {first!r}, then acquire() returned {again!r}."
    )
    assert factory.calls == 1, (
        f"Recycling must not call factory() (task 3, rule 1): it was called {factory.calls} times, expected 1."
    )
    assert len(free) == 0, (
        f"After acquiring the only kept object, len(free_list) must be 0 (task 3, rule 2), got {len(free)}."
    )


@pytest.mark.task(3)
@pytest.mark.parametrize("maxsize", [0, 1, 3])
def test_keeps_at_most_maxsize_objects(pools, maxsize):
    factory = CountingFactory()
    free = pools.FreeList(factory, maxsize=maxsize)
    things = [free.acquire() for _ in range(maxsize + 3)]
    for thing in things:
        free.release(thing)
    assert len(free) == maxsize, (
        f"release() keeps objects only up to maxsize={maxsize}, the rest are dropped (task 3, rule 2): "
        f"released {len(things)} objects, len(free_list) is {len(free)}."
    )
    calls_before = factory.calls
    again = [free.acquire() for _ in range(maxsize + 3)]
    recycled = sum(1 for obj in again if any(obj is thing for thing in things))
    made = factory.calls - calls_before
    assert recycled == maxsize and made == 3, (
        f"With maxsize={maxsize}, {maxsize + 3} acquires after {maxsize + 3} releases must recycle "
        f"{maxsize} objects and call factory() 3 times (task 3, rules 1 and 2): recycled {recycled}, "
        f"factory() called {made} times."
    )


@pytest.mark.task(3)
def test_two_acquires_never_return_the_same_live_object(pools):
    free = pools.FreeList(CountingFactory(), maxsize=8)
    for thing in [free.acquire() for _ in range(5)]:
        free.release(thing)
    live = [free.acquire() for _ in range(10)]
    assert len({id(obj) for obj in live}) == len(live), (
        "An object in use must never be handed out again (task 3, rule 3): 10 acquires without a "
        f"release returned only {len({id(obj) for obj in live})} distinct objects."
    )


@pytest.mark.task(3)
def test_double_release_raises_and_the_object_is_handed_out_once(pools):
    free = pools.FreeList(CountingFactory(), maxsize=4)
    thing = free.acquire()
    free.release(thing)
    with pytest.raises(ValueError):
        free.release(thing)
        raise AssertionError(
            "Releasing an object that is already in the free list must raise ValueError (task 3, "
            f"rule 4): release({thing!r}) twice did not raise."
        )
    assert len(free) == 1, (
        f"A rejected double release must not be kept (task 3, rule 4): len(free_list) is {len(free)}, expected 1."
    )
    a, b = free.acquire(), free.acquire()
    assert a is not b, (
        "After a double release, two acquires returned the same object: two callers would share it "
        "(task 3, rules 3 and 4)."
    )


@pytest.mark.task(3)
def test_equal_but_distinct_objects_can_both_be_released(pools):
    free = pools.FreeList(list, maxsize=4)
    a, b = free.acquire(), free.acquire()
    assert same(a, []) and same(b, []) and a is not b, (
        "factory=list must give two equal, distinct empty lists (task 3, rule 1)."
    )
    free.release(a)
    try:
        free.release(b)
    except ValueError:
        raise AssertionError(
            "release() raised ValueError for a different object that merely compares equal (two "
            "empty lists). A double release is the *same* object: compare with `is`, not `==` "
            "(task 3, rule 4)."
        ) from None
    assert len(free) == 2, (
        f"Both lists must be kept (task 3, rule 2): len(free_list) is {len(free)}, expected 2."
    )
    got = [free.acquire(), free.acquire()]
    assert {id(x) for x in got} == {id(a), id(b)}, (
        "The two released lists must both come back, one each (task 3, rules 1 and 3)."
    )


@pytest.mark.task(3)
def test_reset_runs_before_a_recycled_object_is_reused(pools):
    resets = []

    def reset(thing):
        resets.append(thing)
        thing.payload.clear()

    factory = CountingFactory()
    free = pools.FreeList(factory, maxsize=2, reset=reset)
    thing = free.acquire()
    assert resets == [], (
        f"reset must not run on objects fresh from factory() (task 3, rule 5): it ran on {resets}."
    )
    thing.payload.append("secret")
    free.release(thing)
    again = free.acquire()
    assert again is thing, (
        "acquire() after release() must return the released object (task 3, rule 1)."
    )
    assert again.payload == [], (
        "A recycled object must be reset before it is handed out again (task 3, rule 5): its "
        f"payload is still {again.payload!r}."
    )
    assert len(resets) == 1 and resets[0] is thing, (
        f"reset must run exactly once per recycling (task 3, rule 5): it ran {len(resets)} times."
    )


@pytest.mark.task(3)
def test_negative_maxsize_raises_value_error(pools):
    with pytest.raises(ValueError):
        pools.FreeList(CountingFactory(), maxsize=-1)
        raise AssertionError(
            "FreeList(factory, maxsize=-1) must raise ValueError (task 3, rule 2)."
        )


# One step of a random workload: acquire a new object, or release the i-th object in use.
steps = st.lists(st.one_of(st.just("acquire"), st.integers(min_value=0, max_value=7)), max_size=40)


@pytest.mark.task(3)
@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(maxsize=st.integers(min_value=0, max_value=4), steps=steps)
def test_random_use_recycles_whenever_it_can_and_never_shares(maxsize, steps):
    from grader.loader import load

    pools = load("object_pools")  # not the fixture: hypothesis runs this body many times
    factory = CountingFactory()
    free = pools.FreeList(factory, maxsize=maxsize)
    in_use = []
    kept = 0  # how many objects the free list should be holding
    for step in steps:
        if step == "acquire":
            before = factory.calls
            obj = free.acquire()
            expected_calls = before + (0 if kept else 1)
            assert factory.calls == expected_calls, (
                f"acquire() must recycle when it holds objects and call factory() only when it holds "
                f"none (task 3, rule 1): it held {kept}, factory() calls went {before} -> {factory.calls}."
            )
            kept = max(kept - 1, 0)
            assert all(obj is not other for other in in_use), (
                f"acquire() returned {obj!r}, which is still in use (task 3, rule 3)."
            )
            in_use.append(obj)
        elif in_use:
            free.release(in_use.pop(step % len(in_use)))
            kept = min(kept + 1, maxsize)
        assert len(free) == kept, (
            f"With maxsize={maxsize}, len(free_list) must be {kept} here, got {len(free)} "
            "(task 3, rule 2: keep released objects up to maxsize, drop the rest)."
        )
