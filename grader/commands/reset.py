"""`reset N [--yes] [--undo]`: put an exercise's files back as the course shipped them.

The originals come from grader.originals (the repository's first commit, or the pristine copy).
Only files of that one exercise folder are written; files you added there are left alone. Your
versions are first copied to `.kata/backup/<time>/NN_slug/`, and `--undo` brings back the last
backup of that exercise (after backing up what it replaces, so an undo can be undone too).
Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from grader import progress
from grader.errors import UsageError
from grader.manifest import Course, Exercise
from grader.originals import originals
from grader.selection import find

HELP = "restore an exercise's original files (your versions are backed up; --undo brings them back)"
BACKUP = "backup"
# In each backup folder: which exercise it holds and which of its files existed before.
RECORD = "reset.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "selector", metavar="EXERCISE", help="4, 04, compact_dict or 04_compact_dict"
    )
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.add_argument(
        "--undo", action="store_true", help="bring back the files the last reset replaced"
    )


def handle(args: argparse.Namespace, course: Course) -> int:
    exercise = find(course, args.selector)
    if args.undo:
        return undo(course, exercise, args.yes)
    return reset(course, exercise, args.yes)


def reset(course: Course, exercise: Exercise, yes: bool = False) -> int:
    folder = course.exercises_dir / exercise.folder
    found = originals(course, exercise)
    changed = {
        name: content for name, content in found.files.items() if _current(folder, name) != content
    }
    if not changed:
        print(f"{exercise.folder} already matches {found.source}: nothing to reset.")
        return 0
    for name in changed:
        _inside(folder, name)  # every path is checked before anything is written
    names = ", ".join(sorted(changed))
    if not _confirmed(f"Reset {exercise.folder} to {found.source}, replacing {names}?", yes):
        print("Nothing changed.")
        return 1
    backup = _back_up(course, exercise, changed)
    for name, content in changed.items():
        _write(folder, name, content)
    print(f"Reset {exercise.folder} ({names}) to {found.source}.")
    print(
        f"Your versions are in {_shown(course, backup)}; "
        f"`nox -s reset -- {exercise.id} --undo` brings them back."
    )
    return 0


def undo(course: Course, exercise: Exercise, yes: bool = False) -> int:
    backup = _last_backup(course, exercise)
    if backup is None:
        raise UsageError(
            f"no backup of {exercise.folder} to bring back: `nox -s reset -- {exercise.id}` "
            f"makes one before it changes anything"
        )
    existed = json.loads((backup.parent / RECORD).read_text(encoding="utf-8"))["files"]
    folder = course.exercises_dir / exercise.folder
    restored = {
        name: (backup / name).read_bytes() if was_there else None
        for name, was_there in existed.items()
    }
    for name in restored:
        _inside(folder, name)
    names = ", ".join(sorted(restored))
    if not _confirmed(
        f"Bring back {exercise.folder} ({names}) from {_shown(course, backup)}?", yes
    ):
        print("Nothing changed.")
        return 1
    # What the undo replaces is backed up too: the next --undo brings it back.
    _back_up(course, exercise, restored)
    for name, content in restored.items():
        if content is None:
            _remove(folder, name)
        else:
            _write(folder, name, content)
    print(f"Brought back {exercise.folder} ({names}) from {_shown(course, backup)}.")
    return 0


def _confirmed(question: str, yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError(
            "reset changes your files, so it asks first, and there is no terminal to ask in: "
            "add --yes to go ahead"
        )
    try:
        answer = input(f"{question} [y/N] ")
    except (EOFError, KeyboardInterrupt):
        print()
        return False
    return answer.strip().lower() in ("y", "yes")


def _back_up(course: Course, exercise: Exercise, names) -> Path:
    """Copy the exercise's current versions of ``names`` into a new backup folder."""
    folder = course.exercises_dir / exercise.folder
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    root = progress.state_dir(course) / BACKUP / stamp
    backup = root / exercise.folder
    existed = {}
    for name in sorted(names):
        current = _current(folder, name)
        existed[name] = current is not None
        if current is not None:
            target = backup / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(current)
    backup.mkdir(parents=True, exist_ok=True)
    record = {"exercise": exercise.folder, "files": existed}
    (root / RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return backup


def _last_backup(course: Course, exercise: Exercise) -> Path | None:
    backups = progress.state_dir(course) / BACKUP
    if not backups.is_dir():
        return None
    for root in sorted(backups.iterdir(), reverse=True):
        try:
            record = json.loads((root / RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if record.get("exercise") == exercise.folder and (root / exercise.folder).is_dir():
            return root / exercise.folder
    return None


def _inside(folder: Path, name: str) -> Path:
    """The path of ``name`` in the exercise folder, refusing any that would lead out of it (a
    `..` in a name, or a subfolder that is a link to somewhere else)."""
    path = folder / name
    # Where the folder is by name: if the exercise folder itself is a link, nothing is inside.
    base = folder.parent.resolve() / folder.name
    if not path.parent.resolve().is_relative_to(base) or ".." in Path(name).parts:
        raise UsageError(
            f"{path} is outside {folder}: reset only writes inside the exercise folder. "
            f"Remove the link or the file that leads out of it"
        )
    return path


def _current(folder: Path, name: str) -> bytes | None:
    path = folder / name
    return path.read_bytes() if path.is_file() else None


def _write(folder: Path, name: str, content: bytes) -> None:
    path = _inside(folder, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    _inside(folder, name)  # the folders just made are real folders; check again
    # A new file renamed over the old one: a link in its place is replaced, never followed.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _remove(folder: Path, name: str) -> None:
    _inside(folder, name).unlink(missing_ok=True)


def _shown(course: Course, path: Path) -> str:
    try:
        return path.relative_to(course.root).as_posix()
    except ValueError:
        return str(path)
