"""The real course is consistent: manifest, folders, suites, READMEs and derived files agree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from grader.commands.coursemap import updated_readme
from grader.manifest import load_course

COURSE = load_course()
ROOT = COURSE.root
EXERCISES = list(COURSE.exercises)
IDS = [exercise.folder for exercise in EXERCISES]


def numbered_folders(parent: Path) -> set[str]:
    return {
        path.name for path in parent.iterdir() if path.is_dir() and re.match(r"\d\d_", path.name)
    }


@pytest.mark.parametrize("parent", ["exercises", "solutions", "grader/suites"])
def test_every_folder_has_a_manifest_entry_and_every_entry_a_folder(parent):
    folders = numbered_folders(ROOT / parent)
    expected = {exercise.folder for exercise in EXERCISES}
    assert folders - expected == set(), f"{parent}/ has folders the manifest does not list"
    assert expected - folders == set(), f"{parent}/ lacks folders the manifest lists"


def test_numbers_and_tasks_are_well_formed():
    assert [e.number for e in EXERCISES] == sorted(e.number for e in EXERCISES)
    for exercise in EXERCISES:
        assert exercise.tasks, exercise.folder
        assert 2 <= len(exercise.hints) <= 3, f"{exercise.folder} needs 2–3 progressive hints"
        assert all(hint.en.strip() and hint.zh.strip() for hint in exercise.hints)


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_learner_files_exist_in_stub_and_solution(exercise):
    for name in exercise.files:
        assert (COURSE.exercises_dir / exercise.folder / name).is_file(), f"stub {name}"
        assert (COURSE.solutions_dir / exercise.folder / name).is_file(), f"solution {name}"


def task_tags(suite_dir: Path) -> set[int]:
    tags = set()
    for path in suite_dir.rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "task"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                tags.add(node.args[0].value)
    return tags


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_every_task_has_tests_and_every_tag_names_a_task(exercise):
    tags = task_tags(exercise.suite_dir)
    numbers = {task.number for task in exercise.tasks}
    assert numbers - tags == set(), f"{exercise.folder}: tasks without tests"
    assert tags - numbers == set(), f"{exercise.folder}: tests tagged with tasks the manifest lacks"


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_suite_lists_the_wrong_answers_it_rejects(exercise):
    docstrings = [
        ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        for path in sorted(exercise.suite_dir.glob("*.py"))
    ]
    assert any("wrong answers" in doc.lower() for doc in docstrings), exercise.folder


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_readme_is_bilingual_with_the_manifest_tasks(exercise):
    text = (COURSE.exercises_dir / exercise.folder / "README.md").read_text(encoding="utf-8")
    english, _, chinese = text.partition("## 中文")
    assert chinese, f"{exercise.folder}/README.md needs a '## 中文' section"
    for part in (english, chinese):
        numbers = [int(n) for n in re.findall(r"^### (\d+)\.", part, re.M)]
        assert numbers == [task.number for task in exercise.tasks], (
            f"{exercise.folder}: task headings {numbers}"
        )
    assert f"nox -s grade -- {exercise.id}" in text


def test_readme_course_map_is_up_to_date():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert updated_readme(COURSE, text) == text, (
        "run `python -m grader coursemap` and commit README.md"
    )


def test_mutants_belong_to_exercises_of_the_course():
    mutants = ROOT / "tests" / "mutants"
    if mutants.is_dir():
        assert numbered_folders(mutants) <= {exercise.folder for exercise in EXERCISES}
