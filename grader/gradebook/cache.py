"""Results cached by what was graded: an exercise folder's content and the grader that graded it.

The key of one exercise's result is the sha256 of the grader's fingerprint (its code, the
course's suites and manifest, the lock of the grading dependencies, the Python version), the
exercise's folder name and the folder's content (relative paths and bytes, ``__pycache__``
left out: children never read it, they grade a copy without it). Change any of them and the
exercise is graded again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import stat
import tempfile
from pathlib import Path

from grader import __version__
from grader.manifest import GRADER_DIR, Course

_IGNORED_FOLDERS = {"__pycache__"}
# Parts of grader/ that only present results (verbs, writers, this package): changing them
# changes no grade, so it keeps the cache.
_PRESENTATION = ("commands", "writers", "gradebook")
MISSING = "missing"


class UnreadableSubmission(Exception):
    """A file the grader cannot read or copy (a pipe, a device, a file without permission)."""


def content_hash(folder: Path) -> str:
    """sha256 of the relative paths and bytes of every file under ``folder``; MISSING when there
    is no such folder. Symbolic links count by their target's text and are never followed."""
    if not folder.is_dir() or folder.is_symlink():
        return MISSING
    digest = hashlib.sha256()
    for path in _walk(folder):
        relative = path.relative_to(folder).as_posix()
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            digest.update(b"L\0" + relative.encode("utf-8", "surrogateescape") + b"\0")
            digest.update(os.readlink(path).encode("utf-8", "surrogateescape") + b"\0")
            continue
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableSubmission(
                f"{path} is not a regular file (a pipe, socket or device): remove it from the "
                f"submission and grade again"
            )
        digest.update(b"F\0" + relative.encode("utf-8", "surrogateescape") + b"\0")
        try:
            with open(path, "rb") as handle:
                digest.update(hashlib.file_digest(handle, "sha256").digest())
        except OSError as error:
            raise UnreadableSubmission(
                f"{path} cannot be read ({error.strerror}): fix its permissions and grade again"
            ) from None
    return digest.hexdigest()


def _walk(folder: Path):
    for current, subfolders, files in os.walk(folder):
        subfolders[:] = sorted(name for name in subfolders if name not in _IGNORED_FOLDERS)
        # A symlink to a folder is listed among the folders but not followed: hash it as a link.
        links = [name for name in subfolders if os.path.islink(os.path.join(current, name))]
        subfolders[:] = [name for name in subfolders if name not in links]
        for name in sorted(files + links):
            yield Path(current) / name


def grader_fingerprint(course: Course) -> str:
    """What a result depends on besides the learner's code; a new grader means new results."""
    digest = hashlib.sha256(f"{__version__}\0{platform.python_version()}\0".encode())
    roots = [GRADER_DIR, course.suites_dir, course.root / "grader" / "course.toml",
             course.root / "requirements" / "lock.txt"]  # fmt: skip
    seen: set[Path] = set()
    for root in roots:
        root = root.resolve()
        if any(root == done or done in root.parents for done in seen) or not root.exists():
            continue
        seen.add(root)
        files = [root] if root.is_file() else [path for path in _walk(root) if path.is_file()]
        if root == GRADER_DIR.resolve():
            files = [path for path in files
                     if path.relative_to(root).parts[0] not in _PRESENTATION]  # fmt: skip
        for path in files:
            digest.update(str(path.relative_to(root.parent)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


class ResultCache:
    """One JSON file per graded exercise (the exercise's entry of the JSON report)."""

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = Path(folder)
        self.fingerprint = fingerprint

    def key(self, exercise_folder: str, content: str) -> str:
        text = f"{self.fingerprint}\0{exercise_folder}\0{content}"
        return hashlib.sha256(text.encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, exercise_folder: str, content: str) -> dict | None:
        try:
            text = self._path(self.key(exercise_folder, content)).read_text(encoding="utf-8")
            entry = json.loads(text)
        except (OSError, ValueError):
            return None  # absent, or cut short: graded again
        return entry if isinstance(entry, dict) and "tests" in entry else None

    def put(self, exercise_folder: str, content: str, entry: dict) -> None:
        path = self._path(self.key(exercise_folder, content))
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole or not at all: an interrupted batch never leaves half an entry.
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(entry, out, ensure_ascii=False)
        os.replace(temporary, path)

    def discard(self, exercise_folder: str, content: str) -> None:
        with contextlib.suppress(OSError):
            self._path(self.key(exercise_folder, content)).unlink()
