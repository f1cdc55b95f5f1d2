"""`grade`: run the selected exercises' hidden suites against a folder and report progress."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from grader import progress
from grader.badge import write_badge
from grader.manifest import Course
from grader.results import score_course
from grader.runner import run_exercises
from grader.selection import select
from grader.workspace import check_target
from grader.writers import github
from grader.writers.json_report import write_json
from grader.writers.junit import write_junit
from grader.writers.terminal import grading_progress, make_console, print_report

HELP = "grade exercises and show progress"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "selectors",
        nargs="*",
        metavar="EXERCISE",
        help="4, 04, compact_dict or 04_compact_dict (default: all)",
    )
    parser.add_argument(
        "--target", type=Path, help="folder holding the NN_slug folders (default: exercises/)"
    )
    parser.add_argument(
        "--json", type=Path, dest="json_path", metavar="FILE", help="write the JSON report"
    )
    parser.add_argument(
        "--junit", type=Path, dest="junit_path", metavar="FILE", help="write JUnit XML"
    )
    parser.add_argument(
        "--badge",
        type=Path,
        metavar="FILE",
        help='write an SVG progress badge ("katas 7/17 · 63/170") for your README',
    )
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when exercises fail")
    parser.add_argument("--jobs", type=int, help="exercises graded at once (default: CPU count)")
    parser.add_argument(
        "--classroom",
        action="store_true",
        help="in GitHub Actions: write one Classroom result per exercise to $GITHUB_OUTPUT",
    )


def handle(args: argparse.Namespace, course: Course) -> int:
    check_target(course, select(course, args.selectors), args.target)
    return grade(
        course,
        args.selectors,
        args.target,
        args.json_path,
        args.junit_path,
        args.exit_zero,
        args.jobs,
        args.classroom,
        badge=args.badge,
    )


def grade(
    course: Course,
    selectors: list[str],
    target: Path | None = None,
    json_path: Path | None = None,
    junit_path: Path | None = None,
    exit_zero: bool = False,
    jobs: int | None = None,
    classroom: bool = False,
    badge: Path | None = None,
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
    report_progress(console, course, result, target, badge)
    if classroom:
        changes = os.environ.get("KATA_TEMPLATE_CHANGES", "").split()
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


def report_progress(console, course: Course, result, target: Path, badge: Path | None) -> None:
    """A grade of the learner's own exercises updates their progress: the course totals and
    what changed since the last grade. A badge shows those totals, or this grade's elsewhere."""
    if progress.counts(course, target):
        try:
            changes = progress.record_grade(course, result)
        except OSError as error:  # a read-only checkout: the grade itself still stands
            changes = []
            console.print(f"Progress not saved ({error}).")
        totals = progress.totals(course, progress.load(course))
        console.print(f"Course: {totals.line()}")
        if changes:
            console.print(f"Since your last grade: {'; '.join(changes)}.")
    else:
        totals = progress.CourseTotals(
            result.exercises_passed, len(result.exercises), result.points, result.max_points
        )
    if badge:
        write_badge(badge, totals)
        console.print(f"Badge written to {badge} ({totals.line()}).")
