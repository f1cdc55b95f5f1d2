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


# ── Every numbered README rule is checked by a test: the suite's rule table says which ──────
def readme_rules(readme: str) -> set[str]:
    """The "task.rule" of every top-level numbered item under a `### N.` task of the English part."""
    english = readme.partition("## 中文")[0]
    rules, task, fenced = set(), None, False
    for line in english.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        heading = re.match(r"(#{1,3}) (?:(\d+)\. )?", line)
        if heading:
            task = heading.group(2) if len(heading.group(1)) == 3 else None
            continue
        item = re.match(r"(\d+)\. ", line)
        if task and item:
            rules.add(f"{task}.{item.group(1)}")
    return rules


def rule_table(suite_dir: Path) -> dict[str, list[str]]:
    """The suite's "Rule table" (in any module docstring): {"task.rule": [test names]}."""
    table: dict[str, list[str]] = {}
    for path in sorted(suite_dir.glob("*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        _, found, rest = doc.partition("Rule table")
        if not found:
            continue
        for line in rest.splitlines()[1:]:
            row = re.match(r"\s+(\d+\.\d+)\s+(.+)$", line)
            if not row:
                break
            names = [name.strip(" `") for name in row.group(2).split(",")]
            table.setdefault(row.group(1), []).extend(name for name in names if name)
    return table


def suite_tests(suite_dir: Path) -> set[str]:
    return {
        node.name
        for path in suite_dir.glob("test_*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    }


def test_rule_parsing_reads_task_sections_only():
    readme = (
        "# Title\n\n1. not a rule\n\n## Tasks\n\n### 1. First\n\n```python\n1. code\n```\n\n"
        "Rules:\n\n1. one\n   more of one\n2. two\n\nCareful: prose.\n\n### 2. Second\n\n1. only\n\n"
        "## Example\n\n1. not a rule\n\n## 中文\n\n### 1. 第一\n\n1. 一\n2. 二\n3. 三\n"
    )
    assert readme_rules(readme) == {"1.1", "1.2", "2.1"}


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_every_readme_rule_has_tests_in_the_rule_table(exercise):
    readme = (COURSE.exercises_dir / exercise.folder / "README.md").read_text(encoding="utf-8")
    rules = readme_rules(readme)
    table = rule_table(exercise.suite_dir)
    assert rules, f"{exercise.folder}/README.md has no numbered rules under its tasks"
    assert table, f"{exercise.folder}: no 'Rule table' in a docstring of its suite"
    missing = sorted(rules - set(table), key=lambda r: tuple(map(int, r.split("."))))
    assert not missing, (
        f"{exercise.folder}: README rules without tests in the rule table: {missing}"
    )
    unknown = sorted(set(table) - rules)
    assert not unknown, f"{exercise.folder}: the rule table names rules the README lacks: {unknown}"
    tests = suite_tests(exercise.suite_dir)
    empty = sorted(rule for rule, names in table.items() if not names)
    assert not empty, f"{exercise.folder}: rules with no test named: {empty}"
    absent = sorted({name.split("[")[0] for names in table.values() for name in names} - tests)
    assert not absent, f"{exercise.folder}: the rule table names tests that do not exist: {absent}"
