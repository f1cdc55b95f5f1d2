"""The broker and result backend the Celery suites run against.

In-memory by default (nothing to install: an in-process worker consumes Celery's `memory://`
transport), Redis when KATA_REDIS_URL (or CELERY_BROKER_URL with a redis:// URL) is set, and
RabbitMQ when KATA_AMQP_URL is set. Each run gets a namespace of its own — a key prefix on
Redis, queue names on RabbitMQ — so it never meets other work on a shared server, and
``cleanup`` removes what it left there.
"""

from __future__ import annotations

import contextlib
import os
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

# Celery's cache backend on a store in this process: the worker threads share it with the tests.
IN_PROCESS_RESULTS = "cache+memory://"


@dataclass(frozen=True)
class Broker:
    kind: str  # "memory", "redis" or "amqp"
    url: str
    result_backend: str
    namespace: str = field(default_factory=lambda: f"kata-{uuid.uuid4().hex[:12]}")

    def describe(self) -> str:
        return "in-memory transport" if self.kind == "memory" else f"{self.kind} at {self.url}"

    def celery_config(self) -> dict:
        """Settings to put over the learner's app: where to send and store, nothing else."""
        from grader import filebroker

        config = {
            "broker_url": self.url,
            "broker_transport": None,  # the URL's scheme decides
            "result_backend": self.result_backend,
            "task_default_queue": f"{self.namespace}.celery",
            "broker_connection_retry_on_startup": False,
            "task_always_eager": False,
        }
        if self.result_backend == IN_PROCESS_RESULTS:
            # The same store, but a caller waiting for a result wakes when it is stored,
            # instead of sleeping get()'s interval between looks (filebroker.py).
            config["result_backend"] = f"{filebroker.MEMORY_BACKEND}+memory://"
        if self.kind == "memory":
            # kombu's queues in this process, with a worker that wakes when a message is sent;
            # the polling interval is only the longest it waits (filebroker.py).
            config["broker_transport"] = filebroker.MEMORY_TRANSPORT
            config["broker_transport_options"] = {"polling_interval": 0.1}
        elif self.kind == "redis":
            prefix = {"global_keyprefix": f"{self.namespace}:"}
            config["broker_transport_options"] = {**prefix, "visibility_timeout": 60}
            config["result_backend_transport_options"] = prefix
        return config

    def cleanup(self) -> None:
        """Remove every key or queue this run created on a shared server."""
        if self.kind == "redis":
            import redis

            client = redis.Redis.from_url(self.url)
            try:
                keys = list(client.scan_iter(match=f"{self.namespace}:*", count=500))
                if keys:
                    client.delete(*keys)
            finally:
                client.close()
        elif self.kind == "amqp":
            from kombu import Connection

            with Connection(self.url) as connection:
                name = f"{self.namespace}.celery"  # the default queue and its exchange
                for delete in ("queue_delete", "exchange_delete"):
                    channel = connection.channel()
                    with contextlib.suppress(Exception):  # already gone is fine
                        getattr(channel, delete)(name)


def choose(environ: dict[str, str] | None = None) -> Broker:
    environ = os.environ if environ is None else environ
    redis_url = environ.get("KATA_REDIS_URL") or _redis_only(environ.get("CELERY_BROKER_URL"))
    if redis_url:
        return Broker("redis", redis_url, redis_url)
    amqp_url = environ.get("KATA_AMQP_URL")
    if amqp_url:
        # An in-process worker shares the process's memory: results can stay there.
        return Broker("amqp", amqp_url, IN_PROCESS_RESULTS)
    return Broker("memory", "memory://", IN_PROCESS_RESULTS)


def _redis_only(url: str | None) -> str | None:
    return url if url and url.startswith(("redis://", "rediss://")) else None


@contextmanager
def running_worker(
    app, pool: str = "threads", concurrency: int = 2, wait_on_exit: float | None = None
):
    """A real Celery worker consuming ``app``'s broker in a thread of this process.

    Celery's own test worker (``celery.contrib.testing``), started without the ping round trip
    and stopped by waking its event loop with messages, so a suite pays milliseconds, not
    seconds, per worker. ``wait_on_exit`` bounds the wait for it to stop (10 s by default);
    ``wait_on_exit=0`` leaves the daemon thread to the end of the process.
    """
    from celery.contrib.testing.worker import TestWorkController, setup_app_for_worker
    from celery.result import _set_task_join_will_block
    from celery.utils.nodenames import anon_nodename
    from celery.worker import state

    setup_app_for_worker(app, "WARNING", None)
    worker = TestWorkController(
        app=app,
        concurrency=concurrency,
        hostname=anon_nodename(),
        pool=pool,
        loglevel="WARNING",
        logfile=None,
        ready_callback=None,
        without_heartbeat=True,
        without_mingle=True,
        without_gossip=True,
    )
    thread = threading.Thread(target=worker.start, name="celery-worker", daemon=True)
    thread.start()
    worker.ensure_started()
    _set_task_join_will_block(False)  # the test thread may wait for results; it is no task
    try:
        yield worker
    finally:
        state.should_terminate = 0
        # The loop sees the flag after a message wakes it, then drains once more (in a
        # `finally`) before it stops: one ping for each, or the second wait lasts its 2 s.
        for _ in range(2):
            with contextlib.suppress(Exception):
                app.send_task("celery.ping")
        thread.join(10 if wait_on_exit is None else wait_on_exit)
        if not thread.is_alive():
            state.should_terminate = None


def playground_config(state: Path, environ: dict[str, str] | None = None) -> tuple[dict, str]:
    """Broker settings for a playground worker and the shells that talk to it.

    Both are separate processes, so the in-memory transport cannot serve: Redis or RabbitMQ when
    configured, else files under ``state``. Results go to Redis, or to files: a backend every
    exercise can use (RabbitMQ's rpc:// backend stores nothing a later process can read).
    """
    from grader import filebroker  # registers the katafiles:// transport

    broker = choose(environ)
    results = state / "results"
    results.mkdir(parents=True, exist_ok=True)
    file_backend = f"{filebroker.BACKEND}+{results.as_uri()}"
    if broker.kind == "redis":
        return {"broker_url": broker.url, "result_backend": broker.url}, broker.describe()
    if broker.kind == "amqp":
        return {"broker_url": broker.url, "result_backend": file_backend}, broker.describe()
    messages = state / "broker"
    messages.mkdir(parents=True, exist_ok=True)
    config = {
        "broker_url": "katafiles://",
        "broker_transport_options": {
            "data_folder_in": str(messages),
            "data_folder_out": str(messages),
            "control_folder": str(state / "control"),
            "polling_interval": 0.1,
        },
        "result_backend": file_backend,
    }
    return config, f"files under {state}"
