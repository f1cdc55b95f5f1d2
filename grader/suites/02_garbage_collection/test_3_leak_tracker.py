"""Task 3: LeakTracker(*types) reports instances created in the block that outlive it.

Survivors are checked with weakref.finalize, never with reference counts.
"""

from __future__ import annotations

import gc
import weakref
from dataclasses import dataclass

import pytest
from gc_checks import same


class Widget:
    pass


class SpecialWidget(Widget):
    """A subclass: isinstance(obj, Widget) is True for it, type(obj) is Widget is not."""


class Gadget:
    pass


class Untracked:
    pass


@dataclass
class Point:
    """A dataclass with eq=True: it defines __eq__, so its instances are unhashable."""

    x: int
    y: int


class Slotted:
    """__slots__ without '__weakref__': instances cannot be weakly referenced."""

    __slots__ = ("a",)


def leaks_of(tracker) -> dict:
    leaks = tracker.leaks
    assert isinstance(leaks, dict), (
        f"LeakTracker.leaks must be a dict {{type: count}} after the block (task 3, rule 1): "
        f"got {leaks!r}"
    )
    return leaks


def names(leaks: dict) -> str:
    """The leaks with type names, and the dict's own type when it is not a plain dict."""
    named = {getattr(kind, "__name__", kind): count for kind, count in dict.items(leaks)}
    return str(named) + ("" if type(leaks) is dict else f" (type {type(leaks).__name__})")


@pytest.mark.task(3)
def test_nothing_is_reported_when_everything_was_released(gcmod):
    tracker = gcmod.LeakTracker(Widget, Gadget)
    with tracker as entered:
        made = [Widget() for _ in range(5)] + [Gadget()]
        del made
    assert entered is tracker, (
        f"`with LeakTracker(...) as t` must give the tracker itself (task 3, rule 1): got {entered!r}"
    )
    leaks = leaks_of(tracker)
    assert same(leaks, {}), (
        f"every object made in the block was released, so .leaks must be {{}} (task 3, rule 2): "
        f"got {names(leaks)}. Does the tracker keep references to the objects it watches?"
    )


@pytest.mark.task(3)
def test_survivors_are_counted_exactly_by_type(gcmod):
    kept = []
    with gcmod.LeakTracker(Widget, Gadget) as tracker:
        kept += [Widget() for _ in range(3)]
        kept += [Gadget(), Gadget()]
        kept.append(Untracked())
        temporary = [Widget() for _ in range(5)]
        del temporary
    leaks = leaks_of(tracker)
    assert same(leaks, {Widget: 3, Gadget: 2}), (
        f"3 Widgets and 2 Gadgets made in the block are still alive (5 other Widgets were "
        f"released, Untracked is not tracked): expected {{Widget: 3, Gadget: 2}}, got "
        f"{names(leaks)} (task 3, rules 1-2)"
    )


@pytest.mark.task(3)
def test_an_object_counts_for_its_exact_type_only(gcmod):
    kept = []
    with gcmod.LeakTracker(Widget) as widgets_only:
        kept += [Widget(), SpecialWidget(), SpecialWidget()]
    with gcmod.LeakTracker(Widget, SpecialWidget) as both:
        kept += [Widget(), SpecialWidget(), SpecialWidget()]
    leaks = leaks_of(widgets_only)
    assert same(leaks, {Widget: 1}), (
        f"the block kept 1 Widget and 2 SpecialWidgets (a subclass of Widget); LeakTracker(Widget) "
        f"must report {{Widget: 1}}, got {names(leaks)} (task 3, rule 2: an object counts for a "
        f"type when `type(obj) is` that type, not when isinstance(obj, type) is true)"
    )
    leaks = leaks_of(both)
    assert same(leaks, {Widget: 1, SpecialWidget: 2}), (
        f"the block kept 1 Widget and 2 SpecialWidgets; LeakTracker(Widget, SpecialWidget) must "
        f"report {{Widget: 1, SpecialWidget: 2}}: each object counts once, for its own type. "
        f"Got {names(leaks)} (task 3, rule 2: `type(obj) is` the type, not isinstance)"
    )
    assert len(kept) == 6


@pytest.mark.task(3)
def test_objects_created_before_the_block_are_never_reported(gcmod):
    older = [Widget() for _ in range(4)]
    with gcmod.LeakTracker(Widget) as tracker:
        newer = Widget()
    leaks = leaks_of(tracker)
    assert same(leaks, {Widget: 1}), (
        f"4 Widgets existed before the block and 1 was made inside it; all are alive. Only the "
        f"new one is a leak: expected {{Widget: 1}}, got {names(leaks)} (task 3, rule 3: "
        f"remember what existed when the block started)"
    )
    assert len(older) == 4 and isinstance(newer, Widget)


