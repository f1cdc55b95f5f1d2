"""The Gradescope autograder archive: `setup.sh`, `run_autograder` and a pristine copy of the course.

Gradescope (its "Autograder Specifications") unpacks the archive into /autograder/source and runs
`setup.sh` there once, as root, when it builds the autograder's image; for every submission it
puts the student's files in /autograder/submission, runs `run_autograder` (copied to
/autograder/run_autograder) from /autograder, and shows /autograder/results/results.json.

The copy holds what grading needs and nothing a student must not see: the grader with its hidden
suites and manifest, noxfile.py and pyproject.toml (grading checks they are unchanged), the lock,
and the exercises' stubs, which fill in whatever a submission lacks. Never solutions/ or tests/.
Standard library only: `nox -s gradescope` runs it on nox's own interpreter.
"""

from __future__ import annotations

import subprocess
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

# What the archive copies from the course folder; each folder without its caches.
COURSE_FILES = ("grader", "exercises", "noxfile.py", "pyproject.toml", "requirements/lock.txt")
SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache", ".kata"}  # fmt: skip
SKIPPED_SUFFIXES = (".pyc", ".pyo")
# The grade dependency group of pyproject.toml, written out for setup.sh (installed with the lock
# as constraints, as the nox sessions install it).
GRADE_REQUIREMENTS = "requirements/grade.txt"
# Where setup.sh installs uv, Python and the grading virtualenv: outside /autograder, and readable
# by every user, since grading children run as `nobody` when the grader runs as root.
INSTALL_DIR = "/opt/kata"
PYTHON_VERSION = "3.12"
UV_VERSION = "0.13.9"
# Fixed times and modes: the same course always gives the same archive, byte for byte.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
EXECUTABLE, REGULAR = 0o100755, 0o100644

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image. Its Ubuntu base
# image (22.04 by default) has Python 3.10; the course needs 3.11 or newer. So: uv from PyPI in a
# virtualenv of its own, Python @PYTHON_VERSION@ through uv, and a grading virtualenv with the course's
# grading dependencies at the locked versions, all in @INSTALL_DIR@. The system python3, which
# Gradescope's own harness runs on, stays as it is. nginx for exercise 13.
set -euo pipefail
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KATA="${KATA_INSTALL_DIR:-@INSTALL_DIR@}"
export DEBIAN_FRONTEND=noninteractive

apt-get update -qq
apt-get install -y -qq --no-install-recommends ca-certificates python3 python3-venv
# nginx-light where the release still has it; exercise 13 needs only its core.
apt-get install -y -qq --no-install-recommends nginx-light \\
    || apt-get install -y -qq --no-install-recommends nginx

python3 -m venv "$KATA/uv"
"$KATA/uv/bin/python" -m pip install --quiet --disable-pip-version-check "uv==@UV_VERSION@"
UV="$KATA/uv/bin/uv"
# uv's Python goes where the grading children can run it too (not root's home folder).
export UV_PYTHON_INSTALL_DIR="$KATA/python" UV_PYTHON_BIN_DIR="$KATA/bin" UV_CACHE_DIR="$KATA/cache"
"$UV" python install @PYTHON_VERSION@
"$UV" venv --python @PYTHON_VERSION@ "$KATA/venv"
"$UV" pip install --python "$KATA/venv/bin/python" \\
    -r "$SOURCE/@GRADE_REQUIREMENTS@" -c "$SOURCE/requirements/lock.txt"
