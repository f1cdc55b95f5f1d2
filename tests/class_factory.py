"""A class of submissions of the fixture course, as `gh classroom clone student-repos` lays it out.

Each student is a git repository ``<assignment>-submissions/<assignment>-<login>/`` holding a
copy of the course without its solutions (what the template gives students), their exercises
as the kind of student they are, and one commit.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from conftest import FIXTURE_MANIFEST

FIXTURE_ROOT = FIXTURE_MANIFEST.parent.parent
ASSIGNMENT = "katas"

# Their own code (not the reference solution's syntax tree), solving every exercise.
OWN_ADDER = "def add(a, b):\n    return sum((a, b))\n\n\ndef mul(x, y):\n    return x * y\n\n\ndef total(items):\n    result = 0\n    for item in items:\n        result += item\n    return result\n"
OWN_GREETER = 'def greet(name):\n    return "Hello, " + name + "!"\n'
PARTLY_ADDER = "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a + b\n\n\ndef total(items):\n    return sum(items) if len(items) < 3 else 0\n"
BROKEN_ADDER = "def add(a, b)\n    return a + b\n"
HANGING_ADDER = "def add(a, b):\n    while True:\n        pass\n\n\ndef mul(a, b):\n    return a * b\n\n\ndef total(items):\n    return sum(items)\n"
REACHING_GREETER = (
    'import _pytest\n\n\ndef greet(name):\n    return f"Hello, {name}!" if _pytest else ""\n'
)
# A suite edited in the student's own checkout so that everything passes.
TAMPERED_SUITE = "def test_add_small():\n    assert True\n"


ADA_GREETER = 'def greet(name):\n    return "Hello, %s!" % name\n'


def solved_files() -> dict[str, str]:
    return {"01_adder/adder.py": OWN_ADDER, "02_greeter/greeter.py": ADA_GREETER}


# login -> (exercise files written over the stubs, files written elsewhere in the checkout)
STUDENTS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "ada": (solved_files(), {}),
    "ben": ({"01_adder/adder.py": PARTLY_ADDER}, {}),
    "cleo": ({}, {}),  # the stub, untouched
    "dan": ({"01_adder/adder.py": BROKEN_ADDER}, {}),
    "eve": ({"01_adder/adder.py": HANGING_ADDER}, {}),
    "finn": ({}, {"grader/suites/01_adder/test_adder.py": TAMPERED_SUITE}),
    "gus": ("solutions", {}),  # every reference solution, copied
    "hal": ({"02_greeter/greeter.py": OWN_GREETER + "# mine\n"}, {}),
    "ivy": ({"02_greeter/greeter.py": '# also mine\ndef greet(name):\n    return "Hello, " + name + "!"\n'}, {}),
    "jo": ({"02_greeter/greeter.py": REACHING_GREETER}, {}),
}  # fmt: skip


def make_student(parent: Path, login: str, exercises, other_files: dict[str, str]) -> Path:
    """One student's checkout under ``parent``: the course without solutions, one commit."""
    root = parent / f"{ASSIGNMENT}-{login}"
    shutil.copytree(FIXTURE_ROOT / "grader", root / "grader")
    source = FIXTURE_ROOT / ("solutions" if exercises == "solutions" else "exercises")
    shutil.copytree(source, root / "exercises")
    for relative, text in ({} if exercises == "solutions" else exercises).items():
        (root / "exercises" / relative).write_text(text, encoding="utf-8")
    for relative, text in other_files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    commit_all(root, f"{login}'s work")
    return root


def make_class(base: Path, students: dict | None = None) -> Path:
    """``base/katas-submissions`` with one checkout per student of ``students`` (all by default)."""
    folder = base / f"{ASSIGNMENT}-submissions"
    folder.mkdir(parents=True)
    for login, (exercises, other_files) in (students or STUDENTS).items():
        make_student(folder, login, exercises, other_files)
    return folder


def commit_all(root: Path, message: str) -> str:
    git = ["git", "-C", str(root), "-c", "user.name=Student", "-c", "user.email=s@example.com"]
    if not (root / ".git").exists():
        subprocess.run([*git, "init", "--quiet", "--initial-branch=main"], check=True)
    subprocess.run([*git, "add", "--all"], check=True)
    subprocess.run([*git, "commit", "--quiet", "--allow-empty", "-m", message], check=True)
    done = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True)
    return done.stdout.strip()
