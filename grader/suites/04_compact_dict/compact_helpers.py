"""Keys with controlled hashes, a loop guard and a hidden-dict detector for suite 04."""

from __future__ import annotations

import gc
import signal
import sys
import threading
import types
import zlib
from contextlib import contextmanager

import pytest

from grader import loader


class Text(str):
    """A str whose hash is the same in every run.

    str hashes change from process to process (hash randomization). With them, where keys land
    in the table, and so whether a buggy solution shows its bug, would change from run to run.
    """

    __slots__ = ()

    def __hash__(self) -> int:
        return zlib.crc32(self.encode()) - 2**31


T = Text


class FixedNaN(float):
    """A NaN whose hash is the same in every run (hash(float('nan')) depends on its address)."""

    __slots__ = ()

    def __hash__(self) -> int:
        return 0x5EED


class Collide:
    """A key with a chosen hash, equal only to a Collide of the same name."""

    __slots__ = ("name", "hash_value")

    def __init__(self, name: str, hash_value: int):
        assert hash_value != -1, "hash -1 is reserved by CPython (it becomes -2)"
        self.name = name
        self.hash_value = hash_value

    def __hash__(self) -> int:
        return self.hash_value

    def __eq__(self, other: object):
        if not isinstance(other, Collide):
            return NotImplemented
        return self.name == other.name

    def __repr__(self) -> str:
        return f"Collide({self.name!r}, hash={self.hash_value})"


class RecordingKey(Collide):
    """A Collide that writes every __eq__ call into a shared log."""

    __slots__ = ("log",)

    def __init__(self, name: str, hash_value: int, log: list):
        super().__init__(name, hash_value)
        self.log = log

    def __eq__(self, other: object):
        self.log.append((self, other))
        return super().__eq__(other)

    __hash__ = Collide.__hash__


class SelfEqForbidden(Collide):
    """A key whose __eq__ must never be called with itself: identity comes first."""

    __slots__ = ()

    def __eq__(self, other: object):
        if other is self:
            raise AssertionError(
                f"__eq__ was called to compare {self!r} with itself. Check identity first "
                f"(`stored_key is key`), then the hash, then == (task 2, rule 3)."
            )
        return super().__eq__(other)

    __hash__ = Collide.__hash__


def same(got: object, expected: object) -> bool:
    """``got == expected``, with the same types all the way down.

    ``==`` alone lets through an object whose ``__eq__`` always answers True, so the types are
    compared first. Identity counts as equal, as it does inside a list (a NaN key is found).
    Keys made with ``T(...)`` are ``Text``, not ``str``: expected values use ``T`` too.
    """
    if got is expected:
        return True
    if type(got) is not type(expected):
        return False
    if isinstance(expected, list | tuple):
        return len(got) == len(expected) and all(map(same, got, expected))
    return got == expected


def shown(value: object) -> str:
    """A value with its type: an answer that only looks right shows what it really is."""
    return f"{value!r} (type {type(value).__name__})"


def slot_sequence(hash_value: int, size: int, count: int) -> list[int]:
    """The reference probe recurrence (README task 1)."""
    mask = size - 1
    perturb = hash_value & (2**64 - 1)
    i = perturb & mask
    slots = []
    for _ in range(count):
        slots.append(i)
        perturb >>= 5
        i = (5 * i + 1 + perturb) & mask
    return slots


def expected_size(live: int) -> int:
    """README task 3, rule 4: smallest power of two, at least 8, that is >= 3 * live."""
    size = 8
    while size < 3 * live:
        size *= 2
    return size


# CPU time a guarded block runs before its learner lines are counted. Every guarded block of a
# correct solution finishes well within it (the slowest test of the reference, the model test,
# takes about 0.2 s on a machine that adds 10⁷ numbers in a Python loop in 0.6 s, and 0.64 s
# when every line is counted), so correct code runs untraced. An endless loop gets there, and
# is then counted to the block's limit.
UNTRACED_CPU_SECONDS = 0.5

ENDLESS_LOOP_MESSAGE = (
    "your code was still running after {seconds:g} s of CPU and {limit:,} more lines in this one "
    "{scope}: almost surely an endless loop. A probe loop ends only at the key or at an EMPTY "
    "slot, so look for: a table that never grows or grows too late (task 3: usable is "
    "table_size * 2 // 3), deleted entries not counted against usable (task 4, rule 3), or a "
    "probe_sequence that does not reach every slot (task 1)."
)


def endless_loop_message(limit: int, scope: str) -> str:
    return ENDLESS_LOOP_MESSAGE.format(seconds=UNTRACED_CPU_SECONDS, limit=limit, scope=scope)


def check_invariants(d, context):
    size, usable = d.table_size, d.usable
    assert type(size) is int and size >= 8 and size & (size - 1) == 0, (
        f"table_size must be a power of two, at least 8 (task 3, rule 6); {context} it is "
        f"{shown(size)}"
    )
    assert same(usable, size * 2 // 3), (
        f"usable must be table_size * 2 // 3 — a table is rebuilt when it is 2/3 full, so a "
        f"probe always meets an EMPTY slot (task 3, rule 2); {context} table_size is {size} "
        f"and usable is {shown(usable)}, expected {size * 2 // 3}"
    )
    assert len(d) <= usable, (
        f"len(d) <= d.usable must always hold (task 3, rule 6); {context} len is {len(d)}, "
        f"usable is {usable}"
    )


