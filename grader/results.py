"""The result model (course → exercise → task → test) and how child runs are scored into it.

Writers take this model and know nothing of pytest or child processes.
"""

from __future__ import annotations

import platform
import re
from dataclasses import dataclass, field
from pathlib import Path

from grader import __version__
from grader.manifest import Task
from grader.runner import ISOLATION_LEVELS, ChildRun
from grader.splitting import file_of

PASSED, FAILED, ERROR, TIMEOUT, SKIPPED = "passed", "failed", "error", "timeout", "skipped"
ERROR_STATUS = "error"
# Test statuses are pytest-like; exercise statuses are pass, fail, error and timeout.
# The name of the one synthetic test reported when a suite could not even start.
GRADING_TEST = "(grading)"

# Characters that can move the cursor, recolour or rewrite what a terminal, a Markdown page or an
# XML reader shows: C0 controls but newline and tab, DEL, C1 controls (CSI, OSC, …), bidirectional
# overrides and line separators. Learner text is shown with these written out as escapes.
_HIDDEN_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def printable(text: str) -> str:
    r"""Learner text made safe to show anywhere: "\x1b[2J" becomes the six characters \x1b[2J."""
    return _HIDDEN_CONTROLS.sub(_escape, text)


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@dataclass
class TestResult:
    name: str
    task: int | None
    status: str
    message: str = ""
    duration: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    @property
    def function(self) -> str:
        """``test_results_keep_input_order[3]`` from ``test_threads.py::test_results_keep_input_order[3]``."""
        return self.name.rsplit("::", 1)[-1]


@dataclass
class TaskResult:
    id: int
    title: str
    points: float
    max_points: float
    status: str


@dataclass
class ExerciseResult:
    id: str
    slug: str
    title: str
    status: str
    points: float
    max_points: float
    duration: float
    tasks: list[TaskResult] = field(default_factory=list)
    tests: list[TestResult] = field(default_factory=list)
    # Learner code that reaches into the grading machinery: {"kind", "file", "line", "detail"}.
    # For a person to review; flags never change points.
    flags: list[dict] = field(default_factory=list)
    # The isolation the child ran under, as the runner reports it ({"level": "full", …}).
    isolation: dict = field(default_factory=dict)

    @property
    def folder(self) -> str:
        return f"{self.id}_{self.slug}"

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    @property
    def failures(self) -> list[TestResult]:
        return [test for test in self.tests if not test.passed]


@dataclass
class CourseResult:
    target: str
    exercises: list[ExerciseResult]
    version: int = 1
    grader: str = __version__
    python: str = field(default_factory=platform.python_version)
    # What the parent found and undid around the run (e.g. lines a child appended to
    # $GITHUB_OUTPUT); each is one sentence for the reports.
    integrity_problems: list[str] = field(default_factory=list)

    @property
    def isolation(self) -> dict:
        """The weakest isolation any exercise ran under, and what was missing from full."""
        levels = [exercise.isolation for exercise in self.exercises if exercise.isolation]
        if not levels:
            return {"level": "unknown", "missing": []}
        weakest = min(levels, key=lambda found: ISOLATION_LEVELS.index(found.get("level", "basic"))
                      if found.get("level", "basic") in ISOLATION_LEVELS else 0)  # fmt: skip
        missing = sorted({key for found in levels for key, value in found.items()
                          if value is False})  # fmt: skip
        notes = sorted({note for found in levels for note in found.get("notes", [])})
        return {"level": weakest.get("level", "basic"), "missing": missing, "notes": notes}

    @property
    def points(self) -> float:
        return _round(sum(exercise.points for exercise in self.exercises))

    @property
    def max_points(self) -> float:
        return _round(sum(exercise.max_points for exercise in self.exercises))

    @property
    def exercises_passed(self) -> int:
        return sum(exercise.passed for exercise in self.exercises)

    @property
    def all_passed(self) -> bool:
        return all(exercise.passed for exercise in self.exercises)

    def first_unfinished(self) -> ExerciseResult | None:
        return next((exercise for exercise in self.exercises if not exercise.passed), None)


def score_course(runs: list[ChildRun], target: Path) -> CourseResult:
    return CourseResult(target=str(target), exercises=[score_exercise(run) for run in runs])


def score_exercise(run: ChildRun) -> ExerciseResult:
    exercise = run.exercise
    tests = _test_results(run)
    tasks = [
        _score_task(task, [test for test in tests if test.task == task.number])
        for task in exercise.tasks
    ]
    return ExerciseResult(
        id=exercise.id,
        slug=exercise.slug,
        title=exercise.title,
        status=_exercise_status(run, tests),
        points=_round(sum(task.points for task in tasks)),
        max_points=_round(exercise.max_points),
        duration=round(run.duration, 3),
        tasks=tasks,
        tests=tests,
        isolation=dict(getattr(run, "isolation", None) or {}),
    )


