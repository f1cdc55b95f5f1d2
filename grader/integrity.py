"""The parent's checks around a grading run: what the children must not have changed.

- ``Fingerprint``: sha256 of the grading files (the grader, the suites, noxfile.py,
  pyproject.toml) and of every exercise folder of the target, taken before the children start
  and compared after they are gone; ``ChangeWatch`` narrows each change down to the runs that
  were going when it happened, or started after it (a cheap stat scan after each child).
- ``ProtectedFile``: $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY as they were before grading;
  whatever a child appended is cut off, a rewritten file is put back.
- ``verify_installed_files``: the installed code of the packages grading relies on, against the
  sha256 of each package's RECORD.
- ``scan_learner_files``: integrity flags for learner code that reaches into the grading machinery.
  Flags are for a person to review; they never change points.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import hashlib
import json
import os
import re
import site
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from grader.isolation import cache_dir

# Tool caches that nothing imports. __pycache__ is not among them: a planted .pyc whose header
# matches its source is loaded instead of that source.
_SKIPPED_PARTS = {".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache"}


def _files_under(root: Path) -> Iterable[Path]:
    if root.is_file():
        yield root
        return
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if name not in _SKIPPED_PARTS)
        for name in sorted(files):
            yield Path(folder) / name


def _sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _stat_key(path: Path | str) -> tuple[int, int, int, int]:
    # ctime cannot be set back by an unprivileged process: a rewrite always shows here.
    info = os.stat(path)
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


# POSIX ctime moves on every write and cannot be set back; Windows' st_ctime is the creation time.
_STAT_SHOWS_EVERY_WRITE = os.name == "posix"


@dataclass(frozen=True)
class Fingerprint:
    """sha256 (and stat) of every file under the given roots, keyed by path."""

    digests: dict[Path, str]
    stats: dict[Path, tuple] = field(default_factory=dict)

    @classmethod
    def of(
        cls, roots: Iterable[Path], earlier: Fingerprint | None = None, cache: Path | None = None
    ) -> Fingerprint:
        """Hash every file; reuse the digest of ``earlier`` (or of the ``cache`` a previous run
        saved) where the stat is unchanged. A cache cannot hide a change made during the run:
        the change moves the file's ctime, so its stat no longer matches and it is hashed."""
        if earlier is None:
            earlier = cls._load(cache)
        digests, stats = {}, {}
        reuse = _STAT_SHOWS_EVERY_WRITE
        for root in roots:
            if not root.exists():
                continue
            for path in _files_under(root):
                try:
                    stats[path] = _stat_key(path)
                    if reuse and earlier.stats.get(path) == stats[path]:
                        digests[path] = earlier.digests[path]
                    else:
                        digests[path] = _sha256(path)
                except OSError:
                    digests[path] = "unreadable"
        return cls(digests, stats)

    def within(self, roots: Iterable[Path]) -> Fingerprint:
        """The part of this fingerprint under ``roots`` (files or folders)."""
        roots = list(roots)

        def inside(path: Path) -> bool:
            return any(path == root or root in path.parents for root in roots)

        return Fingerprint(
            {path: digest for path, digest in self.digests.items() if inside(path)},
            {path: stat for path, stat in self.stats.items() if inside(path)},
        )

    def save(self, cache: Path | None) -> None:
        """Keep the digests and stats for the next run's ``of``."""
        if cache is None:
            return
        data = {
            str(path): [*self.stats[path], digest]
            for path, digest in self.digests.items()
            if path in self.stats and digest != "unreadable"
        }
        with contextlib.suppress(OSError):
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(json.dumps(data), encoding="utf-8")

    @classmethod
    def _load(cls, cache: Path | None) -> Fingerprint:
        digests, stats = {}, {}
        for name, entry in _read_cache(cache).items():
            if isinstance(entry, list) and len(entry) == 5 and isinstance(entry[4], str):
                path = Path(name)
                stats[path], digests[path] = tuple(entry[:4]), entry[4]
        return cls(digests, stats)

    def changes(self, later: Fingerprint) -> list[tuple[Path, str]]:
        """(path, "changed" | "added" | "removed") for every difference, sorted by path."""
        found = []
        for path in sorted(self.digests.keys() | later.digests.keys()):
            before, after = self.digests.get(path), later.digests.get(path)
            if before == after:
                continue
            found.append(
                (path, "added" if before is None else "removed" if after is None else "changed")
            )
        return found


def grading_roots(course_root: Path, grader_dir: Path, suites_dir: Path) -> list[Path]:
    """What no child may change: the grader's code, the suites, the session and dependency files."""
    roots = [grader_dir, suites_dir, course_root / "noxfile.py", course_root / "pyproject.toml"]
    unique = []
    for root in roots:
        if not any(root == seen or seen in root.parents for seen in unique):
            unique.append(root)
    return unique


