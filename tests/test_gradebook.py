"""The gradebook on a generated class: real git checkouts, real grading children, every column.

The class (tests/class_factory.py) holds a solved, a partly solved, an untouched, a broken, a
hanging, a tampered, a copied, two identical and one grader-reaching submission of the fixture
course; one run grades them all and the tests read what it wrote.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import class_factory
import pytest
from class_factory import STUDENTS, commit_all, make_class, make_student
from conftest import FIXTURE_MANIFEST

from grader.cli import main
from grader.gradebook import batch
from grader.manifest import REPO_ROOT
from grader.writers.json_report import from_dict, to_dict

pytestmark = pytest.mark.slow

COLUMNS = ["student", "commit", "01_adder", "02_greeter", "03_hello", "04_jobs", "total",
           "max_total", "status", "flags", "cached", "duration"]  # fmt: skip
# student -> (points per exercise 01..04, status, flags column)
EXPECTED = {
    "ada": ((9, 1, 0, 0), "graded", ""),
    "ben": ((5, 0, 0, 0), "graded", ""),
    "cleo": ((0, 0, 0, 0), "graded", ""),
    "dan": ((0, 0, 0, 0), "partial", ""),
    # add() hangs: its two tests time out one by one, mul and total still earn 3 + 4.
    "eve": ((7, 0, 0, 0), "partial", ""),
    # Their edited suite passes everything; the pristine one grades their stub: 0.
    "finn": ((0, 0, 0, 0), "graded", "grading-files"),
    "gus": ((9, 1, 2, 1), "graded",
            "solution-copy:01;solution-copy:02;solution-copy:03;solution-copy:04"),
    "hal": ((0, 1, 0, 0), "graded", "identical:02=ivy"),
    "ivy": ((0, 1, 0, 0), "graded", "identical:02=hal"),
    "jo": ((0, 1, 0, 0), "graded", "reaches-grader:02"),
}  # fmt: skip


def gradebook(folder: Path, *args: str) -> int:
    return main(["--course", str(FIXTURE_MANIFEST), "gradebook", str(folder), *args])


def read_csv(path: Path) -> tuple[list[str], dict[str, dict]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = {row["student"]: row for row in reader}
        return list(reader.fieldnames), rows


def read_report(out: Path, student: str) -> dict:
    return json.loads((out / "students" / f"{student}.json").read_text(encoding="utf-8"))


@pytest.fixture
def count_pairs(monkeypatch):
    """How many (submission, exercise) pairs reached the runner, counted on the way through."""
    counted: list[tuple[str, str]] = []
    real = batch.run_pairs

    def counting(pairs, *args, **kwargs):
        counted.extend((exercise.folder, str(target)) for exercise, target in pairs)
        return real(pairs, *args, **kwargs)

    monkeypatch.setattr(batch, "run_pairs", counting)
    return counted


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    folder = make_class(base)
    out = base / "out"
    code = gradebook(folder, "--out", str(out), "--jobs", "2")
    return folder, out, code


def test_the_csv_has_every_column_and_the_right_row_for_each_kind_of_student(graded_class):
    folder, out, code = graded_class
    assert code == 0
    header, rows = read_csv(out / "gradebook.csv")
    assert header == COLUMNS
    assert sorted(rows) == sorted(STUDENTS)
    for student, (points, status, flags) in EXPECTED.items():
        row = rows[student]
        checkout = folder / f"katas-{student}"
        head = subprocess.run(["git", "-C", str(checkout), "rev-parse", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
        assert row["commit"] == head, student
        got = tuple(float(row[column]) for column in COLUMNS[2:6])
        assert got == points, f"{student}: {got}"
        assert float(row["total"]) == sum(points), student
        assert row["max_total"] == "13"
        assert row["status"] == status, student
        assert row["flags"] == flags, student
        assert row["cached"] == "no", student
        assert float(row["duration"]) > 0, student


def test_a_hanging_submission_is_bounded_by_the_exercise_limit(graded_class):
    _folder, out, _code = graded_class
    adder = read_report(out, "eve")["exercises"][0]
    assert adder["status"] == "timeout"
    timed_out = [test["name"].rsplit("::", 1)[-1] for test in adder["tests"]
                 if test["status"] == "timeout"]  # fmt: skip
    assert timed_out == ["test_add_small", "test_add_negative"]
    # Two 2 s per-test limits, then the rest: well within the 6 s limit plus start-up.
    assert adder["duration"] < 6 + 2 + 1


def test_a_broken_submission_gets_its_error_and_the_other_exercises_their_grades(graded_class):
    _folder, out, _code = graded_class
    report = read_report(out, "dan")
    adder = report["exercises"][0]
    assert adder["status"] == "error"
    assert "syntax error" in adder["tests"][0]["message"]
    assert [entry["status"] for entry in report["exercises"][1:]] == ["fail", "fail", "fail"]


def test_the_tampered_checkout_is_flagged_with_the_file_and_graded_by_the_pristine_suite(
    graded_class,
):
    _folder, out, _code = graded_class
    report = read_report(out, "finn")
    assert report["submission"]["flags"] == [{
        "code": "grading-files", "exercise": "",
        "detail": "differ from this course's copy: grader/suites/01_adder/test_adder.py (changed)",
        "students": [],
    }]  # fmt: skip
    adder = report["exercises"][0]
    # The pristine suite's seven tests, not the student's one.
    assert len(adder["tests"]) == 7
    assert adder["points"] == 0


def test_each_report_is_the_grade_json_model_plus_the_submission(graded_class, grade_fixture):
    folder, out, _code = graded_class
    report = read_report(out, "ada")
    submission = report.pop("submission")
    assert submission["student"] == "ada"
    assert submission["path"] == str(folder / "katas-ada")
    assert submission["status"] == "graded" and submission["error"] == ""
    assert submission["cached"] == [] and submission["flags"] == []
    assert set(submission["content"]) == {"01_adder", "02_greeter", "03_hello", "04_jobs"}
    # The model round-trips through from_dict.
    assert to_dict(from_dict(report)) == report
    # And says what `grade --json` says of the same folder.
    _exit, graded = grade_fixture(folder / "katas-ada" / "exercises")
    assert report["total"] == graded["total"]
    for ours, theirs in zip(report["exercises"], graded["exercises"], strict=True):
        assert (ours["id"], ours["status"], ours["points"]) == (
            theirs["id"], theirs["status"], theirs["points"]
        )  # fmt: skip
        assert [(t["name"], t["status"]) for t in ours["tests"]] == [
            (t["name"], t["status"]) for t in theirs["tests"]
        ]  # fmt: skip
    flagged = read_report(out, "jo")["exercises"][1]["flags"]
    assert flagged == [{"kind": "grader", "file": "02_greeter/greeter.py", "line": 1,
                        "detail": "imports _pytest"}]  # fmt: skip


def test_a_regrade_grades_only_the_exercise_that_changed(tmp_path, count_pairs):
    students = {login: STUDENTS[login] for login in ("ada", "ben", "cleo")}
    folder = make_class(tmp_path, students)
    out = tmp_path / "out"
    assert gradebook(folder, "--out", str(out)) == 0
    assert len(count_pairs) == 12
    _header, first = read_csv(out / "gradebook.csv")
    assert {row["cached"] for row in first.values()} == {"no"}

    cleo = folder / "katas-cleo"
    (cleo / "exercises" / "02_greeter" / "greeter.py").write_text(
        class_factory.OWN_GREETER, encoding="utf-8"
    )
    new_head = commit_all(cleo, "greeter done")
    count_pairs.clear()
    assert gradebook(folder, "--out", str(out)) == 0
    assert count_pairs == [("02_greeter", str(cleo / "exercises"))]
    _header, second = read_csv(out / "gradebook.csv")
    assert second["ada"]["cached"] == second["ben"]["cached"] == "yes"
    assert second["cleo"]["cached"] == "01;03;04"
    assert (first["cleo"]["02_greeter"], second["cleo"]["02_greeter"]) == ("0", "1")
    assert second["cleo"]["total"] == "1" and second["cleo"]["commit"] == new_head
    assert float(second["ada"]["duration"]) == 0  # nothing of theirs ran
    for student in ("ada", "ben"):
        assert {key: value for key, value in second[student].items() if key not in
                ("cached", "duration")} == {key: value for key, value in first[student].items()
                                            if key not in ("cached", "duration")}  # fmt: skip
    assert read_report(out, "cleo")["submission"]["cached"] == ["01", "03", "04"]

    count_pairs.clear()
    assert gradebook(folder, "--out", str(out), "--no-cache") == 0
    assert len(count_pairs) == 12
    _header, third = read_csv(out / "gradebook.csv")
    assert {row["cached"] for row in third.values()} == {"no"}
    assert third["cleo"]["total"] == "1"


def test_resume_keeps_the_students_an_interrupted_run_finished(tmp_path, count_pairs):
    students = {login: STUDENTS[login] for login in ("ada", "ben", "cleo", "hal")}
    folder = make_class(tmp_path, students)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "grader", "--course", str(FIXTURE_MANIFEST), "gradebook",
               str(folder), "--out", str(out), "--jobs", "1", "--no-cache"]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not list((out / "students").glob("*.json")) and time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read().decode()
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode != 0
    assert not (out / "gradebook.csv").exists()
    kept = {path.stem: json.loads(path.read_text(encoding="utf-8"))
            for path in (out / "students").glob("*.json")}  # fmt: skip
    assert 1 <= len(kept) < len(students)

    assert gradebook(folder, "--out", str(out), "--resume", "--no-cache") == 0
    regraded = {Path(target).parent.name.removeprefix("katas-") for _f, target in count_pairs}
    assert regraded == set(students) - set(kept)
    assert len(count_pairs) == 4 * len(regraded)
    _header, rows = read_csv(out / "gradebook.csv")
    assert sorted(rows) == sorted(students)
    for student, before in kept.items():
        after = read_report(out, student)
        assert after["exercises"] == before["exercises"], student
        assert rows[student]["total"] == str(EXPECTED[student][0][0] + EXPECTED[student][0][1])


def test_plain_exercise_copies_and_unreadable_submissions(tmp_path):
    folder = tmp_path / "copies"
    fixture = FIXTURE_MANIFEST.parent.parent
    shutil.copytree(fixture / "solutions", folder / "kim")
    shutil.copytree(fixture / "exercises", folder / "lee")
    os.mkfifo(folder / "lee" / "02_greeter" / "pipe")
    (folder / "nobody").mkdir()  # an empty repository: nothing to grade
    out = tmp_path / "out"
    assert gradebook(folder, "01", "greeter", "--out", str(out)) == 0
    header, rows = read_csv(out / "gradebook.csv")
    assert header == ["student", "commit", "01_adder", "02_greeter", *COLUMNS[6:]]
    assert rows["kim"]["total"] == rows["kim"]["max_total"] == "10"
    assert rows["kim"]["commit"] == "" and rows["kim"]["status"] == "graded"
    # Plain copies have no grading files to compare: only the copied solution is flagged.
    assert rows["kim"]["flags"] == "solution-copy:01;solution-copy:02"
    for student, why in (("lee", "is not a regular file"), ("nobody", "no exercises in")):
        row = rows[student]
        assert (row["status"], row["01_adder"], row["02_greeter"]) == ("error", "", ""), student
        assert why in read_report(out, student)["submission"]["error"], student


def test_unusable_folders_are_refused_in_one_line(tmp_path, capsys):
    assert gradebook(tmp_path / "missing") == 2
    assert "no such folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert gradebook(tmp_path / "empty") == 2
    assert "no submissions in" in capsys.readouterr().err
    one = make_student(tmp_path, "solo", {}, {})
    assert gradebook(one) == 2
    error = capsys.readouterr().err
    assert "is one submission, not a class" in error and len(error.strip().splitlines()) == 1


def test_the_real_course_graded_end_to_end_on_two_exercises(tmp_path):
    folder = tmp_path / "course-submissions"
    for student, source in (("solved", REPO_ROOT / "solutions"), ("stub", REPO_ROOT / "exercises")):
        for exercise in ("02_garbage_collection", "04_compact_dict"):
            shutil.copytree(source / exercise, folder / student / "exercises" / exercise)
    out = tmp_path / "out"
    code = main(["gradebook", str(folder), "02", "04", "--out", str(out), "--jobs", "2"])
    assert code == 0
    header, rows = read_csv(out / "gradebook.csv")
    assert header[2:4] == ["02_garbage_collection", "04_compact_dict"]
    assert (rows["solved"]["02_garbage_collection"], rows["solved"]["04_compact_dict"]) == (
        "16", "16"
    )  # fmt: skip
    assert rows["solved"]["total"] == rows["solved"]["max_total"] == "32"
    assert rows["solved"]["flags"] == "solution-copy:02;solution-copy:04"
    assert (rows["stub"]["total"], rows["stub"]["status"], rows["stub"]["flags"]) == (
        "0", "graded", ""
    )  # fmt: skip