rm -rf "$KATA/cache"
chmod -R a+rX "$KATA"
"$KATA/venv/bin/python" --version
"""

# The launcher of noxfile.grader_command: -P keeps the current folder off sys.path and the course
# root comes after the standard library, so no file of a submission is imported by the grader.
GRADER_BOOT = (
    "import sys; sys.path.append(sys.argv.pop(1)); from grader.__main__ import run; sys.exit(run())"
)

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this as root, from /autograder, for every submission. It copies the submission's
# exercise folders over the course's stubs, grades them with the course's own grader (the same
# grade as `nox -s grade`, in the same isolation) and writes /autograder/results/results.json.
# A submission with no exercise folder, or a grade that cannot finish, still gets a results.json:
# no points, and a line that says why.
#   AUTOGRADER_ROOT  the folder that stands for /autograder (tests use a fake one)
#   KATA_PYTHON      the grading interpreter (default: the one setup.sh installed)
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
SUBMISSION="$ROOT/submission"
RESULTS="$ROOT/results/results.json"
PYTHON="${KATA_PYTHON:-@INSTALL_DIR@/venv/bin/python}"
BOOT='@GRADER_BOOT@'
FOLDERS=()  # the course's exercise folders, from its stubs

no_points() {  # $1 holds no double quote or backslash: it is written into JSON as it is
    printf '%s\\n' "$1"
    printf '{"score": 0, "output": "%s", "output_format": "text", "visibility": "visible", "tests": []}\\n' \\
        "$1" > "$RESULTS"
}

holds_exercises() {
    local name
    for name in "${FOLDERS[@]}"; do [ -d "$1/$name" ] && return 0; done
    return 1
}

# Where the NN_slug folders are: exercises/ of a GitHub repository or of a zip of that folder;
# the top of a zip of the folders themselves; or one folder down, in a zip of the course folder.
submitted_folder() {
    local candidate
    for candidate in "$SUBMISSION/exercises" "$SUBMISSION" "$SUBMISSION"/*/exercises "$SUBMISSION"/*/; do
        case "$candidate" in */__MACOSX*) continue ;; esac
        if [ -d "$candidate" ] && holds_exercises "$candidate"; then
            echo "${candidate%/}"
            return
        fi
    done
}

main() {
    local stub found work name status
    local unsubmitted=()
    mkdir -p "$ROOT/results"
    rm -f "$RESULTS"
    for stub in "$SOURCE"/exercises/*/; do FOLDERS+=("$(basename "$stub")"); done
    found="$(submitted_folder)"
    if [ -z "$found" ]; then
        no_points "Your submission holds no exercise folder such as ${FOLDERS[0]}. Submit your course repository from GitHub, or a zip of your exercises folder, and submit again."
        return
    fi
    # The student's files over a copy of the stubs: a file left out is graded as the course ships it.
    work="$(mktemp -d)"
    cp -R "$SOURCE/exercises" "$work/exercises"
    for name in "${FOLDERS[@]}"; do
        if [ -d "$found/$name" ]; then
            cp -R --remove-destination "$found/$name/." "$work/exercises/$name/" \\
                || echo "Some files of $name could not be copied; the rest is graded."
        else
            unsubmitted+=("$name")
        fi
    done
    echo "Grading $found (not in the submission: ${unsubmitted[*]:-none})"
    KATA_GRADESCOPE_UNSUBMITTED="${unsubmitted[*]:-}" \\
    KATA_CACHE_DIR="$(dirname "$(dirname "$PYTHON")")/.kata-cache" \\
        "$PYTHON" -P -c "$BOOT" "$SOURCE" grade --target "$work/exercises" \\
        --json "$ROOT/results/report.json" --gradescope "$RESULTS" --exit-zero
    status=$?
    rm -rf "$work"
    if [ "$status" -ne 0 ] || [ ! -s "$RESULTS" ]; then
        no_points "The autograder could not grade this submission (exit code $status). Your instructor sees why in the autograder log. Submit again, or ask your instructor."
    fi
}

# One line, read whole before it runs: nothing written to this file while grading changes what runs.
main "$@"; exit 0
"""


def build_archive(course_root: Path, out: Path) -> list[str]:
    """Write the archive for the course in ``course_root`` to ``out``; the names it holds."""
    entries = [
        ("setup.sh", script(SETUP_SH).encode(), EXECUTABLE),
        ("run_autograder", script(RUN_AUTOGRADER).encode(), EXECUTABLE),
        (GRADE_REQUIREMENTS, grade_requirements(course_root / "pyproject.toml").encode(), REGULAR),
        *((name, path.read_bytes(), REGULAR) for name, path in course_files(course_root)),
    ]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, mode in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.external_attr = mode << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return sorted(name for name, _data, _mode in entries)


def script(template: str) -> str:
    """A script with its @NAME@ placeholders filled in (bash has too many braces for format())."""
    values = {
        "INSTALL_DIR": INSTALL_DIR,
        "PYTHON_VERSION": PYTHON_VERSION,
        "UV_VERSION": UV_VERSION,
        "GRADE_REQUIREMENTS": GRADE_REQUIREMENTS,
        "GRADER_BOOT": GRADER_BOOT,
    }
    for name, value in values.items():
        template = template.replace(f"@{name}@", value)
    return template


def course_files(course_root: Path) -> Iterator[tuple[str, Path]]:
    """(name in the archive, file) for every file of the course the autograder needs."""
    for name in COURSE_FILES:
        path = course_root / name
        if path.is_file():
            yield name, path
            continue
        if not path.is_dir():
            raise FileNotFoundError(f"{path} is missing: the archive needs it")
        for file in sorted(path.rglob("*")):
            relative = file.relative_to(course_root)
            if file.is_file() and not _skipped(relative):
                yield relative.as_posix(), file


def uncommitted_stubs(course_root: Path) -> list[str]:
    """Files of exercises/ that differ from the last commit (none outside a git work tree).

    The archive's stubs are graded wherever a submission lacks a file: a stub solved or edited in
    this copy would give those points away, or take them."""
    try:
        done = subprocess.run(
            ["git", "-C", str(course_root), "status", "--porcelain", "--", "exercises"],
            capture_output=True, text=True, encoding="utf-8", timeout=60, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return []
    if done.returncode != 0:  # not a git work tree: nothing to compare with
        return []
    return [line[3:].strip() for line in done.stdout.splitlines() if line.strip()]


def grade_requirements(pyproject: Path) -> str:
    """The grade dependency group as a requirements file (groups it includes spelled out)."""
    with open(pyproject, "rb") as handle:
        groups = tomllib.load(handle)["dependency-groups"]
    lines = [
        "# The grade dependency group of pyproject.toml, for setup.sh; versions from lock.txt."
    ]
    return "\n".join(lines + list(_group(groups, "grade"))) + "\n"


def _group(groups: dict, name: str) -> Iterator[str]:
    for item in groups[name]:
        if isinstance(item, dict):
            yield from _group(groups, item["include-group"])
        else:
            yield item


def _skipped(relative: Path) -> bool:
    return bool(SKIPPED_PARTS & set(relative.parts)) or relative.suffix in SKIPPED_SUFFIXES
