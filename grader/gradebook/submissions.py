"""Find the submissions of a class: who they are, where their exercises are, which commit.

Three layouts are read, all as one folder holding one folder per student:
- `gh classroom clone student-repos`: ``<assignment>-submissions/<assignment>-<login>/``, each a
  git checkout of the student's repository (the ``<assignment>-`` prefix is dropped);
- any folder of student folders, each holding an ``exercises/`` folder;
- any folder of plain ``exercises/`` copies: each student folder holds the ``NN_slug`` folders.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from grader.errors import UsageError
from grader.manifest import Course

_SUBMISSIONS_SUFFIX = "-submissions"
# Student names become file names (students/<name>.json): anything else is replaced.
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass(frozen=True)
class Submission:
    student: str
    root: Path  # the student's folder (their checkout, or their copy of exercises/)
    exercises_dir: Path | None  # None: nothing to grade in it
    commit: str = ""

    @property
    def is_checkout(self) -> bool:
        """A whole copy of the course (not only its exercises): its grading files can be compared."""
        return self.exercises_dir is not None and self.exercises_dir != self.root


def find_submissions(folder: Path, course: Course, skip: tuple[Path, ...] = ()) -> list[Submission]:
    """Every student folder under ``folder``, sorted by student; ``skip`` names folders that
    are not students (the gradebook's own output when it sits inside)."""
    folder = Path(folder).resolve()
    if not folder.is_dir():
        raise UsageError(
            f"{folder}: no such folder; give the folder holding one folder per student "
            f"(e.g. the <assignment>-submissions folder `gh classroom clone student-repos` makes)"
        )
    if _exercises_in(folder, course) is not None:
        raise UsageError(
            f"{folder} is one submission, not a class: give the folder that holds one folder "
            f"per student (for one student, use `nox -s grade -- --target {folder}`)"
        )
    skipped = {Path(path).resolve() for path in skip}
    prefix = folder.name.removesuffix(_SUBMISSIONS_SUFFIX) + "-"
    has_prefix = folder.name.endswith(_SUBMISSIONS_SUFFIX)
    found: list[Submission] = []
    used: set[str] = set()
    for child in sorted(folder.iterdir()):
        if child.name.startswith((".", "_")) or not child.is_dir() or child.is_symlink():
            continue
        if child.resolve() in skipped:
            continue
        name = child.name.removeprefix(prefix) if has_prefix else child.name
        student = _unique(_UNSAFE.sub("_", name) or "student", used)
        found.append(Submission(student, child, _exercises_in(child, course), commit_of(child)))
    if not found:
        raise UsageError(
            f"no submissions in {folder}: it should hold one folder per student, each a checkout "
            f"of their repository or a copy of their exercises/ folder"
        )
    return sorted(found, key=lambda submission: submission.student)


def _exercises_in(folder: Path, course: Course) -> Path | None:
    """The folder holding the NN_slug folders: ``folder/exercises`` or ``folder`` itself."""
    inner = folder / "exercises"
    if inner.is_dir() and not inner.is_symlink():
        return inner
    if any((folder / exercise.folder).is_dir() for exercise in course.exercises):
        return folder
    return None


def _unique(name: str, used: set[str]) -> str:
    candidate, number = name, 2
    while candidate.lower() in used:
        candidate, number = f"{name}-{number}", number + 1
    used.add(candidate.lower())
    return candidate


def commit_of(folder: Path) -> str:
    """The checked-out commit of a git checkout, or "" (not a checkout, no commit, no git).

    The student's repository configuration is never read as a program: no hooks run for
    rev-parse, the global and system configuration are left out, and fsmonitor is off.
    """
    if not (folder / ".git").exists():
        return ""
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
    }
    try:
        done = subprocess.run(
            ["git", "-c", "core.fsmonitor=false", "-c", f"safe.directory={folder}",
             "-C", str(folder), "rev-parse", "--verify", "--quiet", "HEAD"],
            capture_output=True, text=True, timeout=30, env=env, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return ""
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and re.fullmatch(r"[0-9a-f]{40,64}", commit) else ""
