"""`release OUT_DIR [--keep-solutions] [--force] [--no-check]`: the student template.

Writes the course without its solutions, its own tests and its instructor files, as one git
commit (grader.release says what is left out and why), then checks a clone of it as a student
would use it. Standard library only: the check grades with the interpreter this runs on.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

from grader.manifest import Course
from grader.release import LEFT_OUT, Step, check_release, write_release

HELP = "write the student template (no solutions/, tests/ or instructor files) and check it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, metavar="OUT_DIR", help="a new or empty folder")
    parser.add_argument(
        "--keep-solutions",
        action="store_true",
        help="keep solutions/ (a self-study edition: `nox -s solution` works there)",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace everything in a non-empty OUT_DIR"
    )
    parser.add_argument(
        "--no-check", action="store_true", help="write it without grading and trying it"
    )
    parser.add_argument(
        "--nox",
        help="command that runs nox, to run the copy's own sessions (default: nox next to this "
        "Python, or on PATH)",
    )


def handle(args: argparse.Namespace, course: Course) -> int:
    started = time.perf_counter()
    release = write_release(course, args.out, args.keep_solutions, args.force)
    print(f"Wrote the student template to {release.out}: {release.files} files, one commit "
          f"({release.commit[:7]}).")  # fmt: skip
    for name in release.left_out:
        print(f"  left out {name}: {LEFT_OUT[name]}")
    print(f"  written in {time.perf_counter() - started:.1f} s")
    if args.no_check:
        return 0
    nox = shlex.split(args.nox) if args.nox else _nox_here()
    print("Checking a clone of it as a student would"
          + ("" if nox else " (no nox found: the grader's verbs stand in for the sessions)") + ":")  # fmt: skip
    check = check_release(release.out, course, sys.executable, nox, say=_say)
    if check.ok:
        print(f"The student template works: checked in {check.seconds:.0f} s.")
        return 0
    failed = [step.name for step in check.steps if not step.ok]
    print(
        f"The student template at {release.out} was written, but {len(failed)} check(s) failed: "
        f"{', '.join(failed)}. Fix the course, then release again with --force.",
        file=sys.stderr,
    )
    return 1


def _say(step: Step) -> None:
    print(f"  {'✓' if step.ok else '✗'} {step.name:<14} {step.detail} ({step.seconds:.1f} s)",
          flush=True)  # fmt: skip


def _nox_here() -> list[str] | None:
    import importlib.util
    import shutil

    if importlib.util.find_spec("nox") is not None:
        return [sys.executable, "-m", "nox"]
    found = shutil.which("nox")
    return [found] if found else None
