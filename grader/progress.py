"""The learner's progress, kept in `.kata/progress.json` in the course folder.

It is derived from grade results only, never self-reported: each grade of the course's own
`exercises/` folder updates the exercises it graded. Deleting the file loses nothing a full grade
cannot rebuild, except which hints were shown and which solutions were forced open. A missing or
unreadable file starts an empty progress; the file is replaced atomically, so an interrupted
write never leaves half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path

from grader.manifest import Course, Exercise

# Where the grader keeps the learner's state; `.kata/` in the course folder unless this names
# another folder (a read-only checkout, or the grader's own tests).
STATE_DIR_VARIABLE = "KATA_STATE_DIR"
PROGRESS_FILE = "progress.json"
FORMAT_VERSION = 1


@dataclass
class ExerciseProgress:
    first_passed: str | None = None
    attempts: int = 0
    best_points: float = 0
    max_points: float = 0
    last_points: float = 0
    last_passed: bool = False
    last_tests_passed: int = 0
    last_tests: int = 0
    hints_shown: list[int] = field(default_factory=list)
    solution_forced: bool = False

    @property
    def done(self) -> bool:
        return self.first_passed is not None

    @property
    def status(self) -> str:
        if self.done:
            return "done"
        if self.best_points > 0 or self.last_tests_passed > 0:
            return "in progress"
        return "not started"


@dataclass
class Progress:
    exercises: dict[str, ExerciseProgress] = field(default_factory=dict)

    def of(self, exercise: Exercise) -> ExerciseProgress:
        return self.exercises.setdefault(exercise.folder, ExerciseProgress())

    def peek(self, exercise: Exercise) -> ExerciseProgress:
        """The exercise's progress without adding an entry for it."""
        return self.exercises.get(exercise.folder) or ExerciseProgress()


@dataclass(frozen=True)
class CourseTotals:
    done: int
    exercises: int
    points: float
    max_points: float

    def line(self) -> str:
        return f"{self.done} of {self.exercises} done · {self.points:g}/{self.max_points:g} points"


def state_dir(course: Course) -> Path:
    override = os.environ.get(STATE_DIR_VARIABLE)
    return Path(override) if override else course.root / ".kata"


def progress_path(course: Course) -> Path:
    return state_dir(course) / PROGRESS_FILE


def load(course: Course) -> Progress:
    try:
        data = json.loads(progress_path(course).read_text(encoding="utf-8"))
        known = {item.name for item in fields(ExerciseProgress)}
        return Progress(
            {
                folder: ExerciseProgress(**{k: v for k, v in entry.items() if k in known})
                for folder, entry in data["exercises"].items()
            }
        )
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        # Missing, unreadable or hand-edited beyond repair: the next grade rebuilds it.
        return Progress()


def save(course: Course, progress: Progress) -> None:
    path = progress_path(course)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "version": FORMAT_VERSION,
        "exercises": {
            folder: asdict(entry) for folder, entry in sorted(progress.exercises.items())
        },
    }
    write_atomically(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def counts(course: Course, target: Path) -> bool:
    """Only grades of the course's own exercises folder are the learner's progress."""
    return Path(target).resolve() == course.exercises_dir.resolve()


def record_grade(course: Course, result) -> list[str]:
    """Fold one grade (a results.CourseResult of the course's own exercises) into the progress
    file; returns what changed since each exercise's previous grade, one phrase each."""
    progress = load(course)
    by_folder = {exercise.folder: exercise for exercise in course.exercises}
    now = datetime.now(UTC).isoformat(timespec="seconds")
    changes = []
    for graded in result.exercises:
        exercise = by_folder.get(graded.folder)
        if exercise is None:
            continue
        entry = progress.of(exercise)
        tests_passed = sum(test.passed for test in graded.tests)
        if entry.attempts:
            changes.extend(_change(exercise, entry, graded.passed, tests_passed))
        entry.attempts += 1
        entry.max_points = graded.max_points
        entry.best_points = max(entry.best_points, graded.points)
        entry.last_points = graded.points
        entry.last_passed = graded.passed
        entry.last_tests_passed = tests_passed
        entry.last_tests = len(graded.tests)
        if graded.passed and entry.first_passed is None:
            entry.first_passed = now
    save(course, progress)
    return changes


def _change(
    exercise: Exercise, before: ExerciseProgress, passed: bool, tests_passed: int
) -> list[str]:
    if passed and not before.last_passed:
        return [f"{exercise.id} now passes"]
    if before.last_passed and not passed:
        return [f"{exercise.id} no longer passes"]
    difference = tests_passed - before.last_tests_passed
    if difference > 0:
        return [f"{exercise.id}: {_tests(difference, 'more ')} {_pass(difference)}"]
    if difference < 0:
        return [f"{exercise.id}: {_tests(-difference)} no longer {_pass(-difference)}"]
    return []


def _tests(count: int, more: str = "") -> str:
    return f"{count} {more}test" if count == 1 else f"{count} {more}tests"


def _pass(count: int) -> str:
    return "passes" if count == 1 else "pass"


def record_hints(course: Course, exercise: Exercise, levels: list[int]) -> None:
    progress = load(course)
    entry = progress.of(exercise)
    entry.hints_shown = sorted(set(entry.hints_shown) | set(levels))
    save(course, progress)


def record_solution_forced(course: Course, exercise: Exercise) -> None:
    progress = load(course)
    progress.of(exercise).solution_forced = True
    save(course, progress)


def totals(course: Course, progress: Progress) -> CourseTotals:
    entries = [progress.peek(exercise) for exercise in course.exercises]
    points = round(sum(entry.best_points for entry in entries), 2)
    return CourseTotals(
        done=sum(entry.done for entry in entries),
        exercises=len(course.exercises),
        points=int(points) if points == int(points) else points,
        max_points=course.max_points,
    )


def next_exercise(course: Course, progress: Progress) -> Exercise | None:
    return next((e for e in course.exercises if not progress.peek(e).done), None)
