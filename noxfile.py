"""The course's public interface: every task a learner, instructor or maintainer runs is a session.

    nox -s grade -- [EXERCISE …] [--target DIR] [--json F] [--junit F] [--exit-zero]
    nox -s watch -- [EXERCISE …]         nox -s hint -- EXERCISE [LEVEL]      nox -s list
    nox -s reset -- EXERCISE             nox -s solution -- EXERCISE          nox -s doctor
    nox -s play -- EXERCISE [--port N]   (Django, DRF: runserver; nginx: nginx + uwsgi; Celery: a worker)
    nox -s verify                        nox -s tests      nox -s lint      nox -s bench
    nox -s classroom                     (regenerate the GitHub Classroom workflow)
    nox -s release -- OUT_DIR            (instructors: the student template, checked by grading it)
    nox -s gradebook -- SUBMISSIONS_DIR  (instructors: grade a whole class: CSV, JSON, report.html)
    nox -s gradescope -- autograder.zip  (the Gradescope autograder archive)
    nox -s lock                          (maintainers: pin the dependency list's exact versions)

Sessions that only read the manifest or your files (hint, list, reset, solution, doctor) run on
the interpreter nox runs on, with the standard library alone: they start at once, even on a
fresh clone. Sessions that grade share one virtualenv (.nox/grade), installed from the course's
one dependency list (pyproject.toml) with the exact versions of requirements/lock.txt, and only
again when either has changed, so a warm `nox -s grade` starts at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
# Exact versions for every dependency group, for every supported Python (markers where they
# differ): pip constraints written by `nox -s lock`.
LOCK = ROOT / "requirements" / "lock.txt"
# The groups the lock covers: dev includes watch, which includes grade.
LOCKED_GROUPS = ("dev",)
# The one virtualenv every grading session uses, built by the grade session.
GRADING_ENV = ROOT / ".nox" / "grade"

nox.needs_version = ">=2025.2.9"  # dependency groups from pyproject.toml
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["grade"]
nox.options.error_on_missing_interpreters = True

if sys.version_info < (3, 11):  # noqa: UP036 - nox itself may run on an older Python
    raise SystemExit(
        f"This course needs Python 3.11 or newer; nox runs on {sys.version.split()[0]}."
    )


# How every session starts the grader: `-P` keeps the current folder off sys.path, and the
# repository root is appended after the standard library and the installed packages, so a learner's
# `json.py` (or any module named like one the grader uses) at the root is never imported instead.
# `python -m grader` would put the current folder first, before even `runpy` is imported.
GRADER_BOOT = (
    "import sys; sys.path.append(sys.argv.pop(1)); from grader.__main__ import run; sys.exit(run())"
)


def grader_command(python: str, *args: str) -> list[str]:
    """The command line that runs `python -m grader ARGS` safely with the given interpreter."""
    return [python, "-P", "-c", GRADER_BOOT, str(ROOT), *args]


def run_grader(session: nox.Session, *args: str, python: str | None = None) -> None:
    """The grader on ``python`` (a virtualenv's interpreter; default: this session's own)."""
    venv = Path(python).parent.parent if python else Path(session.virtualenv.location)
    # The grader's cache, kept in the virtualenv it belongs to: what it verified of the installed
    # packages and of the grading files (skipped while their stat is unchanged), and the compiled
    # snapshots its children read (see INSTRUCTORS.md for what this cache can and cannot hide).
    session.run(
        *grader_command(python or "python", *args),
        env={"KATA_CACHE_DIR": str(venv / ".kata-cache")},
        external=True,
    )


def install(session: nox.Session, *groups: str) -> None:
    """Install the dependency groups at the locked versions, unless this virtualenv already has
    exactly these."""
    stamp = Path(session.virtualenv.location) / ".kata-installed"
    digest = _install_digest(*groups)
    if stamp.is_file() and stamp.read_text() == digest:
        return
    # A copy with the grading files alone (no lock) still grades, at the newest versions.
    constraints = ["-c", str(LOCK)] if LOCK.is_file() else []
    session.install(*constraints, *nox.project.dependency_groups(PYPROJECT, *groups))
    stamp.write_text(digest)


def _install_digest(*groups: str) -> str:
    requirements = nox.project.dependency_groups(PYPROJECT, *groups)
    lock = LOCK.read_text(encoding="utf-8") if LOCK.is_file() else ""
    return hashlib.sha256("\n".join([sys.version, lock, *requirements]).encode()).hexdigest()


def lock_inputs_digest(pyproject: dict) -> str:
    """What the lock was generated from; grader/commands/doctor.py computes it the same way."""
    inputs = {
        "requires-python": pyproject["project"]["requires-python"],
        "dependency-groups": pyproject["dependency-groups"],
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def grading_python(session: nox.Session) -> str:
    """The shared grading virtualenv's interpreter, for sessions that run without their own.

    The grade session builds it (`--install-only` installs and runs nothing else); this only
    asks for that when the virtualenv is missing or its install stamp is out of date."""
    scripts = "Scripts" if os.name == "nt" else "bin"
    python = GRADING_ENV / scripts / ("python.exe" if os.name == "nt" else "python")
    stamp = GRADING_ENV / ".kata-installed"
    if not (python.exists() and stamp.is_file() and stamp.read_text() == _install_digest("watch")):
        session.log("Building the grading virtualenv once (.nox/grade); later runs start at once.")
        session.run(
            sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"),
            "-s", "grade", "--install-only", external=True,
        )  # fmt: skip
    return str(python)


def needs_course_sources(session: nox.Session, *folders: str) -> None:
    """Stop a maintainer's session at once in the student copy (`nox -s release`), which has no
    solutions/ and no tests/, before it builds anything."""
    missing = [f"{folder}/" for folder in folders if not (ROOT / folder).is_dir()]
    if missing:
        session.error(
            f"nox -s {session.name} needs {' and '.join(missing)}, which the student copy does not "
            f"have: run it in the course's own repository"
        )


def run_grader_here(session: nox.Session, *args: str) -> None:
    """`python -m grader …` on nox's own interpreter: for verbs that need the standard library only."""
    session.run(*grader_command(sys.executable, *args), external=True)