def mark_integrity_error(exercise: ExerciseResult, message: str) -> None:
    """Grading files changed while this exercise ran: an error with no points, never a pass."""
    exercise.status = ERROR_STATUS
    exercise.points = 0
    for task in exercise.tasks:
        task.points, task.status = 0, "fail"
    exercise.tests.insert(0, TestResult(GRADING_TEST, None, ERROR, message))


def _test_results(run: ChildRun) -> list[TestResult]:
    """The exercise's tests by file, as the README orders its tasks, each file's in the order
    they ran (pytest-django runs database tests first, across files).

    An exercise split over several children (grader.splitting) reads each child as a run of its
    own; a child that could not start its tests stands for the whole exercise: none of it passes.
    """
    per_child = [_child_test_results(child) for child in run.parts or (run,)]
    for tests in per_child:
        if len(tests) == 1 and tests[0].name == GRADING_TEST:
            return tests
    return sorted(
        (test for tests in per_child for test in tests), key=lambda test: file_of(test.name)
    )


def _child_test_results(run: ChildRun) -> list[TestResult]:
    collected = run.events_of("collected")
    if not collected or not collected[0]["tests"]:
        return [
            TestResult(
                GRADING_TEST, None, TIMEOUT if run.timed_out else ERROR, _no_tests_message(run)
            )
        ]
    finished = {event["name"]: event for event in run.events_of("result")}
    started = [event["name"] for event in run.events_of("start")]
    interrupted = next((name for name in reversed(started) if name not in finished), None)
    results = []
    for expected in collected[0]["tests"]:
        raw_name, task = expected["name"], expected["task"]
        name, event = printable(raw_name), finished.get(raw_name)
        if event is not None:
            message = printable(str(event.get("message", "")))
            results.append(TestResult(name, task, event["status"], message, event["duration"]))
        elif raw_name == interrupted:
            results.append(TestResult(name, task, *_interrupted(run)))
        else:
            results.append(
                TestResult(name, task, *_never_ran(run, interrupted and printable(interrupted)))
            )
    return results


def _interrupted(run: ChildRun) -> tuple[str, str]:
    if run.timed_out:
        return TIMEOUT, (
            f"The exercise hit its time limit ({run.exercise.limits.exercise_seconds:g} s) while this "
            f"test was running, and was stopped. Look for an endless loop or a wait that never ends."
        )
    return ERROR, (
        f"The test process ended while this test was running (exit code {run.returncode}). "
        f"Your code may call sys.exit() or os._exit(), or crash the interpreter."
        + _output_excerpt(run)
    )


def _never_ran(run: ChildRun, interrupted: str | None) -> tuple[str, str]:
    during = f", during {interrupted.rsplit('::', 1)[-1]}" if interrupted else ""
    cause = "was stopped at its time limit" if run.timed_out else "ended early"
    return (TIMEOUT if run.timed_out else ERROR), f"Did not run: the test process {cause}{during}."


def _no_tests_message(run: ChildRun) -> str:
    if run.timed_out:
        return f"The suite did not start within the time limit ({run.exercise.limits.exercise_seconds:g} s)."
    return (
        f"The grader could not run this exercise's tests (exit code {run.returncode})."
        + _output_excerpt(run)
    )


def _output_excerpt(run: ChildRun) -> str:
    lines = [line for line in printable(run.output_tail).strip().splitlines() if line.strip()][-8:]
    return ("\nLast output:\n  " + "\n  ".join(lines)) if lines else ""


def _score_task(task: Task, tests: list[TestResult]) -> TaskResult:
    passed = sum(test.passed for test in tests)
    complete = bool(tests) and passed == len(tests)
    if task.partial and tests:
        points = task.points * passed / len(tests)
    else:
        points = task.points if complete else 0
    return TaskResult(
        id=task.number,
        title=task.title,
        points=_round(points),
        max_points=task.points,
        status="pass" if complete else "fail",
    )


def _exercise_status(run: ChildRun, tests: list[TestResult]) -> str:
    statuses = {test.status for test in tests}
    if run.timed_out:
        return "timeout"
    if ERROR in statuses:
        return "error"
    if TIMEOUT in statuses:
        return "timeout"
    if statuses == {PASSED}:
        return "pass"
    return "fail"


def _round(value: float) -> float:
    value = round(value, 2)
    return int(value) if value == int(value) else value
