"""Task 2: count_cycle_garbage(build) counts what only the cycle collector can free.

Graphs are made of __slots__ instances only (see gc_graphs.py), so each node is exactly one
object on every version. The expected number is measured on the running interpreter with weak
references (survives reference counting, freed by a full collection) and checked against the
number the graph was designed to have.
"""

from __future__ import annotations

import gc

import gc_graphs
import pytest
from gc_checks import shown
from gc_graphs import Case


def expected_for(case: Case) -> int:
    measured = gc_graphs.measure_cycle_garbage(case)
    if measured != case.expected:  # pragma: no cover - a problem of the grader, not the learner
        pytest.fail(
            f"Grader problem, not yours: on this interpreter '{case.name}' leaves {measured} "
            f"objects for the cycle collector, the suite expected {case.expected}. Please report it."
        )
    return measured


def count(gcmod, build) -> int:
    """count_cycle_garbage(build), checked to be a real int before any comparison."""
    got = gcmod.count_cycle_garbage(build)
    assert type(got) is int, f"count_cycle_garbage must return an int (task 2): got {shown(got)}"
    return got


def check_count(gcmod, case: Case, rule: str) -> None:
    expected = expected_for(case)
    try:
        got = count(gcmod, case.build)
    finally:
        gc_graphs.ANCHOR.clear()
    assert got == expected, (
        f"count_cycle_garbage(build) for {case.name}: expected {expected}, got {got} "
        f"(task 2, {rule})."
    )


@pytest.mark.task(2)
def test_a_self_loop_is_one_object_of_cycle_garbage(gcmod):
    check_count(gcmod, gc_graphs.SELF_LOOP, "rule 1: an object that refers to itself is a cycle")


@pytest.mark.task(2)
def test_a_long_ring_counts_every_object_on_it(gcmod):
    check_count(gcmod, gc_graphs.LONG_RING, "rule 1: every object on the cycle counts")


@pytest.mark.task(2)
def test_objects_kept_alive_only_by_a_cycle_count_too(gcmod):
    check_count(
        gcmod,
        gc_graphs.RING_WITH_TAIL,
        "rule 1: objects that only a cycle keeps alive survive reference counting too",
    )
    check_count(
        gcmod,
        gc_graphs.RING_HOLDING_RING,
        "rule 1: a cycle reachable only from another cycle is garbage too",
    )


@pytest.mark.task(2)
def test_weak_references_to_the_garbage_are_not_counted(gcmod):
    check_count(
        gcmod,
        gc_graphs.WATCHED_RING,
        "rule 1: count only what the cycle collector frees. The WeakSet holds a weak reference "
        "to each object of the ring; when the ring dies, their callbacks remove them and "
        "reference counting frees them. gc.collect()'s number can count those weak references too: "
        "ask the collector what it found instead (gc.DEBUG_SAVEALL and gc.garbage)",
    )


@pytest.mark.task(2)
def test_acyclic_garbage_counts_zero(gcmod):
    check_count(
        gcmod,
        gc_graphs.ACYCLIC,
        "rule 2: reference counting already freed garbage without cycles, so it is not counted",
    )


@pytest.mark.task(2)
def test_a_cycle_still_reachable_from_a_live_object_is_not_garbage(gcmod):
    check_count(
        gcmod,
        gc_graphs.ATTACHED_RING,
        "rule 3: objects build attached to a long-lived object are alive, cycle or not",
    )


@pytest.mark.task(2)
def test_objects_with_del_are_collectable_and_finalized_once(gcmod):
    case = gc_graphs.DEL_RING
    expected = expected_for(case)
    got = count(gcmod, case.build)
    calls = len(gc_graphs.FINALIZED)
    left = gc_graphs.live_instances(gc_graphs.Finalized)
    gc_graphs.FINALIZED.clear()
    assert got == expected, (
        f"count_cycle_garbage(build) for {case.name}: expected {expected}, got {got} "
        f"(task 2, rule 4: since PEP 442 the collector frees cycles with __del__ too)."
    )
    assert calls == expected, (
        f"each of the {expected} __del__ methods must run exactly once (task 2, rule 4): "
        f"they ran {calls} times"
    )
    assert left == 0, (
        f"after count_cycle_garbage returns, the garbage must really be freed (task 2, rule 6): "
        f"{left} objects of the ring are still alive (left in gc.garbage?)"
    )


