"""A worker PROCESS of this suite: `python -m kata_worker_app QUEUE NODENAME CONCURRENCY`.

It imports the learner's module (KATA_LEARNER_MODULE, from the folder KATA_EXERCISE_DIR), puts
the suite's where-to-send/where-to-store settings (JSON in KATA_CELERY_CONFIG) over its app, and
runs the worker `celery -A tasks worker -P prefork -c CONCURRENCY -Q QUEUE -n NODENAME` runs: the same
`app.Worker(...).start()`, without the command line around it (its imports, click and the
interactive shell's, cost each process a third of a second). Nothing else of the learner's
configuration changes: serializers, acks, limits stay theirs.
"""

import importlib
import json
import os
import sys
import time

import celery.contrib.testing.tasks  # noqa: F401 - registers celery.ping, the readiness probe
import kata_files  # noqa: F401 - registers the katafs:// transport the config may name
from billiard import pool as billiard_pool
from billiard.exceptions import CoroStop

# Celery's prefork pool does not run on Windows. The thread pool does, but enforces no time limit.
POOL = "threads" if os.name == "nt" else "prefork"
TIME_LIMIT_CHECK_SECONDS = 0.02

# Appended, not prepended: a learner file must never shadow Celery or the standard library.
sys.path.append(os.environ["KATA_EXERCISE_DIR"])
learner = importlib.import_module(os.environ.get("KATA_LEARNER_MODULE", "tasks"))
app = learner.app
app.conf.update(json.loads(os.environ["KATA_CELERY_CONFIG"]))


class PromptTimeoutHandler(billiard_pool.TimeoutHandler):
    """billiard's time-limit watcher, looking every 20 ms instead of every second.

    On transports without an event loop (the suite's files) the prefork pool checks its time
    limits from this thread: with billiard's one-second nap a 0.3 s soft limit fired anywhere
    between 0.3 and 1.3 s. The limits and what happens at them are billiard's own.
    """

    def body(self):
        while self._state == billiard_pool.RUN:
            try:
                for _ in self.handle_timeouts():
                    time.sleep(TIME_LIMIT_CHECK_SECONDS)
            except CoroStop:
                break


billiard_pool.Pool.TimeoutHandler = PromptTimeoutHandler


def main(queue: str, nodename: str, concurrency: str = "1") -> int:
    from celery.utils.nodenames import default_nodename, host_format

    worker = app.Worker(
        hostname=host_format(default_nodename(nodename)),
        pool_cls=POOL,
        concurrency=int(concurrency),
        queues=[queue],
        loglevel="WARNING",
        without_heartbeat=True,
        without_mingle=True,
        without_gossip=True,
    )
    worker.start()
    return worker.exitcode or 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
