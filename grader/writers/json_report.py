"""The JSON report (`--json FILE`): the schema other tools read, field for field."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from grader.results import CourseResult, ExerciseResult, TaskResult, TestResult


def to_dict(result: CourseResult) -> dict:
    return {
        "version": result.version,
        "grader": result.grader,
        "python": result.python,
        "target": result.target,
        "total": {
            "points": result.points,
            "max_points": result.max_points,
            "exercises_passed": result.exercises_passed,
            "exercises": len(result.exercises),
        },
        "isolation": result.isolation,
        "integrity_problems": list(result.integrity_problems),
        "exercises": [
            {
                "id": exercise.id,
                "slug": exercise.slug,
                "title": exercise.title,
                "status": exercise.status,
                "points": exercise.points,
                "max_points": exercise.max_points,
                "duration": exercise.duration,
                "tasks": [asdict(task) for task in exercise.tasks],
                "tests": [asdict(test) for test in exercise.tests],
                "flags": list(exercise.flags),
                "isolation": exercise.isolation,
            }
            for exercise in result.exercises
        ],
    }


def from_dict(data: dict) -> CourseResult:
    """The model back from its JSON form (the inverse of to_dict): totals and isolation are
    derived from the exercises again, so only what to_dict took from the model is read."""
    return CourseResult(
        target=data["target"],
        exercises=[exercise_from_dict(entry) for entry in data["exercises"]],
        version=data["version"],
        grader=data["grader"],
        python=data["python"],
        integrity_problems=list(data.get("integrity_problems", [])),
    )


def exercise_from_dict(entry: dict) -> ExerciseResult:
    return ExerciseResult(
        id=entry["id"],
        slug=entry["slug"],
        title=entry["title"],
        status=entry["status"],
        points=entry["points"],
        max_points=entry["max_points"],
        duration=entry["duration"],
        # The JSON keys of a task and of a test are their fields' names (see to_dict).
        tasks=[TaskResult(**task) for task in entry["tasks"]],
        tests=[TestResult(**test) for test in entry["tests"]],
        flags=[dict(flag) for flag in entry.get("flags", [])],
        isolation=dict(entry.get("isolation", {})),
    )


def write_json(result: CourseResult, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(to_dict(result), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
