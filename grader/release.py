"""The student template: a copy of the course for learners, as one git commit.

What a student gets is everything the course's repository tracks, except what `LEFT_OUT` lists:
the reference solutions, the grader's own tests (the mutants are wrong answers written next to
the right ones) and the files only instructors and maintainers read. The README loses its
maintainers' section (between the `<!-- maintainers:en/zh start/end -->` markers). The grader,
its hidden suites, the noxfile, the lock, the Classroom workflow and the devcontainer stay: the
students grade with them, Classroom's workflow restores them from the template's first commit,
and Codespaces builds from the devcontainer. That first commit is the release's only one, made by
a neutral author, so `reset` and Classroom's restore step both find the course as it shipped.

The check works on a fresh clone of the template, as a student would: `grade` gives 0 points
with nothing crashed, every learner session works, and the sessions that need solutions/ say so
in one line. It grades with the interpreter this runs on (the grading virtualenv of the source
checkout) and runs the copy's own nox sessions with the nox it is given, so nothing is installed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import UsageError
from grader.manifest import Course
from grader.output_lines import OutputLines

# Left out of the student template, each with the reason. Paths are relative to the course root;
# a folder leaves out everything under it.
LEFT_OUT: dict[str, str] = {
    "solutions": "the reference solutions (kept with --keep-solutions)",
    "tests": "the grader's own tests: the mutants (wrong answers beside right ones), the fixture course",
    ".ci": "the maintainers' CI entry point, which runs the grader's own tests",
    "CONTRIBUTING.md": "how maintainers add an exercise",
    "INSTRUCTORS.md": "the Classroom set-up, grading guarantees and instructor tools",
}
SOLUTIONS = "solutions"
# Generated or local state that never belongs in a copy, for a course folder without git.
_NEVER_COPIED = {".git", ".nox", ".kata", ".cache", ".venv", "venv", "__pycache__",
                 ".pytest_cache", ".hypothesis", ".ruff_cache", "reports"}  # fmt: skip
_MAINTAINERS = re.compile(
    r"<!-- maintainers:(?P<lang>en|zh) start -->\n.*?<!-- maintainers:(?P=lang) end -->\n\n?", re.S
)
AUTHOR = ("Course release", "release@localhost")
# How the noxfile starts the grader (noxfile.GRADER_BOOT): the copy's root after the standard
# library and the installed packages, so no module in the copy shadows one the grader imports.
GRADER_BOOT = (
    "import sys; sys.path.append(sys.argv.pop(1)); from grader.__main__ import run; sys.exit(run())"
)
# What the grader says when a test did not end by itself: a crash or a hang, never a stub's
# honest failure (grader/results.py writes these).
_CRASH_MESSAGES = ("The test process ended", "Did not run:", "The grader could not run")
NEEDS_SOLUTIONS = "which the student copy does not have"


class ReleaseError(UsageError):
    """The release cannot be written as asked; one line with the fix."""


# ── writing the template ────────────────────────────────────────────────────────────────────


@dataclass
class Release:
    out: Path
    files: int
    left_out: list[str]
    commit: str


def write_release(
    course: Course, out: Path, keep_solutions: bool = False, force: bool = False
) -> Release:
    source = course.root.resolve()
    out = out.resolve()
    _refuse_unsafe_target(source, out, force)
    readme = source / "README.md"
    text = readme.read_text(encoding="utf-8")
    if len(_MAINTAINERS.findall(text)) != 2:
        raise ReleaseError(
            f"{readme} needs the <!-- maintainers:en start/end --> and <!-- maintainers:zh "
            f"start/end --> markers around its maintainers' sections: the template leaves those out"
        )
    left_out = {name: why for name, why in LEFT_OUT.items()}
    if keep_solutions:
        left_out.pop(SOLUTIONS)
    out.mkdir(parents=True, exist_ok=True)
    if force:
        for entry in out.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    copied = 0
    for relative in _course_files(source):
        if _is_left_out(relative, left_out):
            continue
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / relative, target, follow_symlinks=False)
        copied += 1
    (out / "README.md").write_text(_MAINTAINERS.sub("", text).rstrip("\n") + "\n", encoding="utf-8")
    commit = _commit(out, course.title)
    return Release(out, copied, sorted(left_out), commit)


def _refuse_unsafe_target(source: Path, out: Path, force: bool) -> None:
    if out == source or out.is_relative_to(source) or source.is_relative_to(out):
        raise ReleaseError(
            f"{out} is the course folder, inside it or around it: choose a folder outside "
            f"{source}, e.g. {source.parent / (source.name + '-student')}"
        )
    if out.exists() and not out.is_dir():
        raise ReleaseError(f"{out} is a file: choose a new or empty folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ReleaseError(
            f"{out} is not empty: choose a new or empty folder, or add --force to replace "
            f"everything in it"
        )


def _course_files(root: Path) -> list[Path]:
    """What the course consists of: the files git tracks or would track (ignored files, such as
    .nox/ or .kata/, never), as they are in the working tree."""
    listed = _git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    if listed is None:  # no git: every file but the generated ones
        return sorted(
            path.relative_to(root)
            for path in root.rglob("*")
            if (path.is_file() or path.is_symlink())
            and not _NEVER_COPIED & set(path.relative_to(root).parts)
            and path.suffix not in (".pyc", ".pyo")
        )
    names = {Path(name) for name in listed.decode("utf-8").split("\0") if name}
    # A tracked file deleted in the working tree is not part of the course any more.
    return sorted(name for name in names if (root / name).is_file() or (root / name).is_symlink())


def _is_left_out(relative: Path, left_out: dict[str, str]) -> bool:
    return any(relative == Path(name) or relative.is_relative_to(name) for name in left_out)


def _commit(out: Path, title: str) -> str:
    name, email = AUTHOR
    identity = {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }
    # The machine's git settings (hooks, signing, templates) have no say in the template.
    plain = ["-c", "core.hooksPath=/dev/null", "-c", "commit.gpgsign=false"]
    for args in (
        ["init", "--quiet"],
        ["symbolic-ref", "HEAD", "refs/heads/main"],
        ["add", "--all"],
        ["commit", "--quiet", "--no-verify", "-m", title],
    ):
        done = subprocess.run(
            ["git", *plain, *args], cwd=out, env={**os.environ, **identity},
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise ReleaseError(
                f"git {args[0]} failed in {out}: {done.stderr.strip() or done.stdout.strip()}"
            )
    return _git(out, "rev-parse", "HEAD").decode().strip()


def _git(cwd: Path, *args: str) -> bytes | None:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


# ── checking it as a student would ──────────────────────────────────────────────────────────


@dataclass
class Step:
    name: str
    ok: bool
    detail: str
    seconds: float = 0.0


@dataclass
class Check:
    steps: list[Step] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)


def check_release(
    out: Path,
    course: Course,
    python: str = sys.executable,
    nox: list[str] | None = None,
    say: Callable[[Step], None] = lambda step: None,
) -> Check:
    """Clone the template and use it as a student would; each step's verdict goes to ``say``."""
    started = time.perf_counter()
    check = Check()
    with tempfile.TemporaryDirectory(prefix="kata-release-check-") as scratch:
        clone = Path(scratch) / "course"
        done = subprocess.run(
            ["git", "clone", "--quiet", str(out), str(clone)], capture_output=True, text=True
        )
        if done.returncode != 0:
            step = Step("git clone", False, done.stderr.strip())
            check.steps.append(step)
            say(step)
            return check
        student = _Student(clone, python, nox, Path(scratch))
        first = course.exercises[0]
        playable = next(
            (e for e in course.exercises if e.django_settings and not e.celery_app), None
        )
        steps = [
            ("grade", student.grade),
            ("list", lambda: student.session_works("list", expect=first.id)),
            (f"hint {first.id}", lambda: student.session_works("hint", first.id)),
            ("doctor", student.doctor),
            (f"reset {first.id} --yes", lambda: student.reset(first)),
            (f"watch {first.id}", lambda: student.watch(first)),
        ]
        if playable is not None:
            steps.append((f"play {playable.id}", lambda: student.play(playable)))
        steps += [
            (f"solution {first.id}", lambda: student.needs_solutions("solution", first.id)),
            ("verify", lambda: student.needs_solutions("verify")),
            ("bench", lambda: student.needs_solutions("bench")),
        ]
        if nox:
            steps.append(("tests", lambda: student.needs_solutions("tests")))
        for name, run in steps:
            began = time.perf_counter()
            try:
                ok, detail = run()
            except (OSError, subprocess.SubprocessError, ValueError) as error:
                ok, detail = False, f"{type(error).__name__}: {error}"
            step = Step(name, ok, detail, time.perf_counter() - began)
            check.steps.append(step)
            say(step)
    check.seconds = time.perf_counter() - started
    return check


