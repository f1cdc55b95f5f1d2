"""A worker PROCESS of this suite: `python -m kata_worker_app QUEUE NODENAME CONCURRENCY`, and
`... QUEUE NODENAME CONCURRENCY LOG` after it for each further worker, forked from this one.

It imports the learner's module (KATA_LEARNER_MODULE, from the folder KATA_EXERCISE_DIR), puts
the suite's where-to-send/where-to-store settings (JSON in KATA_CELERY_CONFIG) over its app, and
runs the worker `celery -A tasks worker -P prefork -c CONCURRENCY -Q QUEUE -n NODENAME` runs: the same
`app.Worker(...).start()`, without the command line around it (its imports, click and the
interactive shell's, cost each process a third of a second). Nothing else of the learner's
configuration changes: serializers, acks, limits stay theirs.

A further worker is forked once everything is imported: both pay one start-up, and each has
memory of its own from the fork on (a record one keeps in memory is not the other's). It writes
its output to LOG and its pid to LOG.pid, for the suite to find and kill it.
"""

import importlib
import json
import os
import sys
import time
import traceback

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


def fork_worker(queue: str, nodename: str, concurrency: str, log: str) -> None:
    """Start another worker in a process forked from this one (see the module's docstring)."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            output = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(output, 1)
            os.dup2(output, 2)
            code = main(queue, nodename, concurrency)
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        except BaseException:  # noqa: BLE001 - the worker's log says why it ended
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    written = f"{log}.pid.partial"
    with open(written, "w", encoding="utf-8") as handle:
        handle.write(str(pid))
    os.replace(written, f"{log}.pid")  # whole or absent for the suite, which polls it


if __name__ == "__main__":
    first, further = sys.argv[1:4], sys.argv[4:]
    for start in range(0, len(further), 4):
        fork_worker(*further[start : start + 4])
    sys.exit(main(*first))
