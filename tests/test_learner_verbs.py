"""The learner's verbs: verb modules, progress, list, grade's summary and badge, reset, solution,
hints and the one-line errors. Everything runs on a copy of the fixture course in tmp_path (a
git repository where reset and solution need one); nothing is written into this repository."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grader import cli, commands, progress
from grader.cli import build_parser, main, parse
from grader.commands.hint import locale_language
from grader.manifest import load_course
from grader.results import CourseResult, ExerciseResult
from grader.results import TestResult as Outcome

FIXTURE = Path(__file__).parent / "fixture_course"
SOLVED_ADD_ONLY = (
    "def add(a, b):\n    return a + b\n\n\n"
    "def mul(a, b):\n    raise NotImplementedError\n\n\n"
    "def total(items):\n    raise NotImplementedError\n"
)


@pytest.fixture
def course_dir(tmp_path, monkeypatch):
    """A copy of the fixture course without git history; its state lives in its own .kata/."""
    monkeypatch.delenv(progress.STATE_DIR_VARIABLE, raising=False)
    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("__pycache__", ".kata"))
    return root


@pytest.fixture
def git_course(course_dir):
    """The copy as a git repository whose first commit is the course as shipped."""
    git(course_dir, "init", "-q")
    git(course_dir, "add", "-A")
    git(course_dir, "commit", "-q", "-m", "The assignment template")
    return course_dir


def git(root: Path, *args: str) -> str:
    identity = ["-c", "user.name=Learner", "-c", "user.email=learner@example.com"]
    completed = subprocess.run(
        ["git", *identity, *args], cwd=root, capture_output=True, text=True, check=True
    )
    return completed.stdout


def run(root: Path, *args: str) -> int:
    return main(["--course", str(root / "grader" / "course.toml"), *args])


def saved_progress(root: Path) -> dict:
    return json.loads((root / ".kata" / "progress.json").read_text(encoding="utf-8"))["exercises"]


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.parts and "__pycache__" not in path.parts
    }


# --- verb modules -------------------------------------------------------------------------------


def test_every_verb_module_declares_help_arguments_and_handle():
    assert {"grade", "list", "hint", "reset", "solution", "watch", "doctor"} <= set(commands.VERBS)
    for verb in ("grade", "verify", "play", "list", "hint", "coursemap", "classroom", "bench",
                 "reset", "solution"):  # fmt: skip
        module = commands.load(verb)
        assert module is not None, verb
        assert isinstance(module.HELP, str) and "\n" not in module.HELP
        assert callable(module.add_arguments) and callable(module.handle)


def test_a_verb_whose_module_is_missing_is_left_out_without_breaking_the_others(capsys):
    parser = build_parser(("hint", "no_such_verb"))
    args = parser.parse_args(["hint", "1"])
    assert args.verb == "hint" and args.handle is commands.load("hint").handle
    with pytest.raises(SystemExit):
        parser.parse_args(["no_such_verb"])
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "selectors"),
    [
        (["grade", "03", "--target", "elsewhere", "04"], ["03", "04"]),
        (["gradebook", "class", "--out", "book", "04", "07"], ["04", "07"]),
        (["gradebook", "class", "04", "--jobs", "2", "07"], ["04", "07"]),
        (["verify", "--", "04"], ["04"]),
    ],
)
def test_exercises_may_follow_options(argv, selectors):
    args = parse(argv)
    assert args.verb == argv[0] and args.selectors == selectors


def test_an_unknown_option_is_still_refused(capsys):
    with pytest.raises(SystemExit):
        parse(["grade", "04", "--bogus"])
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


@pytest.mark.parametrize("asking", [["--help"], ["-h", "grade"]])
def test_help_lists_the_learner_verbs(asking):
    completed = subprocess.run(
        [sys.executable, "-m", "grader", *asking], capture_output=True, text=True, check=True
    )
    for verb in ("grade", "list", "hint", "reset", "solution"):
        assert f"    {verb}" in completed.stdout, completed.stdout


def test_help_names_the_instructors_and_maintainers_verbs_in_a_line_each():
    text = build_parser().format_help()
    instructors = ", ".join(commands.INSTRUCTOR_VERBS)
    assert f"for instructors (INSTRUCTORS.md): {instructors}" in text, text
    assert f"for maintainers (CONTRIBUTING.md): {', '.join(commands.MAINTAINER_VERBS)}" in text
    for verb in commands.INSTRUCTOR_VERBS + commands.MAINTAINER_VERBS:
        assert f"    {verb} " not in text, f"{verb} is listed with the learner's verbs"


def test_a_student_copy_lists_only_the_learners_verbs_which_all_still_run(monkeypatch):
    """grader/release.py leaves the guides out: their verbs go unmentioned, and still run."""
    monkeypatch.setattr(cli, "REPO_ROOT", Path("/nonexistent-course"))
    parser = build_parser()
    text = parser.format_help()
    for verb in commands.LEARNER_VERBS:
        assert f"    {verb}" in text, text
    for verb in commands.INSTRUCTOR_VERBS + commands.MAINTAINER_VERBS:
        assert verb not in text, text
    assert parser.parse_args(["coursemap", "--check"]).verb == "coursemap"


@pytest.mark.parametrize("verb", [["hint", "1"], ["list"], ["solution", "1", "--force"]])
def test_reading_verbs_import_no_django_celery_or_rich(course_dir, verb):
    code = (
        "import sys; from grader.cli import main; "
        f"main(['--course', {str(course_dir / 'grader' / 'course.toml')!r}, *{verb!r}]); "
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'django', 'celery', 'rich', "
        "'pytest', 'kombu'}); print('HEAVY', heavy)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "HEAVY []" in completed.stdout, completed.stdout


# --- progress -----------------------------------------------------------------------------------


def graded(folder: str, passed_tests: int, total_tests: int, points: float, max_points: float):
    number, slug = folder.split("_", 1)
    tests = [
        Outcome(f"t.py::test_{i}", 1, "passed" if i < passed_tests else "failed")
        for i in range(total_tests)
    ]
    status = "pass" if passed_tests == total_tests else "fail"
    return ExerciseResult(number, slug, slug, status, points, max_points, 0.1, [], tests)


def test_progress_records_attempts_best_points_and_the_first_pass(course_dir):
    course = load_course(course_dir / "grader" / "course.toml")
    first = progress.record_grade(
        course,
        CourseResult("t", [graded("01_adder", 2, 7, 2, 9), graded("02_greeter", 0, 1, 0, 1)]),
    )
    assert first == []  # nothing to compare with yet
    changes = progress.record_grade(
        course,
        CourseResult("t", [graded("01_adder", 1, 7, 0, 9), graded("02_greeter", 1, 1, 1, 1)]),
    )
    assert changes == ["01: 1 test no longer passes", "02 now passes"]
    changes = progress.record_grade(course, CourseResult("t", [graded("01_adder", 7, 7, 9, 9)]))
    assert changes == ["01 now passes"]
    changes = progress.record_grade(course, CourseResult("t", [graded("01_adder", 4, 7, 5, 9)]))
    assert changes == ["01 no longer passes"]
    saved = saved_progress(course_dir)
    adder, greeter = saved["01_adder"], saved["02_greeter"]
    assert (adder["attempts"], adder["best_points"], adder["max_points"]) == (4, 9, 9)
    assert (adder["last_points"], adder["last_tests_passed"], adder["last_tests"]) == (5, 4, 7)
    assert adder["first_passed"] and greeter["first_passed"] and greeter["attempts"] == 2
    assert "03_hello" not in saved
    assert progress.totals(course, progress.load(course)).line() == "2 of 4 done · 10/13 points"
    assert not list((course_dir / ".kata").glob("*.tmp")), "the temporary file was renamed"


def test_more_tests_passing_is_counted(course_dir):
    course = load_course(course_dir / "grader" / "course.toml")
    progress.record_grade(course, CourseResult("t", [graded("01_adder", 1, 7, 0, 9)]))
    changes = progress.record_grade(course, CourseResult("t", [graded("01_adder", 4, 7, 2, 9)]))
    assert changes == ["01: 3 more tests pass"]


@pytest.mark.parametrize(
    "content", ["{not json", '{"exercises": 3}', "[]", '{"exercises": {"01_adder": 5}}']
)
def test_a_corrupt_progress_file_starts_empty(course_dir, content):
    (course_dir / ".kata").mkdir()
    (course_dir / ".kata" / "progress.json").write_text(content, encoding="utf-8")
    course = load_course(course_dir / "grader" / "course.toml")
    assert progress.load(course).exercises == {}
    progress.record_hints(course, course.exercises[0], [1])
    assert saved_progress(course_dir)["01_adder"]["hints_shown"] == [1]


def test_a_grade_reports_course_totals_and_what_changed(course_dir, capsys):
    assert run(course_dir, "grade", "adder", "greeter") == 1
    out = capsys.readouterr().out
    assert "Course: 0 of 4 done · 0/13 points" in out
    assert "Since your last grade" not in out
    (course_dir / "exercises" / "01_adder" / "adder.py").write_text(SOLVED_ADD_ONLY)
    shutil.copy(course_dir / "solutions" / "02_greeter" / "greeter.py",
                course_dir / "exercises" / "02_greeter")  # fmt: skip
    assert run(course_dir, "grade", "adder", "greeter") == 1
    out = capsys.readouterr().out
    assert "Course: 1 of 4 done · 3/13 points" in out, out
    assert "Since your last grade: 01: 2 more tests pass; 02 now passes." in out, out
    saved = saved_progress(course_dir)
    assert saved["01_adder"]["attempts"] == 2 and saved["01_adder"]["best_points"] == 2


def test_only_grades_of_the_course_exercises_folder_are_progress(course_dir, capsys):
    assert run(course_dir, "grade", "greeter", "--target", str(course_dir / "solutions")) == 0
    assert not (course_dir / ".kata" / "progress.json").exists()
    assert "Course:" not in capsys.readouterr().out


def test_list_shows_status_best_points_and_the_next_exercise(course_dir, capsys):
    course = load_course(course_dir / "grader" / "course.toml")
    progress.record_grade(
        course,
        CourseResult("t", [graded("01_adder", 7, 7, 9, 9), graded("02_greeter", 0, 1, 0, 1)]),
    )
    progress.record_grade(course, CourseResult("t", [graded("01_adder", 5, 7, 4, 9)]))
    course = load_course(course_dir / "grader" / "course.toml")
    progress.record_grade(course, CourseResult("t", [graded("03_hello", 1, 3, 1, 2)]))
    assert run(course_dir, "list") == 0
    lines = capsys.readouterr().out.splitlines()
    row = {line.split()[0]: line for line in lines if line.startswith("  0")}
    assert "✓ done" in row["01"] and "9/9" in row["01"]
    assert "· not started" in row["02"] and "0/1" in row["02"]
    assert "… in progress" in row["03"] and "1/2" in row["03"]
    assert "· not started" in row["04"]
    assert any("passed before; last grade: 5/7 tests" in line for line in lines)
    assert "1 of 4 done · 10/13 points" in lines
    assert "Next: 02 Greet · 问候" in lines


# --- badge --------------------------------------------------------------------------------------


def test_grade_writes_an_svg_badge_with_the_course_totals(course_dir, tmp_path):
    shutil.copy(course_dir / "solutions" / "02_greeter" / "greeter.py",
                course_dir / "exercises" / "02_greeter")  # fmt: skip
    badge = tmp_path / "out" / "progress.svg"
    assert run(course_dir, "grade", "greeter", "--badge", str(badge)) == 0
    root = ET.parse(badge).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [element.text for element in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["katas", "1/4 · 1/13"]
    assert root.find("{http://www.w3.org/2000/svg}title").text == "katas 1/4 · 1/13"
    assert root.get("aria-label") == "katas 1/4 · 1/13"


def test_a_badge_of_another_folder_shows_that_grade(course_dir, tmp_path):
    badge = tmp_path / "submission.svg"
    target = str(course_dir / "solutions")
    assert (
        run(course_dir, "grade", "adder", "greeter", "--target", target, "--badge", str(badge)) == 0
    )
    texts = [element.text for element in ET.parse(badge).getroot().iter()
             if element.tag == "{http://www.w3.org/2000/svg}text"]  # fmt: skip
    assert texts == ["katas", "2/2 · 10/10"]
    assert not (course_dir / ".kata" / "progress.json").exists()


def test_the_badge_escapes_its_text():
    from grader.badge import render_badge

    svg = render_badge(progress.CourseTotals(1, 2, 3, 4), label='<a & "b">')
    root = ET.fromstring(svg)
    assert root.find("{http://www.w3.org/2000/svg}title").text == '<a & "b"> 1/2 · 3/4'


# --- hints --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "both"),
        ({}, "both"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "en_GB"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "both"),
    ],
)
def test_the_hint_language_comes_from_the_locale(environ, language):
    assert locale_language(environ) == language


def test_hints_in_one_language_or_both_and_recorded(course_dir, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert run(course_dir, "hint", "1") == 0
    out = capsys.readouterr().out
    assert "使用 + 运算符。" in out and "Use the + operator." not in out and "加法与乘法" in out
    assert run(course_dir, "hint", "1", "2", "--lang", "en") == 0
    out = capsys.readouterr().out
    assert "return a + b" in out and "提示" not in out and "Add and multiply" in out
    assert run(course_dir, "hint", "adder", "--lang", "both") == 0
    out = capsys.readouterr().out
    assert "Use the + operator." in out and "使用 + 运算符。" in out
    assert saved_progress(course_dir)["01_adder"]["hints_shown"] == [1, 2]


def test_a_hint_level_that_does_not_exist_is_one_line(course_dir, capsys):
    assert run(course_dir, "hint", "1", "9") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "hints 1 to 2" in err


# --- reset --------------------------------------------------------------------------------------


def test_reset_restores_the_stubs_of_one_exercise_and_keeps_a_backup(git_course, capsys):
    adder = git_course / "exercises" / "01_adder" / "adder.py"
    stub = adder.read_bytes()
    adder.write_text(SOLVED_ADD_ONLY)
    (git_course / "exercises" / "01_adder" / "notes.txt").write_text("mine")
    (git_course / "exercises" / "02_greeter" / "greeter.py").write_text("# greeter, mine\n")
    (git_course / "README.md").write_text("outside the exercise")
    assert run(git_course, "reset", "1", "--yes") == 0
    assert "first commit" in capsys.readouterr().out
    assert adder.read_bytes() == stub
    assert (git_course / "exercises" / "01_adder" / "notes.txt").read_text() == "mine"
    assert (
        git_course / "exercises" / "02_greeter" / "greeter.py"
    ).read_text() == "# greeter, mine\n"
    assert (git_course / "README.md").read_text() == "outside the exercise"
    backups = list((git_course / ".kata" / "backup").glob("*/01_adder/adder.py"))
    assert [backup.read_text() for backup in backups] == [SOLVED_ADD_ONLY]


def test_reset_undo_brings_the_last_backup_back(git_course, capsys):
    adder = git_course / "exercises" / "01_adder" / "adder.py"
    stub = adder.read_bytes()
    adder.write_text(SOLVED_ADD_ONLY)
    assert run(git_course, "reset", "adder", "--yes") == 0
    assert run(git_course, "reset", "adder", "--undo", "--yes") == 0
    assert adder.read_text() == SOLVED_ADD_ONLY
    assert run(git_course, "reset", "adder", "--undo", "--yes") == 0  # the undo is undone
    assert adder.read_bytes() == stub
    capsys.readouterr()
    assert run(git_course, "reset", "greeter", "--undo", "--yes") == 2
    assert "no backup of 02_greeter" in capsys.readouterr().err


def test_reset_restores_a_deleted_file_and_undo_removes_it_again(git_course):
    views = git_course / "exercises" / "03_hello" / "views.py"
    original = views.read_bytes()
    views.unlink()
    assert run(git_course, "reset", "3", "--yes") == 0
    assert views.read_bytes() == original
    assert run(git_course, "reset", "3", "--undo", "--yes") == 0
    assert not views.exists()


def test_reset_uses_the_first_commit_not_a_later_one(git_course):
    adder = git_course / "exercises" / "01_adder" / "adder.py"
    stub = adder.read_bytes()
    adder.write_text(SOLVED_ADD_ONLY)
    git(git_course, "commit", "-q", "-am", "My work")
    assert run(git_course, "reset", "1", "--yes") == 0
    assert adder.read_bytes() == stub


def test_reset_without_a_terminal_and_without_yes_changes_nothing(git_course, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))  # an answer, but no terminal
    adder = git_course / "exercises" / "01_adder" / "adder.py"
    adder.write_text(SOLVED_ADD_ONLY)
    before = snapshot(git_course)
    assert run(git_course, "reset", "1") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--yes" in err
    assert snapshot(git_course) == before


class FakeTerminal:
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "code"), [("y", 0), ("n", 1), ("", 1)])
def test_reset_asks_in_a_terminal(git_course, monkeypatch, answer, code):
    monkeypatch.setattr(sys, "stdin", FakeTerminal())
    questions = []
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or answer)
    adder = git_course / "exercises" / "01_adder" / "adder.py"
    adder.write_text(SOLVED_ADD_ONLY)
    assert run(git_course, "reset", "1") == code
    assert "Reset 01_adder" in questions[0] and "adder.py" in questions[0]
    assert (adder.read_text() == SOLVED_ADD_ONLY) == (code != 0)


def test_reset_without_git_history_uses_the_pristine_copy_kept_on_first_run(course_dir, capsys):
    stub = (course_dir / "exercises" / "01_adder" / "adder.py").read_bytes()
    assert run(course_dir, "list") == 0  # the first run keeps the pristine copy
    assert (course_dir / ".kata" / "pristine" / "01_adder" / "adder.py").read_bytes() == stub
    (course_dir / "exercises" / "01_adder" / "adder.py").write_text(SOLVED_ADD_ONLY)
    capsys.readouterr()
    assert run(course_dir, "reset", "1", "--yes") == 0
    assert "pristine copy" in capsys.readouterr().out
    assert (course_dir / "exercises" / "01_adder" / "adder.py").read_bytes() == stub


def test_reset_never_writes_through_a_link_out_of_the_exercise(git_course, tmp_path, capsys):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "adder.py").write_text("outside")
    folder = git_course / "exercises" / "01_adder"
    shutil.rmtree(folder)
    folder.symlink_to(outside, target_is_directory=True)
    assert run(git_course, "reset", "1", "--yes") == 2
    assert "outside" in capsys.readouterr().err
    assert (outside / "adder.py").read_text() == "outside"


def test_a_file_replaced_by_a_link_is_replaced_not_followed(git_course, tmp_path):
    outside = tmp_path / "elsewhere.py"
    outside.write_text("outside")
    adder = git_course / "exercises" / "01_adder" / "adder.py"
    stub = adder.read_bytes()
    adder.unlink()
    adder.symlink_to(outside)
    assert run(git_course, "reset", "1", "--yes") == 0
    assert not adder.is_symlink() and adder.read_bytes() == stub
    assert outside.read_text() == "outside"


# --- solution -----------------------------------------------------------------------------------


def test_solution_waits_until_the_exercise_passes(git_course, capsys):
    assert run(git_course, "solution", "1") == 1
    captured = capsys.readouterr()
    assert "has not passed yet" in captured.err and captured.out == ""
    assert not (git_course / ".kata" / "progress.json").exists()


def test_solution_force_shows_the_diff_and_is_recorded(git_course, capsys):
    assert run(git_course, "solution", "1", "--force") == 0
    out = capsys.readouterr().out
    assert "--- exercises/01_adder/adder.py" in out and "+++ solutions/01_adder/adder.py" in out
    assert "-    raise NotImplementedError" in out and "+    return a + b" in out
    assert saved_progress(git_course)["01_adder"]["solution_forced"] is True


def test_solution_is_shown_once_the_exercise_passed(git_course, capsys):
    shutil.copy(git_course / "solutions" / "02_greeter" / "greeter.py",
                git_course / "exercises" / "02_greeter")  # fmt: skip
    assert run(git_course, "grade", "greeter") == 0
    capsys.readouterr()
    assert run(git_course, "solution", "greeter") == 0
    assert "greeter.py: the same as the reference solution." in capsys.readouterr().out
    assert saved_progress(git_course)["02_greeter"]["solution_forced"] is False


def test_a_student_copy_without_solutions_says_so_in_one_line(git_course, capsys):
    shutil.rmtree(git_course / "solutions")
    assert run(git_course, "solution", "1", "--force") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs solutions/, which the student copy does not have" in err


# --- bad input: one line naming the fix, exit 2, nothing changed --------------------------------


def one_line_error(root: Path, capsys, *args: str) -> str:
    before = snapshot(root)
    assert run(root, *args) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("error: ") and captured.err.count("\n") == 1, captured.err
    assert snapshot(root) == before, "nothing changed"
    return captured.err


def test_an_unknown_selector_suggests_the_closest_exercise(git_course, capsys):
    assert "Did you mean 'greeter'?" in one_line_error(git_course, capsys, "grade", "greeterr")
    assert "Did you mean" in one_line_error(git_course, capsys, "hint", "addr")
    assert "nox -s list" in one_line_error(git_course, capsys, "reset", "nothing_like_it")


def test_a_missing_exercise_folder_names_reset(git_course, capsys):
    shutil.rmtree(git_course / "exercises" / "02_greeter")
    err = one_line_error(git_course, capsys, "grade")
    assert "exercises/02_greeter/ is missing" in err and "nox -s reset -- 02" in err
    assert run(git_course, "reset", "02", "--yes") == 0
    assert (git_course / "exercises" / "02_greeter" / "greeter.py").read_bytes() == (
        FIXTURE / "exercises" / "02_greeter" / "greeter.py"
    ).read_bytes()


def test_a_deleted_stub_file_names_reset(git_course, capsys):
    (git_course / "exercises" / "03_hello" / "stamp.py").unlink()
    err = one_line_error(git_course, capsys, "grade", "3")
    assert "exercises/03_hello/stamp.py is missing" in err and "nox -s reset -- 03" in err


def test_a_source_file_that_is_not_utf8_names_the_line(git_course, capsys):
    (git_course / "exercises" / "01_adder" / "adder.py").write_bytes(
        b"def add(a, b):\n    # caf\xe9\n    return a + b\n"
    )
    err = one_line_error(git_course, capsys, "grade", "1")
    assert "exercises/01_adder/adder.py:2 is not UTF-8" in err and "save the file as UTF-8" in err


def test_a_target_without_exercise_folders_is_refused(git_course, capsys, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    err = one_line_error(git_course, capsys, "grade", "--target", str(empty))
    assert "holds no exercise folder" in err and str(empty / "exercises") in err
    err = one_line_error(git_course, capsys, "grade", "--target", str(tmp_path / "nope"))
    assert "no such folder" in err


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ("[[exercises]\n", "course.toml"),
        ("[[exercises]]\nnumber = 9\nslug = 'x'\n", "missing field"),
        ("[[exercises]]\nnumber = 9\nslug = 'x'\ntitle = 'X'\ntitle_zh = 'X'\ntrack = 'basics'\n"
         "files = []\ntasks = 'not a table'\n", "course.toml"),
    ],
)  # fmt: skip
def test_a_manifest_error_is_one_line(git_course, capsys, broken, expected):
    manifest = git_course / "grader" / "course.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + broken, encoding="utf-8")
    for verb in (["list"], ["hint", "1"], ["grade", "1"]):
        err = one_line_error(git_course, capsys, *verb)
        assert expected in err and "Fix " in err


def _course_history(course_dir: Path) -> None:
    """The course's own history: a first commit with the grader alone, then the exercises."""
    shutil.move(course_dir / "exercises", course_dir.parent / "later")
    git(course_dir, "init", "-q")
    git(course_dir, "add", "-A")
    git(course_dir, "commit", "-q", "-m", "The grader, before any exercise")
    shutil.move(course_dir.parent / "later", course_dir / "exercises")
    git(course_dir, "add", "-A")
    git(course_dir, "commit", "-q", "-m", "The exercises")


