"""Checks on the folder about to be graded, before any child runs: what a learner can fix in a
moment (a deleted file, a file saved in the wrong encoding) is one line, not a graded failure.

The learner's own `exercises/` folder gets every check. Another folder (`--target`: a
submission, the solutions) only has to hold exercise folders; what it lacks is graded and shown
in the report, as a grade of someone else's work should be.
"""

from __future__ import annotations

from pathlib import Path

from grader.errors import UsageError
from grader.manifest import Course, Exercise


def check_target(course: Course, exercises: list[Exercise], target: Path | None) -> None:
    if target is None or Path(target).resolve() == course.exercises_dir.resolve():
        check_exercises(course, exercises)
        return
    target = Path(target)
    if not target.is_dir():
        raise UsageError(
            f"--target {target}: no such folder. Name the folder that holds the NN_slug "
            f"exercise folders (for example submission/exercises)"
        )
    if not any((target / exercise.folder).is_dir() for exercise in course.exercises):
        raise UsageError(
            f"--target {target} holds no exercise folder (such as {course.exercises[0].folder}): "
            f"name the folder that holds them, for example {target / 'exercises'}"
        )


def check_exercises(course: Course, exercises: list[Exercise]) -> None:
    for exercise in exercises:
        folder = course.exercises_dir / exercise.folder
        shown = _shown(course, folder)
        restore = f"`nox -s reset -- {exercise.id}` restores it"
        if not folder.is_dir():
            raise UsageError(f"{shown}/ is missing: {restore}")
        for name in exercise.files:
            if not (folder / name).is_file():
                raise UsageError(f"{shown}/{name} is missing: {restore}")
        for path in sorted(folder.rglob("*.py")):
            if "__pycache__" not in path.parts:
                _check_utf8(path, _shown(course, path))


def _check_utf8(path: Path, shown: str) -> None:
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UsageError(
            f"{shown}:{line} is not UTF-8 text (byte 0x{data[error.start]:02x}): "
            f"save the file as UTF-8 in your editor"
        ) from None


def _shown(course: Course, path: Path) -> str:
    try:
        return path.relative_to(course.root).as_posix()
    except ValueError:
        return str(path)
