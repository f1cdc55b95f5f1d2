"""`verify`: the maintainer's gate. For every exercise, every hidden test fails on the stub in
`exercises/` and passes on the reference in `solutions/`; every task of the manifest has tests.

A test may pass on the stub only when the manifest declares it (`verify_exceptions`, with a
reason); those are printed, never silent.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from rich.text import Text

from grader.errors import UsageError
from grader.manifest import Course, Exercise
from grader.results import ExerciseResult, score_exercise
from grader.runner import run_pairs
from grader.selection import select
from grader.writers.terminal import grading_progress, make_console


@dataclass
class Verdict:
    exercise: Exercise
    problems: list[str] = field(default_factory=list)
    excused: list[str] = field(default_factory=list)
    tests: int = 0


def verify(course: Course, selectors: list[str], jobs: int | None = None) -> int:
    exercises = select(course, selectors)
    pairs = [(e, course.exercises_dir) for e in exercises] + [
        (e, course.solutions_dir) for e in exercises
    ]
    console = make_console()
    with grading_progress(console, len(pairs), label="Verifying") as advance:
        runs = run_pairs(pairs, jobs=jobs, on_done=advance)
    results = [score_exercise(run) for run in runs]
    verdicts = [
        check_exercise(exercise, stub, solution)
        for exercise, stub, solution in zip(
            exercises, results[: len(exercises)], results[len(exercises) :], strict=True
        )
    ]
    for verdict in verdicts:
        _print_verdict(console, verdict)
    broken = [verdict for verdict in verdicts if verdict.problems]
    if broken:
        console.print(
            Text(
                f"\nverify failed for {len(broken)} of {len(verdicts)} exercises.", style="bold red"
            )
        )
        return 1
    console.print(Text(f"\nverify passed: {len(verdicts)} exercises, every test fails on its stub "
                       f"and passes on its solution.", style="bold green"))  # fmt: skip
    return 0


def check_exercise(exercise: Exercise, stub: ExerciseResult, solution: ExerciseResult) -> Verdict:
    verdict = Verdict(exercise, tests=len(solution.tests))
    excused = {item.test: item.reason for item in exercise.verify_exceptions}
    for test in solution.tests:
        if not test.passed:
            verdict.problems.append(
                f"solution fails {test.name} [{test.status}]: {_first_line(test.message)}"
            )
    for test in stub.tests:
        if not test.passed:
            continue
        reason = excused.get(test.name) or excused.get(test.function)
        if reason:
            verdict.excused.append(f"{test.name} passes on the stub: {reason}")
        else:
            verdict.problems.append(
                f"stub passes {test.name}: the test cannot tell unsolved from solved"
            )
    tasks_with_tests = {test.task for test in solution.tests}
    for task in exercise.tasks:
        if task.number not in tasks_with_tests:
            verdict.problems.append(f"task {task.number} ({task.title}) has no tests")
    for test in solution.tests:
        if test.task is not None and exercise.task(test.task) is None:
            verdict.problems.append(
                f"{test.name} is tagged with task {test.task}, which the manifest lacks"
            )
    if solution.tests and all(test.task is None for test in solution.tests):
        verdict.problems.append("no test is tagged with @pytest.mark.task(N)")
    return verdict


def _print_verdict(console, verdict: Verdict) -> None:
    ok = not verdict.problems
    mark, style = ("✓", "green") if ok else ("✗", "red")
    console.print(Text(f"{mark} {verdict.exercise.folder}: {verdict.tests} tests", style=style))
    for line in verdict.problems:
        console.print(Text(f"    ✗ {line}", style="red"))
    for line in verdict.excused:
        console.print(Text(f"    ~ {line}", style="yellow"))


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else ""


HELP = "prove every test fails on its stub and passes on its solution"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("selectors", nargs="*", metavar="EXERCISE")
    parser.add_argument("--jobs", type=int)


def handle(args: argparse.Namespace, course: Course) -> int:
    if not course.solutions_dir.is_dir():
        raise UsageError(
            "verify needs solutions/, which the student copy does not have: "
            "run it in the course's own repository"
        )
    return verify(course, args.selectors, jobs=args.jobs)
