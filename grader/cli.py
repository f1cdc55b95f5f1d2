"""`python -m grader VERB …`: the command line behind the nox sessions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grader.manifest import MANIFEST_PATH, ManifestError, load_course
from grader.selection import SelectionError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m grader", description="Grade the katas.")
    parser.add_argument("--course", type=Path, default=MANIFEST_PATH, help=argparse.SUPPRESS)
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    grade = verbs.add_parser("grade", help="grade exercises and show progress")
    grade.add_argument(
        "selectors",
        nargs="*",
        metavar="EXERCISE",
        help="4, 04, compact_dict or 04_compact_dict (default: all)",
    )
    grade.add_argument(
        "--target", type=Path, help="folder holding the NN_slug folders (default: exercises/)"
    )
    grade.add_argument(
        "--json", type=Path, dest="json_path", metavar="FILE", help="write the JSON report"
    )
    grade.add_argument(
        "--junit", type=Path, dest="junit_path", metavar="FILE", help="write JUnit XML"
    )
    grade.add_argument("--exit-zero", action="store_true", help="exit 0 even when exercises fail")
    grade.add_argument("--jobs", type=int, help="exercises graded at once (default: CPU count)")
    grade.add_argument(
        "--classroom",
        action="store_true",
        help="in GitHub Actions: write one Classroom result per exercise to $GITHUB_OUTPUT",
    )

    verify = verbs.add_parser(
        "verify", help="prove every test fails on its stub and passes on its solution"
    )
    verify.add_argument("selectors", nargs="*", metavar="EXERCISE")
    verify.add_argument("--jobs", type=int)

    watch = verbs.add_parser("watch", help="grade again on every save")
    watch.add_argument(
        "selectors", nargs="*", metavar="EXERCISE", help="exercises to watch (default: all)"
    )
    watch.add_argument("--target", type=Path, help=argparse.SUPPRESS)

    play = verbs.add_parser(
        "play",
        help="try an exercise by hand: Django/DRF or nginx on 127.0.0.1, or a Celery worker",
    )
    play.add_argument("selector", metavar="EXERCISE")
    play.add_argument("--port", type=int, help="port on 127.0.0.1 (default: 8000, or a free one)")
    play.add_argument(
        "--target", type=Path, help="folder holding the NN_slug folders (default: exercises/)"
    )
    play.add_argument(
        "--noreload", action="store_false", dest="reload", help="do not restart on save"
    )
    play.add_argument(
        "--shell", action="store_true", help="Celery: a Python shell that sends tasks to the worker"
    )
    play.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)

    verbs.add_parser("list", help="the course map")

    hint = verbs.add_parser("hint", help="show a hint for an exercise")
    hint.add_argument("selector", metavar="EXERCISE")
    hint.add_argument("level", nargs="?", type=int, help="which hint (1 = the gentlest)")
    hint.add_argument("--all", action="store_true", dest="show_all", help="show every hint")

    coursemap = verbs.add_parser("coursemap", help="write (or --check) the README course map")
    coursemap.add_argument("--check", action="store_true", help="fail if README.md is stale")

    classroom = verbs.add_parser(
        "classroom", help="write (or --check) the GitHub Classroom workflow"
    )
    classroom.add_argument("--check", action="store_true", help="fail if the workflow is stale")

    bench = verbs.add_parser(
        "bench", help="time the grader and print each figure next to its target"
    )
    bench.add_argument("--nox", help="command that runs nox, to time a warm `nox -s grade`")
    bench.add_argument("--repeat", type=int, default=3)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        course = load_course(args.course)
        return _dispatch(args, course)
    except (ManifestError, SelectionError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace, course) -> int:
    if args.verb == "grade":
        from grader.commands.grade import grade

        return grade(
            course,
            args.selectors,
            args.target,
            args.json_path,
            args.junit_path,
            args.exit_zero,
            args.jobs,
            args.classroom,
        )
    if args.verb == "verify":
        from grader.commands.verify import verify

        return verify(course, args.selectors, jobs=args.jobs)
    if args.verb == "watch":
        from grader.commands.watch import watch

        return watch(course, args.selectors, args.target)
    if args.verb == "play":
        from grader.commands.play import play

        return play(
            course, args.selector, args.port, args.target, args.reload, args.shell, args.worker
        )
    if args.verb == "list":
        from grader.commands.listing import list_exercises

        return list_exercises(course)
    if args.verb == "hint":
        from grader.commands.hint import show_hint

        return show_hint(course, args.selector, args.level, args.show_all)
    if args.verb == "coursemap":
        from grader.commands.coursemap import update_readme

        return update_readme(course, check=args.check)
    if args.verb == "classroom":
        from grader.commands.classroom import write_workflow

        return write_workflow(course, check=args.check)
    if args.verb == "bench":
        from grader.commands.bench import bench

        return bench(course, nox_command=args.nox, repeat=args.repeat)
    raise AssertionError(args.verb)
