"""Gradescope without Gradescope: the archive is unpacked into a fake /autograder, and its
run_autograder grades real submissions there as Gradescope's harness runs it.

This interpreter (the grading virtualenv's) stands in for the one setup.sh installs. Each
results.json is checked against the grader's own JSON report of the same submission, task by
task, and against the format Gradescope documents (gradescope-autograders.readthedocs.io, specs).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from grader.cli import main
from grader.gradescope import COURSE_FILES, EXECUTABLE
from grader.manifest import load_course
from grader.results import CourseResult, ExerciseResult, TaskResult, mark_integrity_error
from grader.results import TestResult as Outcome
from grader.writers.gradescope import MESSAGE_LIMIT, to_results

ROOT = Path(__file__).parent.parent
COURSE = load_course()
pytestmark = pytest.mark.slow

# From Gradescope's "Autograder Specifications": every key results.json and a test may have,
# and the values the documented enumerations allow.
TOP_LEVEL_KEYS = {
    "score", "execution_time", "output", "output_format", "test_output_format",
    "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard",
}  # fmt: skip
TEST_KEYS = {
    "score", "max_score", "status", "name", "name_format", "number", "output", "output_format",
    "tags", "visibility", "extra_data",
}  # fmt: skip
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}
STATUSES = {"passed", "failed"}
# The launcher of the nox sessions, with the standard library alone (no site-packages).
STDLIB_GRADER = (
    "import sys; sys.path.append(sys.argv.pop(1)); from grader.__main__ import run; sys.exit(run())"
)


def build(out: Path, *course: str) -> subprocess.CompletedProcess:
    """`nox -s gradescope -- OUT` as the session runs it: the standard library only."""
    command = [sys.executable, "-I", "-S", "-B", "-c", STDLIB_GRADER, str(ROOT), *course]
    return subprocess.run(
        [*command, "gradescope", str(out)],
        capture_output=True, text=True, encoding="utf-8", timeout=120, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("archive") / "autograder.zip"
    done = build(out)
    assert done.returncode == 0, done.stderr
    assert "no solutions, no tests" in done.stdout
    return out


def unpack(archive: Path, into: Path) -> None:
    """As Gradescope does: the files at the root of the archive, with their modes."""
    with zipfile.ZipFile(archive) as opened:
        for info in opened.infolist():
            path = into / info.filename
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(opened.read(info))
            path.chmod((info.external_attr >> 16) & 0o777)


def autograder_tree(tmp_path: Path, archive: Path) -> Path:
    root = tmp_path / "autograder"
    unpack(archive, root / "source")
    (root / "submission").mkdir()
    (root / "results").mkdir()
    # The harness copies run_autograder out of source/ and runs that copy.
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    return root


def run_autograder(root: Path, python: str = sys.executable) -> subprocess.CompletedProcess:
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "KATA_PYTHON": python}
    for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "KATA_GRADESCOPE_UNSUBMITTED"):
        env.pop(name, None)
    done = subprocess.run(
        [str(root / "run_autograder")], cwd=root, env=env, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, encoding="utf-8", timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def read_results(root: Path) -> dict:
    def no_special_numbers(name: str):
        raise AssertionError(f"results.json holds {name}, which is not JSON")

    text = (root / "results" / "results.json").read_text(encoding="utf-8")
    return json.loads(text, parse_constant=no_special_numbers)


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_documented_format(results: dict) -> None:
    assert set(results) <= TOP_LEVEL_KEYS, set(results) - TOP_LEVEL_KEYS
    assert is_number(results["score"])
    assert isinstance(results["output"], str) and results["output"]
    for key in ("output_format", "test_output_format", "test_name_format"):
        assert results.get(key, "text") in FORMATS, key
    for key in ("visibility", "stdout_visibility"):
        assert results.get(key, "visible") in VISIBILITIES, key
    assert isinstance(results.get("extra_data", {}), dict)
    assert isinstance(results["tests"], list)
    for test in results["tests"]:
        assert set(test) <= TEST_KEYS, set(test) - TEST_KEYS
        assert is_number(test["score"]) and is_number(test["max_score"]), test
        assert 0 <= test["score"] <= test["max_score"], test
        assert test["status"] in STATUSES, test
        assert test["visibility"] in VISIBILITIES, test
        assert test["name_format"] in FORMATS and test["output_format"] in FORMATS, test
        assert isinstance(test["name"], str) and isinstance(test["output"], str), test
        assert isinstance(test["number"], str), test


# ── the archive ─────────────────────────────────────────────────────────────────────────────


def test_archive_holds_the_scripts_the_grader_and_the_stubs_but_no_solutions_or_tests(archive):
    with zipfile.ZipFile(archive) as opened:
        infos = {info.filename: info for info in opened.infolist()}
        names = set(infos)
        assert {"setup.sh", "run_autograder"} <= names, "both scripts at the root of the archive"
        for script in ("setup.sh", "run_autograder"):
            mode = infos[script].external_attr >> 16
            assert mode == EXECUTABLE and mode & 0o111, f"{script} is not executable: {mode:o}"
        assert {"grader/course.toml", "grader/__main__.py", "noxfile.py", "pyproject.toml",
                "requirements/lock.txt", "requirements/grade.txt"} <= names  # fmt: skip
        for exercise in COURSE.exercises:
            assert any(name.startswith(f"grader/suites/{exercise.folder}/") for name in names)
            for file in exercise.files:
                stub = COURSE.exercises_dir / exercise.folder / file
                assert opened.read(f"exercises/{exercise.folder}/{file}") == stub.read_bytes()
    assert not [name for name in names if name.startswith(("solutions/", "tests/"))]
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_the_scripts_are_valid_bash(archive, tmp_path):
    unpack(archive, tmp_path)
    for script in ("setup.sh", "run_autograder"):
        checked = subprocess.run(
            ["bash", "-n", str(tmp_path / script)], capture_output=True, text=True, check=False
        )
        assert checked.returncode == 0, f"{script}: {checked.stderr}"


def test_setup_installs_the_grade_group_at_the_locked_versions_and_nginx(archive, tmp_path):
    unpack(archive, tmp_path)
    setup = (tmp_path / "setup.sh").read_text(encoding="utf-8")
    assert '-r "$SOURCE/requirements/grade.txt" -c "$SOURCE/requirements/lock.txt"' in setup
    assert "nginx-light" in setup
    requirements = (tmp_path / "requirements" / "grade.txt").read_text(encoding="utf-8")
    listed = [line for line in requirements.splitlines() if line and not line.startswith("#")]
    with open(ROOT / "pyproject.toml", "rb") as handle:
        assert listed == tomllib.load(handle)["dependency-groups"]["grade"]


def test_the_same_course_gives_the_same_archive(archive, tmp_path):
    again = tmp_path / "again.zip"
    assert build(again).returncode == 0
    assert again.read_bytes() == archive.read_bytes()


def test_run_autograder_starts_the_grader_as_the_nox_sessions_do(archive, tmp_path, noxfile):
    unpack(archive, tmp_path)
    script = (tmp_path / "run_autograder").read_text(encoding="utf-8")
    assert f"BOOT='{noxfile.GRADER_BOOT}'" in script
    assert '"$PYTHON" -P -c "$BOOT" "$SOURCE" grade' in script


def test_the_archive_is_not_written_into_a_folder_it_copies(tmp_path):
    done = build(ROOT / "exercises" / "autograder.zip")
    assert done.returncode == 2
    assert "outside the folders it copies" in done.stderr
    assert not (ROOT / "exercises" / "autograder.zip").exists()


def test_stubs_changed_since_the_last_commit_are_not_shipped(tmp_path):
    course = tmp_path / "course"
    for name in COURSE_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, course / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (course / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, course / name)
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t", "-C", str(course)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "course"], check=True)
    stub = course / "exercises" / "04_compact_dict" / "compact_dict.py"
    stub.write_text(stub.read_text(encoding="utf-8") + "# solved here\n", encoding="utf-8")
    manifest = ("--course", str(course / "grader" / "course.toml"))

    refused = build(tmp_path / "a.zip", *manifest)
    assert refused.returncode == 2
    assert "exercises/04_compact_dict/compact_dict.py" in refused.stderr
    assert "git stash" in refused.stderr and not (tmp_path / "a.zip").exists()
    subprocess.run([*git, "stash", "-q"], check=True)
    assert build(tmp_path / "a.zip", *manifest).returncode == 0


# ── run_autograder on real submissions ──────────────────────────────────────────────────────


def submit(root: Path, case: str) -> Path:
    """Lay out one submission; returns the folder of NN_slug folders the grade should see."""
    submission = root / "submission"
    expected = root.parent / "expected"
    shutil.copytree(COURSE.exercises_dir, expected)
    if case == "solutions":
        # A GitHub submission: the student's repository, exercises/ and all.
        folder = submission / "exercises"
        shutil.copytree(COURSE.solutions_dir, folder)
        (submission / "README.md").write_text("my katas\n", encoding="utf-8")
    elif case == "stubs":
        # A zip of the NN_slug folders themselves.
        folder = submission
        for exercise in COURSE.exercises:
            shutil.copytree(COURSE.exercises_dir / exercise.folder, folder / exercise.folder)
    else:
        # A zip of the whole course folder: one folder down. Odd exercises solved, even ones left
        # as stubs; 03 crashes its test process; 04 fails one task; 02 imports pytest (a flag);
        # 05 is not submitted at all.
        folder = submission / "katas-main" / "exercises"
        folder.mkdir(parents=True)
        for exercise in COURSE.exercises:
            if exercise.number == 5:
                continue
            source = COURSE.solutions_dir if exercise.number % 2 else COURSE.exercises_dir
            shutil.copytree(source / exercise.folder, folder / exercise.folder)
        shutil.rmtree(folder / "04_compact_dict")
        shutil.copytree(COURSE.solutions_dir / "04_compact_dict", folder / "04_compact_dict")
        mutant = ROOT / "tests" / "mutants" / "04_compact_dict" / "delete_writes_empty"
        shutil.copytree(mutant, folder / "04_compact_dict", dirs_exist_ok=True)
        pools = folder / "03_object_pools" / "object_pools.py"
        pools.write_text("import os\nos._exit(3)\n" + pools.read_text(encoding="utf-8"))
        collection = folder / "02_garbage_collection" / "garbage_collection.py"
        collection.write_text("import pytest\n" + collection.read_text(encoding="utf-8"))
    for child in folder.iterdir():
        if child.is_dir() and (expected / child.name).is_dir():
            shutil.copytree(child, expected / child.name, dirs_exist_ok=True)
    return expected


def grader_report(target: Path, tmp_path: Path) -> dict:
    report = tmp_path / "report.json"
    main(["grade", "--target", str(target), "--json", str(report), "--exit-zero"])
    return json.loads(report.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", ["stubs", "solutions", "mix"])
def test_run_autograder_results_match_the_graders_report(case, archive, tmp_path):
    root = autograder_tree(tmp_path, archive)
    expected = submit(root, case)
    done = run_autograder(root)
    results = read_results(root)
    # The grade's own JSON report, written next to results.json by the same run.
    report = json.loads((root / "results" / "report.json").read_text(encoding="utf-8"))

    check_documented_format(results)
    tasks = [(exercise, task) for exercise in report["exercises"] for task in exercise["tasks"]]
    assert len(results["tests"]) == len(tasks), "one test entry per task"
    for entry, (exercise, task) in zip(results["tests"], tasks, strict=True):
        shown = f"{exercise['id']}.{task['id']}"
        assert entry["number"] == shown
        assert entry["name"] == f"{exercise['id']} {exercise['slug']} — {task['title']}"
        assert entry["score"] == pytest.approx(task["points"]), shown
        assert entry["max_score"] == task["max_points"], shown
        assert entry["status"] == ("passed" if task["status"] == "pass" else "failed"), shown
        assert entry["visibility"] == "visible"
        failing = [test for test in exercise["tests"]
                   if test["task"] == task["id"] and test["status"] != "passed"]  # fmt: skip
        for test in failing:
            assert test["name"].rsplit("::", 1)[-1] in entry["output"], (shown, test["name"])
        if task["status"] == "pass" and exercise["status"] == "pass":
            assert "tests of this task pass" in entry["output"]
    assert results["score"] == pytest.approx(report["total"]["points"])
    assert sum(test["score"] for test in results["tests"]) == pytest.approx(results["score"])
    assert sum(test["max_score"] for test in results["tests"]) == COURSE.max_points
    assert results["output"].startswith(
        f"{report['total']['exercises_passed']} of {len(report['exercises'])} exercises done · "
        f"{report['total']['points']:g}/{report['total']['max_points']:g} points"
    )

    points = {"stubs": 0, "solutions": COURSE.max_points}.get(case)
    if points is not None:
        assert results["score"] == points
        assert "Not in your submission" not in results["output"]
    else:
        # What was graded is the submission over the stubs: the grader, run on that folder here,
        # gives every task the same points.
        again = grader_report(expected, tmp_path)
        assert [
            [task["points"] for task in exercise["tasks"]] for exercise in again["exercises"]
        ] == [[task["points"] for task in exercise["tasks"]] for exercise in report["exercises"]]
        assert 0 < results["score"] < COURSE.max_points
        assert "Not in your submission" in results["output"]
        assert "05_request_lifecycle" in done.stdout and "05_request_lifecycle" in results["output"]
        assert "For review" in results["output"] and "02_garbage_collection" in results["output"]
        crashed = next(exercise for exercise in report["exercises"] if exercise["id"] == "03")
        assert crashed["status"] == "error"
        cause = next(test for test in crashed["tests"] if test["status"] == "error")
        first_line = cause["message"].splitlines()[0]
        entries = [entry for entry in results["tests"] if entry["number"].startswith("03.")]
        assert len(entries) == len(crashed["tasks"])
        for entry in entries:
            assert entry["score"] == 0 and entry["status"] == "failed"
            assert "03_object_pools did not finish grading (error)" in entry["output"]
            assert first_line in entry["output"], entry["number"]


@pytest.mark.parametrize("layout", ["empty", "no exercise folder", "missing"])
def test_a_submission_without_exercise_folders_gets_no_points_and_says_what_to_submit(
    layout, archive, tmp_path
):
    root = autograder_tree(tmp_path, archive)
    if layout == "no exercise folder":
        (root / "submission" / "notes.txt").write_text("hello\n", encoding="utf-8")
        (root / "submission" / "exercises").mkdir()
    elif layout == "missing":
        shutil.rmtree(root / "submission")
    run_autograder(root)
    results = read_results(root)
    check_documented_format(results)
    assert results["score"] == 0 and results["tests"] == []
    assert "holds no exercise folder such as 01_concurrency" in results["output"]
    assert "zip of your exercises folder" in results["output"]


def test_a_grade_that_cannot_run_still_writes_results_with_no_points(archive, tmp_path):
    root = autograder_tree(tmp_path, archive)
    shutil.copytree(COURSE.solutions_dir, root / "submission" / "exercises")
    (root / "results" / "results.json").write_text('{"score": 265}', encoding="utf-8")
    done = run_autograder(root, python=str(tmp_path / "no-such-python"))
    results = read_results(root)
    check_documented_format(results)
    assert results["score"] == 0 and results["tests"] == []
    assert "could not grade this submission (exit code 127)" in results["output"]
    assert "could not grade" in done.stdout


# ── the writer on results the grader makes ──────────────────────────────────────────────────


def exercise_result(status: str, tests: list[Outcome], tasks: list[TaskResult]) -> ExerciseResult:
    points = sum(task.points for task in tasks)
    return ExerciseResult("04", "compact_dict", "A compact dict", status, points,
                          sum(task.max_points for task in tasks), 1.0, tasks, tests)  # fmt: skip


def test_changed_grading_files_are_told_in_every_task_of_the_exercise_blamed():
    exercise = exercise_result(
        "pass",
        [Outcome("t.py::test_one", 1, "passed"), Outcome("t.py::test_two", 2, "passed")],
        [TaskResult(1, "One", 2, 2, "pass"), TaskResult(2, "Two", 3, 3, "pass")],
    )
    mark_integrity_error(exercise, "Files grading relies on changed during the run: grader/x.py")
    results = to_results(CourseResult("submission", [exercise]))
    check_documented_format(results)
    assert results["score"] == 0
    for entry in results["tests"]:
        assert (entry["score"], entry["status"]) == (0, "failed")
        assert "did not finish grading (error)" in entry["output"]
        assert "Files grading relies on changed during the run: grader/x.py" in entry["output"]


def test_a_timeout_is_told_in_every_task_and_a_partly_earned_task_keeps_its_points():
    hung = "The exercise hit its time limit (60 s) while this test was running, and was stopped."
    exercise = exercise_result(
        "timeout",
        [
            Outcome("t.py::test_one", 1, "passed"),
            Outcome("t.py::test_two", 2, "passed"),
            Outcome("t.py::test_three", 2, "timeout", hung),
            Outcome(
                "t.py::test_four",
                2,
                "timeout",
                "Did not run: the test process was stopped at its time limit, during test_three.",
            ),  # fmt: skip
        ],
        [TaskResult(1, "One", 2, 2, "pass"), TaskResult(2, "Two", 1.5, 4.5, "fail")],
    )
    first, second = to_results(CourseResult("submission", [exercise]))["tests"]
    assert (first["score"], first["status"]) == (2, "passed")
    assert f"test_three (task 2): {hung}" in first["output"]
    assert "All 1 tests of this task pass." in first["output"]
    assert (second["score"], second["max_score"], second["status"]) == (1.5, 4.5, "failed")
    assert f"✗ test_three: {hung}" in second["output"]
    assert "✗ test_four: Did not run" in second["output"]


def test_learner_text_stays_plain_text_and_long_messages_are_cut():
    long = "x" * (MESSAGE_LIMIT + 500)
    exercise = exercise_result(
        "fail",
        [Outcome("t.py::test_one", 1, "failed", long)],
        [TaskResult(1, "One", 0, 2, "fail")],
    )
    exercise.flags = [{"kind": "ci", "file": "04_compact_dict/x.py", "line": 3,
                       "detail": "names GITHUB_OUTPUT\x1b[2J"}]  # fmt: skip
    results = to_results(CourseResult("submission", [exercise]), unsubmitted=["05_x\x1b[1m"])
    output = results["tests"][0]["output"]
    assert len(output) < MESSAGE_LIMIT + 200 and "(cut; grade locally to see it all)" in output
    assert "\x1b" not in results["output"]
    assert (
        "names GITHUB_OUTPUT\\x1b[2J" in results["output"] and "05_x\\x1b[1m" in results["output"]
    )
    assert json.dumps(to_results(CourseResult("submission", [exercise]))) == json.dumps(
        to_results(CourseResult("submission", [exercise]))
    )
