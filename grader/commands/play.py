"""`play N`: run an exercise for real, to try it by hand.

Django exercises: `runserver` on 127.0.0.1 with the suite's own settings module (DEBUG on, a
fresh SQLite file under .cache/playground/, demo data from the settings' PLAYGROUND_SETUP —
the DRF exercises' users, books and API key — printed on start), the learner's code, and
Django's reloader.
Celery exercises: a real `celery worker` for the learner's app; `play N --shell` opens a Python
shell, in another terminal, whose tasks go to that worker.
The nginx exercise: three processes, each started in its own session and stopped by its PID on
Ctrl-C — real nginx running the learner's nginx.conf (wrapped and rendered by the suite's
kata_nginx), the learner's uwsgi server running a demo WSGI app, and a plain HTTP backend.
"""

from __future__ import annotations

import argparse
import atexit
import code
import contextlib
import importlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from rich.text import Text

from grader import loader
from grader.brokers import playground_config
from grader.manifest import REPO_ROOT, Course, Exercise
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
    nginx = _is_nginx_exercise(exercise)
    if not (exercise.django_settings or exercise.celery_app or nginx):
        raise SystemExit(
            f"{exercise.folder} has no playground: the Django, Celery and nginx exercises have one."
        )
    exercise_dir = (Path(target or course.exercises_dir) / exercise.folder).resolve()
    state = course.root / ".cache" / "playground" / exercise.folder
    # The process a learner starts owns the state; Django's reloader child (RUN_MAIN), a shell
    # and a worker started next to runserver share it.
    owner = not (shell or worker) and os.environ.get("RUN_MAIN") != "true"
    if owner:
        _claim(state)
        shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(exercise.suite_dir))
    loader.configure(exercise_dir)
    if nginx:
        return _play_nginx(exercise, exercise_dir, state, port)
    if exercise.django_settings:
        _set_up_django(exercise, state)
    if shell or worker or not exercise.django_settings:
        return _play_celery(exercise, exercise_dir, state, shell)
    return _serve_django(course, exercise, target, exercise_dir, port, reload, owner)


def _claim(state: Path) -> None:
    """One playground per exercise at a time: a second one would wipe the first one's state
    (its database, its broker files) while it runs. The claim is the owner's pid, next to the
    state folder; a claim whose process is gone is taken over."""
    claim = state.with_name(f"{state.name}.pid")
    claim.parent.mkdir(parents=True, exist_ok=True)
    try:
        holder = int(claim.read_text().strip())
    except (OSError, ValueError):
        holder = None
    if holder and holder != os.getpid() and _alive(holder):
        raise SystemExit(
            f"A playground for {state.name} is already running (process {holder}). Stop it "
            f"first (Ctrl-C in its terminal), or use it. If none is running, delete {claim}."
        )
    claim.write_text(str(os.getpid()))
    atexit.register(_release, claim)


def _alive(pid: int) -> bool:
    if os.name != "posix":
        return False  # os.kill(pid, 0) would terminate the process on Windows: do not guess
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _release(claim: Path) -> None:
    with contextlib.suppress(OSError, ValueError):
        if int(claim.read_text().strip()) == os.getpid():
            claim.unlink()


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


# ── The nginx exercise: nginx, the learner's uwsgi server and an HTTP backend ───────────────

# A playground part runs in its own interpreter: `serve_part(kind, suite_dir, exercise_dir, port)`.
_PART = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from grader.commands.play import serve_part; serve_part(*sys.argv[2:])"
)


def _is_nginx_exercise(exercise: Exercise) -> bool:
    """The deployment exercise: the learner writes an nginx.conf, the suite brings kata_nginx.py."""
    return "nginx.conf" in exercise.files and (exercise.suite_dir / "kata_nginx.py").is_file()


def serve_part(kind: str, suite_dir: str, exercise_dir: str, port: str) -> None:
    """One part of the nginx playground, in its own process: the learner's uwsgi server running
    the suite's demo WSGI app, or the legacy HTTP backend."""
    sys.path.insert(0, suite_dir)
    import kata_apps  # the suite's demo WSGI app and legacy backend

    if kind == "legacy":
        kata_apps.LegacyBackend(int(port)).serve_forever()
        return
    loader.configure(Path(exercise_dir))
    try:
        server = loader.load("uwsgi_server").make_server("127.0.0.1", int(port), kata_apps.demo_app)
    except loader.LearnerCodeError as error:
        raise SystemExit(f"Your uwsgi server did not start: {error}") from None
    except NotImplementedError:
        raise SystemExit(
            "Your uwsgi server did not start: make_server() still raises NotImplementedError "
            "(task 2). /app/ cannot answer until it works."
        ) from None
    server.serve_forever()


