"""gradebook.csv: one row per student, one column per exercise's points (see grader.gradebook).

The rows are built from the students' reports; report.html receives the same row dicts.
"""

from __future__ import annotations

import csv
from pathlib import Path

from grader.gradebook.flags import csv_codes
from grader.manifest import Course


def columns(course: Course) -> list[str]:
    return [
        "student",
        "commit",
        *(exercise.folder for exercise in course.exercises),
        "total",
        "max_total",
        "status",
        "flags",
        "cached",
        "duration",
    ]


def gradebook_row(course: Course, report: dict) -> dict:
    submission = report["submission"]
    points = {entry["id"]: entry["points"] for entry in report["exercises"]}
    cached = submission["cached"]
    graded = [exercise.id for exercise in course.exercises if exercise.id in points]
    if not cached:
        cached_text = "no"
    elif set(cached) >= set(graded):
        cached_text = "yes"
    else:
        cached_text = ";".join(cached)
    return {
        "student": submission["student"],
        "commit": submission["commit"],
        **{exercise.folder: points.get(exercise.id, "") for exercise in course.exercises},
        "total": report["total"]["points"],
        "max_total": _points(course.max_points),
        "status": submission["status"],
        "flags": csv_codes(submission["flags"]),
        "cached": cached_text,
        "duration": submission["duration"],
    }


def write_gradebook_csv(course: Course, rows: list[dict], path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns(course))
        writer.writeheader()
        for row in rows:
            writer.writerow({key: _cell(value) for key, value in row.items()})


def _cell(value):
    """A spreadsheet runs a cell starting with = + - @ as a formula: student text never does."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _points(value: float) -> float:
    value = round(value, 2)
    return int(value) if value == int(value) else value
