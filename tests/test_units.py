"""Units of the grader that need no child process: selection, scoring, writers, CLI verbs."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grader.cli import main
from grader.manifest import ManifestError, load_course, parse_course
from grader.results import score_course, score_exercise
from grader.runner import ChildRun
from grader.selection import SelectionError, find, select
from grader.writers.json_report import to_dict
from grader.writers.junit import to_element


@pytest.mark.parametrize("selector", ["1", "01", "adder", "01_adder", "exercises/01_adder/"])
def test_every_selector_form_finds_the_exercise(fixture_course, selector):
    assert find(fixture_course, selector).slug == "adder"


def test_unknown_selector_suggests_the_closest_name(fixture_course):
    with pytest.raises(SelectionError, match="Did you mean 'adder'"):
        find(fixture_course, "addr")


def test_select_keeps_course_order_and_drops_duplicates(fixture_course):
    assert [e.slug for e in select(fixture_course, ["greeter", "1", "01"])] == ["adder", "greeter"]
    assert len(select(fixture_course, [])) == 4


def fake_run(exercise, events, returncode=1, timed_out=False) -> ChildRun:
    return ChildRun(exercise, Path("t"), events, returncode, timed_out, 0.5, "Segmentation fault\n")


def collected(*tests):
    return {"event": "collected", "tests": [{"name": name, "task": task} for name, task in tests]}


def result(name, status="passed", message=""):
    return {"event": "result", "name": name, "status": status, "message": message, "duration": 0.01}


def test_all_or_nothing_task_scores_zero_when_one_test_fails(fixture_course):
    adder = find(fixture_course, "adder")
    events = [
        collected(("a", 1), ("b", 1), ("c", 2)),
        result("a"),
        result("b", "failed"),
        result("c"),
    ]
    scored = score_exercise(fake_run(adder, events))
    assert [t.points for t in scored.tasks] == [0, 3, 0]
    assert scored.status == "fail"


def test_tests_that_never_reported_count_as_failed_with_a_reason(fixture_course):
    adder = find(fixture_course, "adder")
    events = [collected(("a", 1), ("b", 1), ("c", 2)), {"event": "start", "name": "a"}, result("a"),
              {"event": "start", "name": "b"}]  # fmt: skip
    scored = score_exercise(fake_run(adder, events, returncode=-11))
    statuses = {t.name: (t.status, t.message) for t in scored.tests}
    assert statuses["a"][0] == "passed"
    assert statuses["b"][0] == "error" and "exit code -11" in statuses["b"][1]
    assert "Segmentation fault" in statuses["b"][1]
    assert statuses["c"] == ("error", "Did not run: the test process ended early, during b.")
    assert scored.status == "error"


def test_a_child_that_reported_nothing_is_an_error_with_its_output(fixture_course):
    scored = score_exercise(fake_run(find(fixture_course, "adder"), [], returncode=1))
    assert scored.status == "error" and scored.points == 0 and scored.max_points == 9
    assert (
        "could not run" in scored.tests[0].message
        and "Segmentation fault" in scored.tests[0].message
    )


def test_json_report_has_exactly_the_documented_fields(fixture_course):
    from grader.results import CourseResult

    adder = find(fixture_course, "adder")
    run = fake_run(adder, [collected(("a", 1)), result("a", "failed", "boom")])
    report = to_dict(CourseResult(target="exercises", exercises=[score_exercise(run)]))
    json.dumps(report)
    assert set(report) == {"version", "grader", "python", "target", "total", "exercises",
                           "isolation", "integrity_problems"}  # fmt: skip
    assert set(report["total"]) == {"points", "max_points", "exercises_passed", "exercises"}
    entry = report["exercises"][0]
    assert set(entry) == {
        "id",
        "slug",
        "title",
        "status",
        "points",
        "max_points",
        "duration",
        "tasks",
        "tests",
        "flags",
        "isolation",
    }
    assert set(entry["tasks"][0]) == {"id", "title", "points", "max_points", "status"}
    assert set(entry["tests"][0]) == {"name", "task", "status", "message", "duration"}
    assert entry["status"] in ("pass", "fail", "error", "timeout")
    assert isinstance(report["total"]["max_points"], int | float)


def test_junit_marks_failures_and_errors(fixture_course):
    from grader.results import CourseResult

    adder = find(fixture_course, "adder")
    run = fake_run(adder, [collected(("a", 1), ("b", 2), ("c", 3)), result("a"), result("b", "failed", "no"),
                           result("c", "error", "broken")])  # fmt: skip
    root = to_element(CourseResult(target="x", exercises=[score_exercise(run)]))
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "1")
    ET.fromstring(ET.tostring(root))


def test_manifest_errors_name_the_exercise(tmp_path):
    data = {"tracks": [{"slug": "t", "title": "T", "title_zh": "T"}],
            "exercises": [{"number": 1, "slug": "x", "track": "t", "title": "X", "title_zh": "X"}]}  # fmt: skip
    with pytest.raises(ManifestError, match=r"exercise 1 \(x\): missing field 'tasks'"):
        parse_course(data, root=tmp_path)


def test_hint_shows_one_level_at_a_time_in_both_languages(
    fixture_course, capsys, monkeypatch, tmp_path
):
    monkeypatch.setenv("KATA_STATE_DIR", str(tmp_path))  # hints shown are recorded there
    manifest = str(fixture_course.root / "grader" / "course.toml")
    assert main(["--course", manifest, "hint", "1", "--lang", "both"]) == 0
    out = capsys.readouterr().out
    assert "Use the + operator." in out and "使用 + 运算符。" in out and "return a + b" not in out
    assert "nox -s hint -- 01 2" in out
    assert main(["--course", manifest, "hint", "adder", "2"]) == 0
    assert "return a + b" in capsys.readouterr().out
    assert main(["--course", manifest, "hint", "nope"]) == 2


def test_hint_text_is_printed_as_written_not_as_markup(capsys, monkeypatch, tmp_path):
    # Exercise 17's second hint holds code with brackets, which rich would read as a style.
    monkeypatch.setenv("KATA_STATE_DIR", str(tmp_path))
    assert main(["hint", "17", "2"]) == 0
    assert "args=[report.pk]" in capsys.readouterr().out


def test_course_text_and_messages_are_printed_as_written(fixture_course, tmp_path):
    """Nothing the course or a learner writes is read as rich markup."""
    from io import StringIO

    from grader.writers.terminal import make_console, print_report

    adder = find(fixture_course, "adder")
    message = "expected index[slot] == 3, got [bold]oops[/]"
    run = fake_run(adder, [collected(("a", 1)), result("a", "failed", message)])
    console = make_console()
    console.file = StringIO()
    print_report(console, score_course([run], tmp_path))
    assert message in console.file.getvalue(), console.file.getvalue()


def test_list_shows_every_exercise(fixture_course, capsys):
    assert main(["--course", str(fixture_course.root / "grader" / "course.toml"), "list"]) == 0
    out = capsys.readouterr().out
    assert "adder" in out and "greeter" in out and "加法与乘法" in out


def test_the_real_manifest_loads():
    assert load_course().title


def test_verify_passes_on_the_fixture_course(fixture_course):
    assert main(["--course", str(fixture_course.root / "grader" / "course.toml"), "verify"]) == 0


def test_verify_flags_a_stub_that_passes_a_failing_solution_and_an_untested_task(fixture_course):
    from grader.commands.verify import check_exercise

    adder = find(fixture_course, "adder")
    stub = score_exercise(
        fake_run(adder, [collected(("a", 1), ("b", 2)), result("a"), result("b", "failed")])
    )
    solution = score_exercise(
        fake_run(adder, [collected(("a", 1), ("b", 2)), result("a"), result("b", "failed", "no")])
    )
    problems = "\n".join(check_exercise(adder, stub, solution).problems)
    assert "stub passes a" in problems
    assert "solution fails b" in problems
    assert "task 3 (Sum a list, partial credit) has no tests" in problems


def test_verify_prints_declared_exceptions_instead_of_failing(fixture_course):
    from dataclasses import replace

    from grader.commands.verify import check_exercise
    from grader.manifest import VerifyException

    adder = replace(
        find(fixture_course, "greeter"), verify_exceptions=(VerifyException("a", "trivially true"),)
    )
    stub = score_exercise(fake_run(adder, [collected(("a", 1)), result("a")]))
    verdict = check_exercise(adder, stub, stub)
    assert verdict.problems == [] and verdict.excused == ["a passes on the stub: trivially true"]


def test_watch_regrades_only_the_exercises_whose_files_changed(fixture_course, tmp_path):
    from grader.commands.watch import _exercises_of

    watched = list(fixture_course.exercises)
    changed = {
        tmp_path / "02_greeter" / "greeter.py",
        tmp_path / "notes.txt",
        Path("/elsewhere/x.py"),
    }
    assert [e.slug for e in _exercises_of(fixture_course, watched, tmp_path, changed)] == [
        "greeter"
    ]


def test_broker_defaults_to_memory_and_follows_the_environment():
    from grader.brokers import choose

    assert choose({}).kind == "memory" and choose({}).result_backend == "cache+memory://"
    redis = choose({"KATA_REDIS_URL": "redis://127.0.0.1:6379/5"})
    assert (redis.kind, redis.url, redis.result_backend) == (
        "redis",
        "redis://127.0.0.1:6379/5",
    ) * 1 + ("redis://127.0.0.1:6379/5",)
    assert choose({"CELERY_BROKER_URL": "redis://h/1"}).kind == "redis"
    assert choose({"CELERY_BROKER_URL": "amqp://h//"}).kind == "memory"
    assert choose({"KATA_AMQP_URL": "amqp://g:g@127.0.0.1//"}).kind == "amqp"
    config = redis.celery_config()
    prefix = config["broker_transport_options"]["global_keyprefix"]
    assert (
        prefix.startswith(redis.namespace)
        and config["result_backend_transport_options"]["global_keyprefix"] == prefix
    )
    assert config["task_always_eager"] is False


@pytest.fixture
def learner_package(tmp_path, monkeypatch):
    """An exercise folder holding a package `shelf`, configured as the loader's learner folder."""
    from grader import loader

    folder = tmp_path / "09_shelf"
    (folder / "shelf").mkdir(parents=True)
    (folder / "shelf" / "__init__.py").write_text("")
    (folder / "shelf" / "good.py").write_text("VALUE = 42\n")
    (folder / "shelf" / "views.py").write_text("from shelf import broken\n")
    (folder / "shelf" / "broken.py").write_text("x = 1\nraise KeyError('oops')\n")
    (folder / "shelf" / "exits.py").write_text("import sys\nsys.exit(3)\n")
    (folder / "shelf" / "admin.py").write_text("from shelf import exits\n")
    monkeypatch.setattr(sys, "path", list(sys.path))
    loader.configure(folder)
    yield loader
    loader._exercise_dir = None
    for name in [name for name in sys.modules if name.partition(".")[0] == "shelf"]:
        del sys.modules[name]


