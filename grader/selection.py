"""Turn the selectors a user types (`4`, `04`, `compact_dict`, `04_compact_dict`) into exercises."""

from __future__ import annotations

import difflib

from grader.errors import UsageError
from grader.manifest import Course, Exercise


class SelectionError(UsageError):
    """A selector that names no exercise; the message suggests the closest one."""


def select(course: Course, selectors: list[str]) -> list[Exercise]:
    """The exercises named by ``selectors``, in course order; all of them when none are given."""
    if not selectors:
        return list(course.exercises)
    chosen: set[int] = set()
    for selector in selectors:
        chosen.add(find(course, selector).number)
    return [exercise for exercise in course.exercises if exercise.number in chosen]


def find(course: Course, selector: str) -> Exercise:
    key = selector.strip().strip("/").rsplit("/", 1)[-1].lower()
    for exercise in course.exercises:
        names = {exercise.folder, exercise.slug, exercise.id}
        if key in names or (key.isdigit() and int(key) == exercise.number):
            return exercise
    raise SelectionError(_unknown(course, selector))


def _unknown(course: Course, selector: str) -> str:
    known = [exercise.folder for exercise in course.exercises]
    close = difflib.get_close_matches(selector, known + [e.slug for e in course.exercises], n=1)
    suggestion = f" Did you mean {close[0]!r}?" if close else ""
    return (
        f"No exercise matches {selector!r}.{suggestion} "
        f"Use a number (4 or 04), a slug (compact_dict) or a folder name (04_compact_dict). "
        f"`nox -s list` shows them all."
    )