@nox.session
def grade(session: nox.Session) -> None:
    """Grade your exercises: `nox -s grade -- 04` grades one; no argument grades them all."""
    install(session, "watch")  # watch's one extra package too: one virtualenv for all grading
    run_grader(session, "grade", *session.posargs)


@nox.session(default=False, venv_backend="none")
def watch(session: nox.Session) -> None:
    """Grade again every time you save: `nox -s watch`, or `nox -s watch -- 04` for one exercise."""
    run_grader(session, "watch", *session.posargs, python=grading_python(session))


@nox.session(default=False, venv_backend="none")
def play(session: nox.Session) -> None:
    """Try an exercise by hand: `nox -s play -- 06` serves a Django or DRF exercise on 127.0.0.1
    (`--port 8001` for another port; DRF with demo data); `nox -s play -- 13` runs nginx with your
    config in front of your uwsgi server; `nox -s play -- 14` starts a Celery worker, and
    `nox -s play -- 14 --shell` a Python shell that sends it tasks."""
    if not session.posargs:
        session.error("Which exercise? For example: nox -s play -- 06")
    run_grader(session, "play", *session.posargs, python=grading_python(session))


@nox.session(name="list", default=False, venv_backend="none")
def list_(session: nox.Session) -> None:
    """The course map: every exercise with its track, tasks and points."""
    run_grader_here(session, "list", *session.posargs)


@nox.session(default=False, venv_backend="none")
def hint(session: nox.Session) -> None:
    """A hint for an exercise: `nox -s hint -- 04`, then `nox -s hint -- 04 2` for the next one."""
    if not session.posargs:
        session.error("Which exercise? For example: nox -s hint -- 04")
    run_grader_here(session, "hint", *session.posargs)


@nox.session(default=False, venv_backend="none")
def reset(session: nox.Session) -> None:
    """Start an exercise over: `nox -s reset -- 04` (your files are backed up; `--undo` restores them)."""
    if not session.posargs:
        session.error("Which exercise? For example: nox -s reset -- 04")
    run_grader_here(session, "reset", *session.posargs)


@nox.session(default=False, venv_backend="none")
def solution(session: nox.Session) -> None:
    """The reference solution as a diff against your code, once your exercise passes."""
    if not session.posargs:
        session.error("Which exercise? For example: nox -s solution -- 04")
    run_grader_here(session, "solution", *session.posargs)


@nox.session(default=False, venv_backend="none")
def doctor(session: nox.Session) -> None:
    """Check this machine: Python, the grading virtualenv, nginx, uWSGI, Redis, free ports."""
    run_grader_here(session, "doctor", *session.posargs)


@nox.session(default=False, venv_backend="none")
def verify(session: nox.Session) -> None:
    """Maintainers: every hidden test fails on its stub and passes on its solution."""
    needs_course_sources(session, "solutions")
    run_grader(session, "verify", *session.posargs, python=grading_python(session))


# The student copy has no tests/: there the session needs no virtualenv to say so.
@nox.session(default=False, venv_backend=None if (ROOT / "tests").is_dir() else "none")
def tests(session: nox.Session) -> None:
    """The project's own test command: the grader's tests, then verify on every exercise."""
    needs_course_sources(session, "tests", "solutions")
    install(session, "dev")
    session.run("python", "-m", "pytest", *session.posargs)
    run_grader(session, "verify")


