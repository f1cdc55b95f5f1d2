"""Every deliberately wrong solution in tests/mutants/ is caught by the test it names.

A mutant is `tests/mutants/NN_slug/<name>/` holding files that replace the solution's; its
module docstring reads "Wrong: <what>. Caught by: <test name>." A "Says: <words>." before
"Caught by" adds that each of those tests fails with a message holding those words.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

from grader.manifest import load_course
from grader.results import score_exercise
from grader.runner import run_pairs
from grader.selection import find

COURSE = load_course()
MUTANTS_DIR = Path(__file__).parent / "mutants"
MUTANTS = sorted(path for path in MUTANTS_DIR.glob("[0-9][0-9]_*/*") if path.is_dir())

pytestmark = pytest.mark.slow


def docstring(mutant: Path) -> str:
    """The docstring that says what the mutant gets wrong: the first of its files' that does."""
    for path in sorted(mutant.rglob("*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if "Caught by:" in doc:
            return doc
    return ""


def caught_by(mutant: Path) -> list[str]:
    match = re.search(r"Caught by:\s*(.+?)\.?\s*$", docstring(mutant), re.S)
    if not match:
        return []
    names = (name.strip().strip("`") for name in re.split(r",|\band\b", match.group(1)))
    return [name for name in names if name]


def says(mutant: Path) -> str | None:
    """The words each catching test's failure message holds, where the docstring says them."""
    match = re.search(r"Says:\s*(.+?)\.\s*Caught by:", docstring(mutant), re.S)
    return " ".join(match.group(1).split()) if match else None


@pytest.fixture(scope="module")
def graded(request, tmp_path_factory):
    """Grade every selected mutant once, all in parallel: {mutant path: ExerciseResult}.

    Only the mutants whose tests were selected (`-k 08_serializers` grades that exercise's)."""
    folders = {exercise.folder for exercise in COURSE.exercises}
    selected = {
        item.callspec.params["mutant"]
        for item in request.session.items
        if hasattr(item, "callspec") and "mutant" in item.callspec.params
    }
    known = [mutant for mutant in MUTANTS if mutant.parent.name in folders and mutant in selected]
    pairs = []
    for mutant in known:
        exercise = find(COURSE, mutant.parent.name)
        target = tmp_path_factory.mktemp(mutant.name)
        shutil.copytree(COURSE.solutions_dir / exercise.folder, target / exercise.folder)
        shutil.copytree(mutant, target / exercise.folder, dirs_exist_ok=True)
        pairs.append((exercise, target))
    runs = run_pairs(pairs)
    return {mutant: score_exercise(run) for mutant, run in zip(known, runs, strict=True)}


@pytest.mark.parametrize("mutant", MUTANTS, ids=[f"{m.parent.name}/{m.name}" for m in MUTANTS])
def test_mutant_is_caught_by_the_test_it_names(mutant, graded):
    names = caught_by(mutant)
    assert names, f"{mutant}: the docstring must say 'Caught by: <test name>.'"
    assert mutant in graded, f"{mutant.parent.name} is not an exercise of the manifest"
    result = graded[mutant]
    assert result.status != "pass", (
        f"{mutant.name} passes every test: the suite misses this wrong answer"
    )
    failed = {test.function.split("[")[0] for test in result.failures}
    missed = [name for name in names if name.split("[")[0] not in failed]
    assert not missed, f"{mutant.name}: {missed} passed; failing tests were {sorted(failed)}"


SAYING = [mutant for mutant in MUTANTS if says(mutant)]


@pytest.mark.parametrize("mutant", SAYING, ids=[f"{m.parent.name}/{m.name}" for m in SAYING])
def test_mutant_is_caught_with_the_message_it_names(mutant, graded):
    words = says(mutant)
    result = graded[mutant]
    messages = {test.function.split("[")[0]: test.message for test in result.failures}
    for name in caught_by(mutant):
        message = " ".join(messages.get(name.split("[")[0], "").split())
        assert words in message, (
            f"{mutant.name}: {name} must fail saying {words!r}; it said {message[:400]!r}"
        )