class EndlessLoopSuspected(BaseException):
    """Raised inside learner code when it runs too many lines.

    A BaseException, so an `except Exception` in learner code cannot swallow it.
    """


class LineCounter:
    """A sys.settrace tracer that counts executed lines of learner code and stops at a limit.

    A guard for endless probe loops that counts lines, not seconds: where it stops does not
    depend on the machine. counted_when_slow starts it only for a block that runs long.
    """

    def __init__(self, limit: int, message: str):
        self.limit = limit
        self.message = message
        self.count = 0
        self._learner_files: dict[str, bool] = {}

    def is_learner(self, frame) -> bool:
        filename = frame.f_code.co_filename
        is_learner = self._learner_files.get(filename)
        if is_learner is None:
            is_learner = self._learner_files[filename] = loader.is_learner_file(filename)
        return is_learner

    def on_call(self, frame, event, arg):
        return self.on_line if self.is_learner(frame) else None

    def on_line(self, frame, event, arg):
        if event == "line":
            self.count += 1
            if self.count > self.limit:
                raise EndlessLoopSuspected(self.message)
        return self.on_line

    def start(self, frame) -> None:
        """Count from here on: in the learner functions running now (``frame`` and its
        callers) and in every one called later, as a debugger attaches."""
        sys.settrace(self.on_call)
        while frame is not None:
            if self.is_learner(frame):
                frame.f_trace = self.on_line
            frame = frame.f_back


@contextmanager
def counted_when_slow(counter: LineCounter):
    """Run the block untraced; once it has used UNTRACED_CPU_SECONDS of CPU, ``counter`` counts
    its learner lines to its limit. EndlessLoopSuspected propagates.

    The timer's handler only switches tracing on; the tracer raises, in learner code, as it
    would had it counted from the start. A block inside another is timed and counted on its
    own: the outer one's clock stops meanwhile. Where there is no CPU timer (Windows) or
    outside the main thread, the lines are counted from the start."""
    previous_trace = sys.gettrace()
    timer = getattr(signal, "ITIMER_VIRTUAL", None)
    if timer is None or threading.current_thread() is not threading.main_thread():
        sys.settrace(counter.on_call)
        try:
            yield
        finally:
            sys.settrace(previous_trace)
        return
    sys.settrace(None)
    previous_handler = signal.signal(signal.SIGVTALRM, lambda _signal, frame: counter.start(frame))
    outer_left, _interval = signal.setitimer(timer, UNTRACED_CPU_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(timer, 0)
        sys.settrace(previous_trace)
        signal.signal(signal.SIGVTALRM, previous_handler)
        if outer_left:
            signal.setitimer(timer, outer_left)


@contextmanager
def line_budget(limit: int, failure_message: str):
    """Fail with ``failure_message`` if the block is still running after UNTRACED_CPU_SECONDS
    of CPU and ``limit`` more lines of learner code."""
    counter = LineCounter(limit, failure_message)
    tripped = False
    try:
        with counted_when_slow(counter):
            yield
    except EndlessLoopSuspected as error:
        if error.args != (failure_message,):
            raise  # the whole-test guard of conftest.py, not this one
        tripped = True
    if tripped:
        pytest.fail(
            f"{failure_message} (still running after {UNTRACED_CPU_SECONDS:g} s of CPU and "
            f"{limit:,} more lines of your code)",
            pytrace=False,
        )


_NOT_DATA = (
    type,
    types.ModuleType,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.CodeType,
    types.FrameType,
    types.MethodType,
)


def hash_table_holding(root: object, needles: list[object]) -> object | None:
    """A dict or set reachable from ``root`` that holds one of ``needles``, else None.

    Attribute dicts (``obj.__dict__`` with string keys) are how objects store attributes:
    they are not counted as hash tables.
    """
    needle_ids = {id(needle) for needle in needles}
    seen: set[int] = set()
    stack: list[tuple[object, object | None]] = [(root, None)]
    while stack:
        obj, holder = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if id(obj) in needle_ids:
            if holder is not None:
                return holder
            continue
        if isinstance(obj, _NOT_DATA):
            continue
        children = list(gc.get_referents(obj))
        attributes = None
        if not isinstance(obj, (dict, set, frozenset)):
            try:
                attributes = vars(obj)
            except TypeError:
                attributes = None
        if attributes is not None and all(isinstance(name, str) for name in attributes):
            seen.add(id(attributes))
            stack.extend((value, holder) for value in attributes.values())
            children = [child for child in children if child is not attributes]
        is_table = isinstance(obj, (dict, set, frozenset))
        stack.extend((child, obj if is_table and holder is None else holder) for child in children)
    return None