def test_loader_imports_a_module_inside_a_learner_package_by_dotted_name(learner_package):
    assert learner_package.load("shelf.good").VALUE == 42


def test_loader_names_the_inner_file_that_broke_a_package_import(learner_package):
    with pytest.raises(learner_package.LearnerCodeError) as caught:
        learner_package.load("shelf.views")
    message = str(caught.value)
    assert "09_shelf/shelf/broken.py raised KeyError" in message and "(line 2)" in message, message


def test_loader_names_the_file_that_called_sys_exit_during_a_package_import(learner_package):
    with pytest.raises(learner_package.LearnerCodeError) as caught:
        learner_package.load("shelf.admin")
    assert str(caught.value).startswith("09_shelf/shelf/exits.py called sys.exit(3)"), caught.value


def test_loader_says_which_package_file_is_missing(learner_package):
    with pytest.raises(
        learner_package.LearnerCodeError, match=r"09_shelf/shelf/gone\.py is missing"
    ):
        learner_package.load("shelf.gone")


def test_exchange_describes_the_request_and_the_response_for_a_failure():
    from types import SimpleNamespace

    from grader.api_calls import Exchange, expect_status

    response = SimpleNamespace(
        status_code=400,
        headers={"Content-Type": "application/json"},
        content=b'{"isbn": ["A book with this ISBN already exists."]}',
    )
    exchange = Exchange("POST", "/api/books/", {"isbn": "978-0-306-40615-7"}, response)
    assert exchange.body == {"isbn": ["A book with this ISBN already exists."]}
    assert expect_status(exchange, (400, 409), "rule") == exchange.body
    with pytest.raises(AssertionError) as caught:
        expect_status(exchange, 201, "A new book answers 201 (task 3, rule 2)")
    message = str(caught.value)
    for part in (
        "(task 3, rule 2)",
        "expected: 201 Created, got: 400 Bad Request",
        'request:  POST /api/books/  {"isbn": "978-0-306-40615-7"}',
        'response: 400 Bad Request  {"isbn": ["A book with this ISBN already exists."]}',
    ):
        assert part in message, message


def test_demo_isbns_have_valid_check_digits():
    from grader.library_fixtures import isbn13

    def valid(isbn: str) -> bool:
        return sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(isbn)) % 10 == 0

    made = [isbn13(n) for n in range(306406150, 306406250)]
    assert all(len(i) == 13 and i.isdigit() and valid(i) for i in made) and len(set(made)) == 100
    assert isbn13(30640615) == "9780306406157"
