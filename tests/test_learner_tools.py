"""The learner's tools: watch (driven by real file writes), doctor, the dependency lock, and the
sessions that must start without Django or rich."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from grader.commands.doctor import lock_inputs_digest, read_lock, read_lock_digest
from grader.commands.watch import filesystem_of, polling_reason

HERE = Path(__file__).parent
REPO = HERE.parent
FIXTURE_COURSE = HERE / "fixture_course"
# Generous: each round grades real exercises in child processes on a shared machine.
ROUND_SECONDS = 60


@pytest.fixture
def course_copy(tmp_path) -> Path:
    """A temporary copy of the fixture course; its exercises/ folder is the learner's."""
    copy = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, copy)
    return copy


class Watcher:
    """`python -m grader watch` in a subprocess, its output read line by line with a deadline."""

    def __init__(self, course: Path, *args: str, env: dict | None = None) -> None:
        command = [sys.executable, "-m", "grader", "--course", str(course / "grader" / "course.toml"),
                   "watch", *args]  # fmt: skip
        # Events by default: the test says when it wants polling.
        inherited = {k: v for k, v in os.environ.items() if k != "KATA_WATCH_POLL"}
        environ = {
            **inherited,
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            **(env or {}),
        }
        self.process = subprocess.Popen(
            command, cwd=REPO, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, text=True, encoding="utf-8",
        )  # fmt: skip
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, text: str, seconds: float = ROUND_SECONDS) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            self.lines.append(line)
            if text in line:
                return line
        raise AssertionError(f"{text!r} never came; watch printed:\n{''.join(self.lines)}")

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=ROUND_SECONDS)
        finally:
            self.stop()
        while (line := self._queue.get(timeout=5)) is not None:
            self.lines.append(line)
        return code

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    @property
    def output(self) -> str:
        return "".join(self.lines)


@pytest.fixture
def start_watch(course_copy):
    watchers: list[Watcher] = []

    def start(*args: str, env: dict | None = None) -> Watcher:
        watcher = Watcher(course_copy, *args, env=env)
        watchers.append(watcher)
        return watcher

    yield start
    for watcher in watchers:
        watcher.stop()


def solve(course: Path, folder: str, name: str) -> None:
    """What a learner's editor does: write the solved file over the stub."""
    solved = (course / "solutions" / folder / name).read_text(encoding="utf-8")
    (course / "exercises" / folder / name).write_text(solved, encoding="utf-8")


@pytest.mark.slow
def test_watch_congratulates_and_moves_on_to_the_next_unfinished_exercise(course_copy, start_watch):
    watcher = start_watch("01", "02")
    watcher.wait_for("Watching 01_adder")
    solve(course_copy, "01_adder", "adder.py")
    watcher.wait_for("✓ 01_adder passes. Congratulations! On to 02_greeter.")
    watcher.wait_for("Watching 02_greeter")
    solve(course_copy, "02_greeter", "greeter.py")
    watcher.wait_for("✓ 02_greeter passes")
    watcher.wait_for("Every exercise you are watching passes")
    assert watcher.interrupt() == 0


@pytest.mark.slow
def test_watch_off_a_terminal_prints_plain_rounds_and_stops_cleanly_on_ctrl_c(
    course_copy, start_watch
):
    watcher = start_watch("01")
    watcher.wait_for("Watching 01_adder")
    (course_copy / "exercises" / "01_adder" / "adder.py").write_text(
        "def add(a, b):\n    return a + b\n", encoding="utf-8"
    )
    watcher.wait_for("a file changed, grading again")
    watcher.wait_for("Watching 01_adder")
    assert watcher.interrupt() == 0
    assert "\x1b[" not in watcher.output  # no screen clearing, no colour
    assert "Traceback" not in watcher.output
    assert "Stopped watching." in watcher.output


@pytest.mark.slow
def test_watch_polls_when_asked_and_says_so(course_copy, start_watch):
    watcher = start_watch("02", env={"KATA_WATCH_POLL": "1"})
    watcher.wait_for("Polling for changes every 0.3 s instead.")
    watcher.wait_for("Watching 02_greeter")
    solve(course_copy, "02_greeter", "greeter.py")
    watcher.wait_for("✓ 02_greeter passes")
    assert "File events may not arrive here (KATA_WATCH_POLL=1)." in watcher.output
    assert watcher.interrupt() == 0