class ChangeWatch:
    """A cheap stat scan after each finished child: when a file first looked different."""

    def __init__(self, roots: list[Path], start: Fingerprint | None = None) -> None:
        """Scans from now on; ``start``, a fingerprint just taken of the same roots, is the first
        scan (its stats), so the files are not listed twice."""
        self.roots = roots
        self._last = (
            {path: start.stats.get(path, ()) for path in start.digests}
            if start is not None
            else self._scan()
        )
        self._last_time = time.monotonic()
        self.first_seen: dict[Path, tuple[float, float]] = {}

    def _scan(self) -> dict[Path, tuple]:
        state = {}
        for root in self.roots:
            if not root.exists():
                continue
            for path in _files_under(root):
                try:
                    state[path] = _stat_key(path)
                except OSError:
                    state[path] = ()
        return state

    def check(self) -> None:
        now_state, now = self._scan(), time.monotonic()
        for path in self._last.keys() | now_state.keys():
            if self._last.get(path) != now_state.get(path):
                self.first_seen.setdefault(path, (self._last_time, now))
        self._last, self._last_time = now_state, now

    def window(self, path: Path) -> tuple[float, float] | None:
        """The interval in which ``path`` changed, or None when the scans never saw it."""
        return self.first_seen.get(path)


def attribute_change(path: Path, runs: list, window: tuple[float, float] | None) -> dict[str, str]:
    """Exercise id -> why its grade cannot stand: it was running when ``path`` changed (the
    culprit is among these), or it started after (it was graded with the changed file). A run
    that ended before the change keeps its grade. Without a window, every run is blamed."""
    blamed = {}
    for run in runs:
        started, finished = getattr(run, "started", None), getattr(run, "finished", None)
        if window is None or started is None or finished is None:
            blamed[run.exercise.id] = "changed during this run"
        elif started <= window[1] and finished >= window[0]:
            blamed[run.exercise.id] = "changed while this exercise was graded"
        elif started >= window[0]:
            blamed[run.exercise.id] = "changed before this exercise was graded"
    return blamed


