"""The learner's tools: watch (driven by real file writes), doctor, the dependency lock, and the
sessions that must start without Django or rich."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

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
        environ = {**inherited, "PYTHONUNBUFFERED": "1", **(env or {})}
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
        '{"exercises": {"01_adder": {"first_passed": "2026-01-01T00:00:00", "best_points": 9}}}',
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