@pytest.mark.task(3)
def test_cycles_released_in_the_block_are_not_leaks(gcmod, gc_off):
    with gcmod.LeakTracker(Widget, Gadget) as tracker:
        for _ in range(10):
            widget, gadget = Widget(), Gadget()
            widget.partner, gadget.partner = gadget, widget
            widget.me = widget
        del widget, gadget
    leaks = leaks_of(tracker)
    assert same(leaks, {}), (
        f"the block made 10 Widget<->Gadget cycles and released them: they are garbage, not "
        f"leaks. Expected {{}}, got {names(leaks)} (task 3, rule 4: run gc.collect() at exit, "
        f"before you hold any list of candidate objects, and do not rely on automatic "
        f"collection: here it is off)"
    )


@pytest.mark.task(3)
def test_the_tracker_itself_keeps_nothing_alive(gcmod):
    kept = []
    with gcmod.LeakTracker(Widget) as tracker:
        kept.append(Widget())
    leaks = leaks_of(tracker)
    assert same(leaks, {Widget: 1}), f"expected {{Widget: 1}}, got {names(leaks)} (task 3, rule 2)"
    freed = []
    weakref.finalize(kept[0], freed.append, "widget")
    kept.clear()
    if not freed:
        gc.collect()
    assert freed == ["widget"], (
        "after the block, dropping our last reference to the leaked Widget did not free it: the "
        "tracker still holds it. Keep only counts (and weak references), never the objects "
        "(task 3, rule 5)"
    )
    assert tracker is not None  # the tracker stays alive through the check


@pytest.mark.task(3)
def test_a_new_object_at_a_reused_address_is_still_reported(gcmod):
    older = [Widget() for _ in range(200)]
    old_ids = {id(widget) for widget in older}
    with gcmod.LeakTracker(Widget) as tracker:
        older.clear()
        newer = [Widget() for _ in range(200)]
    reused = sum(id(widget) in old_ids for widget in newer)
    leaks = leaks_of(tracker)
    assert same(leaks, {Widget: 200}), (
        f"200 Widgets made before the block died inside it; 200 new ones were made and kept "
        f"({reused} of them got the address, so the id(), of a dead old one). Expected "
        f"{{Widget: 200}}, got {names(leaks)} (task 3, rule 3: an id alone does not prove an "
        f"object is old; check that the old object, held by a weak reference, is this one)"
    )


@pytest.mark.task(3)
def test_unhashable_instances_can_be_tracked(gcmod):
    older = Point(0, 0)
    try:
        with gcmod.LeakTracker(Point) as tracker:
            kept = [Point(0, 0), Point(1, 2)]
    except TypeError as error:
        if "unhashable" not in str(error):
            raise
        pytest.fail(
            f"LeakTracker(Point) raised {error!r}. Point is a @dataclass: it defines __eq__, so "
            f"its instances cannot go in a set, a WeakSet or be dict keys. Key what you remember "
            f"by id() instead (task 3, rule 6)."
        )
    leaks = leaks_of(tracker)
    assert same(leaks, {Point: 2}), (
        f"2 Points made in the block are alive (one is == to an older Point, but it is a "
        f"different object). Expected {{Point: 2}}, got {names(leaks)} (task 3, rule 6: compare "
        f"objects with `is`, not ==)"
    )
    assert older == kept[0]


@pytest.mark.task(3)
def test_an_exception_in_the_block_propagates_and_leaks_are_still_counted(gcmod):
    class Boom(Exception):
        pass

    kept = []
    try:
        with gcmod.LeakTracker(Widget) as tracker:
            kept.append(Widget())
            raise Boom("raised on purpose")
    except Boom:
        pass
    else:
        pytest.fail(
            "an exception raised in the block was swallowed: __exit__ must return a false "
            "value so it propagates (task 3, rule 8)"
        )
    leaks = leaks_of(tracker)
    assert same(leaks, {Widget: 1}), (
        f"when the block raises, .leaks must still be computed: expected {{Widget: 1}}, got "
        f"{names(leaks)} (task 3, rule 8)"
    )


@pytest.mark.task(3)
def test_types_that_cannot_be_weakly_referenced_are_refused(gcmod):
    for kind in (list, dict, int, Slotted):
        try:
            gcmod.LeakTracker(kind)
        except TypeError:
            continue
        pytest.fail(
            f"LeakTracker({kind.__name__}) must raise TypeError: instances of {kind.__name__} "
            f"cannot be weakly referenced, so they cannot be tracked (task 3, rule 7)"
        )
