"""Gradescope: the autograder's results.json, from the result model.

The format is Gradescope's "Autograder Specifications" (gradescope-autograders.readthedocs.io,
specs): a top-level ``score`` (it overrides the sum of the tests), ``output`` for the whole
submission, and one entry in ``tests`` per task of each exercise, numbered "NN.T", with its
``score`` and ``max_score``, a ``status`` of "passed" or "failed" (a partly earned task is
"failed", whatever its score), and the failing tests' messages as its ``output``. Every text is
plain ("text" format: no HTML or Markdown is rendered from learner messages) and visible to the
student at once, as the terminal report is.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from grader.results import (
    ERROR,
    ERROR_STATUS,
    TIMEOUT,
    CourseResult,
    ExerciseResult,
    TaskResult,
    TestResult,
    printable,
)

# Gradescope's documented values.
VISIBLE, HIDDEN = "visible", "hidden"
PASSED, FAILED = "passed", "failed"
TEXT = "text"
# Exercise statuses that mean its tests did not all get to run.
STOPPED = (ERROR_STATUS, "timeout")
# One failure message stays readable; a task of many failing tests stays a page, not a book.
MESSAGE_LIMIT = 1500


def to_results(result: CourseResult, unsubmitted: Sequence[str] = ()) -> dict:
    """results.json for one graded submission; ``unsubmitted`` names the exercise folders the
    submission did not have (they were graded as the course ships them)."""
    return {
        "score": result.points,
        "output": summary(result, unsubmitted),
        "output_format": TEXT,
        "test_name_format": TEXT,
        "test_output_format": TEXT,
        "visibility": VISIBLE,
        # The grade log (the terminal report and the grader's own messages) is for the instructor.
        "stdout_visibility": HIDDEN,
        "extra_data": {
            "grader": result.grader,
            "python": result.python,
            "exercises_passed": result.exercises_passed,
            "exercises": len(result.exercises),
            "isolation": result.isolation,
        },
        "tests": [
            _task_entry(exercise, task) for exercise in result.exercises for task in exercise.tasks
        ],
    }


def write_results(result: CourseResult, path: Path, unsubmitted: Sequence[str] = ()) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(to_results(result, unsubmitted), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def summary(result: CourseResult, unsubmitted: Sequence[str] = ()) -> str:
    """The submission's output: the totals, what is left to do, and what is there for review."""
    share = f" ({result.points / result.max_points:.0%})" if result.max_points else ""
    lines = [
        f"{result.exercises_passed} of {len(result.exercises)} exercises done · "
        f"{result.points:g}/{result.max_points:g} points{share}."
    ]
    unfinished = [exercise for exercise in result.exercises if not exercise.passed]
    if unfinished:
        lines += ["", "Still to do (each task below says which tests fail and why):"]
        lines += [
            f"  {exercise.folder}: {exercise.points:g}/{exercise.max_points:g} points"
            + ("" if exercise.status == "fail" else f" ({exercise.status})")
            for exercise in unfinished
        ]
    if unsubmitted:
        lines += [
            "",
            "Not in your submission, so graded as the course ships them: "
            + ", ".join(printable(name) for name in unsubmitted)
            + ". Submit your whole exercises/ folder to have them graded.",
        ]
    flagged = [exercise for exercise in result.exercises if exercise.flags]
    if flagged or result.integrity_problems:
        lines += ["", "For review by your instructor (this never changes points):"]
        for exercise in flagged:
            for flag in exercise.flags:
                lines.append(
                    f"  {exercise.folder}: {flag['file']}:{flag['line']} {printable(flag['detail'])}"
                )
        lines += [f"  {printable(problem)}" for problem in result.integrity_problems]
    return "\n".join(lines)


def _task_entry(exercise: ExerciseResult, task: TaskResult) -> dict:
    return {
        "number": f"{exercise.id}.{task.id}",
        "name": f"{exercise.id} {exercise.slug} — {task.title}",
        "name_format": TEXT,
        "score": task.points,
        "max_score": task.max_points,
        "status": PASSED if task.status == "pass" else FAILED,
        "output": _task_output(exercise, task),
        "output_format": TEXT,
        "visibility": VISIBLE,
    }


def _task_output(exercise: ExerciseResult, task: TaskResult) -> str:
    own = [test for test in exercise.tests if test.task == task.id]
    # What stopped the whole exercise (a crash, its time limit, changed grading files) concerns
    # every task of it, even those whose own tests only say that they did not run.
    shared = [test for test in exercise.tests if test.task is None and not test.passed]
    cause = _cause(exercise)
    if cause is not None and cause not in shared and cause.task != task.id:
        shared.append(cause)
    failing = [test for test in own if not test.passed]
    if not failing and not shared:
        return f"All {len(own)} tests of this task pass."
    lines = []
    if exercise.status in STOPPED:
        lines.append(f"{exercise.folder} did not finish grading ({exercise.status}):")
    lines += [
        _message(test)
        if test.task is None
        else f"{test.function} (task {test.task}): {_message(test)}"
        for test in shared
    ]
    if not failing:
        lines.append(f"All {len(own)} tests of this task pass.")
    else:
        lines.append(f"{len(failing)} of {len(own)} tests of this task fail:")
        # A stub fails every test with one message: say it once, after the tests it concerns.
        by_message: dict[str, list[str]] = {}
        for test in failing:
            by_message.setdefault(_message(test), []).append(test.function)
        lines += [f"✗ {', '.join(names)}: {message}" for message, names in by_message.items()]
    return "\n\n".join(lines)


def _cause(exercise: ExerciseResult) -> TestResult | None:
    """The test that was running when an exercise errored or timed out (the others never ran)."""
    if exercise.status not in STOPPED:
        return None
    return next((test for test in exercise.tests if test.status in (ERROR, TIMEOUT)), None)


def _message(test: TestResult) -> str:
    message = test.message.strip() or f"{test.status} (no message)"
    if len(message) > MESSAGE_LIMIT:
        message = message[:MESSAGE_LIMIT].rstrip() + " … (cut; grade locally to see it all)"
    return message
