"""The terminal report (rich): a progress bar while grading, then one line per exercise, the first
unfinished exercise's failures in full, and the next step. Colour only on a terminal."""

from __future__ import annotations

import sys
from contextlib import contextmanager

try:
    from rich.console import Console
    from rich.padding import Padding
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
    from rich.table import Table
    from rich.text import Text
except ImportError:  # hint, list, reset, solution and doctor run where only the stdlib is
    Console = None

from grader.results import CourseResult, ExerciseResult, TestResult

MAX_FAILURES_SHOWN = 6
MAX_MESSAGE_LINES = 25

_MARKS = {
    "pass": ("✓", "green"),
    "fail": ("✗", "red"),
    "error": ("!", "magenta"),
    "timeout": ("⧗", "yellow"),
}


def make_console() -> Console | PlainConsole:
    if Console is None:
        return PlainConsole()
    # Learner messages, hints and course text are shown as written: never re-coloured
    # (highlight) and never read as rich markup ("[slot]" in index[slot] is code, not a style).
    return Console(highlight=False, markup=False)


class PlainConsole:
    """What the verbs that run without rich use of its Console: text, line by line, no style."""

    def __init__(self, file=None) -> None:
        self.file = file or sys.stdout
        self.is_terminal = self.file.isatty()

    def print(self, *objects, style=None, end: str = "\n", **_layout) -> None:
        print(*(str(item) for item in objects), end=end, file=self.file, flush=True)

    def rule(self, title: str = "", **_layout) -> None:
        self.print(f"── {title} ──" if title else "─" * 40)

    def clear(self) -> None:
        """Never clears: plain output is a log to scroll back through."""


@contextmanager
def grading_progress(console: Console, total: int, label: str = "Grading"):
    """Yields a callback to call once per finished child run; draws nothing off a terminal."""
    if not console.is_terminal or total == 0:
        yield lambda run: None
        return
    progress = Progress(
        SpinnerColumn(),
        TextColumn(f"[bold]{label}[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    )
    with progress:
        task = progress.add_task("", total=total)

        def advance(run) -> None:
            progress.update(task, advance=1, description=run.exercise.folder)

        yield advance


def print_report(console: Console, result: CourseResult, exercises_dir: str = "exercises") -> None:
    console.print(_exercise_table(result))
    _print_integrity(console, result)
    console.print(_summary(result))
    unfinished = result.first_unfinished()
    if unfinished is None:
        console.print(Text("All selected exercises pass. Well done!", style="bold green"))
        return
    console.print()
    print_failures(console, unfinished, exercises_dir)
    console.print(Text.assemble(
        ("Stuck? ", "bold"), "Run ", (f"nox -s hint -- {unfinished.id}", "bold cyan"),
        " for a hint, then ", (f"nox -s grade -- {unfinished.id}", "bold cyan"), " to grade it again.",
    ))  # fmt: skip


def _exercise_table(result: CourseResult) -> Table:
    table = Table.grid(padding=(0, 2))
    for _ in range(5):
        table.add_column()
    table.columns[3].justify = "right"
    for exercise in result.exercises:
        mark, style = _MARKS.get(exercise.status, ("?", "white"))
        done_tasks = sum(task.status == "pass" for task in exercise.tasks)
        detail = "" if exercise.passed else f"{done_tasks}/{len(exercise.tasks)} tasks"
        if exercise.status in ("error", "timeout"):
            detail = f"{detail} · {exercise.status}"
        table.add_row(
            Text(f"{mark} {exercise.id}", style=style),
            Text(exercise.slug, style="bold"),
            Text(exercise.title),
            Text(f"{exercise.points:g}/{exercise.max_points:g}", style=style),
            Text(detail, style="dim"),
        )
    return table


def _print_integrity(console: Console, result: CourseResult) -> None:
    """Flags (one line per exercise), what the parent undid, and isolation weaker than full."""
    for exercise in result.exercises:
        if exercise.flags:
            where = ", ".join(f"{flag['file']}:{flag['line']} {flag['detail']}"
                              for flag in exercise.flags[:3])  # fmt: skip
            more = f" (+{len(exercise.flags) - 3} more)" if len(exercise.flags) > 3 else ""
            console.print(
                Text(f"  ⚑ {exercise.id} flagged for review: {where}{more}", style="yellow")
            )
    for problem in result.integrity_problems:
        console.print(Text(f"  ⚑ {problem}", style="yellow"))
    isolation = result.isolation
    if isolation["level"] not in ("full", "unknown"):
        missing = (
            ", ".join(name.replace("_", " ") for name in isolation["missing"]) or "see the notes"
        )
        console.print(Text(f"  Isolation: {isolation['level']} (missing: {missing})", style="dim"))


def _summary(result: CourseResult) -> Text:
    total = len(result.exercises)
    percent = 100 * result.points / result.max_points if result.max_points else 0
    return Text.assemble(
        "\n",
        (f"{result.exercises_passed} of {total} exercises done", "bold"),
        f" · {result.points:g}/{result.max_points:g} points ({percent:.0f}%)",
    )


def print_failures(
    console: Console, exercise: ExerciseResult, exercises_dir: str = "exercises"
) -> None:
    console.print(Text.assemble(
        ("Next up: ", "bold"), (f"{exercise.folder}", "bold cyan"), f" — {exercise.title}",
        ("  (read ", "dim"), (f"{exercises_dir}/{exercise.folder}/README.md", "dim"), (")", "dim"),
    ))  # fmt: skip
    # By task, whatever order the suite ran in (pytest-django runs database tests first).
    failures = sorted(exercise.failures, key=lambda test: test.task if test.task is not None else 0)
    groups = _group_failures(failures)
    titles = {task.id: task for task in exercise.tasks}
    shown_task = object()
    for tests in groups[:MAX_FAILURES_SHOWN]:
        task_id = tests[0].task
        if task_id != shown_task:
            shown_task = task_id
            task = titles.get(task_id)
            if task is not None:
                console.print(
                    Text(
                        f"  Task {task.id} · {task.title} ({task.points:g}/{task.max_points:g})",
                        style="bold",
                    )
                )
        _print_failure(console, tests)
    hidden = sum(len(tests) for tests in groups[MAX_FAILURES_SHOWN:])
    if hidden:
        console.print(
            Text(
                f"  … and {hidden} more failing tests (grade with --json FILE to see them all).",
                style="dim",
            )
        )
    console.print()


def _group_failures(failures: list[TestResult]) -> list[list[TestResult]]:
    """Consecutive failures of one task with the same message are shown once, names joined."""
    groups: list[list[TestResult]] = []
    for test in failures:
        last = groups[-1][0] if groups else None
        if last is not None and (last.task, last.message, last.status) == (
            test.task,
            test.message,
            test.status,
        ):
            groups[-1].append(test)
        else:
            groups.append([test])
    return groups


def _print_failure(console: Console, tests: list[TestResult]) -> None:
    first = tests[0]
    mark = {"timeout": "⧗", "error": "!", "skipped": "-"}.get(first.status, "✗")
    names = ", ".join(test.function for test in tests[:2])
    if len(tests) > 2:
        names += f" and {len(tests) - 2} more"
    console.print(Padding(Text(f"{mark} {names}", style="red"), (0, 0, 0, 4), expand=False))
    lines = first.message.splitlines() or [first.status]
    if len(lines) > MAX_MESSAGE_LINES:
        lines = lines[:MAX_MESSAGE_LINES] + [f"… ({len(lines) - MAX_MESSAGE_LINES} more lines)"]
    console.print(Padding(Text("\n".join(lines)), (0, 0, 0, 8), expand=False))