class _Student:
    """The sessions a student runs in their clone: the copy's own nox sessions where they install
    nothing, the copy's grader on the given interpreter where they grade."""

    def __init__(self, clone: Path, python: str, nox: list[str] | None, scratch: Path) -> None:
        self.clone = clone
        self.python = python
        self.nox = nox
        self.scratch = scratch
        venv = Path(python).parent.parent
        self.environ = {
            **{k: v for k, v in os.environ.items() if k != "KATA_WATCH_POLL"},
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            # The warm hash cache of the grading virtualenv, as the noxfile's grading sessions use.
            "KATA_CACHE_DIR": str(venv / ".kata-cache"),
        }

    def grader(self, *args: str) -> list[str]:
        return [self.python, "-P", "-c", GRADER_BOOT, str(self.clone), *args]

    def session(self, name: str, *args: str) -> list[str]:
        """`nox -s NAME -- ARGS` with the copy's noxfile, or its grader where nox is unknown."""
        if self.nox:
            noxfile = str(self.clone / "noxfile.py")
            return [*self.nox, "-f", noxfile, "-s", name, *(("--", *args) if args else ())]
        return self.grader(name, *args)

    def run(self, argv: list[str], seconds: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(
            argv, cwd=self.clone, env=self.environ, stdin=subprocess.DEVNULL,
            capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=seconds,
        )  # fmt: skip

    def grade(self) -> tuple[bool, str]:
        report = self.scratch / "grade.json"
        done = self.run(self.grader("grade", "--json", str(report)), seconds=1200)
        if not report.is_file():
            return False, f"no report (exit {done.returncode}): {_last_line(done)}"
        data = json.loads(report.read_text(encoding="utf-8"))
        total = data["total"]
        # Each exercise whose test process died or hung, with the last line it left.
        crashed = {
            exercise["id"]: _tail(test["message"])
            for exercise in data["exercises"]
            for test in exercise["tests"]
            if test["status"] == "timeout" or test["message"].startswith(_CRASH_MESSAGES)
        }
        errors = [e["id"] for e in data["exercises"] if e["status"] == "error"]
        scored = [e["id"] for e in data["exercises"] if e["points"]]
        shown = f"{total['points']:g}/{total['max_points']:g} points, exit {done.returncode}"
        if errors:
            shown += f"; stubs that error rather than fail: {', '.join(errors)}"
        if "Traceback" in done.stderr:
            return False, f"{shown}; the grader crashed: {_last_line(done)}"
        if done.returncode != 1 or total["points"] or scored:
            return False, f"{shown}: a student copy must grade 0 and exit 1 (points in {scored})"
        if crashed:
            return False, (
                f"{shown}: grading crashed or hung in {', '.join(crashed)} ("
                + "; ".join(f"{number}: {last}" for number, last in crashed.items())
                + "); a stub must fail its tests, not end its test process"
            )
        return True, shown

    def session_works(self, name: str, *args: str, expect: str = "") -> tuple[bool, str]:
        done = self.run(self.session(name, *args))
        ok = done.returncode == 0 and expect in done.stdout and "Traceback" not in _output(done)
        return ok, f"exit {done.returncode}" + ("" if ok else f": {_last_line(done)}")

    def doctor(self) -> tuple[bool, str]:
        # The virtualenv the check grades with: the copy has none of its own yet.
        done = self.run(self.session("doctor", "--venv", str(Path(self.python).parent.parent)))
        summary = next(
            (line for line in done.stdout.splitlines()
             if "between you and a full grade" in line or "a full grade needs is here" in line),
            "",
        )  # fmt: skip
        ok = done.returncode in (0, 1) and summary and "Traceback" not in _output(done)
        return bool(ok), f"exit {done.returncode}: {summary or _last_line(done)}"

    def reset(self, exercise) -> tuple[bool, str]:
        path = self.clone / "exercises" / exercise.folder / exercise.files[0]
        shipped = path.read_bytes()
        path.write_text("# a student's edit\n", encoding="utf-8")
        done = self.run(self.session("reset", exercise.id, "--yes"))
        restored = path.read_bytes() == shipped
        said = "the repository's first commit" in done.stdout
        ok = done.returncode == 0 and restored and said
        detail = (
            f"{exercise.files[0]} restored from the template's one commit"
            if ok
            else f"exit {done.returncode}, restored: {restored}: {_last_line(done)}"
        )
        return ok, detail

    def watch(self, exercise) -> tuple[bool, str]:
        """Watch grades once and says what it watches; Ctrl-C then stops it cleanly."""
        process = subprocess.Popen(
            self.grader("watch", exercise.id), cwd=self.clone, env=self.environ,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            encoding="utf-8", errors="replace", start_new_session=True,
        )  # fmt: skip
        reader = OutputLines(process)
        try:
            watching = reader.wait_for(f"Watching {exercise.folder}", 300)
            process.send_signal(signal.SIGINT)
            code = process.wait(timeout=30)
        finally:
            _stop(process)
        text = reader.text()
        ok = watching and code == 0 and "Traceback" not in text
        return ok, "graded once, watched, stopped on Ctrl-C" if ok else _tail(text)

    def play(self, exercise) -> tuple[bool, str]:
        """The playground serves the stub on a free loopback port; any HTTP answer will do."""
        port = _free_port()
        process = subprocess.Popen(
            self.grader("play", exercise.id, "--port", str(port), "--noreload"), cwd=self.clone,
            env=self.environ, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace",
            start_new_session=True,
        )  # fmt: skip
        reader = OutputLines(process)
        try:
            status = _http_status(f"http://127.0.0.1:{port}/", process, seconds=120)
        finally:
            _stop(process)
        if status is None:
            return False, f"nothing answered on 127.0.0.1:{port}: {_tail(reader.text())}"
        return True, f"served on 127.0.0.1:{port} (HTTP {status}), stopped"

    def needs_solutions(self, name: str, *args: str) -> tuple[bool, str]:
        """A session a student copy cannot run says so in one line and exits non-zero."""
        done = self.run(self.session(name, *args))
        lines = [line for line in _output(done).splitlines() if NEEDS_SOLUTIONS in line]
        ok = done.returncode != 0 and len(lines) == 1 and "Traceback" not in _output(done)
        return ok, (lines[0].strip() if ok else f"exit {done.returncode}: {_tail(_output(done))}")


def _stop(process: subprocess.Popen) -> None:
    """The process and everything it started (its own session), by its id; a kill if it lingers."""
    if os.name != "posix":
        process.kill()
        process.wait()
        return
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _http_status(url: str, process: subprocess.Popen, seconds: float) -> int | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:  # a 404 or a stub's 500 is still an answer
            return error.code
        except OSError:
            time.sleep(0.2)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _output(done: subprocess.CompletedProcess) -> str:
    return (done.stdout or "") + (done.stderr or "")


def _last_line(done: subprocess.CompletedProcess) -> str:
    return _tail(_output(done))


def _tail(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"
