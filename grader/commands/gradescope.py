"""`gradescope OUT.zip`: the archive to upload as a Gradescope programming assignment's autograder.

What is in it and what its scripts do is grader.gradescope's business; INSTRUCTORS.md says how
to upload it and what students see.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from grader.errors import UsageError
from grader.gradescope import COURSE_FILES, build_archive, uncommitted_stubs
from grader.manifest import Course

HELP = "instructors: build the Gradescope autograder archive (setup.sh, run_autograder, the grader)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "out", type=Path, metavar="OUT.zip", help="where to write the archive, e.g. autograder.zip"
    )


def handle(args: argparse.Namespace, course: Course) -> int:
    out = Path(args.out)
    if out.suffix.lower() != ".zip":
        raise UsageError(f"{out}: Gradescope takes a .zip file; name it like autograder.zip")
    copied = [course.root.resolve() / name for name in COURSE_FILES]
    if any(out.resolve().is_relative_to(folder) for folder in copied):
        raise UsageError(
            f"{out}: write the archive outside the folders it copies ({', '.join(COURSE_FILES)})"
        )
    changed = uncommitted_stubs(course.root)
    if changed:
        shown = ", ".join(changed[:5]) + (
            f" and {len(changed) - 5} more" if len(changed) > 5 else ""
        )
        raise UsageError(
            f"exercises/ differs from the last commit ({shown}): the archive's stubs stand in for "
            f"whatever a submission lacks, so they must be the course's. Commit or stash these "
            f"changes (`git stash`), then build again"
        )
    try:
        names = build_archive(course.root, out)
    except FileNotFoundError as error:
        raise UsageError(f"{error}; restore it with `git checkout -- .`") from None
    stubs = len({name.split("/")[1] for name in names if name.startswith("exercises/")})
    print(
        f"Wrote {out} ({len(names)} files: setup.sh, run_autograder, the grader and its suites, "
        f"{stubs} exercises' stubs; no solutions, no tests)."
    )
    print(
        "Upload it under Configure Autograder of a Gradescope programming assignment; "
        "INSTRUCTORS.md, 'Grade on Gradescope', says what students submit and see."
    )
    return 0
