"""`play N`: run an exercise for real, to try it by hand.

Django exercises: `runserver` on 127.0.0.1 with the suite's own settings module (DEBUG on, a
fresh SQLite file under .cache/playground/, demo data from the settings' PLAYGROUND_SETUP —
the DRF exercises' users, books and API key — printed on start), the learner's code, and
Django's reloader.
Celery exercises: a real `celery worker` for the learner's app; `play N --shell` opens a Python
shell, in another terminal, whose tasks go to that worker.
"""

from __future__ import annotations

import code
import contextlib
import importlib
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

from rich.text import Text

from grader import loader
from grader.brokers import playground_config
from grader.manifest import Course, Exercise
from grader.selection import find
from grader.writers.terminal import make_console

DEFAULT_PORT = 8000


def play(
    course: Course,
    selector: str,
    port: int | None,
    target: Path | None,
    reload: bool = True,
    shell: bool = False,
    worker: bool = False,
) -> int:
    exercise = find(course, selector)
    if not (exercise.django_settings or exercise.celery_app):
        raise SystemExit(
            f"{exercise.folder} has no playground: the Django and Celery exercises have one."
        )
    exercise_dir = (Path(target or course.exercises_dir) / exercise.folder).resolve()
    state = course.root / ".cache" / "playground" / exercise.folder
    # The process a learner starts owns the state; Django's reloader child (RUN_MAIN), a shell
    # and a worker started next to runserver share it.
    owner = not (shell or worker) and os.environ.get("RUN_MAIN") != "true"
    if owner:
        shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(exercise.suite_dir))
    loader.configure(exercise_dir)
    if exercise.django_settings:
        _set_up_django(exercise, state)
    if shell or worker or not exercise.django_settings:
        return _play_celery(exercise, exercise_dir, state, shell)
    return _serve_django(course, exercise, target, exercise_dir, port, reload, owner)


def _set_up_django(exercise: Exercise, state: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE=exercise.django_settings,
        KATA_PLAYGROUND="1",
        KATA_PLAYGROUND_DB=str(state / "db.sqlite3"),
        KATA_PLAYGROUND_DIR=str(state),
    )
    import django

    django.setup()


def _serve_django(
    course: Course,
    exercise: Exercise,
    target: Path | None,
    exercise_dir: Path,
    port: int | None,
    reload: bool,
    owner: bool,
) -> int:
    from django.conf import settings
    from django.core.management import call_command

    port = port if port is not None else _free_port(DEFAULT_PORT)
    worker = None
    if owner:
        call_command("migrate", verbosity=0, interactive=False)
        demo = _seed(getattr(settings, "PLAYGROUND_SETUP", None))
        _announce(
            exercise.folder, exercise_dir, port, getattr(settings, "PLAYGROUND_URLS", []), demo
        )
        if exercise.celery_app:
            worker = _start_worker_process(course, exercise, target)
    try:
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=reload, skip_checks=True)
    finally:
        if worker is not None:
            _stop(worker)
    return 0


def _start_worker_process(
    course: Course, exercise: Exercise, target: Path | None
) -> subprocess.Popen:
    """The exercise's Celery worker, beside runserver, on the same database and broker."""
    manifest = course.root / "grader" / "course.toml"
    command = [
        sys.executable,
        "-m",
        "grader",
        "--course",
        str(manifest),
        "play",
        exercise.id,
        "--worker",
    ]
    if target:
        command += ["--target", str(target)]
    # A SIGTERM to this process must still stop the worker: make it unwind through `finally`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    return subprocess.Popen(command, start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _free_port(preferred: int) -> int:
    """The preferred port when it is free, else any free one."""
    for candidate in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise SystemExit("No free port on 127.0.0.1.")


def _seed(setup: str | None) -> list[tuple[str, str]]:
    """Run the settings' PLAYGROUND_SETUP (demo data); it returns what to print about it."""
    if not setup:
        return []
    from django.utils.module_loading import import_string

    return list(import_string(setup)())


def _announce(
    folder: str,
    exercise_dir: Path,
    port: int,
    urls: list[tuple[str, str]],
    demo: list[tuple[str, str]],
) -> None:
    console = make_console()
    console.print(
        Text(f"Playground for {folder}", style="bold"), f"— your code from {exercise_dir}"
    )
    if demo:
        console.print("Demo data / 演示数据:")
        for what, value in demo:
            console.print(f"  {what}:", Text(value, style="bold"))
    console.print("Try / 试试:")
    for path, what in urls:
        console.print(Text(f"  http://127.0.0.1:{port}{path}", style="cyan"), f" {what}")
    console.print(
        Text(
            "Saving a file restarts the server. Ctrl-C stops it. / 保存文件会重启服务，Ctrl-C 停止。",
            style="dim",
        )
    )


def _play_celery(exercise: Exercise, exercise_dir: Path, state: Path, shell: bool) -> int:
    module_name, _, attribute = exercise.celery_app.partition(":")
    config, where = playground_config(state)
    module = loader.load(module_name)
    app = getattr(module, attribute or "app")
    app.conf.update(config)
    console = make_console()
    if shell:
        example = exercise.playground_example or f"{module_name}.<task>.delay(...).get(timeout=10)"
        banner = (
            f"Python shell for {exercise.folder}: `app` is your Celery app, `{module_name}` your module.\n"
            f"Tasks go to the worker of `nox -s play -- {exercise.id}` ({where}). Try:\n"
            f"  >>> {example}"
        )
        code.interact(
            banner=banner, local={"app": app, module_name: importlib.import_module(module_name)}
        )
        return 0
    console.print(
        Text(f"Celery worker for {exercise.folder}", style="bold"),
        f"— your code from {exercise_dir}",
    )
    console.print(f"Broker and results: {where}")
    console.print(
        Text(
            f"In another terminal / 在另一个终端: nox -s play -- {exercise.id} --shell",
            style="cyan",
        )
    )
    console.print(Text("Ctrl-C stops the worker. / Ctrl-C 停止 worker。", style="dim"))
    argv = ["worker", "--loglevel=INFO", "--pool=threads", "--concurrency=2", "--without-heartbeat",
            "--without-mingle", "--without-gossip", f"--hostname=play{exercise.id}@%h"]  # fmt: skip
    if app.conf.beat_schedule:
        # Periodic tasks: beat runs inside the worker, so the schedule can be watched firing.
        argv += ["--beat", f"--schedule={state / 'celerybeat-schedule'}"]
        console.print("Beat runs inside this worker: your beat_schedule sends its tasks here.")
    app.worker_main(argv)
    return 0
