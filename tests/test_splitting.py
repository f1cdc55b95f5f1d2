"""An exercise graded with cores to spare runs its test files in several children (split = true),
and is scored exactly as one child would have scored it."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from grader import splitting
from grader.manifest import ManifestError, load_course
from grader.results import GRADING_TEST, score_exercise
from grader.runner import ChildRun, run_exercises
from grader.selection import find

HERE = Path(__file__).parent


@pytest.fixture
def split_course(tmp_path) -> Path:
    """The fixture course, with the adder's suite in two files and ``split = true``."""
    root = tmp_path / "course"
    shutil.copytree(HERE / "fixture_course", root)
    manifest = root / "grader" / "course.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(
        text.replace('files = ["adder.py"]\n', 'files = ["adder.py"]\nsplit = true\n', 1),
        encoding="utf-8",
    )
    suite = root / "grader" / "suites" / "01_adder"
    whole = (suite / "test_adder.py").read_text(encoding="utf-8")
    head, total = whole.split("@pytest.mark.task(3)", 1)
    (suite / "test_adder.py").write_text(head, encoding="utf-8")
    header = "import pytest\n\nfrom grader.loader import load\n\n\n"
    (suite / "test_adder_total.py").write_text(
        header + "@pytest.mark.task(3)" + total, encoding="utf-8"
    )
    return root


def part(
    exercise, events, *, started=0.0, finished=1.0, timed_out=False, returncode=0, level="full"
):
    isolation = {"level": level, "read_only_view": level == "full", "reaped": 1, "notes": [level]}
    return ChildRun(
        exercise, Path("t"), events, returncode, timed_out, finished - started, f"{level}\n",
        isolation, started, finished,
    )  # fmt: skip


def collected(*names_and_tasks):
    return {"event": "collected", "tests": [{"name": n, "task": t} for n, t in names_and_tasks]}


def result(name, status="passed", duration=0.01, call=None):
    return {
        "event": "result", "name": name, "status": status, "message": "", "duration": duration,
        "call_duration": duration if call is None else call,
    }  # fmt: skip


# ── plan ─────────────────────────────────────────────────────────────────────────────────────


def test_an_exercise_alone_is_split_over_the_idle_cores(split_course, monkeypatch):
    monkeypatch.delenv("KATA_CACHE_DIR", raising=False)
    course = load_course(split_course / "grader" / "course.toml")
    adder = find(course, "adder")
    (groups,) = splitting.plan([(adder, adder.suite_dir)], jobs=2)
    assert groups == (("test_adder.py",), ("test_adder_total.py",))
    # Never more children than files, however many cores.
    (groups,) = splitting.plan([(adder, adder.suite_dir)], jobs=16)
    assert len(groups) == 2


def test_an_exercise_gets_at_most_three_children(tmp_path, monkeypatch, fixture_course):
    monkeypatch.delenv("KATA_CACHE_DIR", raising=False)
    suite = tmp_path / "suite"
    suite.mkdir()
    for number in range(6):
        (suite / f"test_{number}.py").write_text("#" * (number + 1), encoding="utf-8")
    exercise = dataclasses.replace(find(fixture_course, "adder"), split=True)
    (groups,) = splitting.plan([(exercise, suite)], jobs=16)
    assert len(groups) == splitting.MOST_CHILDREN == 3
    assert sorted(name for group in groups for name in group) == splitting.suite_files(suite)


def test_no_split_without_idle_cores_or_without_the_manifests_consent(split_course, monkeypatch):
    monkeypatch.delenv("KATA_CACHE_DIR", raising=False)
    course = load_course(split_course / "grader" / "course.toml")
    adder, greeter = find(course, "adder"), find(course, "greeter")
    assert splitting.plan([(adder, adder.suite_dir)], jobs=1) == [None]
    assert splitting.plan([(adder, adder.suite_dir), (greeter, greeter.suite_dir)], 2) == [
        None,
        None,
    ]
    # Three cores for two exercises: the spare one goes to the one that may be split.
    planned = splitting.plan([(greeter, greeter.suite_dir), (adder, adder.suite_dir)], jobs=3)
    assert planned[0] is None and planned[1] is not None and len(planned[1]) == 2


def test_groups_balance_recorded_seconds_and_fall_back_to_sizes(tmp_path, monkeypatch):
    suite = tmp_path / "suite"
    suite.mkdir()
    for name, size in {"test_a.py": 10, "test_b.py": 10, "test_c.py": 10, "test_d.py": 70}.items():
        (suite / name).write_text("#" * size, encoding="utf-8")
    names = splitting.suite_files(suite)
    assert splitting._balanced(names, 2, {}, suite) == (
        ("test_a.py", "test_b.py", "test_c.py"),
        ("test_d.py",),
    )
    seconds = {"test_a.py": 0.9, "test_b.py": 0.1, "test_c.py": 0.1, "test_d.py": 0.2}
    assert splitting._balanced(names, 2, seconds, suite) == (
        ("test_a.py",),
        ("test_b.py", "test_c.py", "test_d.py"),
    )
    # One file without a time: sizes for all, never seconds added to bytes.
    del seconds["test_d.py"]
    assert splitting._balanced(names, 2, seconds, suite)[1] == ("test_d.py",)


