"""`hint N [LEVEL]`: progressive hints, one at a time, in English, 中文 or both.

Plain text, standard library only: a learner's first `nox -s hint` needs no Django, Celery or
rich. The levels shown are recorded in the progress file.
"""

from __future__ import annotations

import argparse
import contextlib
import os

from grader import progress
from grader.errors import UsageError
from grader.manifest import Course
from grader.selection import find

HELP = "show a hint for an exercise (English, 中文 or both)"
LANGUAGES = ("en", "zh", "both")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "selector", metavar="EXERCISE", help="4, 04, compact_dict or 04_compact_dict"
    )
    parser.add_argument("level", nargs="?", type=int, help="which hint (1 = the gentlest)")
    parser.add_argument("--all", action="store_true", dest="show_all", help="show every hint")
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="language of the hints (default: from LANG/LC_ALL: zh… → zh, en… → en, else both)",
    )


def handle(args: argparse.Namespace, course: Course) -> int:
    return show_hint(course, args.selector, args.level, args.show_all, args.lang)


def locale_language(environ: dict[str, str] | None = None) -> str:
    """The hint language the locale asks for, in POSIX order: LC_ALL, LC_MESSAGES, LANG."""
    environ = os.environ if environ is None else environ
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "").lower()
        if value:
            if value.startswith("zh"):
                return "zh"
            if value.startswith("en"):
                return "en"
            return "both"
    return "both"


def show_hint(
    course: Course,
    selector: str,
    level: int | None = None,
    show_all: bool = False,
    lang: str | None = None,
) -> int:
    exercise = find(course, selector)
    lang = lang or locale_language()
    hints = exercise.hints
    if not hints:
        print(f"{exercise.folder} has no hints.")
        return 0
    level = level or 1
    if not 1 <= level <= len(hints):
        raise UsageError(
            f"{exercise.folder} has hints 1 to {len(hints)}; there is no hint {level}. "
            f"Try `nox -s hint -- {exercise.id} {len(hints)}`"
        )
    chosen = list(range(1, len(hints) + 1)) if show_all else [level]
    titles = {"en": exercise.title, "zh": exercise.title_zh}
    title = titles.get(lang, f"{exercise.title} · {exercise.title_zh}")
    print(f"{exercise.folder} — {title}")
    for number in chosen:
        hint = hints[number - 1]
        if lang in ("en", "both"):
            print(f"\nHint {number}/{len(hints)}\n{hint.en}")
        if lang in ("zh", "both"):
            # In both languages the 中文 hint follows its English one as one block.
            gap = "" if lang == "both" else "\n"
            print(f"{gap}提示 {number}/{len(hints)}\n{hint.zh}")
    with contextlib.suppress(OSError):  # a read-only checkout: the hint is shown all the same
        progress.record_hints(course, exercise, chosen)
    if not show_all and level < len(hints):
        command = f"nox -s hint -- {exercise.id} {level + 1}"
        nudge = {
            "en": f"Still stuck? Next hint: {command}",
            "zh": f"还没想通？下一个提示：{command}",
            "both": f"Still stuck? Next hint / 下一个提示: {command}",
        }
        print(f"\n{nudge[lang]}")
    return 0
