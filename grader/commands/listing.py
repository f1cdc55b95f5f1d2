"""`list`: the course map with your progress — each exercise's status and best points, by track,
and the next exercise to do.

Plain text, standard library only, read from the manifest and the progress file: it never
grades, so it starts at once and shows what your last grades found.
"""

from __future__ import annotations

import argparse

from grader import progress
from grader.manifest import Course

HELP = "the course map: each exercise's status, points and the next one to do"
_MARKS = {"done": "✓", "in progress": "…", "not started": "·"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def handle(args: argparse.Namespace, course: Course) -> int:
    return list_exercises(course)


def list_exercises(course: Course) -> int:
    state = progress.load(course)
    print(f"{course.title} · {course.title_zh}")
    track = None
    slug_width = max(len(exercise.slug) for exercise in course.exercises)
    for exercise in course.exercises:
        if exercise.track != track:
            track = exercise.track
            heading = course.track(track)
            print(f"\n{heading.title} · {heading.title_zh}")
        entry = state.peek(exercise)
        status = f"{_MARKS[entry.status]} {entry.status}"
        points = f"{entry.best_points:g}/{exercise.max_points:g}"
        print(
            f"  {exercise.id}  {exercise.slug:<{slug_width}}  {status:<13}  {points:>7}  "
            f"{exercise.title} · {exercise.title_zh}"
        )
        if entry.done and not entry.last_passed:
            indent = " " * (slug_width + 6)
            print(
                f"{indent}passed before; last grade: {entry.last_tests_passed}/{entry.last_tests} tests"
            )
    totals = progress.totals(course, state)
    print(f"\n{totals.line()}")
    upcoming = progress.next_exercise(course, state)
    if upcoming is None:
        print("Every exercise is done. Well done!")
        return 0
    print(f"Next: {upcoming.id} {upcoming.title} · {upcoming.title_zh}")
    print(
        f"  read exercises/{upcoming.folder}/README.md, grade it: nox -s grade -- {upcoming.id}"
        f"   ·   a hint: nox -s hint -- {upcoming.id}"
    )
    return 0
