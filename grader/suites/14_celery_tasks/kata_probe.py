"""Read the learner's own configuration, untouched by the suite.

The module is executed again, as a fresh copy under another name, with CELERY_BROKER_URL and
CELERY_RESULT_BACKEND set (or unset) as a test needs, and its settings are read right away.
The copy is never used to run anything: the suite's workers use the module the loader imported,
with the broker settings put over it. (Celery reads those two variables itself, when a setting
is read, so they are read here inside the same environment.)
"""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import os
import sys
from dataclasses import dataclass, field
from datetime import timedelta
from types import ModuleType

ENV_VARS = ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")
TASK_NAMES = ("fetch_report", "charge", "build_report")
_copies = itertools.count(1)


@dataclass
class Settings:
    """What the learner's app says, read once. ``problem`` is set when there is no usable app."""

    problem: str | None = None
    conf: dict = field(default_factory=dict)
    tasks: dict[str, dict] = field(default_factory=dict)  # task → its effective options


APP_SETTINGS = (
    "broker_url",
    "result_backend",
    "task_serializer",
    "result_serializer",
    "accept_content",
    "result_accept_content",
    "task_acks_late",
    "task_reject_on_worker_lost",
    "result_expires",
    "task_track_started",
    "task_always_eager",
)
TASK_OPTIONS = (
    "acks_late",
    "reject_on_worker_lost",
    "track_started",
    "soft_time_limit",
    "time_limit",
    "max_retries",
)


@contextlib.contextmanager
def environment(values: dict[str, str]):
    saved = {name: os.environ.get(name) for name in ENV_VARS}
    for name in ENV_VARS:
        os.environ.pop(name, None)
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def keep_current_app():
    """Creating a Celery app makes it the current one: give the suite's app its place back."""
    from celery import _state

    saved = getattr(_state._tls, "current_app", None)
    try:
        yield
    finally:
        _state._tls.current_app = saved


def fresh_copy(module_name: str) -> ModuleType:
    from grader.loader import exercise_dir

    path = exercise_dir() / f"{module_name}.py"
    name = f"kata_copy_{next(_copies)}_{module_name}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def no_app_message(module_name: str, app) -> str:
    return (
        f"`app` in {module_name}.py must be a Celery app (task 1, rule 1); it is {app!r}. "
        f'Create it first, e.g. `app = Celery("{module_name}")`: every task runs on it.'
    )


def read_settings(module_name: str, environ: dict[str, str]) -> Settings:
    """The learner's settings, with the environment variables ``environ`` (others unset)."""
    from celery import Celery

    with environment(environ), keep_current_app():
        module = fresh_copy(module_name)
        app = getattr(module, "app", None)
        if not isinstance(app, Celery):
            return Settings(problem=no_app_message(module_name, app))
        settings = Settings(conf={key: app.conf.get(key) for key in APP_SETTINGS})
        # Two settings are properties that read the environment first, as Celery does.
        settings.conf["broker_url"] = app.conf.broker_url
        settings.conf["result_backend"] = app.conf.result_backend
        for task_name in TASK_NAMES:
            task = getattr(module, task_name, None)
            if getattr(task, "name", None) not in app.tasks:
                settings.tasks[task_name] = {}
                continue
            settings.tasks[task_name] = {
                option: getattr(task, option, None) for option in TASK_OPTIONS
            }
        return settings


def seconds(value) -> float | None:
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None
