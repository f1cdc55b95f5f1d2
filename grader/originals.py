"""Where an exercise's original files come from, for `reset`.

With git history: the repository's first commit. A GitHub Classroom assignment (or a repository
made with "Use this template") starts with one commit that is the template, so its exercise
folders hold the stubs as the course shipped them.

In a clone of the course's own history, whose first commit predates the exercises: the commit
where the learner's branch meets the course's (the merge base of HEAD and its upstream, e.g.
origin/main). Whatever the learner committed on top stays out of it.

Without git history (a course downloaded as a ZIP file): a pristine copy the grader keeps in
`.kata/pristine/NN_slug/`. The grader takes that copy the first time any of its verbs runs in a
course folder that has no git history, so it holds the exercises as they were then.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from grader import progress
from grader.errors import UsageError
from grader.manifest import Course, Exercise

PRISTINE = "pristine"
# Regular files in a git tree (plain and executable); links and submodules are never restored.
_GIT_FILE_MODES = {"100644", "100755"}


@dataclass(frozen=True)
class Originals:
    source: str  # where they come from, for the learner: "the first commit (1a2b3c4)"
    files: dict[str, bytes]  # path inside the exercise folder (posix) -> content


def originals(course: Course, exercise: Exercise) -> Originals:
    found = (
        _from_first_commit(course, exercise)
        or _from_upstream(course, exercise)
        or _from_pristine_copy(course, exercise)
    )
    if found is not None:
        return found
    folder = f"exercises/{exercise.folder}/"
    if _in_git_work_tree(course.root):
        # A clone of the course's own history without an upstream branch to meet.
        raise UsageError(
            f"neither the repository's first commit nor an upstream branch holds {folder}, so "
            f"reset has no original of it: `git checkout <the course's branch> -- {folder}` "
            f"restores the course's version"
        )
    raise UsageError(
        f"no original of {exercise.folder} to reset to: no git history and no pristine copy "
        f"in {_pristine_dir(course)}. Copy {folder} again from the course you downloaded"
    )


def keep_pristine_copy(course: Course) -> None:
    """Without git history, copy every exercise folder once, the first time the grader runs."""
    pristine = _pristine_dir(course)
    if _in_git_work_tree(course.root) or pristine.exists():
        return
    partial = pristine.with_name(f"{PRISTINE}.partial")
    try:
        shutil.rmtree(partial, ignore_errors=True)
        for exercise in course.exercises:
            folder = course.exercises_dir / exercise.folder
            if folder.is_dir():
                shutil.copytree(
                    folder,
                    partial / exercise.folder,
                    symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
                )
        partial.mkdir(parents=True, exist_ok=True)
        # Renamed into place when complete: an interrupted copy is retaken, never half-used.
        partial.rename(pristine)
    except OSError:
        # A read-only course folder: every verb still works; only reset will lack an original.
        shutil.rmtree(partial, ignore_errors=True)


def _pristine_dir(course: Course) -> Path:
    return progress.state_dir(course) / PRISTINE


def _from_pristine_copy(course: Course, exercise: Exercise) -> Originals | None:
    folder = _pristine_dir(course) / exercise.folder
    if not folder.is_dir():
        return None
    files = {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }
    return Originals(f"the pristine copy ({_pristine_dir(course)})", files) if files else None


def _from_first_commit(course: Course, exercise: Exercise) -> Originals | None:
    if not _in_git_work_tree(course.root):
        return None
    commits = _git(course.root, "rev-list", "--max-parents=0", "HEAD")
    if not commits:
        return None
    first = commits.decode().split()[-1]
    return _from_commit(course, exercise, first, f"the repository's first commit ({first[:7]})")


def _from_upstream(course: Course, exercise: Exercise) -> Originals | None:
    if not _in_git_work_tree(course.root):
        return None
    upstream = _git(course.root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}")
    base = _git(course.root, "merge-base", "HEAD", "@{upstream}")
    if not upstream or not base:
        return None
    commit = base.decode().strip()
    where = f"the course's version ({upstream.decode().strip()} at {commit[:7]})"
    return _from_commit(course, exercise, commit, where)


def _from_commit(course: Course, exercise: Exercise, commit: str, where: str) -> Originals | None:
    top = _git(course.root, "rev-parse", "--show-toplevel")
    if top is None:
        return None
    try:
        # The folder itself is not resolved: the history knows it by name, even as a link.
        prefix = (course.exercises_dir.resolve() / exercise.folder).relative_to(
            Path(top.decode().strip()).resolve()
        )
    except ValueError:
        return None
    listing = _git(course.root, "ls-tree", "-r", "-z", commit, "--", f"{prefix.as_posix()}/")
    files = {}
    for entry in (listing or b"").split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.decode().partition("\t")
        mode, kind, blob = meta.split()
        if kind == "blob" and mode in _GIT_FILE_MODES:
            content = _git(course.root, "cat-file", "blob", blob)
            if content is not None:
                files[Path(path).relative_to(prefix).as_posix()] = content
    return Originals(where, files) if files else None


def _in_git_work_tree(root: Path) -> bool:
    return any((folder / ".git").exists() for folder in (root.resolve(), *root.resolve().parents))


def _git(cwd: Path, *args: str) -> bytes | None:
    try:
        completed = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, check=False, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return completed.stdout if completed.returncode == 0 else None