def _play_nginx(exercise: Exercise, exercise_dir: Path, state: Path, port: int | None) -> int:
    import kata_nginx  # the suite's: how the grader finds, wraps and runs nginx

    binary = kata_nginx.find_nginx()
    if binary is None:
        raise SystemExit(kata_nginx.NGINX_MISSING)
    config = exercise_dir / "nginx.conf"
    if not config.is_file():
        raise SystemExit(f"{config} is missing: restore it with git checkout -- {config}.")
    listen = port if port is not None else _free_port(DEFAULT_PORT)
    uwsgi_port, legacy_port = _free_port(0), _free_port(0)
    try:
        site = kata_nginx.prepare(
            state / "nginx", config.read_text(encoding="utf-8"), listen,
            f"127.0.0.1:{uwsgi_port}", f"127.0.0.1:{legacy_port}", grading=False,
        )  # fmt: skip
        kata_nginx.check_config(binary, site)
    except kata_nginx.NginxError as error:
        raise SystemExit(str(error)) from None
    # Ctrl-C and SIGTERM must stop the three: unwind through `finally`. (SIGINT explicitly: a
    # shell starting this in the background would have it ignored.)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    parts: dict[str, subprocess.Popen] = {}
    try:
        for kind, part_port in (("uwsgi", uwsgi_port), ("legacy", legacy_port)):
            parts[kind] = subprocess.Popen(
                [sys.executable, "-c", _PART, str(REPO_ROOT), kind, str(exercise.suite_dir),
                 str(exercise_dir), str(part_port)],
                start_new_session=True,
            )  # fmt: skip
        running = kata_nginx.RunningNginx(binary, site, start_new_session=True)
        parts["nginx"] = running.process
        try:
            running.wait_until_listening()
        except kata_nginx.NginxError as error:
            raise SystemExit(str(error)) from None
        _wait_listening(legacy_port, parts["legacy"])
        _wait_listening(uwsgi_port, parts["uwsgi"])
        _announce_nginx(exercise, exercise_dir, site, parts, listen, uwsgi_port, legacy_port)
        return _watch(parts)
    except KeyboardInterrupt:
        return 0
    finally:
        for process in parts.values():
            _stop(process)
        print("Stopped nginx, your uwsgi server and the legacy backend.", flush=True)


def _wait_listening(port: int, process: subprocess.Popen, seconds: float = 10.0) -> None:
    """Until ``process`` itself listens on ``port`` (not another program that took it)."""
    import kata_servers  # the suite's, beside kata_nginx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        if kata_servers.listens_on(process.pid, port):
            return
        time.sleep(0.05)


def _watch(parts: dict[str, subprocess.Popen]) -> int:
    """Until Ctrl-C. A part that stops is reported once; nginx stopping ends the playground."""
    reported: set[str] = set()
    console = make_console()
    # From here Ctrl-C and SIGTERM only set a flag the loop reads: an exception raised at any
    # bytecode could land inside Popen.poll() while it holds its wait lock, and the stop that
    # follows would then wait on that lock for ever.
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    while parts["nginx"].poll() is None:
        for kind, process in parts.items():
            if process.poll() is not None and kind not in reported:
                reported.add(kind)
                console.print(
                    Text(
                        f"{_PART_NAMES[kind]} stopped (exit code {process.returncode}).",
                        style="bold red",
                    )
                )
        if stop.wait(0.3):
            return 0
    console.print(Text(f"nginx stopped (exit code {parts['nginx'].returncode}).", style="bold red"))
    return 1


_PART_NAMES = {
    "nginx": "nginx (your nginx.conf)",
    "uwsgi": "your uwsgi server",
    "legacy": "the legacy HTTP backend",
}


def _announce_nginx(
    exercise: Exercise,
    exercise_dir: Path,
    site,
    parts: dict[str, subprocess.Popen],
    listen: int,
    uwsgi_port: int,
    legacy_port: int,
) -> None:
    console = make_console()
    console.print(
        Text(f"Playground for {exercise.folder}", style="bold"), f"— your code from {exercise_dir}"
    )
    where = {"nginx": f"127.0.0.1:{listen}", "uwsgi": f"127.0.0.1:{uwsgi_port}",
             "legacy": f"127.0.0.1:{legacy_port}"}  # fmt: skip
    console.print("Running / 正在运行:")
    for kind in ("nginx", "uwsgi", "legacy"):
        console.print(f"  {_PART_NAMES[kind]:<26} pid {parts[kind].pid:<7} {where[kind]}")
    base = f"http://127.0.0.1:{listen}"
    console.print("Try / 试试:")
    console.print(
        Text(f"  {base}/app/hello?name=Ada", style="cyan"),
        "   client → nginx → uwsgi protocol → your server → a WSGI app",
    )
    console.print(
        Text(f"  {base}/legacy/hello?name=Ada", style="cyan"),
        "client → nginx → HTTP → the legacy backend",
    )
    console.print(Text(f"  curl -i -d 'title=Dune' '{base}/app/books?page=2'", style="cyan"))
    console.print(f"nginx's error log: {site.error_log}")
    console.print(
        Text(
            "Ctrl-C stops all three. Restart after editing your files. / "
            "Ctrl-C 停止全部三个进程；修改文件后请重新启动。",
            style="dim",
        )
    )
    sys.stdout.flush()


HELP = "try an exercise by hand: Django/DRF or nginx on 127.0.0.1, or a Celery worker"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("selector", metavar="EXERCISE")
    parser.add_argument("--port", type=int, help="port on 127.0.0.1 (default: 8000, or a free one)")
    parser.add_argument(
        "--target", type=Path, help="folder holding the NN_slug folders (default: exercises/)"
    )
    parser.add_argument(
        "--noreload", action="store_false", dest="reload", help="do not restart on save"
    )
    parser.add_argument(
        "--shell", action="store_true", help="Celery: a Python shell that sends tasks to the worker"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)


def handle(args: argparse.Namespace, course: Course) -> int:
    return play(course, args.selector, args.port, args.target, args.reload, args.shell, args.worker)
