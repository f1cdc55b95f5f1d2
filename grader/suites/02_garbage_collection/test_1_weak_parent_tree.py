"""Task 1: a tree whose child -> parent link is a weak reference.

Nodes are watched with weakref.finalize callbacks, never with reference counts. Tests that check
"freed by reference counting alone" turn automatic collection off (gc_off fixture).
"""

from __future__ import annotations

import gc
import weakref

import pytest
from gc_checks import same, shown

ALL_VALUES = (
    {"root"} | {f"n{i}" for i in range(3)} | {f"n{i}{j}" for i in range(3) for j in range(3)}
)


def watch(node, freed: list) -> None:
    """Record node.value in `freed` when the node is freed."""
    try:
        weakref.finalize(node, freed.append, node.value)
    except TypeError:
        pytest.fail(
            "Node instances must support weak references (task 1): if you use __slots__, "
            "include '__weakref__' in them."
        )


def build_tree(Node, freed: list):
    """root -> n0, n1, n2 -> n00 .. n22 (13 nodes). Returns only the root."""
    root = Node("root")
    watch(root, freed)
    for i in range(3):
        middle = Node(f"n{i}")
        watch(middle, freed)
        root.add_child(middle)
        for j in range(3):
            leaf = Node(f"n{i}{j}")
            watch(leaf, freed)
            middle.add_child(leaf)
    return root


@pytest.mark.task(1)
def test_add_child_returns_the_child_and_links_both_ways(gcmod):
    root = gcmod.Node("root")
    child = gcmod.Node("child")
    returned = root.add_child(child)
    assert returned is child, (
        f"add_child(node) must return the node it added (task 1): got {returned!r}"
    )
    assert same(child.value, "child"), (
        f"Node(value) must keep .value (task 1): got {shown(child.value)}"
    )
    assert same(list(root.children), [child]) and root.children[0] is child, (
        f"after root.add_child(child), root.children must be [child] (task 1): got {root.children!r}"
    )
    assert root.parent is None, (
        f"a node without a parent has .parent None (task 1): got {root.parent!r}"
    )
    parent = child.parent
    if isinstance(parent, weakref.ReferenceType):
        pytest.fail(
            "child.parent returned the weak reference object itself. The .parent property must "
            "call it and return the parent Node (or None) (task 1, rule 2)."
        )
    assert parent is root, (
        f"child.parent must be the node it was added to (task 1, rule 2): got {parent!r}"
    )


@pytest.mark.task(1)
def test_holding_the_root_keeps_the_whole_tree_alive(gcmod):
    freed: list = []
    root = build_tree(gcmod.Node, freed)
    gc.collect()
    assert freed == [], (
        f"while the root is alive, every node must stay alive: parents hold their children "
        f"with strong references (task 1, rule 1). Freed too early: {sorted(freed)}"
    )
    values = set()
    stack = [root]
    while stack:
        node = stack.pop()
        values.add(node.value)
        stack.extend(node.children)
    assert values == ALL_VALUES, (
        f"walking root.children must reach all 13 nodes (task 1, rule 1): reached {sorted(values)}"
    )


@pytest.mark.task(1)
def test_dropping_the_root_frees_every_node_without_the_cycle_collector(gcmod, gc_off):
    freed: list = []
    root = build_tree(gcmod.Node, freed)
    del root
    by_refcounting = set(freed)
    gc.collect()
    if by_refcounting != ALL_VALUES and set(freed) == ALL_VALUES:
        pytest.fail(
            "With automatic collection off, dropping the root freed nothing (or only part of the "
            "tree); only gc.collect() freed the rest. The child -> parent link is a strong "
            "reference, so each parent/child pair is a reference cycle. Store a weak reference "
            f"to the parent (task 1, rule 3). Freed by reference counting: {sorted(by_refcounting)}"
        )
    assert by_refcounting == ALL_VALUES, (
        f"dropping the last reference to the root must free all 13 nodes at once, by "
        f"reference counting alone (task 1, rule 3). Freed: {sorted(by_refcounting)}"
    )


@pytest.mark.task(1)
def test_a_surviving_child_does_not_keep_its_parent_alive(gcmod, gc_off):
    freed: list = []
    root = build_tree(gcmod.Node, freed)
    kept = root.children[1].children[2]
    assert kept.parent is root.children[1], (
        f"a leaf's .parent must be its parent node (task 1, rule 2): got {kept.parent!r}"
    )
    del root
    expected = ALL_VALUES - {"n12"}
    assert set(freed) == expected, (
        "holding only one leaf (n12), dropping the root must free every other node, its own "
        "parent included: a child must not keep its parent alive (task 1, rule 4). "
        f"Still alive: {sorted(expected - set(freed))}"
    )
    assert same(kept.value, "n12"), (
        f"Node('n12').value must be 'n12' (task 1, rule 1), got {shown(kept.value)}"
    )
    assert kept.parent is None, (
        f"once its parent has been freed, a surviving node's .parent must be None "
        f"(task 1, rule 4): got {kept.parent!r}"
    )
