"""`play N`: serve a Django exercise with `runserver` on 127.0.0.1, to poke it with a browser or curl.

The playground uses the suite's own settings module (with DEBUG on and a fresh SQLite file
under .cache/playground/), the learner's code from the exercise folder, and Django's reloader,
so saving a file restarts the server.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
from pathlib import Path

from rich.text import Text

from grader import loader
from grader.manifest import Course
from grader.selection import find
from grader.writers.terminal import make_console

DEFAULT_PORT = 8000


def play(
    course: Course, selector: str, port: int | None, target: Path | None, reload: bool = True
) -> int:
    exercise = find(course, selector)
    if not exercise.django_settings:
        raise SystemExit(
            f"{exercise.folder} has no playground: only the Django exercises have one."
        )
    exercise_dir = (Path(target or course.exercises_dir) / exercise.folder).resolve()
    state = course.root / ".cache" / "playground" / exercise.folder
    # Django's reloader runs this again in a child with RUN_MAIN set: set up only once.
    first_start = os.environ.get("RUN_MAIN") != "true"
    if first_start:
        shutil.rmtree(state, ignore_errors=True)
        state.mkdir(parents=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE=exercise.django_settings,
        KATA_PLAYGROUND="1",
        KATA_PLAYGROUND_DB=str(state / "db.sqlite3"),
        KATA_PLAYGROUND_DIR=str(state),
    )
    sys.path.insert(0, str(exercise.suite_dir))
    loader.configure(exercise_dir)

    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    port = port if port is not None else _free_port(DEFAULT_PORT)
    if first_start:
        call_command("migrate", verbosity=0, interactive=False)
        _announce(exercise.folder, exercise_dir, port, getattr(settings, "PLAYGROUND_URLS", []))
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=reload, skip_checks=True)
    return 0


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


def _announce(folder: str, exercise_dir: Path, port: int, urls: list[tuple[str, str]]) -> None:
    console = make_console()
    console.print(
        Text(f"Playground for {folder}", style="bold"), f"— your code from {exercise_dir}"
    )
    console.print("Try / 试试:")
    for path, what in urls:
        console.print(Text(f"  http://127.0.0.1:{port}{path}", style="cyan"), f" {what}")
    console.print(
        Text(
            "Saving a file restarts the server. Ctrl-C stops it. / 保存文件会重启服务，Ctrl-C 停止。",
            style="dim",
        )
    )
