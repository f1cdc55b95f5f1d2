"""`list`: the course map — every exercise, its track, tasks and points."""

from __future__ import annotations

from rich.table import Table

from grader.manifest import Course
from grader.writers.terminal import make_console


def list_exercises(course: Course) -> int:
    table = Table(title=f"{course.title} · {course.title_zh}", title_justify="left")
    for column in ("#", "slug", "title", "标题", "track", "tasks", "points"):
        table.add_column(column, justify="right" if column in ("tasks", "points") else "left")
    for exercise in course.exercises:
        table.add_row(
            exercise.id,
            exercise.slug,
            exercise.title,
            exercise.title_zh,
            exercise.track,
            str(len(exercise.tasks)),
            f"{exercise.max_points:g}",
        )
    console = make_console()
    console.print(table)
    console.print("Grade one: nox -s grade -- 01   ·   a hint: nox -s hint -- 01")
    return 0
