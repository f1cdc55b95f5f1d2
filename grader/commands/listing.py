"""`list`: the course map — every exercise, its track, tasks and points."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from grader.manifest import Course
from grader.writers.terminal import make_console


def list_exercises(course: Course) -> int:
    table = Table(title=f"{course.title} · {course.title_zh}", title_justify="left")
    table.add_column("#")
    table.add_column("exercise", no_wrap=True)
    table.add_column("title · 标题")
    table.add_column("tasks", justify="right")
    table.add_column("points", justify="right")
    for exercise in course.exercises:
        table.add_row(
            exercise.id,
            Text.assemble(exercise.slug, "\n", (exercise.track, "dim")),
            f"{exercise.title}\n{exercise.title_zh}",
            str(len(exercise.tasks)),
            f"{exercise.max_points:g}",
        )
    console = make_console()
    console.print(table)
    console.print("Grade one: nox -s grade -- 01   ·   a hint: nox -s hint -- 01")
    return 0
