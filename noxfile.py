"""The course's public interface: every task a learner, instructor or maintainer runs is a session.

    nox -s grade -- [EXERCISE …] [--target DIR] [--json F] [--junit F] [--exit-zero]
    nox -s watch -- [EXERCISE …]         nox -s hint -- EXERCISE [LEVEL]      nox -s list
    nox -s play -- EXERCISE [--port N]   (Django, DRF: runserver; nginx: nginx + uwsgi; Celery: a worker)
    nox -s verify                        nox -s tests      nox -s lint      nox -s bench
    nox -s classroom                     (regenerate the GitHub Classroom workflow)

Each session keeps its virtualenv between runs and installs the course's dependencies (one list,
in pyproject.toml) only when that list has changed, so a warm `nox -s grade` starts at once.
"""

from __future__ import annotations

import hashlib
import shlex
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")

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


def run_grader(session: nox.Session, *args: str) -> None:
    # The grader hashes the installed packages it relies on; this cache of what it verified
    # lets it skip files whose stat has not changed since (see INSTRUCTORS.md for its limits).
    cache = Path(session.virtualenv.location) / ".kata-verified.json"
    session.run(*grader_command("python", *args), env={"KATA_VERIFIED_CACHE": str(cache)})


def install(session: nox.Session, *groups: str) -> None:
    """Install the dependency groups, unless this virtualenv already has exactly these."""
    requirements = nox.project.dependency_groups(PYPROJECT, *groups)
    digest = hashlib.sha256("\n".join([sys.version, *requirements]).encode()).hexdigest()
    stamp = Path(session.virtualenv.location) / ".kata-installed"
    if stamp.is_file() and stamp.read_text() == digest:
        return
    session.install(*requirements)
    stamp.write_text(digest)


@nox.session
def grade(session: nox.Session) -> None:
    """Grade your exercises: `nox -s grade -- 04` grades one; no argument grades them all."""
    install(session, "grade")
    run_grader(session, "grade", *session.posargs)


@nox.session(default=False)
def watch(session: nox.Session) -> None:
    """Grade again every time you save: `nox -s watch`, or `nox -s watch -- 04` for one exercise."""
    install(session, "watch")
    run_grader(session, "watch", *session.posargs)


@nox.session(default=False)
def play(session: nox.Session) -> None:
    """Try an exercise by hand: `nox -s play -- 06` serves a Django or DRF exercise on 127.0.0.1
    (`--port 8001` for another port; DRF with demo data); `nox -s play -- 13` runs nginx with your
    config in front of your uwsgi server; `nox -s play -- 14` starts a Celery worker, and
    `nox -s play -- 14 --shell` a Python shell that sends it tasks."""
    if not session.posargs:
        session.error("Which exercise? For example: nox -s play -- 06")
    install(session, "grade")
    run_grader(session, "play", *session.posargs)


@nox.session(name="list", default=False)
def list_(session: nox.Session) -> None:
    """The course map: every exercise with its track, tasks and points."""
    install(session, "grade")
    run_grader(session, "list", *session.posargs)


@nox.session(default=False)
def hint(session: nox.Session) -> None:
    """A hint for an exercise: `nox -s hint -- 04`, then `nox -s hint -- 04 2` for the next one."""
    if not session.posargs:
        session.error("Which exercise? For example: nox -s hint -- 04")
    install(session, "grade")
    run_grader(session, "hint", *session.posargs)


@nox.session(default=False)
def verify(session: nox.Session) -> None:
    """Maintainers: every hidden test fails on its stub and passes on its solution."""
    install(session, "grade")
    run_grader(session, "verify", *session.posargs)


@nox.session(default=False)
def tests(session: nox.Session) -> None:
    """The project's own test command: the grader's tests, then verify on every exercise."""
    install(session, "dev")
    session.run("python", "-m", "pytest", *session.posargs)
    run_grader(session, "verify")


@nox.session(default=False)
def lint(session: nox.Session) -> None:
    """ruff on the grader, the suites, the solutions and the tests."""
    install(session, "dev")
    session.run("ruff", "check", *(session.posargs or ["."]))
    session.run("ruff", "format", "--check", "grader", "tests", "noxfile.py")


@nox.session(default=False)
def classroom(session: nox.Session) -> None:
    """Instructors: regenerate .github/workflows/classroom.yml from the manifest."""
    install(session, "grade")
    run_grader(session, "classroom", *session.posargs)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """How fast grading is, each figure printed next to its target."""
    install(session, "grade")
    outer_nox = shlex.join([sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py")])
    run_grader(session, "bench", "--nox", outer_nox, *session.posargs)
