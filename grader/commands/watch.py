"""`watch`: grade again every time you save, one exercise at a time.

Watch grades the exercises once, then watches the first unfinished one and says so. After each
save it grades the exercises whose files changed; when the watched one passes it congratulates
you and moves on to the next unfinished one. Where file events do not arrive (WSL on a Windows
drive, network and shared folders, or KATA_WATCH_POLL=1) it polls for changes and says so.
On a terminal each round clears the screen; otherwise it prints plain lines, one round after the
other. Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import os
import signal
import time
from collections.abc import Mapping
from pathlib import Path

from grader.manifest import Course, Exercise
from grader.selection import select

# Module-level imports stay in the standard library: the command line imports every verb to
# collect its arguments, and `hint` or `list` must start without rich or watchfiles installed.

HELP = "grade again on every save, one exercise at a time"

POLL_ENV = "KATA_WATCH_POLL"
POLL_DELAY_MS = 300
# How long one wait for file events lasts; the first one returning means the watcher is armed.
IDLE_WAKE_MS = 200
# Filesystems whose changes may come from another machine or kernel, so no inotify event
# reaches this one: network shares, WSL's Windows drives, and folders shared into a container
# or virtual machine by its host.
POLLED_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "drvfs", "vboxsf", "fuse.sshfs",
     "fuse.grpcfuse", "grpcfuse", "fakeowner", "prl_fs", "vmhgfs", "fuse.vmhgfs-fuse"}
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "selectors", nargs="*", metavar="EXERCISE", help="exercises to watch (default: all)"
    )
    parser.add_argument("--target", type=Path, help=argparse.SUPPRESS)


def handle(args: argparse.Namespace, course: Course) -> int:
    return watch(course, args.selectors, args.target)


def watch(course: Course, selectors: list[str], target: Path | None = None) -> int:
    watched = select(course, selectors)
    target = Path(target or course.exercises_dir).resolve()
    # Ctrl-C must reach us even when a shell started us with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    session = _WatchSession(course, watched, target)
    try:
        session.run()
    except KeyboardInterrupt:
        session.say("\nStopped watching.")
    return 0


def polling_reason(
    folder: Path,
    environ: Mapping[str, str] = os.environ,
    mounts: Path = Path("/proc/mounts"),
    kernel: Path = Path("/proc/version"),
) -> str | None:
    """Why file events may not arrive for ``folder`` (so watch must poll), or None."""
    forced = environ.get(POLL_ENV, "").strip()
    if forced == "0":
        return None
    if forced:
        return f"{POLL_ENV}={forced}"
    folder = Path(folder).resolve()
    if _is_wsl(kernel) and folder.parts[:2] == ("/", "mnt"):
        return "a Windows drive under WSL"
    filesystem = filesystem_of(folder, mounts)
    if filesystem in POLLED_FILESYSTEMS:
        return f"a {filesystem} filesystem"
    return None


def filesystem_of(folder: Path, mounts: Path = Path("/proc/mounts")) -> str | None:
    """The type of the filesystem ``folder`` lives on, from the mount table (Linux only)."""
    try:
        table = mounts.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    best, best_type = -1, None
    for line in table.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        # The mount table escapes spaces and tabs in paths as octal (\040, \011).
        point = Path(fields[1].encode().decode("unicode_escape"))
        if (point == folder or point in folder.parents) and len(point.parts) > best:
            best, best_type = len(point.parts), fields[2]
    return best_type


def _is_wsl(kernel: Path) -> bool:
    try:
        return "microsoft" in kernel.read_text(encoding="utf-8", errors="replace").lower()
    except OSError:
        return False


def _is_source(_change, path: str) -> bool:
    return not any(part in {"__pycache__", ".pytest_cache"} for part in Path(path).parts)


def _exercises_of(
    course: Course, watched: list[Exercise], target: Path, paths: set[Path]
) -> list[Exercise]:
    """The watched exercises whose folders hold any of ``paths``, in course order."""
    folders = set()
    for path in paths:
        try:
            folders.add(path.resolve().relative_to(target).parts[0])
        except (ValueError, IndexError):
            continue
    return [exercise for exercise in watched if exercise.folder in folders]


class _WatchSession:
    """The exercises being watched, which of them passed at their last grade, and the one in focus."""

    def __init__(self, course: Course, watched: list[Exercise], target: Path) -> None:
        from grader.writers.terminal import make_console

        self.course = course
        self.watched = watched
        self.target = target
        self.console = make_console()
        self.passed: dict[str, bool] = {}
        self.current: Exercise | None = None

    def say(self, text: str, style: str | None = None) -> None:
        self.console.print(text, style=style)

    def run(self) -> None:
        from watchfiles import watch as watch_changes  # only this verb needs it

        reason = polling_reason(self.target)
        if reason:
            self.say(f"File events may not arrive here ({reason}).", style="yellow")
            self.say(
                f"Polling for changes every {POLL_DELAY_MS / 1000:g} s instead.", style="yellow"
            )
        # Arm the watcher before the first grade, so no save is missed: events wait for us.
        changes = watch_changes(
            self.target,
            watch_filter=_is_source,
            debounce=300,
            force_polling=bool(reason),
            poll_delay_ms=POLL_DELAY_MS,
            yield_on_timeout=True,
            rust_timeout=IDLE_WAKE_MS,
        )
        next(changes)
        already = self._passed_before()
        first_round = [exercise for exercise in self.watched if exercise.folder not in already]
        self.passed.update(dict.fromkeys(already, True))
        if first_round:
            self._grade(first_round, clear=False)
        self.current = self._next_unfinished(after=None)
        self._announce()
        for batch in changes:
            paths = {Path(path) for _, path in batch}
            changed = _exercises_of(self.course, self.watched, self.target, paths)
            if changed:
                self._after_save(changed)

    def _after_save(self, changed: list[Exercise]) -> None:
        self._grade(changed, clear=True)
        current = self.current
        if current is not None and current in changed and self.passed[current.folder]:
            self.current = self._next_unfinished(after=current)
            onward = f" On to {self.current.folder}." if self.current is not None else ""
            self.say(f"✓ {current.folder} passes. Congratulations!{onward}", style="bold green")
            if self.current is not None and self.current not in changed:
                self._grade([self.current], clear=False)
        elif current is None or current not in changed:
            # You moved on to another exercise yourself: follow you there.
            unfinished = [e for e in changed if not self.passed[e.folder]]
            if unfinished:
                self.current = unfinished[0]
        self._announce()

    def _grade(self, exercises: list[Exercise], clear: bool) -> None:
        from grader.results import score_course
        from grader.runner import run_exercises
        from grader.writers.terminal import grading_progress, print_report

        self._start_round(clear)
        with grading_progress(self.console, len(exercises)) as advance:
            runs = run_exercises(exercises, self.target, on_done=advance)
        result = score_course(runs, self.target)
        for exercise in result.exercises:
            self.passed[exercise.folder] = exercise.passed
        print_report(self.console, result)

    def _start_round(self, clear: bool) -> None:
        if not clear:
            return
        if self.console.is_terminal:
            self.console.clear()
        else:
            self.say(f"\n--- {time.strftime('%H:%M:%S')} · a file changed, grading again ---")

    def _announce(self) -> None:
        if self.current is None:
            self.say("Every exercise you are watching passes. Well done!", style="bold green")
            self.say("Still watching; Ctrl-C to stop.", style="dim")
            return
        self.say(f"Watching {self.current.folder} — {self.current.title}.", style="bold")
        self.say("Save a file to grade it again; Ctrl-C to stop.", style="dim")

    def _next_unfinished(self, after: Exercise | None) -> Exercise | None:
        start = self.watched.index(after) + 1 if after is not None else 0
        ordered = self.watched[start:] + self.watched[:start]
        return next((e for e in ordered if not self.passed.get(e.folder, False)), None)

    def _passed_before(self) -> set[str]:
        """Exercises whose last grade in the progress file passed: no need to grade them first.

        Only for the learner's own folder; the file is a shortcut, so any problem reading it
        means grading everything."""
        from grader import progress

        if not progress.counts(self.course, self.target):
            return set()
        state = progress.load(self.course)  # an unreadable file loads empty
        return {
            exercise.folder
            for exercise in self.watched
            if (entry := state.peek(exercise)).done and entry.last_passed
        }