@pytest.mark.slow
def test_watch_follows_the_learner_to_another_exercise(course_copy, start_watch):
    watcher = start_watch("01", "02")
    watcher.wait_for("Watching 01_adder")
    (course_copy / "exercises" / "02_greeter" / "greeter.py").write_text(
        "def greet(name):\n    return None\n", encoding="utf-8"
    )
    watcher.wait_for("Watching 02_greeter")
    assert watcher.interrupt() == 0


@pytest.mark.slow
def test_watch_skips_the_first_grade_of_exercises_the_progress_file_shows_passed(
    course_copy, start_watch
):
    (course_copy / ".kata").mkdir()
    (course_copy / ".kata" / "progress.json").write_text(
        '{"exercises": {"01_adder": {"first_passed": "2026-01-01T00:00:00", "best_points": 9,'
        ' "last_passed": true}}}',
        encoding="utf-8",
    )
    watcher = start_watch("01", "02")
    watcher.wait_for("Watching 02_greeter")
    assert "01  adder" not in watcher.output
    assert watcher.interrupt() == 0


def test_polling_is_chosen_for_network_and_windows_drives(tmp_path):
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "overlay / overlay rw 0 0\n"
        "server:/home /home/shared nfs4 rw 0 0\n"
        "C:\\134 /mnt/c 9p rw 0 0\n"
        "tmpfs /home/shared/my\\040course tmpfs rw 0 0\n",
        encoding="utf-8",
    )
    linux, wsl = tmp_path / "linux", tmp_path / "wsl"
    linux.write_text("Linux version 6.8.0-generic", encoding="utf-8")
    wsl.write_text("Linux version 5.15.153.1-microsoft-standard-WSL2", encoding="utf-8")

    def reason(folder: str, kernel: Path = linux, environ: dict | None = None) -> str | None:
        return polling_reason(Path(folder), environ or {}, mounts, kernel)

    assert filesystem_of(Path("/home/shared/my course/exercises"), mounts) == "tmpfs"
    assert reason("/home/shared/katas") == "a nfs4 filesystem"
    assert reason("/home/shared/my course/exercises") is None
    assert reason("/srv/katas") is None
    assert reason("/mnt/c/Users/me/katas", kernel=wsl) == "a Windows drive under WSL"
    assert reason("/srv/katas", environ={"KATA_WATCH_POLL": "1"}) == "KATA_WATCH_POLL=1"
    assert reason("/home/shared/katas", environ={"KATA_WATCH_POLL": "0"}) is None


# ── doctor ──────────────────────────────────────────────────────────────────────────────────

REAL_MANIFEST = REPO / "grader" / "course.toml"
LOCK = REPO / "requirements" / "lock.txt"
PYPROJECT = REPO / "pyproject.toml"
# doctor as `python -m grader doctor` runs it, on an interpreter that sees the standard library
# only (-S: no site-packages, so no Django, rich or packaging) and writes no bytecode (-B).
DOCTOR = """
import argparse, sys
sys.path.insert(0, sys.argv.pop(1))
from grader.commands import doctor
from grader.manifest import load_course
parser = argparse.ArgumentParser()
doctor.add_arguments(parser)
sys.exit(doctor.handle(parser.parse_args(sys.argv[2:]), load_course(sys.argv[1])))
"""


def stdlib_only(code: str, *args: str, env: dict | None = None):
    return subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c", code, *args],
        env=env, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )  # fmt: skip


@pytest.fixture
def machine(tmp_path):
    """A fake machine for doctor: an environment, a grading virtualenv and nginx of our making."""
    nginx = tmp_path / "nginx"
    nginx.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    nginx.chmod(0o755)
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"KATA_REDIS_URL", "CELERY_BROKER_URL", "KATA_AMQP_URL", "KATA_NGINX"}
    }
    environ["KATA_NGINX"] = str(nginx)
    return environ