@nox.session(default=False)
def lint(session: nox.Session) -> None:
    """ruff on the grader, the suites, the solutions and the tests."""
    install(session, "dev")
    session.run("ruff", "check", *(session.posargs or ["."]))
    session.run("ruff", "format", "--check", "grader", "tests", "noxfile.py")


@nox.session(default=False, venv_backend="none")
def classroom(session: nox.Session) -> None:
    """Instructors: regenerate .github/workflows/classroom.yml from the manifest."""
    run_grader_here(session, "classroom", *session.posargs)


@nox.session(name="grading-worker", default=False, venv_backend="none")
def grading_worker(session: nox.Session) -> None:
    """Instructors: grade `gradebook --broker` submissions on this machine:
    `nox -s grading-worker -- --broker redis://:PASSWORD@HOST:6379/0 [--concurrency N]`."""
    run_grader(session, "grading-worker", *session.posargs, python=grading_python(session))


@nox.session(default=False, venv_backend="none")
def gradebook(session: nox.Session) -> None:
    """Instructors: grade a class, `nox -s gradebook -- SUBMISSIONS_DIR [--out DIR] [--jobs N]`."""
    run_grader(session, "gradebook", *session.posargs, python=grading_python(session))


@nox.session(default=False, venv_backend="none")
def gradescope(session: nox.Session) -> None:
    """Instructors: `nox -s gradescope -- autograder.zip` builds the Gradescope autograder archive."""
    if not session.posargs:
        session.error("Where to? For example: nox -s gradescope -- autograder.zip")
    run_grader_here(session, "gradescope", *session.posargs)


@nox.session(default=False, venv_backend="none")
def bench(session: nox.Session) -> None:
    """How fast grading is, each figure printed next to its target."""
    needs_course_sources(session, "solutions", "tests")
    python = grading_python(session)
    outer_nox = shlex.join([sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py")])
    run_grader(session, "bench", "--nox", outer_nox, *session.posargs, python=python)


@nox.session(default=False, venv_backend="none")
def release(session: nox.Session) -> None:
    """Instructors: `nox -s release -- OUT_DIR` writes the student template (no solutions/, no
    tests/, no instructor files; one commit), then grades it and runs every learner session in
    a clone of it, as a student would. `--keep-solutions`, `--force`, `--no-check`."""
    if not session.posargs:
        session.error("Where to? For example: nox -s release -- ../katas-student")
    if "--no-check" in session.posargs:
        run_grader_here(session, "release", *session.posargs)
        return
    # The check grades with the grading virtualenv of this checkout and runs the copy's own
    # sessions with this nox: nothing is installed for it.
    outer_nox = shlex.join([sys.executable, "-m", "nox"])
    run_grader(
        session, "release", "--nox", outer_nox, *session.posargs, python=grading_python(session)
    )


@nox.session(default=False)
def lock(session: nox.Session) -> None:
    """Maintainers: pin every dependency group's exact versions in requirements/lock.txt.

    One lock for every supported Python and platform (uv's universal resolution writes markers
    where versions differ, as Django's do), headed by a digest of its inputs so a test fails when
    pyproject.toml's dependency list changes without a new lock."""
    session.install("uv>=0.5")
    requirements = nox.project.dependency_groups(PYPROJECT, *LOCKED_GROUPS)
    oldest = PYPROJECT["project"]["requires-python"].removeprefix(">=").strip()
    inputs = Path(session.create_tmp()) / "lock.in"
    inputs.write_text("\n".join(requirements) + "\n", encoding="utf-8")
    pins = Path(session.create_tmp()) / "lock.pins"
    # uv keeps the versions already in its output file where they still fit: a changed group
    # moves only what it must. `nox -s lock -- --upgrade` moves everything to the newest.
    pins.write_text(LOCK.read_text(encoding="utf-8") if LOCK.is_file() else "", encoding="utf-8")
    session.run(
        "uv", "pip", "compile", "--universal", "--python-version", oldest, "--no-header",
        "--no-annotate", "--quiet", str(inputs), "-o", str(pins), *session.posargs,
    )  # fmt: skip
    header = [
        "# The exact versions every learner, CI and Classroom grade with (pip constraints).",
        "# Generated by `nox -s lock` from pyproject.toml's [dependency-groups]: do not edit.",
        f"# Groups: {', '.join(LOCKED_GROUPS)} (and the groups they include); Python {oldest}+.",
        f"# inputs-sha256: {lock_inputs_digest(PYPROJECT)}",
    ]
    LOCK.parent.mkdir(exist_ok=True)
    LOCK.write_text("\n".join(header) + "\n" + pins.read_text(encoding="utf-8"), encoding="utf-8")
    session.log(
        f"Wrote {LOCK.relative_to(ROOT)}: review the diff, then grade with it (nox -s tests)."
    )
