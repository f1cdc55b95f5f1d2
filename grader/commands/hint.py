"""`hint N [LEVEL]`: progressive hints, one at a time (English and 中文)."""

from __future__ import annotations

from rich.text import Text

from grader.manifest import Course
from grader.selection import find
from grader.writers.terminal import make_console


def show_hint(
    course: Course, selector: str, level: int | None = None, show_all: bool = False
) -> int:
    exercise = find(course, selector)
    console = make_console()
    hints = exercise.hints
    if not hints:
        console.print(f"{exercise.folder} has no hints.")
        return 0
    level = level or 1
    if not 1 <= level <= len(hints):
        raise SystemExit(
            f"{exercise.folder} has hints 1 to {len(hints)}; there is no hint {level}."
        )
    chosen = range(1, len(hints) + 1) if show_all else [level]
    console.print(Text(f"{exercise.folder} — {exercise.title} · {exercise.title_zh}", style="bold"))
    for number in chosen:
        hint = hints[number - 1]
        console.print(Text(f"\nHint {number}/{len(hints)}", style="bold cyan"))
        # Plain text: hints hold code such as args=[report.pk], which is not rich markup.
        console.print(Text(hint.en))
        console.print(Text(f"提示 {number}/{len(hints)}", style="bold cyan"))
        console.print(Text(hint.zh))
    if not show_all and level < len(hints):
        console.print(
            Text(
                f"\nStill stuck? Next hint / 下一个提示: nox -s hint -- {exercise.id} {level + 1}",
                style="dim",
            )
        )
    return 0
