"""What the instructor sees while a class is graded: a progress bar on a terminal, one plain line
per finished student elsewhere (a log, CI)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from grader.results import printable


@dataclass
class ClassProgress:
    """Callbacks for the batch: one per finished child run, one per finished student."""

    console: object
    students: int
    bar: object = None
    task: object = None
    finished: int = 0

    def run_done(self, run, student: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=f"{student} {run.exercise.folder}")

    def student_done(self, report: dict) -> None:
        self.finished += 1
        if self.bar is not None:
            return
        submission = report["submission"]
        total = report["total"]
        cached = len(submission["cached"])
        line = (
            f"[{self.finished}/{self.students}] {printable(submission['student'])}: "
            f"{total['points']}/{total['max_points']} points, {submission['status']}"
        )
        if submission["error"]:
            line += f" ({submission['error']})"
        elif cached:
            line += f" ({cached} from the cache)"
        self.console.print(line, markup=False, highlight=False, soft_wrap=True)


@contextlib.contextmanager
def class_progress(console, pairs: int, students: int) -> Iterator[ClassProgress]:
    progress = ClassProgress(console, students)
    if not console.is_terminal or pairs == 0:
        yield progress
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

    bar = Progress(
        SpinnerColumn(),
        TextColumn("[bold]Grading the class[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    )
    with bar:
        progress.bar, progress.task = bar, bar.add_task("", total=pairs)
        yield progress
