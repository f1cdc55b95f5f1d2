"""`watch`: grade again every time you save. Shows the first unfinished exercise (or the ones
you name), and after each save re-grades the exercise whose files changed."""

from __future__ import annotations

from pathlib import Path

from rich.rule import Rule

from grader.manifest import Course, Exercise
from grader.results import score_course
from grader.runner import run_exercises
from grader.selection import select
from grader.writers.terminal import grading_progress, make_console, print_report


def watch(course: Course, selectors: list[str], target: Path | None = None) -> int:
    from watchfiles import watch as watch_changes  # only this verb needs it

    target = Path(target or course.exercises_dir).resolve()
    console = make_console()
    watched = select(course, selectors)

    def grade(exercises: list[Exercise]) -> None:
        console.clear()
        with grading_progress(console, len(exercises)) as advance:
            runs = run_exercises(exercises, target, on_done=advance)
        print_report(console, score_course(runs, target))
        console.print(Rule(style="dim"))
        console.print(
            "Watching for changes. Save a file to grade again; Ctrl-C to stop.", style="dim"
        )

    grade(watched)
    try:
        for changes in watch_changes(target, watch_filter=_is_source, debounce=300):
            changed = _exercises_of(course, watched, target, {Path(path) for _, path in changes})
            if changed:
                grade(changed)
    except KeyboardInterrupt:
        pass
    return 0


def _is_source(_change, path: str) -> bool:
    return not any(part in {"__pycache__", ".pytest_cache"} for part in Path(path).parts)


def _exercises_of(
    course: Course, watched: list[Exercise], target: Path, paths: set[Path]
) -> list[Exercise]:
    folders = set()
    for path in paths:
        try:
            folders.add(path.resolve().relative_to(target).parts[0])
        except (ValueError, IndexError):
            continue
    return [exercise for exercise in watched if exercise.folder in folders]
