"""`solution N [--force]`: the reference solution, as a diff against your files.

Shown once the exercise has passed (the progress file says so), or with --force, which the
progress file records. A student copy of the course has no `solutions/` folder: one line says
so. Standard library only.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys

from grader import progress
from grader.errors import UsageError
from grader.manifest import Course, Exercise
from grader.selection import find

HELP = "the reference solution as a diff against your files, once the exercise passes"
_COLOURS = {"+": "\033[32m", "-": "\033[31m", "@": "\033[36m"}
_RESET = "\033[0m"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "selector", metavar="EXERCISE", help="4, 04, compact_dict or 04_compact_dict"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="show it before the exercise passes (recorded in .kata/progress.json)",
    )


def handle(args: argparse.Namespace, course: Course) -> int:
    return show_solution(course, find(course, args.selector), args.force)


def show_solution(course: Course, exercise: Exercise, force: bool = False) -> int:
    solution = course.solutions_dir / exercise.folder
    if not course.solutions_dir.is_dir():
        raise UsageError(
            "solution needs solutions/, which the student copy does not have: "
            "your instructor has the reference solutions"
        )
    if not solution.is_dir():
        raise UsageError(f"solutions/{exercise.folder}/ is missing from this copy of the course")
    if not progress.load(course).peek(exercise).done:
        if not force:
            print(
                f"{exercise.folder} has not passed yet: solve it first (`nox -s grade -- "
                f"{exercise.id}`), or add --force to see the solution now (your progress "
                f"records that).",
                file=sys.stderr,
            )
            return 1
        try:
            progress.record_solution_forced(course, exercise)
        except OSError as error:
            raise UsageError(
                f"--force is recorded in your progress file, which cannot be written ({error}): "
                f"run it where the course folder is writable"
            ) from None
    print(f"{exercise.folder} — the reference solution, as a diff against your files")
    print("(lines with - are yours, lines with + are the reference's)\n")
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    for name in exercise.files:
        yours = course.exercises_dir / exercise.folder / name
        reference = solution / name
        lines = list(
            difflib.unified_diff(
                _lines(yours),
                _lines(reference),
                fromfile=f"exercises/{exercise.folder}/{name}",
                tofile=f"solutions/{exercise.folder}/{name}",
            )
        )
        if not lines:
            print(f"{name}: the same as the reference solution.\n")
            continue
        for line in lines:
            text = line.rstrip("\n")
            if colour and text[:1] in _COLOURS and not text.startswith(("+++", "---")):
                text = f"{_COLOURS[text[0]]}{text}{_RESET}"
            print(text)
        print()
    return 0


def _lines(path) -> list[str]:
    if not path.is_file():
        return []
    return path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
