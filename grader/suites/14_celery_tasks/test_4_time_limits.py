"""Task 4: build_report has a soft and a hard time limit, and cleans up at the soft one.

The limits are enforced by a real prefork worker process (the thread pool ignores them). To
stay fast, the over-the-limit run is sent once, with a short soft limit of its own (0.3 s, a
hard one of 6 s), as the workers start (conftest.py), and two tests read it; the limits
declared on the task are checked as settings. Before that run, out_dir/report.part is made a
symbolic link to a file outside out_dir: the task writes its lines through the link, and
deleting report.part removes only the link, so the suite can still count the lines written
before the limit (kata_rig.ReportRun).
See conftest.py and test_1_app.py for the wrong answers this suite rejects.
"""

import os
from dataclasses import dataclass

import pytest
from kata_rig import (
    MODULE,
    SLOW_ITEMS,
    fail_if_not_implemented,
    require_app,
    require_task,
    send_report_over_the_limit,
)

from grader.checks import same as _same

WAIT = 9.0


def _report_name():
    from grader.loader import load

    return require_task(load(MODULE), "build_report", 4).name


@dataclass
class Outcome:
    """One run of build_report on worker process "a"."""

    args: tuple
    state: str | None
    value: object
    log_tail: str | None = None  # set when the run did not finish within WAIT seconds


def _send(processes, args) -> Outcome:
    return _outcome(processes, processes.send("a", _report_name(), args), args)


def _outcome(processes, result, args) -> Outcome:
    from celery.exceptions import TimeoutError as CeleryTimeout

    try:
        value = result.get(timeout=WAIT, interval=0.01, propagate=False)
    except CeleryTimeout:
        return Outcome(args, None, None, processes.log_tail("a"))
    return Outcome(args, result.state, value)


def _finished(outcome: Outcome):
    """(state, value) of a run that finished; a failure that says why otherwise."""
    if outcome.log_tail is not None:
        pytest.fail(
            f"build_report{outcome.args!r} did not finish within {WAIT:.0f} s on a worker "
            f"process (task 4). The worker's last lines:\n{outcome.log_tail}"
        )
    fail_if_not_implemented(outcome.value, "build_report", 4)
    return outcome.state, outcome.value


def _run(processes, args):
    return _finished(_send(processes, args))


def _files(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.task(4)
def test_build_report_declares_a_soft_and_a_hard_time_limit(pristine):
    require_app(pristine)
    options = pristine.tasks.get("build_report") or {}
    if not options:
        pytest.fail(
            "`build_report` is not a Celery task of `app` yet: decorate it with "
            "`@app.task(bind=True, soft_time_limit=..., time_limit=...)` (task 4, rule 1)."
        )
    soft, hard = options["soft_time_limit"], options["time_limit"]
    assert soft and hard and soft > 0 and hard > soft, (
        "build_report must have a soft time limit and a longer hard one, in seconds, e.g. "
        "soft_time_limit=10, time_limit=15 (task 4, rule 1). Without them a stuck task holds "
        f"a worker forever. It has soft_time_limit={soft!r}, time_limit={hard!r}."
    )


@pytest.mark.task(4)
def test_a_report_within_its_limits_completes(processes, tmp_path):
    state, value = _run(processes, (str(tmp_path), 3, 0.0))
    expected = {"status": "complete", "lines": 3}
    assert state == "SUCCESS" and _same(value, expected), (
        f"build_report(out_dir, 3) must return {expected} (task 4, rule 3); it ended in state "
        f"{state} with {value!r}."
    )
    files = _files(tmp_path)
    assert files == ["report.txt"], (
        "A complete report is report.txt in out_dir, and report.part is gone (renamed) (task "
        f"4, rule 3). out_dir holds {files}."
    )
    lines = (tmp_path / "report.txt").read_text(encoding="utf-8").splitlines()
    expected_lines = ["line 0", "line 1", "line 2"]
    assert lines == expected_lines, (
        "report.txt must hold slow_line(n, seconds_per_item) for n in range(items), one per "
        f"line, in order (task 4, rule 2): expected {expected_lines}, got {lines}."
        + (" range(items) starts at 0." if lines == ["line 1", "line 2", "line 3"] else "")
    )


@pytest.fixture(scope="module")
def over_the_limit(processes, tmp_path_factory):
    """build_report over a short soft limit, report.part a link to a file of the suite: the run
    sent as the workers started, or one sent now.

    Returns (Outcome, the names left in out_dir, the lines that went through the link).
    """
    if os.name == "nt":
        pytest.skip(
            "Celery enforces time limits only in the prefork pool, which does not run on "
            "Windows: this test runs on Linux and macOS (and in the course's CI)."
        )
    run = processes.early.get("over-the-limit") or send_report_over_the_limit(
        processes, _report_name(), tmp_path_factory.mktemp("over-the-limit")
    )
    outcome = _outcome(processes, run.result, run.args)
    return outcome, _files(run.out_dir), run.written.read_text(encoding="utf-8").splitlines()


def _timed_out(outcome: Outcome, files: list[str]) -> dict:
    """The timed-out answer, or a failure that says what happened instead."""
    state, value = _finished(outcome)
    if state == "FAILURE":
        pytest.fail(
            "Over its soft time limit, build_report must catch SoftTimeLimitExceeded, clean up "
            "and return (task 4, rule 4). It failed with "
            f"{value!r}, and left {files} in out_dir."
            + (
                " TimeLimitExceeded is the hard limit: the worker killed the task because it "
                "went on after the soft limit."
                if type(value).__name__ == "TimeLimitExceeded"
                else ""
            )
        )
    assert isinstance(value, dict) and value.get("status") == "timed_out", (
        "Over its soft time limit, build_report must return {'status': 'timed_out', 'lines': n} "
        f"(task 4, rule 4); it ended in state {state} with {value!r}."
    )
    return value


@pytest.mark.task(4)
def test_a_report_over_its_soft_limit_cleans_up_and_says_timed_out(over_the_limit):
    outcome, files, _ = over_the_limit
    value = _timed_out(outcome, files)
    lines = value.get("lines")
    assert type(lines) is int and 0 <= lines < SLOW_ITEMS, (
        "'lines' is the number of lines written before the limit (task 4, rule 4): an int "
        f"between 0 and {SLOW_ITEMS - 1} here, got {lines!r}."
    )
    assert files == [], (
        "A report stopped by the soft time limit must leave nothing behind: remove "
        f"report.part and write no report.txt (task 4, rule 4). out_dir holds {files}."
    )


@pytest.mark.task(4)
def test_timed_out_lines_counts_the_lines_written_before_the_limit(over_the_limit):
    outcome, files, written = over_the_limit
    value = _timed_out(outcome, files)
    lines = value.get("lines")
    if not written and type(lines) is int and lines > 0:
        pytest.fail(
            f"The task answered 'lines': {lines}, but report.part received no line before the "
            "soft limit (task 4, rules 2 and 4): write each line to report.part as it is made, "
            "opened with 'w'. (The suite made report.part a link to a file of its own before "
            "the run, to count the lines after you delete it: write through it, do not delete "
            "or replace it first.)"
        )
    what = f"{len(written)} lines" + (f" ({written[0]!r} … {written[-1]!r})" if written else "")
    assert type(lines) is int and lines == len(written), (
        "'lines' must count the lines finished before the soft limit hit: written to "
        "report.part, not the line in progress (task 4, rule 4). report.part received "
        f"{what}, but the task answered 'lines': {lines!r}. The limit interrupts "
        "slow_line(n, ...) while it makes line n: count a line after it is written "
        "(lines += 1 after file.write), so the line in progress is not counted."
    )