def fake_venv(folder: Path, python: str = "3.11.7", **versions: str) -> Path:
    """A virtualenv whose python answers doctor's question with the given versions."""
    locked = {"Django": "5.2.19", "djangorestframework": "3.18.3", "celery": "5.7.0",
              "pytest": "9.2.0", "pyuwsgi": "2.0.30.post1"}  # fmt: skip
    packages = {**locked, **versions}
    packages = {name: version for name, version in packages.items() if version}
    listing = {"python": python, "implementation": "CPython", "packages": packages}
    script = folder / "bin" / "python"
    script.parent.mkdir(parents=True)
    script.write_text(f"#!/bin/sh\ncat <<'END'\n{json.dumps(listing)}\nEND\n", encoding="utf-8")
    script.chmod(0o755)
    return folder


def fake_lock(path: Path) -> Path:
    path.write_text(
        f"# inputs-sha256: {lock_inputs_digest(PYPROJECT)}\n"
        "celery==5.7.0\n"
        "django==5.2.19 ; python_full_version < '3.12'\n"
        "django==6.1.3 ; python_full_version >= '3.12'\n"
        "djangorestframework==3.18.3\n"
        "pytest==9.2.0\n"
        "pyuwsgi==2.0.30.post1 ; sys_platform != 'win32'\n",
        encoding="utf-8",
    )
    return path


def run_doctor(environ: dict, venv: Path, lock: Path):
    args = ["--venv", str(venv), "--lock", str(lock)]
    return stdlib_only(DOCTOR, str(REPO), str(REAL_MANIFEST), *args, env=environ)


posix_only = pytest.mark.skipif(os.name == "nt", reason="the fake virtualenv is a shell script")


