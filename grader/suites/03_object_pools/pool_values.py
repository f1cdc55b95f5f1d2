"""Values the suite interns: hashable, weakly referenceable, and under the suite's control."""

from __future__ import annotations

import time


class Key:
    """A hashable value object. Equal when labels are equal; a fresh instance each time."""

    def __init__(self, label):
        self.label = label

    def __eq__(self, other):
        return isinstance(other, Key) and other.label == self.label

    def __hash__(self):
        return hash(self.label)

    def __repr__(self):
        return f"Key({self.label!r})"


class SlowKey(Key):
    """A Key whose hashing lets other threads run: it widens any check-then-insert race.

    A lookup and an insert each hash the key, so between "not found" and "stored" every other
    thread gets a chance to run its own lookup, and to miss as well.
    """

    def __hash__(self):
        time.sleep(0)  # releases the GIL: another thread may run its own lookup now
        return hash(self.label)

    def __repr__(self):
        return f"SlowKey({self.label!r})"