def test_the_manifest_takes_only_true_or_false(split_course):
    manifest = split_course / "grader" / "course.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("split = true", 'split = "yes"'),
        encoding="utf-8",
    )
    with pytest.raises(ManifestError, match="split must be true or false"):
        load_course(manifest)


def test_kept_times_count_only_the_body_of_each_childs_first_test_and_only_suite_files(
    split_course, tmp_path, monkeypatch
):
    monkeypatch.setenv("KATA_CACHE_DIR", str(tmp_path / "cache"))
    adder = find(load_course(split_course / "grader" / "course.toml"), "adder")
    first = part(
        adder,
        [
            # Its fixtures set up what the whole child shares: only its body is the file's.
            result("01_adder/test_adder.py::test_add_small", duration=0.5, call=0.0625),
            result("01_adder/test_adder.py::test_mul", duration=0.25),
            # Written by learner code into the results channel: no such file, absurd times.
            result("01_adder/../../evil.py::x", duration=1.0),
            result("01_adder/test_adder.py::test_add_negative", duration=float("inf")),
            result("01_adder/test_adder.py::test_add_negative", duration=-3),
        ],
    )
    second = part(
        adder,
        [
            result("01_adder/test_adder_total.py::test_total[items0]", duration=9.0, call=0.5),
            result("01_adder/test_adder_total.py::test_total[items1]", duration=0.125),
        ],
    )
    splitting.remember([ChildRun.combined([first, second])])
    kept = json.loads((tmp_path / "cache" / splitting.TIMINGS_FILE).read_text(encoding="utf-8"))
    assert kept == {"01_adder": {"test_adder.py": 0.3125, "test_adder_total.py": 0.625}}
    # The next plan reads them: no error, and both files still get a child each.
    (groups,) = splitting.plan([(adder, adder.suite_dir)], jobs=2)
    assert groups == (("test_adder.py",), ("test_adder_total.py",))


# ── scoring a combined run ───────────────────────────────────────────────────────────────────


def test_a_combined_run_scores_like_one_child_and_lists_tests_by_file(fixture_course):
    adder = find(fixture_course, "adder")
    second = part(adder, [collected(("s/test_b.py::t3", 3)), result("s/test_b.py::t3")])
    first = part(
        adder,
        [
            collected(("s/test_a.py::t1", 1), ("s/test_a.py::t2", 2)),
            result("s/test_a.py::t2"),
            result("s/test_a.py::t1"),
        ],
    )
    combined = score_exercise(ChildRun.combined([second, first]))
    assert [test.name for test in combined.tests] == [
        "s/test_a.py::t1",
        "s/test_a.py::t2",
        "s/test_b.py::t3",
    ]
    assert combined.points == 9 and combined.status == "pass"


def test_a_child_that_could_not_start_leaves_the_whole_exercise_without_points(fixture_course):
    adder = find(fixture_course, "adder")
    passing = part(
        adder,
        [
            collected(("s/test_a.py::t1", 1), ("s/test_a.py::t2", 2)),
            result("s/test_a.py::t1"),
            result("s/test_a.py::t2"),
        ],
    )
    broken = part(adder, [], returncode=4)
    scored = score_exercise(ChildRun.combined([passing, broken]))
    assert scored.status == "error" and scored.points == 0
    assert [test.name for test in scored.tests] == [GRADING_TEST]
    assert "exit code 4" in scored.tests[0].message


def test_a_child_stopped_at_its_time_limit_costs_only_its_own_tests(fixture_course):
    adder = find(fixture_course, "adder")
    finished = part(
        adder, [collected(("s/test_a.py::t1", 1)), result("s/test_a.py::t1")], finished=1.0
    )
    stuck = part(
        adder,
        [
            collected(("s/test_b.py::t2", 2), ("s/test_b.py::t3", 3)),
            {"event": "start", "name": "s/test_b.py::t2"},
        ],
        started=0.5,
        finished=7.0,
        timed_out=True,
        returncode=None,
    )
    run = ChildRun.combined([finished, stuck])
    assert run.timed_out and run.duration == 7.0
    scored = score_exercise(run)
    assert [(test.name, test.status) for test in scored.tests] == [
        ("s/test_a.py::t1", "passed"),
        ("s/test_b.py::t2", "timeout"),
        ("s/test_b.py::t3", "timeout"),
    ]
    assert "time limit" in scored.tests[1].message
    assert scored.status == "timeout" and scored.points == 2


def test_a_combined_run_claims_only_the_isolation_every_child_had(fixture_course):
    adder = find(fixture_course, "adder")
    run = ChildRun.combined([part(adder, [], level="full"), part(adder, [], level="partial")])
    assert run.isolation["level"] == "partial"
    assert run.isolation["read_only_view"] is False
    assert run.isolation["reaped"] == 2
    assert run.isolation["notes"] == ["full", "partial"]


