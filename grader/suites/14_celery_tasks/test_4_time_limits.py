"""Task 4: build_report has a soft and a hard time limit, and cleans up at the soft one.

The limits are enforced by a real prefork worker process (the thread pool ignores them). To
stay fast, the over-the-limit run is sent with a short soft limit of its own (0.3 s, a hard one
of 6 s); the limits declared on the task are checked as settings.
See conftest.py for the wrong answers this suite rejects.
"""

import os

import pytest
from kata_rig import MODULE, fail_if_not_implemented, require_app, require_task

WAIT = 9.0


def _report_name():
    from grader.loader import load

    return require_task(load(MODULE), "build_report", 4).name


def _run(processes, args, **limits):
    from celery.exceptions import TimeoutError as CeleryTimeout

    result = processes.send("a", _report_name(), args, **limits)
    try:
        value = result.get(timeout=WAIT, interval=0.01, propagate=False)
    except CeleryTimeout:
        pytest.fail(
            f"build_report{args!r} did not finish within {WAIT:.0f} s on a worker process "
            f"(task 4). The worker's last lines:\n{processes.log_tail('a')}"
        )
    fail_if_not_implemented(value, "build_report", 4)
    return result.state, value


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
    assert state == "SUCCESS" and value == {"status": "complete", "lines": 3}, (
        "build_report(out_dir, 3) must return {'status': 'complete', 'lines': 3} (task 4, "
        f"rule 3); it ended in state {state} with {value!r}."
    )
    files = _files(tmp_path)
    assert files == ["report.txt"], (
        "A complete report is report.txt in out_dir, and report.part is gone (renamed) (task "
        f"4, rule 3). out_dir holds {files}."
    )
    lines = (tmp_path / "report.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3, (
        f"report.txt must hold one line per item (task 4, rule 2): 3 expected, got {lines}."
    )


@pytest.mark.task(4)
def test_a_report_over_its_soft_limit_cleans_up_and_says_timed_out(processes, tmp_path):
    if os.name == "nt":
        pytest.skip(
            "Celery enforces time limits only in the prefork pool, which does not run on "
            "Windows: this test runs on Linux and macOS (and in the course's CI)."
        )
    # 400 items of 0.05 s take 20 s: far past a soft limit of 0.3 s.
    state, value = _run(processes, (str(tmp_path), 400, 0.05), soft_time_limit=0.3, time_limit=6)
    files = _files(tmp_path)
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
    lines = value.get("lines")
    assert isinstance(lines, int) and 0 <= lines < 400, (
        "'lines' is the number of lines written before the limit (task 4, rule 4): between 0 "
        f"and 399 here, got {lines!r}."
    )
    assert files == [], (
        "A report stopped by the soft time limit must leave nothing behind: remove "
        f"report.part and write no report.txt (task 4, rule 4). out_dir holds {files}."
    )