@pytest.mark.task(2)
def test_a_mix_counts_only_what_the_cycle_collector_frees(gcmod):
    check_count(
        gcmod,
        gc_graphs.MIX,
        "rules 1-3: count the cycles and what they keep alive, not the acyclic garbage, "
        "not what is still reachable",
    )


@pytest.mark.task(2)
def test_garbage_that_existed_before_the_call_is_not_counted(gcmod, gc_off):
    expected = expected_for(gc_graphs.RING_WITH_TAIL)
    # Garbage made before the call, left in place because automatic collection is off.
    for _ in range(25):
        gc_graphs.ring(2, cls=gc_graphs.Stray)
    got = count(gcmod, gc_graphs.RING_WITH_TAIL.build)
    assert got == expected, (
        f"50 objects of cycle garbage already existed before the call; build then made "
        f"{expected}. Expected {expected}, got {got} (task 2, rule 5: collect the old garbage "
        f"before calling build, so it is not counted)."
    )


@pytest.mark.task(2)
def test_automatic_collections_during_build_do_not_hide_garbage(gcmod):
    case = gc_graphs.MANY_SELF_LOOPS
    expected = expected_for(case)
    gc.enable()
    got = count(gcmod, case.build)
    assert got == expected, (
        f"build made {expected} self-loops while automatic collection was on. Expected "
        f"{expected}, got {got} (task 2, rule 5: turn automatic collection off while build "
        f"runs, or the collector frees part of the garbage before you count it)."
    )
    assert gc.isenabled(), (
        "automatic collection was on before count_cycle_garbage: it must be on again after it "
        "(task 2, rule 6)"
    )


@pytest.mark.task(2)
def test_gc_state_is_restored_and_the_garbage_really_freed(gcmod):
    case = gc_graphs.RING_WITH_TAIL
    for enabled in (True, False):
        if enabled:
            gc.enable()
        else:
            gc.disable()
        garbage_before = len(gc.garbage)
        debug_before = gc.get_debug()
        gcmod.count_cycle_garbage(case.build)
        state = "on" if enabled else "off"
        assert gc.isenabled() is enabled, (
            f"automatic collection was {state} before count_cycle_garbage; it must be {state} "
            f"after it (task 2, rule 6)"
        )
        assert gc.get_debug() == debug_before, (
            f"gc debug flags must be restored (task 2, rule 6): they were {debug_before}, "
            f"now {gc.get_debug()}"
        )
        assert len(gc.garbage) == garbage_before, (
            f"gc.garbage must be left as it was (task 2, rule 6): it had {garbage_before} "
            f"entries, now {len(gc.garbage)}"
        )
        left = gc_graphs.live_instances(gc_graphs.Marker)
        assert left == 0, (
            f"after count_cycle_garbage returns, build's garbage must really be freed "
            f"(task 2, rule 6): {left} of its objects are still alive"
        )


@pytest.mark.task(2)
def test_an_exception_from_build_propagates_and_gc_is_restored(gcmod):
    class BuildFailed(Exception):
        pass

    def failing_build():
        gc_graphs.ring(3)
        raise BuildFailed("build failed on purpose")

    gc.enable()
    try:
        gcmod.count_cycle_garbage(failing_build)
    except BuildFailed:
        pass
    else:
        pytest.fail(
            "build raised an exception, but count_cycle_garbage returned normally: it must let "
            "the exception propagate (task 2, rule 6)"
        )
    assert gc.isenabled(), (
        "when build raises, the exception must propagate and automatic collection must be on "
        "again (task 2, rule 6: restore it in a finally block)"
    )
