"""Integrity flags of a class: what an instructor should look at. Flags never change points.

- ``grading-files``: the student's checkout has grading files that differ from this repository's.
  Grading never used them (the pristine grader graded only their exercises/).
- ``reaches-grader``: code that reaches into the grader or pytest (grader.integrity's scan).
- ``solution-copy``: an exercise's files are the reference solution's, up to comments, blank
  lines and formatting.
- ``identical``: an exercise's files are another student's, and are not the untouched stub.
"""

from __future__ import annotations

import ast
import hashlib
import io
import os
import tokenize
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from grader.manifest import Course, Exercise

# What grading relies on in a copy of the course; a student's edits there change nothing, but
# say something. Relative to the course's root.
GRADING_FILES = ("grader", "noxfile.py", ".github/workflows", "pyproject.toml", "requirements")
_IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache"}
# At most this many file names in a flag's detail; the rest are counted.
_LISTED = 5


@dataclass(frozen=True)
class SubmissionFlag:
    code: str  # grading-files, reaches-grader, solution-copy, identical
    exercise: str  # "04", or "" for the whole submission
    detail: str
    students: tuple[str, ...] = ()  # for identical: who else handed in the same code

    def as_dict(self) -> dict:
        return {"code": self.code, "exercise": self.exercise, "detail": self.detail,
                "students": list(self.students)}  # fmt: skip


def grading_files_flag(course: Course, checkout: Path) -> SubmissionFlag | None:
    """The grading files of ``checkout`` that differ from the course's, when it has any."""
    differing = []
    for name in GRADING_FILES:
        theirs, ours = checkout / name, course.root / name
        if not theirs.exists() and not theirs.is_symlink():
            continue  # a copy without it (plain exercises/, a trimmed template): nothing to compare
        their_files, our_files = _files(theirs), _files(ours)
        for relative in sorted(their_files.keys() | our_files.keys()):
            if their_files.get(relative) != our_files.get(relative):
                kind = ("added" if relative not in our_files
                        else "deleted" if relative not in their_files else "changed")  # fmt: skip
                differing.append(
                    f"{Path(name, relative).as_posix() if relative else name} ({kind})"
                )
    if not differing:
        return None
    listed = ", ".join(differing[:_LISTED])
    more = f" and {len(differing) - _LISTED} more" if len(differing) > _LISTED else ""
    return SubmissionFlag("grading-files", "", f"differ from this course's copy: {listed}{more}")


def _files(root: Path) -> dict[str, str]:
    """Relative path ("" for a file root) -> sha256 of the bytes (or of a link's target)."""
    if root.is_symlink():
        return {"": "link:" + os.readlink(root)}
    if root.is_file():
        return {"": _digest(root)}
    if not root.is_dir():
        return {}
    found = {}
    for current, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders if name not in _IGNORED_PARTS]
        for name in files + [name for name in subfolders if os.path.islink(Path(current, name))]:
            path = Path(current) / name
            relative = path.relative_to(root).as_posix()
            found[relative] = "link:" + os.readlink(path) if path.is_symlink() else _digest(path)
    return found


def _digest(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return "unreadable"


def reaches_grader_flag(report: dict) -> SubmissionFlag | None:
    """One flag naming the exercises whose code grader.integrity flagged."""
    flagged = [entry for entry in report.get("exercises", []) if entry.get("flags")]
    if not flagged:
        return None
    details = [f"{flag['file']}:{flag['line']} {flag['detail']}"
               for entry in flagged for flag in entry["flags"]]  # fmt: skip
    more = f" and {len(details) - _LISTED} more" if len(details) > _LISTED else ""
    return SubmissionFlag(
        "reaches-grader",
        ",".join(entry["id"] for entry in flagged),
        "; ".join(details[:_LISTED]) + more,
    )


def normalised_files(exercise: Exercise, folder: Path) -> str:
    """The exercise's learner files with comments and formatting left out, as one digest.

    Python files count by their syntax tree (so comments, blank lines and layout do not count);
    other files by their words. A missing file counts as missing.
    """
    digest = hashlib.sha256()
    for name in exercise.files:
        path = folder / name
        digest.update(name.encode() + b"\0")
        try:
            text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
        except OSError:
            text = None
        digest.update(b"\1" if text is None else _normalised(name, text).encode() + b"\0")
    return digest.hexdigest()


def _normalised(name: str, text: str) -> str:
    if name.endswith(".py"):
        try:
            return ast.dump(ast.parse(text))
        except (SyntaxError, ValueError):
            return _tokens(text)
    return " ".join(text.split())


def _tokens(text: str) -> str:
    """Code that does not parse, compared token by token, comments and layout left out."""
    skipped = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    try:
        tokens = tokenize.generate_tokens(io.StringIO(text).readline)
        return " ".join(token.string for token in tokens if token.type not in skipped)
    except (tokenize.TokenError, SyntaxError, ValueError):
        return " ".join(text.split())


def class_flags(
    course: Course, exercises_dirs: dict[str, Path | None]
) -> dict[str, list[SubmissionFlag]]:
    """student -> solution-copy and identical flags, from every student's exercise files.

    Files still identical to the stub are nobody's work: they make no ``identical`` flag.
    Without ``solutions/`` (a student copy of the course) there is no ``solution-copy``.
    """
    found: dict[str, list[SubmissionFlag]] = defaultdict(list)
    for exercise in course.exercises:
        stub = normalised_files(exercise, course.exercises_dir / exercise.folder)
        solution_dir = course.solutions_dir / exercise.folder
        solution = normalised_files(exercise, solution_dir) if solution_dir.is_dir() else None
        by_content: dict[str, list[str]] = defaultdict(list)
        for student, exercises_dir in exercises_dirs.items():
            if exercises_dir is None or not (exercises_dir / exercise.folder).is_dir():
                continue
            content = normalised_files(exercise, exercises_dir / exercise.folder)
            if content == stub:
                continue
            if content == solution:
                found[student].append(
                    SubmissionFlag(
                        "solution-copy",
                        exercise.id,
                        f"{exercise.folder}: the reference solution, up to comments and formatting",
                    )  # fmt: skip
                )
                continue
            by_content[content].append(student)
        for students in by_content.values():
            if len(students) < 2:
                continue
            for student in students:
                others = [other for other in students if other != student]
                found[student].append(
                    SubmissionFlag(
                        "identical",
                        exercise.id,
                        f"{exercise.folder}: the same code as {', '.join(others)} "
                        f"(up to comments and formatting)",
                        tuple(others),
                    )  # fmt: skip
                )
    return dict(found)


def csv_codes(flags: list[dict]) -> str:
    """The flags column: short codes joined by ";" (``identical:04=bob+carol``)."""
    codes = []
    for flag in flags:
        code = flag["code"]
        if flag.get("students"):
            code += f":{flag['exercise']}={'+'.join(flag['students'])}"
        elif flag["exercise"]:
            code += f":{flag['exercise']}"
        codes.append(code)
    return ";".join(codes)
