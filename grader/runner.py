"""Run each exercise's hidden suite in its own child process, several at once.

The child is a fresh interpreter in isolated mode (-I: no PYTHON* variables, no user site, no
script folder on sys.path) that never writes bytecode (-B). It imports the grader and its suite
from the grade run's private read-only snapshot, grades a copy of the learner's folder in a fresh
work folder of its own, gets a minimal environment, and where the machine allows runs in its own
PID namespace under an unprivileged uid (grader.isolation). Its results come back through a file
with no name, inherited as a descriptor, which no other process can find. Whatever the child
left running is killed, by ancestry or with its namespace, before its results are read.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from grader import isolation, splitting
from grader.manifest import Exercise

OUTPUT_TAIL_BYTES = 4000
FILE_SIZE_LIMIT = 128 * 2**20
# Processes a child may run at once, counted per uid: set only when it has a uid of its own.
PROCESS_LIMIT = 512
# From the weakest to the strongest; isolation_report says which one each child ran under.
ISOLATION_LEVELS = ("basic", "partial", "full")
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
    # What kept this child apart (see isolation_report); empty for a run not made by run_exercise.
    isolation: dict = field(default_factory=dict)
    # time.monotonic() when the child started and when it and all it started were gone.
    started: float = 0.0
    finished: float = 0.0
    # An exercise split over several children (grader.splitting): their runs, one per group of
    # test files, in file order. Scoring reads each part on its own.
    parts: tuple[ChildRun, ...] = ()

    def events_of(self, kind: str) -> list[dict]:
        return [event for event in self.events if event.get("event") == kind]

    @classmethod
    def combined(cls, parts: list[ChildRun]) -> ChildRun:
        """One run for an exercise whose test files ran in several children."""
        first = parts[0]
        started = min(part.started for part in parts)
        finished = max(part.finished for part in parts)
        return cls(
            exercise=first.exercise,
            target=first.target,
            events=[event for part in parts for event in part.events],
            returncode=next(
                (part.returncode for part in parts if part.returncode), first.returncode
            ),
            timed_out=any(part.timed_out for part in parts),
            duration=finished - started,
            output_tail="".join(part.output_tail for part in parts)[-OUTPUT_TAIL_BYTES:],
            isolation=_weakest_isolation([part.isolation for part in parts]),
            started=started,
            finished=finished,
            parts=tuple(parts),
        )


def child_command(
    exercise: Exercise,
    exercise_dir: Path,
    workdir: Path,
    results: str,
    snapshot: isolation.Snapshot,
    launcher: isolation.Launcher,
    results_fd: int | None = None,
    files: tuple[str, ...] | None = None,
) -> list[str]:
    """The child's command line; ``files``, some of the suite's test files: only those run."""
    suites_dir = snapshot.suites_dir(exercise)
    suite_dir = snapshot.suite_dir(exercise)
    prefix, own_network = isolation.child_prefix(launcher)
    config = {
        "memory_bytes": exercise.limits.memory_mb * 2**20,
        "cpu_seconds": int(exercise.limits.exercise_seconds + 5),
        "file_bytes": FILE_SIZE_LIMIT,
        "processes": PROCESS_LIMIT if launcher.separate_uid else None,
        "uid": launcher.uid,
        "gid": launcher.gid,
        "results_fd": results_fd,
        # Its own mount namespace comes with the PID namespace: lock it (grader.child.lock_down).
        "lock_down": launcher.pid_namespace,
        "hidden": list(isolation.HIDDEN_FOLDERS),
        # What stays in sight in them: the snapshot (pytest.ini beside the suites), the programs
        # a suite may run, and the work folder, the interpreter and sys.path (the child adds those).
        "in_sight": [str(snapshot.root), *isolation.in_sight()],
        "own_network": own_network,
        "writable": [str(workdir)],
        # Mounted in memory when the child locks down: pytest's tmp_path and the like.
        "temporary": str(workdir / "tmp"),
        # On sys.path before pytest starts, because pytest-django sets Django up that early: the
        # suite folder first (its settings), the learner folder last (never shadowing anything).
        "sys_path": [str(suite_dir)],
        "sys_path_append": [str(exercise_dir)],
        # Imported by the child and handed to pytest as modules: a "-p NAME" makes pytest read
        # every installed distribution's entry points first (importlib.metadata, each time).
        "plugins": ["grader.plugin", "pytest_timeout", *exercise.plugins],
    }
    pytest_args = [
        *([str(suite_dir / name) for name in files] if files else [str(suite_dir)]),
        "-c", str(suites_dir / "pytest.ini"),
        "--rootdir", str(suites_dir),
        "--confcutdir", str(suites_dir),
        "-p", "no:cacheprovider",
        # Built-in plugins no suite uses: less start-up, and no pdb for a stray breakpoint().
        *("-p", "no:doctest", "-p", "no:junitxml", "-p", "no:pastebin", "-p", "no:legacypath"),
        *("-p", "no:setuponly", "-p", "no:setupplan", "-p", "no:stepwise", "-p", "no:debugging"),
        *(("--ds", exercise.django_settings) if exercise.django_settings else ()),
        "--timeout", str(exercise.limits.test_seconds),
        "--kata-exercise-dir", str(exercise_dir),
        "--kata-results", results,
        # Plain asserts: the learner sees the suite's message, not pytest's operand dump.
        "--assert=plain",
        "-q", "--no-header", "--tb=short",
    ]  # fmt: skip
    return [
        *prefix,
        sys.executable,
        "-I",
        "-B",
        "-c",
        _BOOT,
        str(snapshot.code_root),
        json.dumps(config),
        "--",
        *pytest_args,
    ]


def run_exercise(
    exercise: Exercise,
    target: Path,
    snapshot: isolation.Snapshot | None = None,
    on_start: Callable[[Exercise], None] | None = None,
    files: tuple[str, ...] | None = None,
) -> ChildRun:
    """Grade one exercise of ``target``; without a snapshot, one is made for this run alone.

    ``on_start(exercise)`` is called once the child runs (in this thread, before its wait);
    ``files``: only these test files of the suite run."""
    if snapshot is None:
        with isolation.snapshot([exercise]) as own:
            return run_exercise(exercise, target, own, on_start, files)
    launcher = isolation.launcher()
    # The work folder sits in a folder only the grader can list, under a name nobody can guess:
    # a sibling child cannot find it, even when it runs under the same uid.
    private = Path(tempfile.mkdtemp(prefix=f"kata-{exercise.folder}-"))
    try:
        os.chmod(private, 0o711)
        workdir = private / secrets.token_hex(16)
        tmp = workdir / "tmp"
        tmp.mkdir(parents=True)
        exercise_dir = _copy_learner_folder(Path(target) / exercise.folder, workdir / "learner")
        isolation.hand_over(workdir, launcher.uid, launcher.gid)
        with tempfile.TemporaryFile() as results, tempfile.TemporaryFile() as output:
            results_fd, results_name = _results_channel(results, workdir, launcher)
            command = child_command(
                exercise, exercise_dir, workdir, results_name, snapshot, launcher, results_fd, files
            )
            started = time.monotonic()
            process = subprocess.Popen(
                command,
                cwd=workdir,
                env=isolation.child_environment(workdir, tmp),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                pass_fds=(results_fd,) if results_fd is not None else (),
                **_new_process_group(),
            )
            timed_out = False
            try:
                if on_start:
                    on_start(exercise)
                limit = exercise.limits.exercise_seconds + BOOT_ALLOWANCE
                timed_out = not isolation.wait_for_exit(process, limit)
            finally:
                reaped_by_parent = _kill_all(process)
            finished = time.monotonic()
            events = _read_events(results, workdir / results_name if results_fd is None else None)
            tail = _tail(output)
        reaped = reaped_by_parent + sum(
            event.get("count", 0) for event in events if event.get("event") == "reaped"
        )
        # The child's own account of its lock-down, written before any learner code ran.
        held = next((event for event in events if event.get("event") == "isolation"), {})
        return ChildRun(
            exercise=exercise,
            target=Path(target),
            events=events,
            returncode=process.returncode,
            timed_out=timed_out,
            duration=finished - started,
            output_tail=tail,
            isolation=isolation_report(launcher, reaped, held),
            started=started,
            finished=finished,
        )
    finally:
        shutil.rmtree(private, ignore_errors=True)


def isolation_report(launcher: isolation.Launcher, reaped: int, held: dict) -> dict:
    """What was in force for one child, for the report; ``notes`` say why it was weaker."""
    read_only_view = bool(held.get("read_only_view"))
    capabilities_dropped = bool(held.get("capabilities_dropped"))
    root = os.name == "posix" and os.geteuid() == 0
    separate_uid = launcher.separate_uid
    # As root (of the machine or of its user namespace) a child could lift its own hard limits
    # and undo its mounts unless it gave up its capabilities, or its uid.
    locked = separate_uid or capabilities_dropped or (os.name == "posix" and not root)
    notes = list(launcher.notes) + [str(note) for note in held.get("notes", [])]
    if launcher.pid_namespace and not read_only_view and not separate_uid:
        notes.append("no read-only view: the child could write what the grader can write")
    if launcher.network_namespace and not isolation.child_prefix(launcher)[1]:
        named = ", ".join(isolation.REAL_BROKER_VARIABLES)
        notes.append(f"the machine's network shared: a real broker is configured ({named})")
    full = launcher.pid_namespace and locked and (read_only_view or separate_uid)
    level = "full" if full else "partial" if launcher.pid_namespace or locked else "basic"
    return {
        "level": level,
        "snapshot": True,
        "pid_namespace": launcher.pid_namespace,
        "mount_namespace": launcher.pid_namespace,
        "own_network": bool(held.get("own_network")),
        "read_only_view": read_only_view,
        "separate_uid": separate_uid,
        "hard_limits": os.name == "posix" and locked,
        "reaped": reaped,
        "notes": notes,
    }


def _weakest_isolation(reports: list[dict]) -> dict:
    """What held for every one of several children: the lowest level, a guarantee only where
    each had it, every note, all they left behind."""
    weakest = dict(
        min(reports, key=lambda report: ISOLATION_LEVELS.index(report.get("level", "basic")))
    )
    for key, value in weakest.items():
        if isinstance(value, bool):
            weakest[key] = all(report.get(key) is True for report in reports)
    weakest["reaped"] = sum(report.get("reaped", 0) for report in reports)
    weakest["notes"] = list(dict.fromkeys(n for report in reports for n in report.get("notes", [])))
    return weakest


def _copy_learner_folder(source: Path, into: Path) -> Path:
    """The child grades a copy: it never needs the repository, and cannot change it through it."""
    copy = into / source.name
    if source.is_dir():
        shutil.copytree(source, copy, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        into.mkdir()  # a missing folder stays missing: the suite says what is missing
    return copy


def _results_channel(
    results, workdir: Path, launcher: isolation.Launcher
) -> tuple[int | None, str]:
    """(descriptor the child inherits, the path its plugin opens) for the results file."""
    if os.name != "posix":
        return None, "results.jsonl"  # no descriptors to pass: a file in the work folder
    import fcntl

    fd = results.fileno()
    if launcher.uid is not None:
        os.fchown(fd, launcher.uid, launcher.gid)  # reopened through /proc by the child's uid
    # Appends only, whoever writes: the plugin through its own open, the child's last line directly.
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_APPEND)
    where = "/proc/self/fd" if sys.platform.startswith("linux") else "/dev/fd"
    return fd, f"{where}/{fd}"


def run_exercises(
    exercises: list[Exercise],
    target: Path,
    jobs: int | None = None,
    on_done: Callable[[ChildRun], None] | None = None,
    on_start: Callable[[Exercise], None] | None = None,
) -> list[ChildRun]:
    """Run every exercise against ``target``; results in the order given."""
    return run_pairs([(exercise, target) for exercise in exercises], jobs, on_done, on_start)


def run_pairs(
    pairs: list[tuple[Exercise, Path]],
    jobs: int | None = None,
    on_done: Callable[[ChildRun], None] | None = None,
    on_start: Callable[[Exercise], None] | None = None,
) -> list[ChildRun]:
    """Run every pair; ``on_done(run)`` in this thread as each ends, ``on_start(exercise)`` in
    the pool's thread as each child starts. Fewer pairs than jobs: an exercise that may be split
    runs its test files in several children (grader.splitting), combined into one run."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    runs: dict[int, ChildRun] = {}
    store = _snapshot_store()
    with (
        isolation.snapshot((exercise for exercise, _target in pairs), store) as snapshot,
        ThreadPoolExecutor(max_workers=jobs) as pool,
    ):
        plan = splitting.plan(
            [(exercise, snapshot.suite_dir(exercise)) for exercise, _target in pairs], jobs
        )
        groups = [plan[i] or [None] for i in range(len(pairs))]
        parts: list[dict[int, ChildRun]] = [{} for _ in pairs]
        futures = {
            pool.submit(run_exercise, exercise, target, snapshot, on_start, files): (i, part)
            for i, (exercise, target) in enumerate(pairs)
            for part, files in enumerate(groups[i])
        }
        try:
            for future in as_completed(futures):
                i, part = futures[future]
                parts[i][part] = future.result()
                if len(parts[i]) < len(groups[i]):
                    continue
                done = [parts[i][number] for number in range(len(groups[i]))]
                run = done[0] if plan[i] is None else ChildRun.combined(done)
                runs[i] = run
                if on_done:
                    on_done(run)
        except BaseException:
            # Interrupted (Ctrl-C) or failed: children not yet started never start.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        finally:
            # A child that was not held to the read-only view could have written the snapshot.
            held = len(runs) == len(pairs) and all(
                run.isolation.get("level") == "full" for run in runs.values()
            )
            if store is not None and not held:
                isolation.forget(snapshot)
    splitting.remember(runs.values())
    return [runs[i] for i in range(len(pairs))]


