"""`coursemap`: the course map in README.md, derived from the manifest (`--check`: fail if stale)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from grader.manifest import Course

_REGION = re.compile(
    r"(<!-- coursemap:(?P<lang>en|zh) start -->\n).*?(<!-- coursemap:(?P=lang) end -->)", re.S
)


def render(course: Course, lang: str) -> str:
    if lang == "zh":
        header = "| 编号 | 练习 | 方向 | 任务 | 分值 |\n|---|---|---|---|---|\n"
    else:
        header = "| # | Exercise | Track | Tasks | Points |\n|---|---|---|---|---|\n"
    rows = []
    for exercise in course.exercises:
        track = course.track(exercise.track)
        title = exercise.title_zh if lang == "zh" else exercise.title
        track_title = track.title_zh if lang == "zh" else track.title
        link = f"[{title}](exercises/{exercise.folder}/README.md)"
        rows.append(
            f"| {exercise.id} | {link} | {track_title} | {len(exercise.tasks)} | {exercise.max_points:g} |"
        )
    total = "总分" if lang == "zh" else "Total"
    rows.append(f"| | **{total}** | | | **{course.max_points:g}** |")
    return header + "\n".join(rows) + "\n"


def updated_readme(course: Course, text: str) -> str:
    return _REGION.sub(lambda m: m.group(1) + render(course, m.group("lang")) + m.group(3), text)


def update_readme(course: Course, check: bool = False, readme: Path | None = None) -> int:
    readme = readme or course.root / "README.md"
    text = readme.read_text(encoding="utf-8")
    if len(_REGION.findall(text)) != 2:
        print(
            f"{readme}: needs the <!-- coursemap:en start/end --> and <!-- coursemap:zh start/end --> markers"
        )
        return 1
    new = updated_readme(course, text)
    if new == text:
        print("README.md course map is up to date.")
        return 0
    if check:
        print(
            "README.md course map is stale: run `python -m grader coursemap` and commit the result."
        )
        return 1
    readme.write_text(new, encoding="utf-8")
    print("README.md course map updated from the manifest.")
    return 0


HELP = "write (or --check) the README course map"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="fail if README.md is stale")


def handle(args: argparse.Namespace, course: Course) -> int:
    return update_readme(course, check=args.check)
