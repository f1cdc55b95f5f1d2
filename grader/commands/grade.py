"""`grade`: run the selected exercises' hidden suites against a folder and report progress.

Around the children, the parent checks what they must not change: the grading files and every
exercise folder are fingerprinted before and after; the grading virtualenv is verified against
its RECORD files while the children run (so it costs no waiting) and, with the nox session's
cache, again after them when a child ran without a read-only view of it; $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY are put back as they were
before the parent writes them itself.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from grader import isolation
from grader.integrity import (
    ChangeWatch,
    Fingerprint,
    ProtectedFile,
    attribute_change,
    default_cache,
    grading_roots,
    scan_learner_files,
    verify_installed_files,
)
from grader.manifest import GRADER_DIR, Course
from grader.runner import run_exercises
from grader.selection import select
from grader.workspace import check_target

if TYPE_CHECKING:
    from grader.results import CourseResult

# What only the report needs (rich, the results model, the writers) is imported once the first
# child runs, or where it is used: a child starts without waiting for it.

REBUILD_HINT = "Rebuild the grading virtualenv: `nox -s grade --reinstall` (or delete `.nox/`)."

HELP = "grade exercises and show progress"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "selectors",
        nargs="*",
        metavar="EXERCISE",
        help="4, 04, compact_dict or 04_compact_dict (default: all)",
    )
    parser.add_argument(
        "--target", type=Path, help="folder holding the NN_slug folders (default: exercises/)"
    )
    parser.add_argument(
        "--json", type=Path, dest="json_path", metavar="FILE", help="write the JSON report"
    )
    parser.add_argument(
        "--junit", type=Path, dest="junit_path", metavar="FILE", help="write JUnit XML"
    )
    parser.add_argument(
        "--gradescope",
        type=Path,
        dest="gradescope_path",
        metavar="FILE",
        help="write Gradescope's results.json (the archive's run_autograder uses it)",
    )
    parser.add_argument(
        "--badge",
        type=Path,
        metavar="FILE",
        help='write an SVG progress badge ("katas 7/17 · 63/170") for your README',
    )
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when exercises fail")
    parser.add_argument(
        "--jobs",
        type=int,
        help="grading processes at once (default: CPU count; with fewer exercises than that, "
        "some are split over the idle ones)",
    )
    parser.add_argument(
        "--classroom",
        action="store_true",
        help="in GitHub Actions: write one Classroom result per exercise to $GITHUB_OUTPUT",
    )


def handle(args: argparse.Namespace, course: Course) -> int:
    check_target(course, select(course, args.selectors), args.target)
    return grade(
        course,
        args.selectors,
        args.target,
        args.json_path,
        args.junit_path,
        args.exit_zero,
        args.jobs,
        args.classroom,
        badge=args.badge,
        gradescope_path=args.gradescope_path,
    )


def _once_set(event: threading.Event, function, *args, **kwargs):
    event.wait()
    return function(*args, **kwargs)


def grade(
    course: Course,
    selectors: list[str],
    target: Path | None = None,
    json_path: Path | None = None,
    junit_path: Path | None = None,
    exit_zero: bool = False,
    jobs: int | None = None,
    classroom: bool = False,
    badge: Path | None = None,
    gradescope_path: Path | None = None,
) -> int:
    exercises = select(course, selectors)
    if classroom and not os.environ.get("GITHUB_OUTPUT"):
        raise SystemExit(
            "--classroom writes one result per exercise to $GITHUB_OUTPUT: run it in GitHub Actions "
            "(or set GITHUB_OUTPUT to a file)."
        )
    target = Path(target or course.exercises_dir)
    if not target.is_dir():
        raise SystemExit(
            f"--target {target}: no such folder (it should hold the NN_slug exercise folders)"
        )
    protected = [
        ProtectedFile(Path(os.environ[name]))
        for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY")
        if os.environ.get(name)
    ]
    roots = grading_roots(course.root, GRADER_DIR, course.suites_dir) + [
        target.resolve() / exercise.folder for exercise in course.exercises
    ]
    cache = default_cache()
    with ThreadPoolExecutor(max_workers=2) as background:
        # How children start here is probed (by starting processes) while the files are hashed.
        background.submit(isolation.launcher)
        # The virtualenv is checked beside the children, from the first child's start on: before
        # it, the check's imports and hashing would hold the interpreter the parent prepares with.
        first_child = threading.Event()
        installed = background.submit(_once_set, first_child, verify_installed_files, cache=cache)
        fingerprints = default_cache("fingerprints.json")
        before = Fingerprint.of(roots, cache=fingerprints)
        watch = ChangeWatch(roots, start=before)
        display = Display(len(exercises))
        try:

            def on_start(exercise) -> None:
                first_child.set()
                display.start(exercise)

            def on_done(run) -> None:
                watch.check()
                display.advance(run)

            runs = run_exercises(exercises, target, jobs=jobs, on_done=on_done, on_start=on_start)
        finally:
            first_child.set()
            display.close()
        after = Fingerprint.of(roots, earlier=before)
        display.write_bytecode()
        tampered = installed.result()
    held = all(run.isolation.get("level") == "full" for run in runs)
    if cache is not None and not tampered and not held:
        # A child without a read-only view could have written the virtualenv after the check
        # above read a file; warm, this only re-hashes what changed while the children ran.
        tampered = verify_installed_files(cache=cache)
    problems = [problem for file in protected if (problem := file.restore())]
    if tampered:
        for problem in tampered:
            print(
                f"error: {problem.path} ({problem.distribution}) is {problem.problem}.",
                file=sys.stderr,
            )
        print(
            "The grading virtualenv is not as installed, so nothing was graded. " + REBUILD_HINT,
            file=sys.stderr,
        )
        return 2
    from grader.results import printable, score_course
    from grader.writers.terminal import print_report

    console = display.console()
    result = score_course(runs, target)
    result.integrity_problems += problems
    changes = before.changes(after)
    _report_changes(result, changes, target, runs, watch, course.root)
    if not changes:
        after.save(fingerprints)
    for exercise in result.exercises:
        exercise.flags = [
            {**flag.as_dict(), "file": printable(flag.file)}
            for flag in scan_learner_files(target / exercise.folder)
        ]
    if json_path:
        from grader.writers.json_report import write_json

        write_json(result, json_path)
    if junit_path:
        from grader.writers.junit import write_junit

        write_junit(result, junit_path)
    if gradescope_path:
        from grader.writers.gradescope import write_results as write_gradescope_results

        # run_autograder names the exercise folders the submission lacked, as the Classroom
        # workflow names the files it restored.
        unsubmitted = printable(os.environ.get("KATA_GRADESCOPE_UNSUBMITTED", "")).split()
        write_gradescope_results(result, gradescope_path, unsubmitted)
    print_report(console, result, exercises_dir=_shown(target))
    report_progress(console, course, result, target, badge)
    if classroom:
        from grader.writers import github

        changes = printable(os.environ.get("KATA_TEMPLATE_CHANGES", "")).split()
        github.write_outputs(result, Path(os.environ["GITHUB_OUTPUT"]))
        if os.environ.get("GITHUB_STEP_SUMMARY"):
            github.write_summary(result, Path(os.environ["GITHUB_STEP_SUMMARY"]), changes)
        if changes:
            console.print(
                f"Note: these files differ from the template and were restored before "
                f"grading: {', '.join(changes)}"
            )
    return 0 if exit_zero or result.all_passed else 1


class Display:
    """The console and the progress bar, set up when the first child has started: rich loads
    while that child runs instead of before it. Any thread may start it; the first does."""

    def __init__(self, total: int) -> None:
        self.total = total
        self._lock = threading.Lock()
        self._console = None
        self._bar = None  # the progress bar's context while it is drawn
        self._advance = None
        self._closed = False
        self._uncached: list[str] = []  # grader modules start() compiled without caching them

    def start(self, _exercise=None) -> None:
        with self._lock:
            if self._advance is not None or self._closed:
                return
            # Children are running: Python must not write a .pyc into the grading files now (it
            # would show as a change to them). These modules compile from source instead, and
            # write_bytecode caches them once the children are done.
            imported = set(sys.modules)
            was_off, sys.dont_write_bytecode = sys.dont_write_bytecode, True
            try:
                from grader.writers.terminal import grading_progress
            finally:
                sys.dont_write_bytecode = was_off
            if not was_off:
                self._uncached = _without_bytecode(set(sys.modules) - imported)
            self._bar = grading_progress(self._make_console(), self.total)
            self._advance = self._bar.__enter__()

    def write_bytecode(self) -> None:
        """Write the bytecode start() could not, for the next grade to load instead of compiling
        it again. Only once no child runs and the grading files' last fingerprint is taken."""
        import py_compile
        from importlib.util import cache_from_source

        for source in self._uncached:
            with contextlib.suppress(OSError, py_compile.PyCompileError):
                py_compile.compile(source, cfile=cache_from_source(source), doraise=True)
        self._uncached = []

    def advance(self, run) -> None:
        self.start()
        self._advance(run)

    def close(self) -> None:
        """The bar ends (it is transient: nothing of it stays on screen)."""
        with self._lock:
            self._closed = True
            if self._bar is not None:
                self._bar.__exit__(None, None, None)
                self._bar = None

    def console(self):
        with self._lock:
            return self._make_console()

    def _make_console(self):
        if self._console is None:
            from grader.writers.terminal import make_console

            self._console = make_console()
        return self._console