def test_reset_in_a_clone_of_the_course_restores_the_upstream_version(course_dir, tmp_path, capsys):
    """A learner who cloned the course (first commit older than the exercises) and committed
    their own work on top still gets the course's stubs back."""
    stub = (course_dir / "exercises" / "01_adder" / "adder.py").read_bytes()
    _course_history(course_dir)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(course_dir), str(clone))
    adder = clone / "exercises" / "01_adder" / "adder.py"
    adder.write_text(SOLVED_ADD_ONLY)
    git(clone, "commit", "-q", "-am", "My work")
    adder.write_text(SOLVED_ADD_ONLY + "# more\n")
    assert run(clone, "reset", "1", "--yes") == 0
    assert adder.read_bytes() == stub
    assert "origin/" in capsys.readouterr().out


def test_reset_in_a_history_without_the_exercise_or_an_upstream_names_the_git_fix(
    course_dir, capsys
):
    stub = (course_dir / "exercises" / "01_adder" / "adder.py").read_bytes()
    shutil.move(course_dir / "exercises", course_dir.parent / "later")
    git(course_dir, "init", "-q")
    git(course_dir, "add", "-A")
    git(course_dir, "commit", "-q", "-m", "The grader, before any exercise")
    shutil.move(course_dir.parent / "later", course_dir / "exercises")
    (course_dir / "exercises" / "01_adder" / "adder.py").write_text(SOLVED_ADD_ONLY)
    err = one_line_error(course_dir, capsys, "reset", "1", "--yes")
    assert "nor an upstream branch holds exercises/01_adder/" in err
    assert "git checkout <the course's branch> -- exercises/01_adder/" in err
    assert not (course_dir / ".kata" / "pristine").exists()
    assert (course_dir / "exercises" / "01_adder" / "adder.py").read_bytes() != stub


LEAVING = """
import atexit, sys, threading, time
sys.path.insert(0, sys.argv[1])
from grader.__main__ import leave_at_once
atexit.register(lambda: print("exit handler ran"))
print("x" * 200_000)
if sys.argv[2] == "thread":
    threading.Thread(target=time.sleep, args=(0.2,)).start()
print("returned", leave_at_once(3))
"""


@pytest.mark.parametrize("running", ["alone", "thread"])
def test_the_grader_ends_without_teardown_only_when_nothing_is_left_running(running):
    """`python -m grader` skips the interpreter's teardown after a verb: its output is complete
    (buffered in a pipe), its exit code kept and its exit handlers run; with a thread still
    running it returns, and the ordinary exit waits for the thread."""
    root = str(Path(__file__).resolve().parent.parent)
    done = subprocess.run(
        [sys.executable, "-c", LEAVING, root, running],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    lines = done.stdout.splitlines()
    assert lines[0] == "x" * 200_000, done.stderr
    if running == "alone":
        assert (done.returncode, lines[1:]) == (3, ["exit handler ran"]), done.stderr
    else:
        assert (done.returncode, lines[1:]) == (0, ["returned 3", "exit handler ran"]), done.stderr
