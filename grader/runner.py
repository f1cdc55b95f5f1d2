"""Run each exercise's hidden suite in its own child process, several at once.

The child is a fresh interpreter in isolated mode (-I: no PYTHON* variables, no user site, no
script folder on sys.path) that never writes bytecode (-B, so grading leaves no __pycache__ in
the learner's folder). It runs in a fresh temporary working directory and its own process
group, so the whole group is killed when the exercise's wall-clock limit is hit and anything
the learner's code left running is reaped afterwards.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from grader.manifest import REPO_ROOT, Exercise

OUTPUT_TAIL_BYTES = 4000
FILE_SIZE_LIMIT = 128 * 2**20
# Seconds allowed for pytest to start and report after the exercise's own limit is up.
BOOT_ALLOWANCE = 2.0

_BOOT = (
    "import sys; sys.path.insert(0, sys.argv.pop(1)); "
    "from grader.child import main; sys.exit(main(sys.argv[1:]))"
)


@dataclass(frozen=True)
class ChildRun:
    """What one child process left behind, before any scoring."""

    exercise: Exercise
    target: Path
    events: list[dict]
    returncode: int | None
    timed_out: bool
    duration: float
    output_tail: str

    def events_of(self, kind: str) -> list[dict]:
        return [event for event in self.events if event.get("event") == kind]


def child_command(exercise: Exercise, exercise_dir: Path, results: Path) -> list[str]:
    suites_dir = exercise.suite_dir.parent
    config = {
        "memory_bytes": exercise.limits.memory_mb * 2**20,
        "cpu_seconds": int(exercise.limits.exercise_seconds + 5),
        "file_bytes": FILE_SIZE_LIMIT,
        # On sys.path before pytest starts, because pytest-django sets Django up that early: the
        # suite folder first (its settings), the learner folder last (never shadowing anything).
        "sys_path": [str(exercise.suite_dir)],
        "sys_path_append": [str(exercise_dir)],
    }
    pytest_args = [
        str(exercise.suite_dir),
        "-c", str(suites_dir / "pytest.ini"),
        "--rootdir", str(suites_dir),
        "--confcutdir", str(suites_dir),
        "-p", "grader.plugin",
        "-p", "pytest_timeout",
        "-p", "no:cacheprovider",
        # Built-in plugins no suite uses: less start-up, and no pdb for a stray breakpoint().
        *("-p", "no:doctest", "-p", "no:junitxml", "-p", "no:pastebin", "-p", "no:legacypath"),
        *("-p", "no:setuponly", "-p", "no:setupplan", "-p", "no:stepwise", "-p", "no:debugging"),
        *(arg for plugin in exercise.plugins for arg in ("-p", plugin)),
        *(("--ds", exercise.django_settings) if exercise.django_settings else ()),
        "--timeout", str(exercise.limits.test_seconds),
        "--kata-exercise-dir", str(exercise_dir),
        "--kata-results", str(results),
        # Plain asserts: the learner sees the suite's message, not pytest's operand dump.
        "--assert=plain",
        "-q", "--no-header", "--tb=short",
    ]  # fmt: skip
    return [
        sys.executable,
        "-I",
        "-B",
        "-c",
        _BOOT,
        str(REPO_ROOT),
        json.dumps(config),
        "--",
        *pytest_args,
    ]


def child_environment(tmp: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "PYTHON")) and key not in {"COV_CORE_SOURCE"}
    }
    env.update(
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",  # only the plugins the grader names
        TMPDIR=str(tmp), TEMP=str(tmp), TMP=str(tmp),
        MALLOC_ARENA_MAX="2",  # keeps virtual memory low enough for the address-space limit
    )  # fmt: skip
    return env


def run_exercise(exercise: Exercise, target: Path) -> ChildRun:
    workdir = Path(tempfile.mkdtemp(prefix=f"kata-{exercise.folder}-"))
    try:
        tmp = workdir / "tmp"
        tmp.mkdir()
        results = workdir / "results.jsonl"
        output = workdir / "output.txt"
        command = child_command(exercise, Path(target).resolve() / exercise.folder, results)
        started = time.perf_counter()
        with open(output, "wb") as sink:
            process = subprocess.Popen(
                command,
                cwd=workdir,
                env=child_environment(tmp),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                **_new_process_group(),
            )
            timed_out = False
            try:
                process.wait(timeout=exercise.limits.exercise_seconds + BOOT_ALLOWANCE)
            except subprocess.TimeoutExpired:
                timed_out = True
            finally:
                _kill_group(process)
        duration = time.perf_counter() - started
        return ChildRun(
            exercise=exercise,
            target=Path(target),
            events=_read_events(results),
            returncode=process.returncode,
            timed_out=timed_out,
            duration=duration,
            output_tail=_tail(output),
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run_exercises(
    exercises: list[Exercise],
    target: Path,
    jobs: int | None = None,
    on_done: Callable[[ChildRun], None] | None = None,
) -> list[ChildRun]:
    """Run every exercise against ``target``; results in the order given."""
    return run_pairs([(exercise, target) for exercise in exercises], jobs, on_done)


def run_pairs(
    pairs: list[tuple[Exercise, Path]],
    jobs: int | None = None,
    on_done: Callable[[ChildRun], None] | None = None,
) -> list[ChildRun]:
    jobs = max(1, jobs or os.cpu_count() or 1)
    runs: dict[int, ChildRun] = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(run_exercise, exercise, target): i
            for i, (exercise, target) in enumerate(pairs)
        }
        for future in as_completed(futures):
            run = future.result()
            runs[futures[future]] = run
            if on_done:
                on_done(run)
    return [runs[i] for i in range(len(pairs))]


def _new_process_group() -> dict:
    if os.name == "posix":
        return {"start_new_session": True}
    return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}


def _kill_group(process: subprocess.Popen) -> None:
    """Kill the child and everything it started; safe to call when they have already exited."""
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    else:
        subprocess.run(
            ["taskkill", "/F", "/T", "/PID", str(process.pid)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
        )  # fmt: skip
    if process.poll() is None:
        process.kill()
    process.wait()


def _read_events(path: Path) -> list[dict]:
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a killed child
        if isinstance(event, dict):
            events.append(event)
    return events


def _tail(path: Path) -> str:
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - OUTPUT_TAIL_BYTES))
        return handle.read().decode("utf-8", errors="replace")
