"""A submission as it travels to a grading worker: its exercise folders, packed in memory.

The archive is a gzip'd tar whose members all sit under ``exercises/NN_slug/``: regular files
and folders only. The worker unpacks it into a private folder and trusts nothing in it: a member
with an absolute path, a ``..``, a link, a device or a pipe, a folder the course does not have,
too many files or too many bytes refuses the whole archive with one line saying why.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import stat
import tarfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from grader.gradebook.cache import _walk

ROOT = "exercises"
# Generous for katas (a few kilobytes each), small enough that no archive can fill a worker.
MAX_ARCHIVE_BYTES = 16 * 2**20  # base64 text as it arrives
MAX_UNPACKED_BYTES = 64 * 2**20
MAX_FILES = 5000
_CHUNK = 2**16


class UnsafeArchive(ValueError):
    """An archive the worker will not unpack; the message says what was found and why."""


class UnsendableSubmission(ValueError):
    """A submission that cannot travel as files alone (a link, a pipe, a device)."""


def pack_exercises(exercises_dir: Path, folders: Iterable[str]) -> str:
    """The named exercise folders of ``exercises_dir`` as base64 text (JSON-safe).

    ``__pycache__`` stays behind, as the content hash leaves it out; a folder the submission
    lacks is simply absent, as it is for local grading."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        for folder in folders:
            source = Path(exercises_dir) / folder
            if not source.is_dir() or source.is_symlink():
                continue
            tar.add(source, arcname=f"{ROOT}/{folder}", recursive=False)
            for path in _walk(source):
                info = path.lstat()
                relative = path.relative_to(exercises_dir).as_posix()
                if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
                    raise UnsendableSubmission(
                        f"{path} is a link, pipe or device: a submission travels to workers as "
                        f"plain files; replace it with the file it stands for and grade again"
                    )
                tar.add(path, arcname=f"{ROOT}/{relative}", recursive=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def unpack_exercises(archive_b64: str, destination: Path, allowed_folders: set[str]) -> Path:
    """Unpack into ``destination`` (an empty private folder); returns its ``exercises/``."""
    if not isinstance(archive_b64, str) or len(archive_b64) > MAX_ARCHIVE_BYTES:
        raise UnsafeArchive(
            f"refused: the archive is not text or exceeds {MAX_ARCHIVE_BYTES // 2**20} MiB; "
            f"send only the exercises/ folders"
        )
    try:
        data = base64.b64decode(archive_b64, validate=True)
    except (binascii.Error, ValueError):
        raise UnsafeArchive("refused: the archive is not valid base64") from None
    exercises = Path(destination) / ROOT
    exercises.mkdir()
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            members = _checked_members(tar, allowed_folders)
            for member in members:
                _extract(tar, member, Path(destination))
    except (tarfile.TarError, EOFError, OSError) as error:
        raise UnsafeArchive(f"refused: the archive cannot be read ({error})") from None
    return exercises


def _checked_members(tar: tarfile.TarFile, allowed_folders: set[str]) -> list[tarfile.TarInfo]:
    members, total = [], 0
    for member in tar:
        name = member.name
        if len(members) >= MAX_FILES:
            raise UnsafeArchive(f"refused: the archive holds more than {MAX_FILES} entries")
        path = PurePosixPath(name)
        if path.is_absolute() or name.startswith(("/", "\\")) or ":" in path.parts[0]:
            raise UnsafeArchive(f"refused: {name!r} is an absolute path; members must be relative")
        if ".." in path.parts or "\\" in name or "\0" in name:
            raise UnsafeArchive(f"refused: {name!r} leaves the exercises folder (`..` or `\\`)")
        if not (member.isreg() or member.isdir()):
            kind = (
                "a link" if member.issym() or member.islnk() else "a device, pipe or special file"
            )
            raise UnsafeArchive(f"refused: {name!r} is {kind}; only files and folders are graded")
        parts = path.parts
        if parts[0] != ROOT or (len(parts) > 1 and parts[1] not in allowed_folders):
            raise UnsafeArchive(
                f"refused: {name!r} is outside the course's exercise folders (exercises/NN_slug)"
            )
        total += member.size if member.isreg() else 0
        if total > MAX_UNPACKED_BYTES:
            raise UnsafeArchive(
                f"refused: the archive unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MiB"
            )
        members.append(member)
    return members


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, destination: Path) -> None:
    target = destination.joinpath(*PurePosixPath(member.name).parts)
    if member.isdir():
        target.mkdir(mode=0o755, parents=True, exist_ok=True)
        return
    target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
    source = tar.extractfile(member)
    # O_EXCL and O_NOFOLLOW: a name listed twice, or anything already there, is refused.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        handle = os.open(target, flags, 0o644)
    except FileExistsError:
        raise UnsafeArchive(f"refused: {member.name!r} appears twice in the archive") from None
    written = 0
    with os.fdopen(handle, "wb") as out:
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > member.size:
                raise UnsafeArchive(f"refused: {member.name!r} is longer than its header says")
            out.write(chunk)
