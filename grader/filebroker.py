"""The grader's own Celery transports and result backends (grader.brokers picks them).

On plain files, for the Celery playground: kombu's `filesystem://` transport and Celery's
`file://` backend create a file and then write into it, so a process polling the folder can
read it empty. These write a hidden temporary file and move it into place (atomic), so a reader
sees all of a file or none. Importing this module registers the transport as `katafiles://`.

In memory, for grading: kombu's `memory://` transport and Celery's `cache+memory://` backend,
the same stores, with waiters that wake up. A worker polling an empty queue and a caller polling
for a result (`get()`, `join()`) otherwise sleep a fixed interval between looks; every chain
step, retry and result pays that sleep. Here a send, an ack or a stored result rings a bell,
and whoever waits looks again at once. The polling interval stays as the longest wait.
"""

from __future__ import annotations

import os
import threading
import uuid
from queue import Empty
from time import monotonic

from celery.backends.cache import CacheBackend
from celery.backends.filesystem import FilesystemBackend
from celery.exceptions import TimeoutError as CeleryTimeout
from kombu.transport import TRANSPORT_ALIASES, filesystem, memory
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

BACKEND = "grader.filebroker:AtomicFilesystemBackend"
MEMORY_TRANSPORT = "grader.filebroker:WakingMemoryTransport"
MEMORY_BACKEND = "grader.filebroker:WakingCacheBackend"


def write_atomically(path: str | bytes, data: bytes) -> None:
    path = os.fsdecode(path)
    # Readers skip dot-files: kombu takes only "<…>.<queue>.msg"; the backend reads by key.
    temporary = os.path.join(os.path.dirname(path), f".kata-{uuid.uuid4().hex}")
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


class AtomicChannel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        write_atomically(os.path.join(self.data_folder_out, name), str_to_bytes(dumps(payload)))


class AtomicFilesystemTransport(filesystem.Transport):
    Channel = AtomicChannel


class AtomicFilesystemBackend(FilesystemBackend):
    def set(self, key, value):
        write_atomically(self._filename(key), str_to_bytes(value))


TRANSPORT_ALIASES.setdefault("katafiles", "grader.filebroker:AtomicFilesystemTransport")


# ── In memory, for grading ─────────────────────────────────────────────────────────────────────


class Bell:
    """Counts what happened; a waiter sleeps until the count moves past what it last saw.

    Read ``rung()`` before looking (at a queue, at a result), then ``wait(seen, timeout)``: a
    ring between the look and the wait is not missed, the wait returns at once.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._count = 0

    def ring(self) -> None:
        with self._changed:
            self._count += 1
            self._changed.notify_all()

    def rung(self) -> int:
        with self._changed:
            return self._count

    def wait(self, seen: int, timeout: float) -> int:
        with self._changed:
            if self._count == seen and timeout > 0:
                self._changed.wait(timeout)
            return self._count


# The in-memory stores are process-wide (kombu's queues, Celery's cache), so are their bells.
MESSAGES = Bell()  # a message was sent, acknowledged or rejected
RESULTS = Bell()  # a task state or result was stored


class WakingMemoryChannel(memory.Channel):
    def _put(self, queue, message, **kwargs):
        super()._put(queue, message, **kwargs)
        MESSAGES.ring()

    def _put_fanout(self, exchange, message, routing_key=None, **kwargs):
        super()._put_fanout(exchange, message, routing_key, **kwargs)
        MESSAGES.ring()

    # A consumer at its prefetch limit takes the next message once one is settled.
    def basic_ack(self, delivery_tag, multiple=False):
        super().basic_ack(delivery_tag, multiple=multiple)
        MESSAGES.ring()

    def basic_reject(self, delivery_tag, requeue=False):
        super().basic_reject(delivery_tag, requeue=requeue)
        MESSAGES.ring()


class WakingMemoryTransport(memory.Transport):
    """kombu's in-memory transport (same queues), whose consumer wakes when a message is sent."""

    Channel = WakingMemoryChannel

    def drain_events(self, connection, timeout=None):
        # kombu's loop, with its sleep between empty polls turned into a wait for the bell.
        started = monotonic()
        longest = self.polling_interval or 0.0
        while True:
            seen = MESSAGES.rung()
            try:
                self.cycle.get(self._deliver, timeout=timeout)
                return
            except Empty:
                waited = monotonic() - started
                if timeout is not None and waited >= timeout:
                    raise TimeoutError() from None
                left = longest if timeout is None else min(longest, timeout - waited)
                MESSAGES.wait(seen, left)


class _UntilStored:
    """The pause of a result poll: until a result is stored, at most ``interval``.

    Passed to Celery's own polling loops as their ``on_interval`` (with interval=0 and no
    timeout of theirs), it also keeps the deadline, by the wall clock.
    """

    def __init__(self, timeout, interval, on_interval, message: str):
        self.deadline = None if timeout is None else monotonic() + timeout
        self.interval = 0.5 if interval is None else interval
        self.on_interval = on_interval
        self.message = message
        self.seen = RESULTS.rung()  # before the first look at the backend

    def __call__(self) -> None:
        if self.on_interval is not None:
            self.on_interval()
        pause = self.interval
        if self.deadline is not None:
            left = self.deadline - monotonic()
            if left <= 0:
                raise CeleryTimeout(self.message)
            pause = min(pause, left)
        self.seen = RESULTS.wait(self.seen, pause)


class WakingCacheBackend(CacheBackend):
    """Celery's cache backend on its in-process store ("cache+memory://"): a caller waiting in
    ``get()`` or ``join()`` looks again as soon as a result is stored."""

    def set(self, key, value):
        try:
            return super().set(key, value)
        finally:
            RESULTS.ring()

    def wait_for(self, task_id, timeout=None, interval=0.5, no_ack=True, on_interval=None):
        pause = _UntilStored(timeout, interval, on_interval, "The operation timed out.")
        return super().wait_for(task_id, timeout=None, interval=0, no_ack=no_ack, on_interval=pause)

    def get_many(
        self, task_ids, timeout=None, interval=0.5, no_ack=True, on_message=None,
        on_interval=None, **kwargs,
    ):  # fmt: skip
        pause = _UntilStored(timeout, interval, on_interval, f"Operation timed out ({timeout})")
        return super().get_many(
            task_ids, timeout=None, interval=0, no_ack=no_ack, on_message=on_message,
            on_interval=pause, **kwargs,
        )  # fmt: skip