class ProtectedFile:
    """A file only the parent may write ($GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY): remembered as it
    was before grading and put back after the children are gone."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.content = self.path.read_bytes() if self.path.is_file() else None

    def restore(self) -> str | None:
        """Undo what happened since; a sentence saying what was undone, or None."""
        current = self.path.read_bytes() if self.path.is_file() else None
        if current == self.content:
            return None
        if self.content is None:
            self.path.unlink(missing_ok=True)
            return f"{self.path.name} was created during grading and was removed"
        saved = self.content
        if current is not None and current.startswith(saved):
            with open(self.path, "r+b") as handle:
                handle.truncate(len(saved))
            return f"{len(current) - len(saved)} bytes appended to {self.path.name} during grading were discarded"
        self.path.write_bytes(saved)
        return f"{self.path.name} was rewritten during grading and was put back"


# The installed distributions a grading child imports (those absent on this OS are skipped),
# with what they import in turn: tests/test_isolation_files.py grades every exercise and fails
# when a child loads a file of a distribution missing here. setuptools: every interpreter of the
# virtualenv imports its _distutils_hack, through a start-up file.
GRADING_DISTRIBUTIONS = (
    "pytest", "pluggy", "iniconfig", "packaging", "pytest-timeout", "pytest-django",
    "pytest-celery", "hypothesis", "attrs", "sortedcontainers", "typing_extensions", "rich",
    "pygments", "markdown-it-py", "mdurl", "Django", "asgiref", "sqlparse",
    "djangorestframework", "django-filter", "drf-spectacular", "drf-spectacular-sidecar",
    "PyYAML", "uritemplate", "inflection", "celery", "kombu", "billiard", "vine", "amqp",
    "redis", "click", "python-dateutil", "six", "tzlocal", "pyuwsgi", "crossplane", "psutil",
    "setuptools",
)  # fmt: skip
# Only what Python loads: modules, extension modules and .pth start-up files (data files such as
# Swagger UI's are not run by grading and would triple the time).
_LOADED_SUFFIXES = (".py", ".pth", ".so", ".pyd")


@dataclass
class InstalledFileProblem:
    distribution: str
    path: Path
    problem: str  # "changed", "missing" or "not installed by any package"


# Files verified by hash, with the stat they had then: next time, an unchanged stat skips the hash.
# The nox sessions name a cache folder inside their own virtualenv (grader.isolation.cache_dir);
# without it, every file is hashed.


def default_cache(name: str = "verified.json") -> Path | None:
    folder = cache_dir()
    return folder / name if folder else None


def verify_installed_files(
    distributions: Iterable[str] = GRADING_DISTRIBUTIONS,
    path: list[str] | None = None,
    cache: Path | None = None,
) -> list[InstalledFileProblem]:
    """Every loadable file of each distribution against the sha256 in its RECORD.

    With a cache, a distribution whose files (and RECORD) all still have the size, mtime, ctime
    and inode they had when last verified is not hashed again: rewriting a file always moves its
    ctime, which an unprivileged process cannot set back.
    """
    verified = _read_cache(cache)
    still_verified: dict[str, dict[str, list[int]]] = {}
    problems = []
    for name in distributions:
        known = verified.get(name)
        if known and all(_stat_list(file) == stat for file, stat in known.items()):
            still_verified[name] = known
            continue
        found_problems, stats = _verify_distribution(name, path)
        problems += found_problems
        if stats and not found_problems:
            still_verified[name] = stats
    if cache is not None and not problems and still_verified != verified:
        with contextlib.suppress(OSError):
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(json.dumps(still_verified), encoding="utf-8")
    return problems + _startup_file_problems(path)


def _stat_list(path: Path | str) -> list[int] | None:
    try:
        return list(_stat_key(path))
    except OSError:
        return None


def _read_cache(cache: Path | None) -> dict:
    if cache is None:
        return {}
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _verify_distribution(
    name: str, path: list[str] | None
) -> tuple[list[InstalledFileProblem], dict[str, list[int]]]:
    """Hash one distribution's loadable files; its problems, and the stat of what was verified."""
    import importlib.metadata  # 40 ms to import: paid in the background thread that checks

    search = {"name": name} if path is None else {"name": name, "path": path}
    found = list(importlib.metadata.distributions(**search))
    if not found:
        return [], {}
    dist, problems, stats = found[0], [], {}
    for entry in dist.files or ():
        located = Path(entry.locate())
        if entry.name == "RECORD":
            stats[str(located)] = _stat_list(located)
        if entry.hash is None or entry.hash.mode != "sha256":
            continue
        if not str(entry).endswith(_LOADED_SUFFIXES):
            continue
        try:
            stat = _stat_list(located)
            with open(located, "rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").digest()
        except FileNotFoundError:
            problems.append(InstalledFileProblem(name, located, "missing"))
            continue
        if _record_hash(digest) != entry.hash.value:
            problems.append(InstalledFileProblem(name, located, "changed"))
        stats[str(located)] = stat
    return problems, stats


def _record_hash(digest: bytes) -> str:
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


# Python runs these at every start-up, in the grader and in each child, whoever put them there.
_STARTUP_FILES = ("*.pth", "sitecustomize.py", "usercustomize.py")


def _startup_file_problems(path: list[str] | None) -> list[InstalledFileProblem]:
    """A .pth or sitecustomize.py in site-packages that no package installed, or changed."""
    problems = []
    for folder in [Path(folder) for folder in (path or site.getsitepackages())]:
        found = [file for pattern in _STARTUP_FILES for file in sorted(folder.glob(pattern))]
        if not found:
            continue
        # RECORD lines are "path,sha256=…,size"; start-up files sit at the top of site-packages.
        recorded = {}
        for record in folder.glob("*.dist-info/RECORD"):
            for line in record.read_text(encoding="utf-8", errors="replace").splitlines():
                name, _, rest = line.partition(",")
                if "/" not in name and name.endswith((".py", ".pth")):
                    recorded[name] = (record.parent.name, rest.split(",")[0])
        for file in found:
            owner, digest = recorded.get(file.name, ("no package", ""))
            if not digest.startswith("sha256="):
                problems.append(InstalledFileProblem(owner, file, "not installed by any package"))
                continue
            with open(file, "rb") as handle:
                actual = _record_hash(hashlib.file_digest(handle, "sha256").digest())
            if actual != digest.removeprefix("sha256="):
                problems.append(InstalledFileProblem(owner, file, "changed"))
    return problems


# --- integrity flags ----------------------------------------------------------------------------

GRADING_MODULES = {"pytest", "_pytest", "pluggy", "grader", "pytest_timeout", "pytest_django"}
_FRAME_ATTRIBUTES = {"f_back", "tb_frame", "f_locals", "f_globals", "gi_frame", "cr_frame"}
_FRAME_CALLS = {("sys", "_getframe"), ("inspect", "currentframe"), ("inspect", "stack"),
                ("inspect", "getouterframes"), ("inspect", "trace"), ("sys", "settrace"),
                ("sys", "setprofile"), ("sys", "_current_frames"),
                # gc.get_objects is 02's own subject; who refers to an object leads to the test.
                ("gc", "get_referrers")}  # fmt: skip
