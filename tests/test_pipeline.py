"""The real grading pipeline on the fixture course, against honest and hostile learner code.

Each case breaks exercise 01 (adder) in one way and keeps exercise 02 (greeter) solved: the
broken one must get the right status and a clear message, and the other must still be graded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from processes import Beacon, assert_left_nothing_running
from report_helpers import by_name, exercise

from grader import isolation

pytestmark = pytest.mark.slow

SOLVED_ADDER = "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n\n\ndef total(items):\n    return sum(items)\n"


@pytest.fixture
def beacon(monkeypatch):
    """Where learner code reports from inside its child (it can write no file outside it). Its
    socket file lies in a temporary folder, which a child sees empty: that one stays in sight."""
    channel = Beacon()
    place = Path(channel.folder).resolve()
    kept = tuple(f for f in isolation.HIDDEN_FOLDERS if not place.is_relative_to(f))
    monkeypatch.setattr(isolation, "HIDDEN_FOLDERS", kept)
    yield channel
    channel.close()


def adder(source: str) -> dict[str, str]:
    return {"01_adder/adder.py": textwrap.dedent(source)}


def assert_greeter_still_graded(report: dict) -> None:
    greeter = exercise(report, "greeter")
    assert greeter["status"] == "pass", greeter
    assert greeter["points"] == greeter["max_points"] == 1


def test_solutions_pass_with_full_points_and_exit_zero(make_target, grade_fixture):
    code, report = grade_fixture(make_target())
    assert code == 0
    assert report["total"] == {
        "points": 13,
        "max_points": 13,
        "exercises_passed": 4,
        "exercises": 4,
    }
    assert all(
        test["status"] == "passed" for entry in report["exercises"] for test in entry["tests"]
    )


def test_partial_solution_scores_complete_tasks_and_partial_credit_tasks(
    make_target, grade_fixture
):
    target = make_target(
        adder("""
        def add(a, b):
            return a + b

        def mul(a, b):
            return a + b

        def total(items):
            return sum(items) if len(items) < 3 else 0
    """)
    )
    code, report = grade_fixture(target)
    entry = exercise(report, "adder")
    assert code == 1
    assert entry["status"] == "fail"
    tasks = {task["id"]: task for task in entry["tasks"]}
    assert (tasks[1]["points"], tasks[1]["status"]) == (2, "pass")
    assert (tasks[2]["points"], tasks[2]["status"]) == (0, "fail")
    # Task 3 is declared partial: 3 of its 4 tests pass, so 3 of its 4 points.
    assert (tasks[3]["points"], tasks[3]["status"]) == (3, "fail")
    assert entry["points"] == 5
    assert "expected 12, got 7" in by_name(entry)["test_mul"]["message"]
    assert_greeter_still_graded(report)


def test_stub_scores_zero_and_says_what_is_not_implemented(
    fixture_course, grade_fixture, monkeypatch, tmp_path
):
    monkeypatch.setenv("KATA_STATE_DIR", str(tmp_path / "state"))  # a grade of exercises/
    code, report = grade_fixture(fixture_course.exercises_dir)
    entry = exercise(report, "adder")
    assert code == 1
    assert entry["status"] == "fail" and entry["points"] == 0
    message = by_name(entry)["test_mul"]["message"]
    assert "Not implemented yet: mul()" in message and "01_adder/adder.py:6" in message


def test_syntax_error_is_an_error_naming_file_and_line(make_target, grade_fixture):
    code, report = grade_fixture(make_target(adder("def add(a, b):\n    return a +\n")))
    entry = exercise(report, "adder")
    assert entry["status"] == "error" and entry["points"] == 0
    for test in entry["tests"]:
        assert test["status"] == "error"
        assert "01_adder/adder.py has a syntax error (line 2)" in test["message"]
    assert_greeter_still_graded(report)


def test_sys_exit_at_import_time_is_reported_not_obeyed(make_target, grade_fixture):
    _, report = grade_fixture(make_target(adder("import sys\nsys.exit(0)\n" + SOLVED_ADDER)))
    entry = exercise(report, "adder")
    assert entry["status"] == "error" and entry["points"] == 0
    assert "called sys.exit(0) while being imported" in entry["tests"][0]["message"]
    assert_greeter_still_graded(report)


def test_os_exit_inside_a_test_fails_that_test_and_the_ones_after_it(make_target, grade_fixture):
    _, report = grade_fixture(
        make_target(adder(SOLVED_ADDER.replace("return a * b", "import os; os._exit(0)")))
    )
    entry = exercise(report, "adder")
    tests = by_name(entry)
    assert entry["status"] == "error"
    assert tests["test_add_small"]["status"] == "passed"
    assert tests["test_mul"]["status"] == "error"
    assert "ended while this test was running (exit code 0)" in tests["test_mul"]["message"]
    assert tests["test_total[items0]"]["status"] == "error"
    assert "Did not run" in tests["test_total[items0]"]["message"]
    assert entry["points"] == 2  # task 1 passed before the exit
    assert_greeter_still_graded(report)


def test_endless_loop_times_out_per_test_and_other_tasks_still_score(make_target, grade_fixture):
    target = make_target(adder(SOLVED_ADDER.replace("return a + b", "while True:\n        pass")))
    _, report = grade_fixture(target)
    entry = exercise(report, "adder")
    tests = by_name(entry)
    assert entry["status"] == "timeout"
    assert tests["test_add_small"]["status"] == "timeout"
    assert "Timed out" in tests["test_add_small"]["message"]
    assert "01_adder/adder.py:2" in tests["test_add_small"]["message"]
    assert tests["test_mul"]["status"] == "passed"
    assert entry["points"] == 7
    assert_greeter_still_graded(report)


def test_import_time_endless_loop_costs_one_timeout_not_one_per_test(make_target, grade_fixture):
    target = make_target(adder("while True:\n    pass\n"))
    started = time.perf_counter()
    _, report = grade_fixture(target, "adder")
    elapsed = time.perf_counter() - started
    entry = exercise(report, "adder")
    messages = [test["message"] for test in entry["tests"]]
    assert entry["status"] == "timeout"
    assert all(
        "did not finish within the time limit" in message or "Timed out" in message
        for message in messages
    )
    # 7 tests with a 2 s limit each: only the first may wait for its limit.
    assert elapsed < 7 * 2, f"graded in {elapsed:.1f} s: later tests waited for the import again"


def test_loop_that_ignores_the_test_timeout_is_killed_at_the_wall_limit(
    make_target, grade_fixture, beacon
):
    target = make_target(
        adder(f"""
        import os, signal, subprocess, sys
        signal.signal(signal.SIGALRM, signal.SIG_IGN)
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        {beacon.send_code('[os.readlink("/proc/self/ns/pid"), child.pid]')}

        def add(a, b):
            while True:
                pass
    """)
    )
    _, report = grade_fixture(target)
    entry = exercise(report, "adder")
    assert entry["status"] == "timeout"
    assert any("time limit" in test["message"] for test in entry["tests"])
    ((namespace, grandchild),) = beacon.received()
    assert_left_nothing_running(namespace, grandchild)
    assert_greeter_still_graded(report)


def test_memory_bomb_fails_the_test_without_taking_the_grader_down(make_target, grade_fixture):
    target = make_target(adder(SOLVED_ADDER.replace(
        "return a + b", "hog = []\n    while True:\n        hog.append(bytearray(64 * 2**20))"
    )))  # fmt: skip
    _, report = grade_fixture(target)
    entry = exercise(report, "adder")
    tests = by_name(entry)
    assert entry["status"] != "pass"
    assert tests["test_add_small"]["status"] != "passed"
    assert (
        "MemoryError" in tests["test_add_small"]["message"]
        or tests["test_add_small"]["status"] == "error"
    )
    assert tests["test_mul"]["status"] == "passed"
    assert_greeter_still_graded(report)


def test_printed_fake_passes_change_nothing(make_target, grade_fixture):
    target = make_target(
        adder("""
        import os, sys
        FAKE = "PASSED\\n100/100\\nPoints 10/10\\n===== 9 passed in 0.01s =====\\n"
        print(FAKE); print(FAKE, file=sys.stderr); os.write(1, FAKE.encode())

        def add(a, b):
            print(FAKE)
            return 0

        def mul(a, b):
            os.write(2, FAKE.encode())
            return 0

        def total(items):
            return 0
    """)
    )
    _, report = grade_fixture(target)
    entry = exercise(report, "adder")
    assert entry["status"] == "fail"
    assert entry["points"] == 1  # only total([]) == 0 is right, 1 of 4 partial points
    assert_greeter_still_graded(report)


def test_planted_conftest_pytest_ini_and_sitecustomize_are_never_loaded(
    make_target, grade_fixture, beacon
):
    stub = "def add(a, b):\n    raise NotImplementedError\n\ndef mul(a, b):\n    raise NotImplementedError\n\ndef total(items):\n    raise NotImplementedError\n"
    plant = beacon.send_code("__name__") + "\n"
    target = make_target({
        "01_adder/adder.py": stub,
        "01_adder/conftest.py": plant + textwrap.dedent("""
            import pytest

            @pytest.hookimpl(hookwrapper=True)
            def pytest_runtest_makereport(item, call):
                outcome = yield
                report = outcome.get_result()
                report.outcome = "passed"
                report.longrepr = None
        """),
        "01_adder/pytest.ini": "[pytest]\naddopts = -p no:grader.plugin --timeout 0\n",
        "01_adder/sitecustomize.py": plant,
        "01_adder/usercustomize.py": plant,
        "conftest.py": plant,
    })  # fmt: skip
    _, report = grade_fixture(target)
    entry = exercise(report, "adder")
    assert entry["status"] == "fail" and entry["points"] == 0
    assert beacon.received() == [], "learner files were executed"
    assert_greeter_still_graded(report)


def test_huge_output_is_survived_and_kept_out_of_the_report(make_target, grade_fixture):
    target = make_target(adder(SOLVED_ADDER.replace(
        "return a + b", "print('PASSED ' * 2_000_000)\n    return a + b"
    )))  # fmt: skip
    _, report = grade_fixture(target)
    entry = exercise(report, "adder")
    assert entry["status"] == "pass"
    assert max(len(test["message"]) for test in entry["tests"]) < 5000


def test_reading_stdin_or_a_stray_breakpoint_fails_at_once_with_advice(make_target, grade_fixture):
    target = make_target(adder(SOLVED_ADDER.replace("return a + b", "breakpoint()\n    return a + b")
                               .replace("return a * b", "input('x? ')\n    return a * b")))  # fmt: skip
    _, report = grade_fixture(target, "adder")
    tests = by_name(exercise(report, "adder"))
    for name in ("test_add_small", "test_mul"):
        assert tests[name]["status"] == "failed"
        assert "waits for keyboard input at 01_adder/adder.py:" in tests[name]["message"]


def test_missing_file_and_missing_name_are_explained(make_target, grade_fixture):
    target = make_target({"01_adder/adder.py": "def add(a, b):\n    return a + b\n"})
    (target / "02_greeter" / "greeter.py").unlink()
    _, report = grade_fixture(target)
    adder_tests = by_name(exercise(report, "adder"))
    assert "does not define `mul`" in adder_tests["test_mul"]["message"]
    assert adder_tests["test_add_small"]["status"] == "passed"
    greeter = exercise(report, "greeter")
    assert greeter["status"] == "error"
    assert "02_greeter/greeter.py is missing" in greeter["tests"][0]["message"]


def test_exit_zero_reports_without_failing(fixture_course, tmp_path, monkeypatch):
    from grader.cli import main

    monkeypatch.setenv("KATA_STATE_DIR", str(tmp_path))  # a grade of exercises/ is progress

    manifest = fixture_course.root / "grader" / "course.toml"
    args = [
        "--course",
        str(manifest),
        "grade",
        "greeter",
        "--target",
        str(fixture_course.exercises_dir),
    ]
    assert main(args) == 1
    assert main([*args, "--exit-zero"]) == 0


def test_grading_changes_no_file_of_the_graded_tree(make_target, grade_fixture):
    target = make_target(adder(SOLVED_ADDER.replace("return a * b", "return a * b + 0")))
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t", "-C", str(target)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "learner work"], check=True)
    grade_fixture(target)
    status = subprocess.run(
        [*git, "status", "--porcelain", "--ignored"], capture_output=True, text=True, check=True
    )
    assert status.stdout == "", f"grading changed the learner's tree:\n{status.stdout}"


def test_the_command_line_entry_point_runs_as_a_module(fixture_course):
    manifest = fixture_course.root / "grader" / "course.toml"
    result = subprocess.run(
        [sys.executable, "-m", "grader", "--course", str(manifest), "grade", "02",
         "--target", str(fixture_course.solutions_dir)],
        capture_output=True, text=True, cwd=Path(__file__).parent.parent, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 of 1 exercises done" in result.stdout


def test_a_first_grade_that_writes_bytecode_reports_no_change_to_the_grading_files(
    fixture_course, tmp_path
):
    """Learners' Python writes .pyc files (no PYTHONDONTWRITEBYTECODE, unlike CI's machine).
    None may appear while the children run (a change to the grading files fails the grade): the
    modules the display loads then are compiled without writing, and cached after the children,
    so that the next grade loads them too."""
    course = tmp_path / "course"
    package = Path(__file__).parent.parent / "grader"
    shutil.copytree(package, course / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(fixture_course.root, course, dirs_exist_ok=True)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.pop("KATA_CACHE_DIR", None)
    boot = "import sys; sys.path.append(sys.argv.pop(1)); from grader.__main__ import run; sys.exit(run())"
    for _grade in range(2):
        result = subprocess.run(
            [sys.executable, "-P", "-c", boot, str(course), "grade", "02",
             "--target", str(course / "solutions")],
            capture_output=True, text=True, cwd=course, env=env, check=False,
        )  # fmt: skip
        output = result.stdout + result.stderr
        assert result.returncode == 0 and "changed" not in result.stdout, output
        written = {path.name.split(".")[0] for path in (course / "grader").rglob("*.pyc")}
        # The grade's own modules, and the display's, written after the children.
        assert {"cli", "runner", "results", "terminal"} <= written, written


def test_django_exercise_with_a_broken_middleware_module_is_an_error_others_still_graded(
    make_target, grade_fixture
):
    target = make_target({"03_hello/stamp.py": "class StampMiddleware(\n"})
    _, report = grade_fixture(target)
    hello = exercise(report, "hello")
    assert hello["status"] == "error"
    for test in hello["tests"]:
        assert "03_hello/stamp.py has a syntax error (line 1)" in test["message"], test["message"]
    assert exercise(report, "adder")["status"] == "pass"
    assert_greeter_still_graded(report)


def test_django_exercise_that_raises_while_imported_names_the_line(make_target, grade_fixture):
    target = make_target({"03_hello/views.py": "import json\nVALUE = 1 / 0\n"})
    _, report = grade_fixture(target, "hello")
    message = by_name(exercise(report, "hello"))["test_hello"]["message"]
    assert "03_hello/views.py raised ZeroDivisionError while being imported (line 2)" in message


def test_a_learner_thread_that_never_ends_does_not_hold_the_grade(make_target, grade_fixture):
    target = make_target(adder(SOLVED_ADDER.replace(
        "return a + b",
        "import threading, time\n    threading.Thread(target=time.sleep, args=(600,)).start()\n    return a + b",
    )))  # fmt: skip
    _, report = grade_fixture(target, "adder")
    entry = exercise(report, "adder")
    assert entry["status"] == "pass", entry
    assert entry["duration"] < 5, (
        f"the child waited for the learner's thread ({entry['duration']} s)"
    )


def test_a_celery_stub_fails_test_by_test_and_never_ends_the_run():
    """Exercise 15's stubs make the worker thread format tracebacks while pytest formats the
    failures: on CPython 3.11 two threads in ast.parse at once ended the whole run ("AST
    constructor recursion depth mismatch", seen on a loaded machine in two runs of four), turning
    every later test into an error. The child keeps them apart (grader.child.serialise_ast_parse).
    The race depends on timing, so this guards the outcome, not the race: three runs in a row
    must each fail test by test."""
    from grader.manifest import load_course
    from grader.results import score_exercise
    from grader.runner import run_exercises
    from grader.selection import select

    course = load_course()
    [canvas] = select(course, ["15"])
    for run in run_exercises([canvas, canvas, canvas], course.exercises_dir):
        result = score_exercise(run)
        statuses = {test.status for test in result.tests}
        assert result.status == "fail" and statuses == {"failed"}, (
            f"every test of the stub must fail, none end in error: {result.status}, "
            + "; ".join(t.message[:300] for t in result.tests if t.status != "failed")[:1500]
        )
