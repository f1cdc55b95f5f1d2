"""The suite's own tiny tasks, registered on the learner's app before the worker starts.

Tasks 2, 4 and 5 grade the learner's helpers (collect_group, report_failure, task_status,
remember_group / restore_group) on results the suite controls, so those tasks do not depend on
the learner's word-count tasks.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

RELEASE_SECONDS = 3.0


class SuiteTasks:
    def __init__(self, app):
        self._app = app
        self._releases: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

        @app.task(name="kata.echo", shared=False)
        def echo(value):
            return value

        @app.task(name="kata.fail", shared=False)
        def fail(message):
            raise ValueError(message)

        @app.task(name="kata.finish_when_read", shared=False)
        def finish_when_read(value):
            """Return ``value`` only once the caller has READ this task's state (or after 3 s)."""
            self._release(finish_when_read.request.id).wait(RELEASE_SECONDS)
            return value

        self.echo = echo
        self.fail = fail
        self.finish_when_read = finish_when_read

    def _release(self, task_id: str) -> threading.Event:
        with self._lock:
            return self._releases.setdefault(task_id, threading.Event())

    @contextmanager
    def release_on_first_read(self, result):
        """While the block runs, the first read of ``result``'s state in this thread's backend
        lets its finish_when_read task finish. So that read saw it still PENDING."""
        backend = result.backend
        watched = result.id
        release = self._release(watched)
        get_task_meta, mget = backend.get_task_meta, backend.mget

        # Every way to read a state goes through one of these two on the key-value backends
        # (cache, Redis): AsyncResult.state/ready()/get() → get_task_meta, join_native and
        # GroupResult polling → get_many → mget. The read happens first, then the release.
        def read_one(task_id, *args, **kwargs):
            try:
                return get_task_meta(task_id, *args, **kwargs)
            finally:
                if task_id == watched:
                    release.set()

        def read_many(keys, *args, **kwargs):
            keys = list(keys)
            try:
                return mget(keys, *args, **kwargs)
            finally:
                if any(watched in (k.decode() if isinstance(k, bytes) else str(k)) for k in keys):
                    release.set()

        backend.get_task_meta, backend.mget = read_one, read_many
        try:
            yield
        finally:
            del backend.get_task_meta, backend.mget
            release.set()
