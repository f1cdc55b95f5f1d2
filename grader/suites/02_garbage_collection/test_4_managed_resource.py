"""Task 4: ManagedResource(name, released) cleans up with weakref.finalize.

The cleanup appends `name` to `released`; the tests count those entries. Tests about "freed by
reference counting" turn automatic collection off (gc_off fixture).
"""

from __future__ import annotations

import gc
import weakref

import pytest
from gc_checks import same, shown


def weak(obj):
    try:
        return weakref.ref(obj)
    except TypeError:
        pytest.fail(
            "ManagedResource instances must support weak references (task 4): weakref.finalize "
            "needs them too. If you use __slots__, include '__weakref__'."
        )


@pytest.mark.task(4)
def test_close_runs_the_cleanup_once_and_marks_closed(gcmod, gc_off):
    released: list = []
    resource = gcmod.ManagedResource("db", released)
    assert same(resource.name, "db"), (
        f"ManagedResource keeps .name (task 4): got {shown(resource.name)}"
    )
    assert same(released, []) and resource.closed is False, (
        f"a new resource is open: .closed must be False and nothing released yet (task 4, rule 1): "
        f"closed={resource.closed!r}, released={released!r}"
    )
    resource.close()
    assert same(released, ["db"]), (
        f"close() must run the cleanup right away (task 4, rule 2): released={released!r}"
    )
    assert resource.closed is True, (
        f"after close(), .closed must be True (task 4, rule 2): got {resource.closed!r}"
    )
    resource.close()
    assert same(released, ["db"]), (
        f"a second close() must do nothing (task 4, rule 2): released={released!r}"
    )
    handle = weak(resource)
    del resource
    gc.collect()
    assert handle() is None, "a closed resource must be freed once nobody holds it (task 4, rule 4)"
    assert same(released, ["db"]), (
        f"the cleanup must run exactly once: after close(), freeing the object must not run it "
        f"again (task 4, rule 2). released={released!r}. A __del__ that cleans up without "
        f"checking, or a close() that does not use the finalizer, runs it twice."
    )


@pytest.mark.task(4)
def test_dropping_the_last_reference_runs_the_cleanup_at_once(gcmod, gc_off):
    released: list = []
    resource = gcmod.ManagedResource("socket", released)
    handle = weak(resource)
    del resource
    freed_by_refcounting = handle() is None
    ran_by_refcounting = list(released)
    gc.collect()
    assert freed_by_refcounting, (
        "dropping the last reference did not free the resource, even with no cycle: something "
        "still refers to it. The finalizer's callback and arguments must not reference self "
        "(no bound method like self.close, no lambda using self) (task 4, rule 4)."
        + (" It was not freed by gc.collect() either." if handle() is not None else "")
    )
    assert same(ran_by_refcounting, ["socket"]), (
        f"when the resource is freed, its cleanup must run exactly once (task 4, rule 3): "
        f"released={ran_by_refcounting!r}"
    )
    assert same(released, ["socket"]), (
        f"the cleanup ran again later: released={released!r} (task 4, rule 3)"
    )


@pytest.mark.task(4)
def test_resources_in_a_cycle_are_cleaned_up_by_the_collector(gcmod, gc_off):
    released: list = []
    first = gcmod.ManagedResource("first", released)
    second = gcmod.ManagedResource("second", released)
    loner = gcmod.ManagedResource("loner", released)
    try:
        first.peer, second.peer = second, first
        loner.me = loner
    except AttributeError:
        pytest.fail("a ManagedResource must accept new attributes (task 4, rule 5): no __slots__")
    handles = [weak(first), weak(second), weak(loner)]
    del first, second, loner
    gc.collect()
    alive = [ref().name for ref in handles if ref() is not None]
    assert alive == [], (
        f"three resources sat in reference cycles and nothing else referred to them, yet "
        f"gc.collect() did not free {alive!r} (task 4, rules 4 and 5). Something keeps them alive: "
        f"does the finalizer's callback refer to self (a bound method, a lambda using self)?"
    )
    assert same(sorted(released), ["first", "loner", "second"]), (
        f"three resources sat in reference cycles; gc.collect() freed them, so each cleanup must "
        f"have run exactly once (task 4, rule 5): released={released!r}. A weak-reference "
        f"callback stored on the object itself never runs when the object is freed as cycle "
        f"garbage (the weak reference is garbage too); weakref.finalize does run."
    )


@pytest.mark.task(4)
def test_a_with_block_closes_the_resource(gcmod):
    released: list = []
    resource = gcmod.ManagedResource("file", released)
    with resource as entered:
        assert entered is resource, (
            f"`with resource as r` must give the resource itself (task 4, rule 6): got {entered!r}"
        )
        assert same(released, []), f"the cleanup ran too early, inside the with block: {released!r}"
    assert same(released, ["file"]) and resource.closed is True, (
        f"leaving the with block must close the resource (task 4, rule 6): released={released!r}, "
        f"closed={resource.closed!r}"
    )