def _snapshot_store() -> Path | None:
    """Where snapshots outlive a run: only when every child gets a read-only view of them."""
    folder = isolation.cache_dir()
    if folder is None or not isolation.launcher().pid_namespace:
        return None
    return folder / "snapshots"


def _new_process_group() -> dict:
    if os.name == "posix":
        return {"start_new_session": True}
    return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}


def _kill_all(process: subprocess.Popen) -> int:
    """Kill the child and everything it started; how many were still there besides the child.

    By ancestry first (a process that left the group with setsid is still a descendant while the
    child lives: the child is its subreaper, or the init of its namespace), then the group.
    Safe to call when they have all exited.
    """
    reaped = 0
    if os.name == "posix":
        if process.poll() is None:
            reaped = max(
                0, isolation.kill_tree(process.pid) - 1
            )  # the namespace's init is no leftover
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
    return reaped


def _read_events(results, named: Path | None) -> list[dict]:
    if named is not None:
        text = named.read_text(encoding="utf-8", errors="replace") if named.exists() else ""
    else:
        results.seek(0)
        text = results.read().decode("utf-8", errors="replace")
    events = []
    for line in text.splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a killed child
        if isinstance(event, dict):
            events.append(event)
    return events


def _tail(output) -> str:
    output.seek(0, os.SEEK_END)
    size = output.tell()
    output.seek(max(0, size - OUTPUT_TAIL_BYTES))
    return output.read().decode("utf-8", errors="replace")
