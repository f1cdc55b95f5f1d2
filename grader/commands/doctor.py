"""`doctor`: what this machine has for the course, what that changes, and for each problem the
one command that fixes it. Exit 0 when everything a full grade needs is there, 1 otherwise.

It runs on the interpreter nox runs on, before anything is installed, so it uses the standard
library only: the grading virtualenv's versions are read by running that virtualenv's own
Python, and compared with the lock (requirements/lock.txt).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from grader.manifest import REPO_ROOT, Course, Exercise

HELP = "check this machine: Python, the grading virtualenv, nginx, uWSGI, Redis, free ports"

MINIMUM_PYTHON = (3, 11)
GRADING_ENV = REPO_ROOT / ".nox" / "grade"
LOCK = REPO_ROOT / "requirements" / "lock.txt"
PYPROJECT = REPO_ROOT / "pyproject.toml"
PLAYGROUND_PORT = 8000
CONNECT_SECONDS = 1.0
LIST_SECONDS = 60.0
# The libraries the exercises teach and the test runner: their versions are worth showing.
SHOWN_VERSIONS = ("django", "djangorestframework", "celery", "pytest")
REBUILD = "nox -s grade --install-only --reuse-venv=never"
# The same places the nginx suite looks (grader/suites/13_nginx_uwsgi/kata_nginx.py): PATH,
# then where packages put nginx when a normal user's PATH lacks it.
NGINX_ENV = "KATA_NGINX"
NGINX_PLACES = (
    "/usr/sbin/nginx",
    "/usr/local/sbin/nginx",
    "/usr/local/bin/nginx",
    "/opt/homebrew/bin/nginx",
    "/usr/local/nginx/sbin/nginx",
)

OK, NOTE, PROBLEM = "ok", "note", "problem"
_MARKS = {OK: "✓", NOTE: "•", PROBLEM: "✗"}

# Runs inside the grading virtualenv: its Python and every installed distribution's version.
_LIST_INSTALLED = (
    "import importlib.metadata as m, json, platform; "
    "print(json.dumps({'python': platform.python_version(), "
    "'implementation': platform.python_implementation(), "
    "'packages': {d.metadata['Name']: d.version for d in m.distributions() if d.metadata['Name']}}))"
)


@dataclass(frozen=True)
class Finding:
    topic: str
    status: str  # ok, note (works; worth knowing) or problem (a full grade is not possible)
    detail: str
    fix: str = ""  # the one command that fixes it


@dataclass(frozen=True)
class Installed:
    python: str
    implementation: str
    packages: dict[str, str]  # normalized name -> version


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--venv", type=Path, default=GRADING_ENV, help=argparse.SUPPRESS)
    parser.add_argument("--lock", type=Path, default=LOCK, help=argparse.SUPPRESS)


def handle(args: argparse.Namespace, course: Course) -> int:
    findings = examine(course, args.venv, args.lock, os.environ)
    print_findings(findings)
    return 1 if any(finding.status == PROBLEM for finding in findings) else 0


def examine(course: Course, venv: Path, lock: Path, environ) -> list[Finding]:
    findings = [check_python()]
    installed, venv_findings = check_grading_env(venv, lock)
    findings += venv_findings
    findings += check_servers(course, installed, environ)
    findings += check_brokers(course, environ)
    findings.append(check_port(PLAYGROUND_PORT))
    return findings


def print_findings(findings: list[Finding]) -> None:
    width = max(len(finding.topic) for finding in findings)
    for finding in findings:
        print(f"{_MARKS[finding.status]} {finding.topic:<{width}}  {finding.detail}")
        if finding.fix:
            print(f"  {'':<{width}}  fix: {finding.fix}")
    problems = sum(finding.status == PROBLEM for finding in findings)
    print()
    if problems:
        counted = "1 problem stands" if problems == 1 else f"{problems} problems stand"
        print(f"{counted} between you and a full grade: run each fix above,")
        print("then `nox -s doctor` again.")
    else:
        print("Everything a full grade needs is here.")


def check_python() -> Finding:
    version = platform.python_version()
    detail = f"{version} ({platform.python_implementation()}) at {sys.executable}"
    if sys.version_info < MINIMUM_PYTHON:
        wanted = ".".join(map(str, MINIMUM_PYTHON))
        return Finding(
            "Python",
            PROBLEM,
            f"{detail}: the course needs {wanted} or newer",
            f"install Python {wanted}+, then: python{wanted} -m pip install nox",
        )
    return Finding("Python", OK, detail)


def check_grading_env(venv: Path, lock: Path) -> tuple[Installed | None, list[Finding]]:
    """Is the shared grading virtualenv there, working, and at the locked versions?"""
    python = _venv_python(venv)
    if not python.exists():
        return None, [
            Finding(
                "grading virtualenv",
                PROBLEM,
                f"not built yet ({_shown(venv)})",
                "nox -s grade --install-only",
            )
        ]
    try:
        done = subprocess.run(
            [str(python), "-I", "-c", _LIST_INSTALLED],
            capture_output=True,
            text=True,
            timeout=LIST_SECONDS,
            check=True,
        )
        listing = json.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as error:
        reason = getattr(error, "stderr", None) or str(error)
        return None, [
            Finding(
                "grading virtualenv",
                PROBLEM,
                f"{_shown(venv)} does not run: {reason.strip().splitlines()[-1]}",
                REBUILD,
            )
        ]
    installed = Installed(
        listing["python"],
        listing["implementation"],
        {_normalize(name): version for name, version in listing["packages"].items()},
    )
    findings = [_compare_with_lock(venv, installed, lock)]
    shown = [
        f"{name} {installed.packages[name]}"
        for name in SHOWN_VERSIONS
        if name in installed.packages
    ]
    missing = [name for name in SHOWN_VERSIONS if name not in installed.packages]
    if missing:
        findings.append(
            Finding(
                "versions", PROBLEM, f"missing from {_shown(venv)}: {', '.join(missing)}", REBUILD
            )
        )
    else:
        findings.append(
            Finding("versions", OK, f"Python {installed.python} · " + " · ".join(shown))
        )
    if (
        lock.is_file()
        and PYPROJECT.is_file()
        and read_lock_digest(lock) != lock_inputs_digest(PYPROJECT)
    ):
        findings.append(
            Finding("lock", NOTE, "older than pyproject.toml's dependency list", "nox -s lock")
        )
    return installed, findings


def _compare_with_lock(venv: Path, installed: Installed, lock: Path) -> Finding:
    if not lock.is_file():
        return Finding("grading virtualenv", NOTE, f"{_shown(venv)} works; no lock to compare with")
    environment = {
        "python_version": ".".join(installed.python.split(".")[:2]),
        "python_full_version": installed.python,
    }
    pins = read_lock(lock, environment)
    differs = [
        f"{name} {version} (lock: {' or '.join(pins[name])})"
        for name, version in sorted(installed.packages.items())
        if name in pins and version not in pins[name]
    ]
    if differs:
        shown = ", ".join(differs[:4]) + (
            f" and {len(differs) - 4} more" if len(differs) > 4 else ""
        )
        return Finding("grading virtualenv", PROBLEM, f"differs from the lock: {shown}", REBUILD)
    return Finding("grading virtualenv", OK, f"{_shown(venv)} matches the lock")


def read_lock(lock: Path, environment: dict[str, str]) -> dict[str, list[str]]:
    """Normalized name -> the versions pinned for it here.

    One version where the lock's markers can be evaluated (with packaging, when this
    interpreter has it); without packaging, every version pinned for any environment."""
    pins: dict[str, list[str]] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        requirement, _, marker = line.partition("#")[0].partition(";")
        if "==" not in requirement:
            continue
        name, _, version = requirement.partition("==")
        if marker.strip() and not _marker_may_hold(marker.strip(), environment):
            continue
        pins.setdefault(_normalize(name.strip()), []).append(version.strip())
    return pins


def _marker_may_hold(marker: str, environment: dict[str, str]) -> bool:
    try:
        from packaging.markers import Marker
    except ImportError:
        return True
    default = {"sys_platform": sys.platform, "platform_system": platform.system()}
    return Marker(marker).evaluate({**default, **environment})


def lock_inputs_digest(pyproject: Path) -> str:
    """What the lock was generated from; noxfile.py's `lock` session computes it the same way."""
    with open(pyproject, "rb") as handle:
        data = tomllib.load(handle)
    inputs = {
        "requires-python": data["project"]["requires-python"],
        "dependency-groups": data["dependency-groups"],
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def read_lock_digest(lock: Path) -> str | None:
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line.startswith("# inputs-sha256:"):
            return line.split(":", 1)[1].strip()
    return None


def check_servers(course: Course, installed: Installed | None, environ) -> list[Finding]:
    """nginx and uWSGI for the deployment exercise; redis-server, optional for Celery."""
    findings = []
    deploy = [exercise for exercise in course.exercises if "nginx.conf" in exercise.files]
    if deploy:
        names = _names(deploy)
        nginx = find_nginx(environ)
        if nginx:
            findings.append(Finding("nginx", OK, f"{nginx}: {names} grades fully"))
        else:
            findings.append(
                Finding(
                    "nginx",
                    PROBLEM,
                    f"not found: {names} grades only the tests without nginx",
                    _install_command("nginx"),
                )
            )
        if installed is not None:
            findings.append(_check_uwsgi(installed, names))
    celery = [exercise for exercise in course.exercises if exercise.celery_app]
    if celery:
        redis = shutil.which("redis-server", path=environ.get("PATH"))
        detail = (
            f"{redis}: set KATA_REDIS_URL to grade {_names(celery)} on Redis"
            if redis
            else (f"not installed; not needed: {_names(celery)} use the in-memory broker")
        )
        findings.append(Finding("redis-server", OK if redis else NOTE, detail))
    return findings


def _check_uwsgi(installed: Installed, names: str) -> Finding:
    if "pyuwsgi" in installed.packages:
        return Finding("uWSGI", OK, f"pyuwsgi {installed.packages['pyuwsgi']}")
    if sys.platform == "win32":
        return Finding(
            "uWSGI", NOTE, f"no Windows build: {names} grades partly; WSL grades it fully"
        )
    return Finding("uWSGI", PROBLEM, f"pyuwsgi missing: {names} grades only partly", REBUILD)


def find_nginx(environ) -> str | None:
    override = environ.get(NGINX_ENV)
    if override is not None:
        return override if _executable(override) else None
    found = shutil.which("nginx", path=environ.get("PATH"))
    return found or next((place for place in NGINX_PLACES if _executable(place)), None)


def check_brokers(course: Course, environ) -> list[Finding]:
    """A configured Redis or RabbitMQ must answer, or the Celery suites fail against it."""
    if not any(exercise.celery_app for exercise in course.exercises):
        return []
    configured = [
        (variable, environ[variable], default_port)
        for variable, default_port in (
            ("KATA_REDIS_URL", 6379),
            ("CELERY_BROKER_URL", 6379),
            ("KATA_AMQP_URL", 5672),
        )
        if environ.get(variable)
        # Celery's own variable counts only with a Redis URL, as in grader/brokers.py.
        and (
            variable != "CELERY_BROKER_URL"
            or environ[variable].startswith(("redis://", "rediss://"))
        )
    ]
    if not configured:
        return [
            Finding("broker", OK, "in-memory (set KATA_REDIS_URL or KATA_AMQP_URL for a real one)")
        ]
    findings = []
    for variable, url, default_port in configured:
        parts = urlsplit(url)
        host, port = parts.hostname or "localhost", parts.port or default_port
        try:
            with socket.create_connection((host, port), timeout=CONNECT_SECONDS):
                pass
        except OSError as error:
            fix = f"unset {variable}" if os.name != "nt" else f"set {variable}="
            findings.append(
                Finding(
                    "broker",
                    PROBLEM,
                    f"{variable}={_without_password(url)} does not answer ({error.strerror or error}); "
                    "the Celery suites would fail",
                    fix,
                )
            )
        else:
            findings.append(Finding("broker", OK, f"{variable}={_without_password(url)} answers"))
    return findings


def check_port(port: int) -> Finding:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return Finding(
                "playground port",
                NOTE,
                f"{port} is in use: `nox -s play` picks another",
                f"nox -s play -- 06 --port {port + 1}",
            )
    return Finding("playground port", OK, f"{port} is free for `nox -s play`")


def _install_command(package: str) -> str:
    if sys.platform == "darwin":
        return f"brew install {package}"
    if sys.platform == "win32":
        return f"install it inside WSL: sudo apt install {package}"
    for manager, command in (
        ("apt-get", "sudo apt install {}"),
        ("dnf", "sudo dnf install {}"),
        ("pacman", "sudo pacman -S {}"),
        ("apk", "sudo apk add {}"),
    ):
        if shutil.which(manager):
            return command.format(package)
    return f"install {package} with your system's package manager"


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _names(exercises: list[Exercise]) -> str:
    return ", ".join(exercise.folder for exercise in exercises)


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _shown(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)
