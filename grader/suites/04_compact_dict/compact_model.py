"""The model test of task 5: random operation sequences run on CompactDict and on dict.

Kept out of the test module so its failure messages are exactly what is written here.
"""

from __future__ import annotations

from compact_helpers import Collide, FixedNaN, T, check_invariants, same
from hypothesis import strategies as st

# Keys with run-independent hashes: ints, equal keys (1, 1.0, True), strings, a NaN,
# and keys that share a hash or a first slot.
NAN = FixedNaN("nan")
KEY_POOL = [
    *range(12), -1, -2, 1.0, True, 2**64, T("a"), T("b"), T("c"), NAN,
    Collide("p", 13), Collide("q", 13), Collide("r", 13 + 8), Collide("s", -2), Collide("t", 21),
]  # fmt: skip
# Weighted by repetition: mostly inserts, so tables grow to 16 and 32 slots.
OPERATIONS = [
    "set", "set", "set", "set", "set", "del", "del", "pop", "pop_default", "get", "contains",
    "setdefault", "update", "iterate", "popitem", "clear",
]  # fmt: skip


def decode(data: bytes) -> list[tuple]:
    """Three bytes an operation: which operation, which key, which value."""
    return [
        (OPERATIONS[what % len(OPERATIONS)], KEY_POOL[which % len(KEY_POOL)], value % 10)
        for what, which, value in zip(data[0::3], data[1::3], data[2::3], strict=False)
    ]


# One draw a sequence: hypothesis draws a byte string at once, where a tuple a step cost three
# draws, and drawing is what costs time in this test. Shrinking a failure shortens the string
# and lowers its bytes: fewer steps, the first operation (set), the first keys and values.
@st.composite
def operations(draw) -> list[tuple]:
    # Composite, not .map(decode): a failing example then shows the operations, not the bytes.
    return decode(draw(st.binary(min_size=15 * 3, max_size=60 * 3)))


# Several sequences an example: hypothesis' own work for an example costs about as much as
# running a sequence. A failing example shrinks to the one sequence that fails.
runs = st.lists(operations(), min_size=1, max_size=5)


def update_pairs(key, value):
    """The pairs an 'update' step passes: the drawn key and two others from the pool."""
    index = next(i for i, k in enumerate(KEY_POOL) if k is key)
    others = [KEY_POOL[(index + step) % len(KEY_POOL)] for step in (7, 11)]
    return [(key, value), (others[0], value + 1), (others[1], value + 2)]


def apply(mapping, operation):
    """Run one operation; return ('ok', result) or ('raised', exception type name)."""
    name, key, value = operation
    actions = {
        "set": lambda: mapping.__setitem__(key, value),
        "del": lambda: mapping.__delitem__(key),
        "pop": lambda: mapping.pop(key),
        "pop_default": lambda: mapping.pop(key, "default"),
        "get": lambda: mapping.get(key, "default"),
        "contains": lambda: key in mapping,
        "setdefault": lambda: mapping.setdefault(key, value),
        "update": lambda: mapping.update(update_pairs(key, value)),
        "iterate": lambda: list(mapping),
        "popitem": lambda: mapping.popitem(),
        "clear": lambda: mapping.clear(),
    }
    try:
        return ("ok", actions[name]())
    except (KeyError, RuntimeError, TypeError) as error:
        return ("raised", type(error).__name__)


def describe(name, key, value):
    return {
        "set": f"d[{key!r}] = {value}",
        "del": f"del d[{key!r}]",
        "pop": f"d.pop({key!r})",
        "pop_default": f"d.pop({key!r}, 'default')",
        "get": f"d.get({key!r}, 'default')",
        "contains": f"{key!r} in d",
        "setdefault": f"d.setdefault({key!r}, {value})",
        "update": f"d.update({update_pairs(key, value)!r})",
        "iterate": "list(d)",
        "popitem": "d.popitem()",
        "clear": "d.clear()",
    }[name]


def history(operations):
    """The operations so far, with repeats folded: 'd[0] = 0 (x13); d[1] = 0'."""
    folded = []
    for step in (describe(*operation) for operation in operations):
        if folded and folded[-1][0] == step:
            folded[-1][1] += 1
        else:
            folded.append([step, 1])
    return "; ".join(step if count == 1 else f"{step} (x{count})" for step, count in folded)


class After:
    """'after: <history>,' for a failure message, written only when a message is."""

    def __init__(self, operations):
        self.operations = operations

    def __str__(self) -> str:
        return f"after: {history(self.operations)},"


def snapshot(d, steps):
    """d's pairs in iteration order, or a clear failure if reading them breaks."""
    try:
        return [(key, d[key]) for key in d]
    except Exception as error:  # noqa: BLE001 - any failure here is the learner's to see
        raise AssertionError(
            f"reading the pairs back (for key in d: d[key]) raised {type(error).__name__}: "
            f"{error!r}. Every key that iteration gives must be found again (task 2, rules 2-3). "
            f"After: {history(steps)}"
        ) from None


def check_against_dict(new_dict, operations):
    """Run ``operations`` on ``new_dict()`` and on a dict, side by side, and compare after each."""
    d = new_dict()
    ref = {}
    done = []
    for operation in operations:
        done.append(operation)
        got = apply(d, operation)
        expected = apply(ref, operation)
        if not same(got, expected):
            types = ""
            if repr(got) == repr(expected):  # equal-looking values of another type
                types = (
                    f"\nthe same repr, but type {type(got[1]).__name__} where dict gives type "
                    f"{type(expected[1]).__name__}"
                )
            raise AssertionError(
                f"CompactDict must behave like dict (task 5, rule 8). After: {history(done)}\n"
                f"the last step gave {got!r}, dict gave {expected!r} "
                f"(('raised', name) means that exception was raised){types}"
            )
        pairs = snapshot(d, done)
        expected_pairs = list(ref.items())
        if pairs != expected_pairs:
            raise AssertionError(
                f"CompactDict must hold the same pairs as dict, in the same order (task 5, "
                f"rule 8). After: {history(done)}\nexpected {expected_pairs}\ngot      {pairs}"
            )
        key_types = [type(key).__name__ for key, _ in pairs]
        expected_types = [type(key).__name__ for key in ref]
        if key_types != expected_types:
            raise AssertionError(
                f"the key objects must be the ones dict keeps: an equal key never replaces the "
                f"original (task 2, rule 5). After: {history(done)}\nkey types expected "
                f"{expected_types}, got {key_types}"
            )
        if not same(pairs, expected_pairs):
            raise AssertionError(
                f"the keys and values read back must be the very objects dict holds, of the same "
                f"types (task 2, rules 2 and 5; task 5, rule 8). After: {history(done)}\n"
                f"expected types {[(type(k).__name__, type(v).__name__) for k, v in expected_pairs]}"
                f"\ngot types      {[(type(k).__name__, type(v).__name__) for k, v in pairs]}"
            )
        check_invariants(d, After(done))
    equal = (d == ref) is True and (ref == d) is True
    if not equal:
        raise AssertionError(
            f"CompactDict and dict must compare equal (task 5, rule 3) after: {history(done)}"
        )