# ── real children ────────────────────────────────────────────────────────────────────────────


@pytest.mark.slow
def test_a_split_exercise_is_graded_in_two_children_with_the_same_report(
    split_course, tmp_path, monkeypatch
):
    monkeypatch.setenv("KATA_CACHE_DIR", str(tmp_path / "cache"))
    course = load_course(split_course / "grader" / "course.toml")
    adder = find(course, "adder")
    target = tmp_path / "target"
    shutil.copytree(course.solutions_dir, target)
    # total ends its child's process at its first test: the other file's child is not touched.
    (target / "01_adder" / "adder.py").write_text(
        "import os\n\n"
        "def add(a, b):\n    return a + b\n\n"
        "def mul(a, b):\n    return a * b\n\n"
        "def total(items):\n    os._exit(3)\n",
        encoding="utf-8",
    )

    (split,) = run_exercises([adder], target, jobs=2)
    (alone,) = run_exercises([adder], target, jobs=1)

    assert [len(child.events_of("collected")[0]["tests"]) for child in split.parts] == [3, 4]
    assert not alone.parts
    split_score, alone_score = score_exercise(split), score_exercise(alone)
    assert [(t.name, t.status) for t in split_score.tests] == [
        (t.name, t.status) for t in alone_score.tests
    ]
    assert split_score.points == alone_score.points == 5
    assert split_score.isolation["level"] == alone_score.isolation["level"]
    # Each file's time is kept for the next plan (a child's first test by its body alone): the
    # file whose child died at its first test has none.
    first_test = split.parts[0].events_of("result")[0]
    assert 0 <= first_test["call_duration"] <= first_test["duration"], first_test
    kept = json.loads((tmp_path / "cache" / splitting.TIMINGS_FILE).read_text(encoding="utf-8"))
    assert set(kept["01_adder"]) == {"test_adder.py"}


@pytest.mark.slow
def test_grade_reports_a_split_exercise_as_it_reports_it_whole(split_course, tmp_path, monkeypatch):
    from grader import runner
    from grader.cli import main

    monkeypatch.setenv("KATA_CACHE_DIR", str(tmp_path / "cache"))
    children = []
    real_run_exercise = runner.run_exercise

    def counted(*args, **kwargs):
        children.append(args)
        return real_run_exercise(*args, **kwargs)

    monkeypatch.setattr(runner, "run_exercise", counted)
    manifest = str(split_course / "grader" / "course.toml")
    target = str(split_course / "solutions")
    reports = {}
    for name, jobs, expected_children in (("split", "2", 2), ("whole", "1", 1)):
        children.clear()
        report = tmp_path / f"{name}.json"
        code = main(["--course", manifest, "grade", "01", "--target", target, "--jobs", jobs,
                     "--json", str(report)])  # fmt: skip
        assert code == 0, f"{name}: exit {code}"
        assert len(children) == expected_children, f"{name}: {len(children)} children"
        reports[name] = json.loads(report.read_text(encoding="utf-8"))
    split, whole = (reports[name]["exercises"][0] for name in ("split", "whole"))
    assert split["status"] == whole["status"] == "pass"
    assert split["points"] == whole["points"] == 9
    assert [t["name"] for t in split["tests"]] == [t["name"] for t in whole["tests"]]
    assert split["isolation"]["level"] == whole["isolation"]["level"]
    assert reports["split"]["integrity_problems"] == []


@pytest.mark.slow
def test_a_wrong_answer_that_races_the_worker_scores_the_same_split_and_whole(
    tmp_path, monkeypatch
):
    """17's mutant that sends its task inside the transaction: the worker may take the task
    before the commit. Split, the worker is idle sooner and used to win that race every time,
    failing a task 3 test on task 4's mistake; the suite now holds the task until the request
    is over, so only task 4's tests decide, split or whole."""
    monkeypatch.setenv("KATA_CACHE_DIR", str(tmp_path / "cache"))
    course = load_course()
    exercise = find(course, "17")
    assert exercise.split, "17 is split when graded alone"
    target = tmp_path / "target"
    shutil.copytree(course.solutions_dir / exercise.folder, target / exercise.folder)
    mutant = HERE / "mutants" / exercise.folder / "delay_inside_transaction"
    shutil.copytree(mutant, target / exercise.folder, dirs_exist_ok=True)

    (split,) = run_exercises([exercise], target, jobs=2)
    (whole,) = run_exercises([exercise], target, jobs=1)

    assert len(split.parts) >= 2 and not whole.parts
    failed = {
        name: sorted((t.task, t.function) for t in score_exercise(run).tests if not t.passed)
        for name, run in (("split", split), ("whole", whole))
    }
    assert failed["split"] == failed["whole"], failed
    assert failed["whole"] and {task for task, _name in failed["whole"]} == {4}, failed
