"""GitHub Actions: one Classroom result per exercise in $GITHUB_OUTPUT, a summary in
$GITHUB_STEP_SUMMARY.

The Classroom reporter posts the sum of its tests' scores, and its console table shows passed
tests over all tests times the runner's max score. Points here are earned per task, so each
task is reported as equal units of the exercise's points — a 3-point task is three entries of
one point — and the posted points, the table and the JSON report all agree.
"""

from __future__ import annotations

import base64
import json
import math
from fractions import Fraction
from functools import reduce
from pathlib import Path

from grader.results import ERROR, TIMEOUT, CourseResult, ExerciseResult, TaskResult, TestResult

MESSAGE_LIMIT = 800


def runner_id(exercise: ExerciseResult) -> str:
    """The reporter's runner name: letters and digits only (`ex01`)."""
    return f"ex{exercise.id}"


def classroom_result(exercise: ExerciseResult) -> dict:
    unit = _unit(exercise.tasks)
    tests = [entry for task in exercise.tasks for entry in _task_entries(exercise, task, unit)]
    status = (
        "pass"
        if exercise.passed
        else ("error" if exercise.status in ("error", "timeout") else "fail")
    )
    return {"version": 1, "status": status, "max_score": exercise.max_points, "tests": tests}


def encode(result: dict) -> str:
    return base64.b64encode(json.dumps(result, ensure_ascii=False).encode("utf-8")).decode("ascii")


def write_outputs(result: CourseResult, output_file: Path) -> None:
    with open(output_file, "a", encoding="utf-8") as handle:
        for exercise in result.exercises:
            handle.write(f"{runner_id(exercise)}={encode(classroom_result(exercise))}\n")


def write_summary(result: CourseResult, summary_file: Path, template_changes: list[str]) -> None:
    with open(summary_file, "a", encoding="utf-8") as handle:
        handle.write(summary_markdown(result, template_changes))


def summary_markdown(result: CourseResult, template_changes: list[str]) -> str:
    lines = [
        "## Grade",
        "",
        f"**{result.exercises_passed} of {len(result.exercises)} exercises done · "
        f"{result.points:g}/{result.max_points:g} points**",
        "",
        "| Exercise | Status | Points | First failure |",
        "|---|---|---|---|",
    ]
    for exercise in result.exercises:
        failure = exercise.failures[0] if exercise.failures else None
        first = f"`{failure.function}`: {_one_line(failure.message)}" if failure else ""
        mark = {"pass": "✅", "fail": "❌", "error": "💥", "timeout": "⏱️"}.get(exercise.status, "")
        lines.append(
            f"| {exercise.folder} | {mark} {exercise.status} | {exercise.points:g}/{exercise.max_points:g} | {first} |"
        )
    flagged = [exercise for exercise in result.exercises if exercise.flags]
    if flagged or result.integrity_problems:
        lines += ["", "### For review", ""]
        for exercise in flagged:
            where = "; ".join(
                f"`{_cell(flag['file'])}:{flag['line']}` {_cell(flag['detail'])}"
                for flag in exercise.flags
            )
            lines.append(f"- ⚑ {exercise.folder}: {where}")
        lines += [f"- ⚑ {_cell(problem)}" for problem in result.integrity_problems]
    if template_changes:
        lines += [
            "",
            "> [!WARNING]",
            "> These files outside `exercises/` differ from the assignment's template and were "
            "restored (or removed) before grading, so your changes to them did not count: "
            + ", ".join(f"`{p}`" for p in template_changes),
        ]
    return "\n".join(lines) + "\n"


def _unit(tasks: list[TaskResult]) -> Fraction:
    """The largest share that divides every task's points: each entry is worth one unit."""
    fractions = [Fraction(str(task.max_points)) for task in tasks]
    numerators = reduce(math.gcd, (f.numerator for f in fractions))
    denominators = reduce(math.lcm, (f.denominator for f in fractions))
    return Fraction(numerators, denominators)


def _task_entries(exercise: ExerciseResult, task: TaskResult, unit: Fraction) -> list[dict]:
    count = int(Fraction(str(task.max_points)) / unit)
    earned = Fraction(str(task.points)) / unit  # in units; whole unless the task is partial
    failing = [test for test in exercise.tests if test.task == task.id and not test.passed]
    failing = failing or [test for test in exercise.tests if test.task is None and not test.passed]
    entries = []
    for index in range(count):
        score = min(Fraction(1), max(Fraction(0), earned - index)) * unit
        name = f"{exercise.id} · Task {task.id}: {task.title}" + (
            f" ({index + 1}/{count})" if count > 1 else ""
        )
        passed = score == unit
        entries.append(
            {
                "name": name,
                "status": "pass" if passed else _failing_status(failing),
                "score": _number(score),
                "message": ""
                if passed
                else _message(failing, first=not entries or entries[-1]["status"] == "pass"),
                "test_code": f"nox -s grade -- {exercise.id}",
                "filename": f"exercises/{exercise.folder}",
                "line_no": 0,
                "execution_time": f"{exercise.duration:.2f}s",
            }
        )
    return entries


def _failing_status(failing: list[TestResult]) -> str:
    return "error" if any(test.status in (ERROR, TIMEOUT) for test in failing) else "fail"


def _message(failing: list[TestResult], first: bool) -> str:
    if not failing:
        return "Partly done: more tests of this task must pass."
    if not first:
        return "See the first entry of this task."
    head = failing[0]
    more = f" (and {len(failing) - 1} more failing tests)" if len(failing) > 1 else ""
    return f"{head.function}: {head.message[:MESSAGE_LIMIT]}{more}"


def _number(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else round(float(value), 6)


def _cell(text: str) -> str:
    return text.replace("`", "'").replace("|", "\\|").replace("\n", " ")


def _one_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    line = line.replace("|", "\\|")
    return line if len(line) <= 120 else line[:117] + "…"
