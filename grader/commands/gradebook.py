"""`gradebook`: grade a whole class with this repository's pristine grader.

Each submission's exercises/ is graded by the grader, suites and settings of this copy of the
course; nothing else of the student's checkout is run. Writes, in the out folder:
gradebook.csv, students/<student>.json (the `grade --json` model plus "submission") and
report.html; results are cached by content in <out>/.cache (or --cache DIR).
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import sys
from pathlib import Path

from grader.errors import UsageError
from grader.manifest import Course
from grader.selection import select

HELP = "grade a whole class of submissions: gradebook.csv, a JSON report per student, report.html"

CSV_NAME = "gradebook.csv"
STUDENTS_FOLDER = "students"
HTML_NAME = "report.html"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "submissions",
        type=Path,
        metavar="SUBMISSIONS_DIR",
        help="a folder with one folder per student: their checkout (as `gh classroom clone "
        "student-repos` makes them) or a copy of their exercises/",
    )
    parser.add_argument(
        "selectors",
        nargs="*",
        metavar="EXERCISE",
        help="grade only these exercises: 4, 04, compact_dict or 04_compact_dict (default: all)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="where to write the gradebook (default: SUBMISSIONS_DIR-gradebook next to it)",
    )
    parser.add_argument(
        "--jobs", type=int, metavar="N", help="exercises graded at once (default: CPU count)"
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the student reports an interrupted run already wrote in the out folder",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="grade everything again, ignoring cached results"
    )
    parser.add_argument(
        "--cache", type=Path, metavar="DIR", help="the results cache (default: OUT/.cache)"
    )
    parser.add_argument(
        "--broker",
        metavar="URL",
        help="grade on workers (`nox -s grading-worker -- --broker URL`) through this broker, "
        "e.g. redis://:PASSWORD@host:6379/0",
    )
    parser.add_argument(
        "--backend", metavar="URL", help="where workers send reports (default: the Redis broker)"
    )


def handle(args: argparse.Namespace, course: Course) -> int:
    # Imported here: `python -m grader hint` never pays for what grading a class needs.
    from grader.gradebook import batch, flags
    from grader.gradebook.cache import ResultCache, grader_fingerprint
    from grader.gradebook.display import class_progress
    from grader.gradebook.submissions import find_submissions
    from grader.writers.gradebook_csv import gradebook_row, write_gradebook_csv
    from grader.writers.terminal import make_console

    if args.jobs is not None and args.jobs < 1:
        raise UsageError(
            f"--jobs {args.jobs}: give a number of exercises to grade at once, 1 or more"
        )
    if args.selectors:  # the gradebook of these exercises alone: their columns, their points
        course = dataclasses.replace(course, exercises=tuple(select(course, args.selectors)))
    folder = Path(args.submissions).resolve()
    out = (args.out or folder.parent / f"{folder.name}-gradebook").resolve()
    submissions = find_submissions(folder, course, skip=(out,))
    cache = ResultCache(args.cache or out / ".cache", grader_fingerprint(course))
    students_dir = out / STUDENTS_FOLDER
    previous = _written_reports(students_dir) if args.resume else {}
    use_cache = not args.no_cache

    console = make_console()
    works = batch.plan_class(course, submissions, cache, use_cache, previous)
    pairs = batch.pairs_to_grade(works)
    console.print(
        f"Grading {len(works)} submissions from {folder}: {pairs} exercises to grade, "
        f"{sum(len(work.cached) for work in works)} from the cache, "
        f"{sum(work.reused is not None for work in works)} students kept from the last run.",
        markup=False, highlight=False, soft_wrap=True,
    )  # fmt: skip
    with class_progress(console, pairs, len(works)) as progress:

        def on_student(report: dict) -> None:
            _write_report(students_dir, report)
            progress.student_done(report)

        if args.broker:
            from grader.gradebook.remote import grade_class_remote

            grade = functools.partial(grade_class_remote, broker=args.broker, backend=args.backend)
        else:
            grade = functools.partial(batch.grade_class, jobs=args.jobs)
        try:
            reports = grade(course, works, cache, on_run=progress.run_done, on_student=on_student)
        except batch.TamperedGrader as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print(
                f"Interrupted: {progress.finished} of {len(works)} students are written in "
                f"{students_dir}; run the same command with --resume to grade the rest.",
                file=sys.stderr,
            )
            return 130

    found = flags.class_flags(
        course, {work.submission.student: work.submission.exercises_dir for work in works}
    )
    for work in works:
        student = work.submission.student
        report = reports[student]
        student_flags = []
        if work.submission.is_checkout:
            student_flags.append(flags.grading_files_flag(course, work.submission.root))
        student_flags.append(flags.reaches_grader_flag(report))
        student_flags += found.get(student, [])
        report["submission"]["flags"] = [flag.as_dict() for flag in student_flags if flag]
        _write_report(students_dir, report)

    rows = [gradebook_row(course, reports[work.submission.student]) for work in works]
    write_gradebook_csv(course, rows, out / CSV_NAME)
    html_note = _write_html(rows, reports, course, out / HTML_NAME)
    _summary(console, rows, out, html_note)
    return 0


def _written_reports(students_dir: Path) -> dict[str, dict]:
    """student -> the report an earlier run wrote; unreadable ones are graded again."""
    reports = {}
    for path in sorted(students_dir.glob("*.json")) if students_dir.is_dir() else ():
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
            reports[report["submission"]["student"]] = report
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return reports


def _write_report(students_dir: Path, report: dict) -> None:
    students_dir.mkdir(parents=True, exist_ok=True)
    path = students_dir / f"{report['submission']['student']}.json"
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    temporary.replace(path)  # whole or not at all: --resume never reads half a report


def _write_html(rows: list[dict], reports: dict[str, dict], course: Course, path: Path) -> str:
    try:
        from grader.writers.html_report import write_html_report
    except ModuleNotFoundError as error:
        if error.name != "grader.writers.html_report":
            raise
        return "report.html not written: this copy of the grader has no HTML report writer."
    write_html_report(rows, reports, course, path)
    return ""


def _summary(console, rows: list[dict], out: Path, html_note: str) -> None:
    errors = sum(row["status"] == "error" for row in rows)
    partial = sum(row["status"] == "partial" for row in rows)
    flagged = sum(bool(row["flags"]) for row in rows)
    console.print(
        f"{len(rows)} students graded: {errors} could not be graded, {partial} with an exercise "
        f"in error or timeout, {flagged} flagged for review.",
        markup=False, highlight=False, soft_wrap=True,
    )  # fmt: skip
    console.print(f"Gradebook: {out / CSV_NAME}", markup=False, highlight=False, soft_wrap=True)
    console.print(
        f"Reports: {out / STUDENTS_FOLDER}/<student>.json",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    if html_note:
        console.print(html_note, markup=False, highlight=False, soft_wrap=True)
    else:
        console.print(
            f"Class report: {out / HTML_NAME}", markup=False, highlight=False, soft_wrap=True
        )