_SIGNAL_CALLS = {("os", "kill"), ("os", "killpg"), ("os", "pidfd_open"), ("os", "setsid"),
                 ("os", "setpgid"), ("os", "fork"), ("os", "forkpty"),
                 ("signal", "pthread_kill"), ("ctypes", "CDLL"), ("resource", "setrlimit"),
                 ("resource", "prlimit")}  # fmt: skip
_TEXT_PATTERNS = (
    ("proc", re.compile(r"/proc/")),
    ("other files", re.compile(r"\b(solutions|grader|suites)[/\\]")),
    ("other files", re.compile(r"\.\./")),
    ("signals", re.compile(r"\bprctl\b")),
    ("ci", re.compile(r"GITHUB_(OUTPUT|STEP_SUMMARY|ENV)")),
)


@dataclass
class Flag:
    kind: str
    file: str
    line: int
    detail: str

    def as_dict(self) -> dict:
        return {"kind": self.kind, "file": self.file, "line": self.line, "detail": self.detail}


@dataclass
class _Scanner(ast.NodeVisitor):
    file: str
    flags: list[Flag] = field(default_factory=list)

    def flag(self, kind: str, node: ast.AST, detail: str) -> None:
        self.flags.append(Flag(kind, self.file, getattr(node, "lineno", 0), detail))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._imported(alias.name, node)
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and not node.level:
            self._imported(node.module, node)
            for alias in node.names:
                self._call_name(node.module.split(".")[0], alias.name, node)
        self.generic_visit(node)

    def _imported(self, module: str, node: ast.AST) -> None:
        top = module.split(".")[0]
        if top in GRADING_MODULES:
            self.flag("grader", node, f"imports {module}")
        elif top == "signal":
            self.flag("signals", node, f"imports {module}")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in _FRAME_ATTRIBUTES:
            self.flag("frames", node, f"reads .{node.attr}")
        if isinstance(node.value, ast.Name):
            self._call_name(node.value.id, node.attr, node)
        self.generic_visit(node)

    def _call_name(self, owner: str, name: str, node: ast.AST) -> None:
        pair = (owner, name)
        if pair in _FRAME_CALLS:
            self.flag("frames", node, f"uses {owner}.{name}")
        elif pair in _SIGNAL_CALLS:
            self.flag("signals", node, f"uses {owner}.{name}")
        elif owner == "sys" and name == "modules":
            self.flag("patching", node, "uses sys.modules")
        elif owner in ("builtins", "__builtins__"):
            self.flag("patching", node, f"touches {owner}.{name}")

    def visit_Name(self, node: ast.Name) -> None:
        if node.id == "__builtins__":
            self.flag("patching", node, "uses __builtins__")
        self.generic_visit(node)


def scan_source(source: str, file: str) -> list[Flag]:
    """Integrity flags of one learner file: its syntax tree, and its text for paths."""
    scanner = _Scanner(file)
    # A file that does not parse is the loader's to report; the text patterns still apply.
    with contextlib.suppress(SyntaxError, ValueError):
        scanner.visit(ast.parse(source))
    for number, line in enumerate(source.splitlines(), start=1):
        for kind, pattern in _TEXT_PATTERNS:
            if pattern.search(line):
                scanner.flags.append(
                    Flag(kind, file, number, f"mentions {pattern.search(line).group()!r}")
                )
    return _one_per_line_and_kind(scanner.flags)


def _one_per_line_and_kind(flags: list[Flag]) -> list[Flag]:
    """One flag per file, line and kind, its details joined."""
    merged: dict[tuple[str, int, str], Flag] = {}
    for flag in flags:
        key = (flag.file, flag.line, flag.kind)
        if key not in merged:
            merged[key] = flag
        elif flag.detail not in merged[key].detail.split("; "):
            merged[key].detail += f"; {flag.detail}"
    return [merged[key] for key in sorted(merged)]


def scan_learner_files(exercise_dir: Path, given: Iterable[str] = ()) -> list[Flag]:
    """Flags for every Python file of an exercise folder, but the files the course gives."""
    flags = []
    skipped = set(given)
    for path in sorted(exercise_dir.rglob("*.py")):
        relative = path.relative_to(exercise_dir).as_posix()
        if relative in skipped or _SKIPPED_PARTS & set(path.parts):
            continue
        try:
            source = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        flags += scan_source(source, f"{exercise_dir.name}/{relative}")
    return flags