def _without_bytecode(names) -> list[str]:
    """Source files of these grader modules that have no cached bytecode."""
    from importlib.util import cache_from_source

    found = []
    for name in sorted(names):
        source = getattr(sys.modules.get(name), "__file__", None)
        if not source or not source.endswith(".py") or GRADER_DIR not in Path(source).parents:
            continue
        if not os.path.exists(cache_from_source(source)):
            found.append(source)
    return found


def _report_changes(
    result: CourseResult,
    changes: list[tuple[Path, str]],
    target: Path,
    runs: list,
    watch: ChangeWatch,
    course_root: Path,
) -> None:
    """Each exercise blamed for a change gets an error naming every file it is blamed for."""
    from grader.results import mark_integrity_error, printable

    blamed: dict[str, list[str]] = {}
    for path, kind in changes:
        shown = printable(_relative(path, course_root, target))
        for exercise_id, reason in attribute_change(path, runs, watch.window(path)).items():
            blamed.setdefault(exercise_id, []).append(f"{shown} ({kind}, {reason})")
    for exercise in result.exercises:
        if exercise.id in blamed:
            mark_integrity_error(
                exercise,
                "Files grading relies on changed during the run: "
                + ", ".join(blamed[exercise.id])
                + ". Grading code and other exercises' files must not be written to. "
                "Restore them with `git checkout -- <file>` and grade again.",
            )


def _relative(path: Path, *bases: Path) -> str:
    for base in bases:
        try:
            return path.relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return str(path)


def _shown(target: Path) -> str:
    try:
        return target.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(target)


def report_progress(console, course: Course, result, target: Path, badge: Path | None) -> None:
    """A grade of the learner's own exercises updates their progress: the course totals and
    what changed since the last grade. A badge shows those totals, or this grade's elsewhere."""
    from grader import progress
    from grader.badge import write_badge

    if progress.counts(course, target):
        try:
            changes = progress.record_grade(course, result)
        except OSError as error:  # a read-only checkout: the grade itself still stands
            changes = []
            console.print(f"Progress not saved ({error}).")
        totals = progress.totals(course, progress.load(course))
        console.print(f"Course: {totals.line()}")
        if changes:
            console.print(f"Since your last grade: {'; '.join(changes)}.")
    else:
        totals = progress.CourseTotals(
            result.exercises_passed, len(result.exercises), result.points, result.max_points
        )
    if badge:
        write_badge(badge, totals)
        console.print(f"Badge written to {badge} ({totals.line()}).")
