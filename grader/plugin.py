"""The grader's pytest plugin: records what each hidden test did into a results file.

It runs inside the child process that grades one exercise. It only records outcomes, as JSON
lines, one event each; points, statuses of exercises and formats are the parent's business.
Events: ``collected`` (the expected tests and their tasks), ``start`` (a test began),
``result`` (a test finished), ``finish`` (pytest ended normally).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader import loader

MESSAGE_LIMIT = 2000


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kata", "kata grader")
    group.addoption("--kata-exercise-dir", help="the learner folder this run grades")
    group.addoption("--kata-results", help="file to write JSON-lines results to")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "task(number): the README task this test grades")
    exercise_dir = config.getoption("--kata-exercise-dir")
    if exercise_dir:
        loader.configure(Path(exercise_dir))
    results = config.getoption("--kata-results")
    if results:
        config.pluginmanager.register(ResultRecorder(Path(results)), "kata-recorder")
        _skip_final_collection(config)


def _skip_final_collection(config: pytest.Config) -> None:
    """No full garbage collection when pytest shuts down a grading child.

    pytest collects once more at the end to surface exceptions raised in finalizers; in a
    grading child every result is written by then, and the child exits at once, so that
    collection only costs time (a tenth of a second or more with Django loaded). Unraisable
    exceptions are still reported after each test.
    """
    try:
        from _pytest.unraisableexception import gc_collect_iterations_key
    except ImportError:  # a pytest without the setting: keep its default
        return
    config.stash[gc_collect_iterations_key] = 0


def task_of(item: pytest.Item) -> int | None:
    marker = item.get_closest_marker("task")
    return int(marker.args[0]) if marker and marker.args else None


class ResultRecorder:
    def __init__(self, path: Path):
        # Opened once, before any learner code runs, and flushed after every event.
        self._file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - lives as long as the session
        self._reports: dict[str, list[pytest.TestReport]] = {}

    def _write(self, event: dict) -> None:
        self._file.write(json.dumps(event) + "\n")
        self._file.flush()

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        tests = [{"name": item.nodeid, "task": task_of(item)} for item in session.items]
        self._write({"event": "collected", "tests": tests})

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        self._reports[nodeid] = []
        self._write({"event": "start", "name": nodeid})

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        if call.excinfo is not None and report.failed:
            report.kata_status, report.kata_message = describe_failure(call.excinfo, item)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self._reports.setdefault(report.nodeid, []).append(report)
        if report.when != "teardown":
            return
        reports = self._reports.pop(report.nodeid)
        status, message = "passed", ""
        for phase in reports:
            if phase.failed:
                status = getattr(phase, "kata_status", "failed")
                message = getattr(phase, "kata_message", phase.longreprtext)
                break
            if phase.skipped:
                status, message = "skipped", _skip_reason(phase)
        duration = sum(phase.duration for phase in reports)
        # The test body alone, without its fixtures: what a child's first test costs beyond the
        # session's set-up (grader.splitting balances files by it).
        call = sum(phase.duration for phase in reports if phase.when == "call")
        self._write(
            {
                "event": "result",
                "name": report.nodeid,
                "status": status,
                "message": _truncate(message),
                "duration": round(duration, 4),
                "call_duration": round(call, 4),
            }
        )

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self._write({"event": "finish", "exitstatus": int(exitstatus)})
        self._file.close()


def describe_failure(excinfo: pytest.ExceptionInfo, item: pytest.Item) -> tuple[str, str]:
    """(status, message) for a failed phase, written for the learner."""
    error = excinfo.value
    task = task_of(item)
    task_hint = f" (README task {task})" if task else ""
    if isinstance(error, loader.MissingNameError):
        return "failed", f"{error}{task_hint}"
    if isinstance(error, loader.ImportTimeoutError):
        return "timeout", str(error)
    if isinstance(error, loader.LearnerCodeError):
        return "error", str(error)
    if excinfo.typename == "Failed" and str(error).startswith("Timeout"):
        where = loader.learner_line(excinfo.tb)
        at = f" It was running {where[0]}:{where[1]} in {where[2]}()." if where else ""
        return "timeout", (
            f"Timed out: the test did not finish within its time limit.{at} "
            f"Look for an endless loop, a deadlock, or a wait that never ends."
        )
    broken_import = loader.import_time_failure(error)
    if broken_import:
        return "error", broken_import
    if isinstance(error, NotImplementedError):
        where = loader.learner_line(excinfo.tb)
        if where:
            return "failed", (
                f"Not implemented yet: {where[2]}() in {where[0]}:{where[1]} still raises "
                f"NotImplementedError{task_hint}."
            )
    if isinstance(error, OSError) and "reading from stdin" in str(error):
        where = loader.learner_line(excinfo.tb)
        at = f" at {where[0]}:{where[1]}" if where else ""
        return "failed", (
            f"Your code waits for keyboard input{at} (input(), breakpoint() or pdb). Graded code "
            f'runs unattended: remove the call, or keep it under `if __name__ == "__main__":`.'
        )
    if isinstance(error, AssertionError):
        return "failed", _with_notes(
            str(error) or f"Assertion failed: {_statement(excinfo)}", error
        )
    if excinfo.typename in {"Failed", "XFailed"}:
        return "failed", _with_notes(str(error), error)
    where = loader.learner_line(excinfo.tb)
    at = f"\n  raised at {where[0]}:{where[1]} in {where[2]}()" if where else ""
    return "failed", _with_notes(f"{excinfo.typename}: {error}{at}", error)


def _statement(excinfo: pytest.ExceptionInfo) -> str:
    try:
        return str(excinfo.traceback[-1].statement).strip()
    except Exception:  # noqa: BLE001 - the source may be unavailable; the message still stands
        return "(source unavailable)"


def _with_notes(message: str, error: BaseException) -> str:
    # Hypothesis attaches the falsifying example as an exception note: the learner needs it.
    notes = [str(note) for note in getattr(error, "__notes__", ()) if str(note).strip()]
    return "\n".join([message, *notes]) if notes else message


def _skip_reason(report: pytest.TestReport) -> str:
    if isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    return str(report.longrepr or "")


def _truncate(text: str) -> str:
    text = text.strip()
    if len(text) <= MESSAGE_LIMIT:
        return text
    return text[:MESSAGE_LIMIT] + f"\n… ({len(text) - MESSAGE_LIMIT} more characters cut)"
