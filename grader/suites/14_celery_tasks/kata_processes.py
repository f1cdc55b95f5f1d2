"""Two real Celery worker PROCESSES (prefork pool) for tasks 3 and 4.

Why processes: only the prefork pool enforces time limits (the thread pool ignores them), and
an idempotency record kept in one process's memory must be caught. Worker "a" and worker "b"
each consume a queue of their own, so a test sends a task's first run to one process and its
repeat to the other: only a record kept in a shared store (the result backend) is seen by both.
Worker "a" has two pool processes: task 4's report over its soft limit is sent to it as soon as
it starts (conftest.py) and runs in one while tests of tasks 3 and 4 use the other. Where the
OS forks (Linux, macOS), worker "b" is forked from worker "a" once Celery and the learner's
module are imported (kata_worker_app.py): one start-up for both.

Where they meet: on Redis or RabbitMQ when the suite runs against one (a namespace of their
own), otherwise on kombu's filesystem transport in a temp folder, with Celery's file result
backend (both cross processes; the in-memory ones do not), made race-free in kata_files.py.

When: ``launch`` starts both and sends each a ping at once, without waiting; a worker process
takes half a second to boot, spent while the suite grades tasks 1, 2 and 5. ``wait_until_ready``
waits for the pings' answers when task 3 first needs the workers.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

# Each worker's pool processes (celery worker -c N).
WORKERS = {"a": 2, "b": 1}
START_TIMEOUT = 8.0  # under the 10 s a test may take: a stuck start shows its log, not a timeout
# Each worker's queue is polled this often (kombu's filesystem transport has no wake-up).
POLLING_INTERVAL = 0.01


@dataclass
class ProcessWorkers:
    client: object  # a Celery app that only sends messages and reads results
    queues: dict[str, str]
    own: object = None  # the Broker namespace to clean up afterwards (None: a temp folder)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)
    pings: dict[str, object] = field(default_factory=dict)  # AsyncResult of each readiness ping
    early: dict[str, object] = field(default_factory=dict)  # runs sent with the start, by purpose
    problem: str | None = None  # why they could not be started, said when a test needs them

    def send(self, worker: str, task_name: str, args=(), **options):
        return self.client.send_task(task_name, args=args, queue=self.queues[worker], **options)

    def log_tail(self, worker: str, lines: int = 15) -> str:
        try:
            text = self.logs[worker].read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def dead(self) -> list[str]:
        return [name for name, process in self.processes.items() if process.poll() is not None]


def process_config(broker, folder: Path):
    """(settings for the workers and the client, Broker to clean up or None)."""
    shared = {
        "worker_enable_remote_control": False,  # no pidbox queues left on a shared server
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": False,
        "task_always_eager": False,
    }
    results = folder / "results"
    results.mkdir(parents=True, exist_ok=True)
    if broker.kind == "memory":
        messages = folder / "broker"
        messages.mkdir(exist_ok=True)
        return {
            **shared,
            "broker_url": "katafs://",
            "broker_transport_options": {
                "data_folder_in": str(messages),
                "data_folder_out": str(messages),
                "control_folder": str(messages),
                "polling_interval": POLLING_INTERVAL,
            },
            "result_backend": _file_backend(results),
        }, None
    # A namespace of its own: these queues and keys never meet the in-process worker's.
    own = replace(broker, namespace=f"{broker.namespace}-proc")
    config = {**shared, **own.celery_config()}
    if own.kind != "redis":
        config["result_backend"] = _file_backend(results)  # crosses processes
    return config, own


def _file_backend(folder: Path) -> str:
    return f"kata_files:AtomicFilesystemBackend+file://{folder.as_posix()}"


def launch(module_name: str, exercise_dir: Path, suite_dir: Path, folder: Path, broker):
    """Start both workers and ping each, without waiting. Never raises: a problem is kept in
    ``problem`` and reported by ``wait_until_ready``, in the tests that need the workers."""
    workers = ProcessWorkers(
        client=None, queues={name: f"{broker.namespace}-proc.{name}" for name in WORKERS}
    )
    try:
        _launch(workers, module_name, exercise_dir, suite_dir, folder, broker)
    except Exception as error:  # noqa: BLE001 - reported by the test that needs the workers
        workers.problem = f"{type(error).__name__}: {error}"
    return workers


def _launch(workers, module_name, exercise_dir, suite_dir, folder, broker) -> None:
    config, workers.own = process_config(broker, folder)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        env.pop(name, None)  # Celery prefers them to any setting: the config file decides here
    env.update(
        PYTHONPATH=str(suite_dir),  # kata_worker_app only; the learner folder is appended by it
        PYTHONDONTWRITEBYTECODE="1",  # no __pycache__ in the learner's folder
        KATA_CELERY_CONFIG=json.dumps(config),
        KATA_LEARNER_MODULE=module_name,
        KATA_EXERCISE_DIR=str(exercise_dir),
    )
    # The workers first: they boot while this process imports the client's half of Celery.
    specs = {
        name: [queue, f"kata-{name}@%h", str(WORKERS[name])]
        for name, queue in workers.queues.items()
    }
    for name in specs:
        workers.logs[name] = folder / f"worker-{name}.log"
    # Where the OS forks, the first worker forks the others (kata_worker_app.fork_worker).
    forks = hasattr(os, "fork")
    forked = [[*spec, str(workers.logs[name])] for name, spec in list(specs.items())[1:]]
    for position, (name, spec) in enumerate(specs.items()):
        if forks and position > 0:
            workers.processes[name] = ForkedWorker(Path(f"{workers.logs[name]}.pid"))
            continue
        arguments = [*spec, *(arg for further in forked for arg in further)] if forks else spec
        with open(workers.logs[name], "wb") as sink:
            workers.processes[name] = subprocess.Popen(
                [sys.executable, "-m", "kata_worker_app", *arguments],
                cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=sink,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
    import kata_files  # noqa: F401 - registers the katafs:// transport in this process
    from celery import Celery

    workers.client = Celery("kata-client", set_as_current=False)
    workers.client.conf.update(
        config,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_accept_content=["json"],
    )
    # A ping waits in each worker's queue until the worker consumes it: its answer says ready.
    workers.pings = {name: workers.send(name, "celery.ping") for name in workers.queues}


def wait_until_ready(workers: ProcessWorkers) -> None:
    """Each worker has answered the celery.ping sent to its own queue."""
    if workers.problem:
        raise WorkerStartError(f"The worker processes could not be started: {workers.problem}")
    deadline = time.monotonic() + START_TIMEOUT
    for name, ping in workers.pings.items():
        while not ping.ready():
            dead = workers.dead()
            if dead or time.monotonic() > deadline:
                which = dead[0] if dead else name
                raise WorkerStartError(
                    f"The worker process did not start ({'it exited' if dead else 'no answer'}). "
                    f"Its last lines:\n{workers.log_tail(which)}"
                )
            time.sleep(0.01)


class WorkerStartError(RuntimeError):
    pass


class ForkedWorker:
    """A worker process that another one forked (kata_worker_app.fork_worker), found by the pid
    it wrote: polled, killed and waited for as a Popen is."""

    def __init__(self, pid_file: Path):
        self.pid_file = pid_file

    def _pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # not forked yet

    def poll(self) -> int | None:
        pid = self._pid()
        if pid is None:
            return None
        try:  # its parent does not reap it: a zombie has ended too
            with open(f"/proc/{pid}/stat", "rb") as stat:
                ended = stat.read().rsplit(b")", 1)[1].split()[0] in (b"Z", b"X")
            return 1 if ended else None
        except FileNotFoundError:
            return 1
        except OSError:  # no /proc (macOS)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return 1
            return None

    def kill(self) -> None:
        pid = self._pid()
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def wait(self) -> None:
        """Reaped here once its parent is gone (this process is the subreaper of what the
        suite starts); until then its parent's. A pid never written: its parent was killed
        before the fork, or the grader reaps the orphan at the end."""
        pid = self._pid()
        if pid is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def stop(workers: ProcessWorkers) -> None:
    """Kill every worker by its PID, then clean the namespace.

    Nothing here needs a clean exit, and a warm shutdown of a worker that ran tasks takes
    seconds (its pool lingers). A killed worker's pool child goes with it: Celery gives it a
    parent-death signal (Linux); elsewhere it exits when it finds its parent gone.
    """
    for process in workers.processes.values():
        if process.poll() is None:
            process.kill()
    for process in workers.processes.values():
        process.wait()
    own = workers.own
    if own is not None:
        own.cleanup()
        if own.kind == "amqp":
            _delete_amqp(own.url, list(workers.queues.values()))


def _delete_amqp(url: str, names: list[str]) -> None:
    """The per-worker queues and the exchanges named after them (Celery declares both)."""
    from kombu import Connection

    with Connection(url) as connection:
        channel = connection.channel()
        for name in names:
            for delete in (channel.queue_delete, channel.exchange_delete):
                try:
                    delete(name)
                except Exception:  # noqa: BLE001 - already gone is fine
                    channel = connection.channel()