@posix_only
def test_doctor_says_a_full_grade_is_possible_and_exits_0(machine, tmp_path):
    done = run_doctor(machine, fake_venv(tmp_path / "venv"), fake_lock(tmp_path / "lock.txt"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Everything a full grade needs is here." in done.stdout
    assert "matches the lock" in done.stdout
    assert "django 5.2.19 · djangorestframework 3.18.3 · celery 5.7.0 · pytest 9.2.0" in done.stdout
    assert "13_nginx_uwsgi grades fully" in done.stdout
    assert "in-memory" in done.stdout
    assert "fix:" not in done.stdout


@posix_only
def test_doctor_names_the_fix_for_missing_nginx_and_an_unreachable_redis(machine, tmp_path):
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    machine["KATA_NGINX"] = str(tmp_path / "no-nginx-here")
    machine["KATA_REDIS_URL"] = f"redis://127.0.0.1:{port}/9"
    done = run_doctor(machine, fake_venv(tmp_path / "venv"), fake_lock(tmp_path / "lock.txt"))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    nginx = next(i for i, line in enumerate(lines) if line.startswith("✗ nginx"))
    assert "13_nginx_uwsgi grades only the tests without nginx" in lines[nginx]
    assert "fix: " in lines[nginx + 1] and "nginx" in lines[nginx + 1]
    broker = next(i for i, line in enumerate(lines) if line.startswith("✗ broker"))
    assert f"KATA_REDIS_URL=redis://127.0.0.1:{port}/9 does not answer" in lines[broker]
    assert lines[broker + 1].strip() == "fix: unset KATA_REDIS_URL"
    assert "2 problems stand between you and a full grade" in done.stdout


@posix_only
def test_doctor_accepts_a_broker_that_answers_and_hides_its_password(machine, tmp_path):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        machine["KATA_AMQP_URL"] = f"amqp://kata:s3cret@127.0.0.1:{port}//"
        done = run_doctor(machine, fake_venv(tmp_path / "venv"), fake_lock(tmp_path / "lock.txt"))
    assert done.returncode == 0, done.stdout
    assert f"KATA_AMQP_URL=amqp://kata:***@127.0.0.1:{port}// answers" in done.stdout
    assert "s3cret" not in done.stdout


@posix_only
def test_doctor_says_when_the_virtualenv_differs_from_the_lock_and_how_to_rebuild_it(
    machine, tmp_path
):
    venv = fake_venv(tmp_path / "venv", Django="5.1.4", pyuwsgi="")
    done = run_doctor(machine, venv, fake_lock(tmp_path / "lock.txt"))
    assert done.returncode == 1
    assert "differs from the lock: django 5.1.4 (lock: 5.2.19" in done.stdout
    assert "fix: nox -s grade --install-only --reuse-venv=never" in done.stdout
    assert "pyuwsgi missing: 13_nginx_uwsgi grades only partly" in done.stdout


@posix_only
def test_doctor_on_a_fresh_clone_says_how_to_build_the_grading_virtualenv(machine, tmp_path):
    done = run_doctor(machine, tmp_path / "no-venv", fake_lock(tmp_path / "lock.txt"))
    assert done.returncode == 1
    assert "not built yet" in done.stdout
    assert "fix: nox -s grade --install-only" in done.stdout
    assert "Traceback" not in done.stderr


# ── the lock ────────────────────────────────────────────────────────────────────────────────


def test_the_lock_was_generated_from_the_current_dependency_list():
    assert read_lock_digest(LOCK) == lock_inputs_digest(PYPROJECT), (
        "pyproject.toml's dependency groups changed since requirements/lock.txt was generated: "
        "run `nox -s lock` and commit the new lock."
    )


def test_the_lock_digest_follows_every_change_to_the_dependency_list(tmp_path):
    changed = tmp_path / "pyproject.toml"
    text = PYPROJECT.read_text(encoding="utf-8")
    changed.write_text(text.replace('"pytest-timeout>=2.3"', '"pytest-timeout>=2.4"'), "utf-8")
    assert lock_inputs_digest(changed) != lock_inputs_digest(PYPROJECT)


def test_the_lock_pins_django_for_every_supported_python():
    django = [line for line in LOCK.read_text(encoding="utf-8").splitlines()
              if line.startswith("django==")]  # fmt: skip
    older = read_lock(LOCK, {"python_version": "3.11", "python_full_version": "3.11.7"})
    newer = read_lock(LOCK, {"python_version": "3.13", "python_full_version": "3.13.0"})
    assert len(django) == 2, django
    assert older["django"][0].startswith("5.2.")
    assert newer["django"][0].split(".")[0] == "6"


def test_nox_and_doctor_compute_the_lock_digest_the_same_way(noxfile):
    assert noxfile.lock_inputs_digest(noxfile.PYPROJECT) == lock_inputs_digest(PYPROJECT)


def test_sessions_that_read_or_share_the_grading_virtualenv_build_none_of_their_own(noxfile):
    reading = [noxfile.hint, noxfile.list_, noxfile.reset, noxfile.solution, noxfile.doctor]
    grading = [noxfile.watch, noxfile.play, noxfile.verify, noxfile.bench]
    assert [session.venv_backend for session in reading + grading] == ["none"] * 9
    assert noxfile.grade.venv_backend is None  # the one that builds .nox/grade


# ── sessions that run on nox's own interpreter ──────────────────────────────────────────────

GRADER_CLI = (
    "import sys; sys.path.insert(0, sys.argv.pop(1)); from grader.cli import main; sys.exit(main())"
)


@pytest.mark.parametrize("verb", [["list"], ["hint", "01"]])
def test_reading_verbs_run_with_the_standard_library_only(verb):
    done = stdlib_only(GRADER_CLI, str(REPO), *verb)
    assert done.returncode == 0, done.stderr
    assert "01" in done.stdout


@pytest.mark.parametrize("verb", ["watch", "doctor", "bench"])
def test_verb_modules_import_with_the_standard_library_only(verb):
    """The command line imports every verb to collect its arguments, also for `hint` and `list`
    on nox's own interpreter: a verb imports rich, Django or watchfiles only when it runs."""
    code = f"import sys; sys.path.insert(0, sys.argv.pop(1)); import grader.commands.{verb}"
    done = stdlib_only(code, str(REPO))
    assert done.returncode == 0, done.stderr


def test_the_terminal_writer_falls_back_to_plain_lines_without_rich():
    code = (
        "import sys; sys.path.insert(0, sys.argv.pop(1)); "
        "from grader.writers.terminal import make_console; "
        "console = make_console(); console.print('Hint 1/2', style='bold cyan'); "
        "print(type(console).__name__)"
    )
    done = stdlib_only(code, str(REPO))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["Hint 1/2", "PlainConsole"]
