"""`grade`: run the selected exercises' hidden suites against a folder and report progress."""

from __future__ import annotations

import os
from pathlib import Path

from grader.manifest import Course
from grader.results import printable, score_course
from grader.runner import run_exercises
from grader.selection import select
from grader.writers import github
from grader.writers.json_report import write_json
from grader.writers.junit import write_junit
from grader.writers.terminal import grading_progress, make_console, print_report


def grade(
    course: Course,
    selectors: list[str],
    target: Path | None = None,
    json_path: Path | None = None,
    junit_path: Path | None = None,
    exit_zero: bool = False,
    jobs: int | None = None,
    classroom: bool = False,
) -> int:
    exercises = select(course, selectors)
    if classroom and not os.environ.get("GITHUB_OUTPUT"):
        raise SystemExit(
            "--classroom writes one result per exercise to $GITHUB_OUTPUT: run it in GitHub Actions "
            "(or set GITHUB_OUTPUT to a file)."
        )
    target = Path(target or course.exercises_dir)
    if not target.is_dir():
        raise SystemExit(
            f"--target {target}: no such folder (it should hold the NN_slug exercise folders)"
        )
    console = make_console()
    with grading_progress(console, len(exercises)) as advance:
        runs = run_exercises(exercises, target, jobs=jobs, on_done=advance)
    result = score_course(runs, target)
    if json_path:
        write_json(result, json_path)
    if junit_path:
        write_junit(result, junit_path)
    print_report(console, result, exercises_dir=_shown(target))
    if classroom:
        changes = printable(os.environ.get("KATA_TEMPLATE_CHANGES", "")).split()
        github.write_outputs(result, Path(os.environ["GITHUB_OUTPUT"]))
        if os.environ.get("GITHUB_STEP_SUMMARY"):
            github.write_summary(result, Path(os.environ["GITHUB_STEP_SUMMARY"]), changes)
        if changes:
            console.print(
                f"Note: these grading files differ from the template and were restored before "
                f"grading: {', '.join(changes)}"
            )
    return 0 if exit_zero or result.all_passed else 1


def _shown(target: Path) -> str:
    try:
        return target.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(target)
