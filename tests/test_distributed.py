"""The gradebook on grading workers: a real redis-server, two real workers started by the verb.

A class of 20 generated submissions is graded locally and through the workers; one worker is
killed (SIGKILL to its process group) while it grades, and the batch still ends with every row,
equal to local mode's. Workers refuse a task from another grader version and a hostile archive
with a clear error. Every server and worker is stopped by its PID in teardown, and the grading
children they started are waited for.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import pytest
from class_factory import FIXTURE_ROOT, STUDENTS, make_class
from conftest import FIXTURE_MANIFEST
from processes import alive
from servers import free_port, redis_server

from grader import distributed, isolation
from grader.cli import main
from grader.gradebook import batch
from grader.gradebook.archive import MAX_FILES, UnsafeArchive, pack_exercises, unpack_exercises
from grader.gradebook.cache import ResultCache, grader_fingerprint
from grader.gradebook.remote import NoWorkers, grade_class_remote
from grader.gradebook.submissions import find_submissions
from grader.manifest import REPO_ROOT

pytestmark = pytest.mark.slow

SELECTED = ("01", "02")  # two exercises of the fixture course keep 2 × 20 submissions quick
# Every kind of student twice: 20 submissions.
CLASS = {**STUDENTS, **{f"{login}2": spec for login, spec in STUDENTS.items()}}


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is missing: install it (apt-get install redis-server)")
    with redis_server(server, tmp_path_factory.mktemp("redis")) as url:
        yield url


class Worker:
    """`python -m grader grading-worker` as an instructor starts it, in its own process group."""

    def __init__(self, broker: str, folder: Path, manifest: Path = FIXTURE_MANIFEST) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.log = folder / "worker.log"
        command = [sys.executable, "-m", "grader", "--course", str(manifest), "grading-worker",
                   "--broker", broker, "--cache", str(folder / "cache"), "--jobs", "1"]  # fmt: skip
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                command, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while " ready." not in self.text():
            assert self.process.poll() is None, f"the worker stopped:\n{self.text()}"
            assert time.monotonic() < deadline, f"the worker never got ready:\n{self.text()}"
            time.sleep(0.1)

    def task_ids(self, what: str) -> list[str]:
        return re.findall(rf"Task {distributed.TASK_NAME}\[([0-9a-f-]+)\] {what}", self.text())

    def kill(self) -> None:
        """SIGKILL to the worker and its pool, as when a machine dies; then wait until the
        grading children it had started (their own sessions) are gone too."""
        left = isolation.descendants(self.process.pid)
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        _wait_gone(left)

    def stop(self) -> None:
        left = isolation.descendants(self.process.pid)
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # warm shutdown
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        for pid in [pid for pid in left if alive(pid)]:  # grading children: their own sessions
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _wait_gone(left)


def _wait_gone(pids: list[int], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while (left := [pid for pid in pids if alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"processes a worker started still run: {left}"


@pytest.fixture(scope="module")
def workers(redis_url, tmp_path_factory):
    base = tmp_path_factory.mktemp("workers")
    started = [Worker(redis_url, base / name) for name in ("first", "second")]
    try:
        for worker in started:
            worker.wait_ready()
        yield started
    finally:
        for worker in started:
            worker.stop()


def read_csv(path: Path) -> dict[str, dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def gradebook(folder: Path, out: Path, *args: str, manifest: Path = FIXTURE_MANIFEST) -> int:
    return main(["--course", str(manifest), "gradebook", str(folder), *SELECTED,
                 "--out", str(out), *args])  # fmt: skip


def test_two_workers_grade_the_class_as_local_mode_does_even_when_one_is_killed(
    tmp_path, redis_url, workers
):
    folder = make_class(tmp_path, CLASS)
    assert gradebook(folder, tmp_path / "local", "--jobs", "2") == 0

    outcome: dict = {}
    remote = threading.Thread(
        target=lambda: outcome.setdefault("code", gradebook(folder, tmp_path / "remote",
                                                            "--broker", redis_url)),
    )  # fmt: skip
    first, second = workers
    remote.start()
    try:
        # Killed while it grades its second submission: received, not yet finished.
        deadline = time.monotonic() + 120
        while len(first.task_ids("received")) < 2:
            assert remote.is_alive() and time.monotonic() < deadline, first.text()
            time.sleep(0.05)
        first.kill()
    finally:
        remote.join(timeout=240)
    assert not remote.is_alive(), "the batch did not finish after a worker was killed"
    assert outcome["code"] == 0
    lost = set(first.task_ids("received")) - set(first.task_ids("succeeded"))
    assert lost, "the worker was killed between tasks: nothing was in hand"
    # Redelivered after the visibility timeout and graded by the other worker.
    assert lost <= set(second.task_ids("succeeded"))

    local = read_csv(tmp_path / "local" / "gradebook.csv")
    remote_rows = read_csv(tmp_path / "remote" / "gradebook.csv")
    assert sorted(remote_rows) == sorted(local) and len(local) == 20
    # Every column but duration (another machine's clock) is equal, "cached" included: workers
    # grade what they are sent, never from a cache of their own.
    for student, row in local.items():
        theirs = remote_rows[student]
        same = [column for column in row if column != "duration"]
        assert {c: theirs[c] for c in same} == {c: row[c] for c in same}, student
    for student in ("ada", "eve", "jo2"):
        ours = _report(tmp_path / "local", student)
        theirs = _report(tmp_path / "remote", student)
        assert theirs["total"] == ours["total"]
        assert theirs["submission"]["content"] == ours["submission"]["content"]
        assert theirs["submission"]["path"] == ours["submission"]["path"]
        for mine, other in zip(ours["exercises"], theirs["exercises"], strict=True):
            assert [(t["name"], t["status"]) for t in other["tests"]] == [
                (t["name"], t["status"]) for t in mine["tests"]
            ]  # fmt: skip


def _report(out: Path, student: str) -> dict:
    return json.loads((out / "students" / f"{student}.json").read_text(encoding="utf-8"))


def test_a_worker_of_another_course_version_refuses_with_both_versions(
    tmp_path, redis_url, workers
):
    other = tmp_path / "other-course"
    shutil.copytree(FIXTURE_ROOT / "grader", other / "grader")
    manifest = other / "grader" / "course.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    folder = make_class(tmp_path, {"ada": STUDENTS["ada"], "cleo": STUDENTS["cleo"]})
    out = tmp_path / "out"
    assert gradebook(folder, out, "--broker", redis_url, "--no-cache", manifest=manifest) == 0
    rows = read_csv(out / "gradebook.csv")
    ours = grader_fingerprint(batch_course(manifest))[:12]
    theirs = grader_fingerprint(batch_course(FIXTURE_MANIFEST))[:12]
    for student in ("ada", "cleo"):
        assert rows[student]["status"] == "error"
        error = _report(out, student)["submission"]["error"]
        assert f"this worker's grader is version {theirs}" in error, error
        assert f"sent by grader version {ours}" in error and "\n" not in error


def batch_course(manifest: Path):
    from grader.manifest import load_course

    return load_course(manifest)


def _tar(members: list[tuple[tarfile.TarInfo, bytes]]) -> str:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for info, data in members:
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data else None)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _file(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.mode = kind, link, 0o644
    return info


def test_a_worker_refuses_an_archive_that_leaves_its_folder_or_holds_a_link(
    tmp_path, redis_url, workers
):
    course = batch_course(FIXTURE_MANIFEST)
    app = distributed.make_app(redis_url, None, course)
    fingerprint = grader_fingerprint(course)
    escape = tmp_path / "escaped.txt"
    depth = "../" * len(Path(os.sep, "tmp").resolve().parts) * 4
    hostile = {
        "..": _tar([(_file(f"exercises/01_adder/{depth}{escape}"), b"pwned")]),
        "a link": _tar(
            [(_file("exercises/01_adder/adder.py", tarfile.SYMTYPE, "/etc/passwd"), b"")]
        ),  # fmt: skip
    }
    for what, archive in hostile.items():
        result = app.send_task(distributed.TASK_NAME, args=(archive, fingerprint, {}),
                               queue=distributed.QUEUE)  # fmt: skip
        result.get(timeout=60, propagate=False)
        assert result.failed(), what
        message = str(result.result)
        assert message.startswith("refused: 'exercises/01_adder/"), message
        assert what in message, message
        result.forget()
    assert not escape.exists()


def test_archives_refused_before_anything_is_written(tmp_path):
    allowed = {"01_adder"}
    cases = {
        "absolute path": _tar([(_file("/exercises/01_adder/x.py"), b"x")]),
        "outside the course": _tar([(_file("exercises/99_other/x.py"), b"x")]),
        "a device": _tar([(_file("exercises/01_adder/dev", tarfile.CHRTYPE), b"")]),
        f"more than {MAX_FILES} entries": _tar(
            [(_file(f"exercises/01_adder/f{n}.py"), b"") for n in range(MAX_FILES + 1)]
        ),
    }
    for number, (what, archive) in enumerate(cases.items()):
        destination = tmp_path / str(number)
        destination.mkdir()
        with pytest.raises(UnsafeArchive) as refused:
            unpack_exercises(archive, destination, allowed)
        message = str(refused.value)
        assert message.startswith("refused: ") and "\n" not in message, what
        if what != "absolute path":
            assert what.split()[0] in message, (what, message)
        assert not any((destination / "exercises").rglob("*")), what
    # What the client packs, the worker unpacks: the same files, nothing else.
    packed = pack_exercises(FIXTURE_ROOT / "solutions", ["01_adder"])
    (tmp_path / "round").mkdir()
    unpacked = unpack_exercises(packed, tmp_path / "round", allowed)
    names = sorted(p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*") if p.is_file())
    source = FIXTURE_ROOT / "solutions"
    expected = sorted(p.relative_to(source).as_posix() for p in (source / "01_adder").rglob("*")
                      if p.is_file() and "__pycache__" not in p.parts)  # fmt: skip
    assert names == expected


def test_an_unreachable_broker_is_one_line_and_nothing_is_graded(tmp_path, capsys):
    folder = make_class(tmp_path, {"cleo": STUDENTS["cleo"]})
    port = free_port()
    code = gradebook(folder, tmp_path / "out", "--broker", f"redis://:secret@127.0.0.1:{port}/0")
    assert code == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("error: cannot reach the broker at redis://:**@127.0.0.1:"), error
    assert "secret" not in error and len(error.splitlines()) == 1
    assert not (tmp_path / "out" / "gradebook.csv").exists()


def test_no_worker_answering_says_how_to_start_one(tmp_path, redis_url):
    course = batch_course(FIXTURE_MANIFEST)
    folder = make_class(tmp_path, {"cleo": STUDENTS["cleo"]})
    cache = ResultCache(tmp_path / "cache", grader_fingerprint(course))
    works = batch.plan_class(course, find_submissions(folder, course), cache)
    lonely = redis_url.rsplit("/", 1)[0] + "/7"  # a database no worker listens on
    with pytest.raises(NoWorkers) as nobody:
        grade_class_remote(course, works, cache, broker=lonely, worker_wait=2)
    assert "no grading worker answered" in str(nobody.value)
    assert "nox -s grading-worker -- --broker" in str(nobody.value)


# Celery's Redis backend stores a result with a call redis-py deprecates (its concern, not ours).
@pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning")
def test_the_batch_asks_redis_about_every_result_still_out_in_one_command(redis_url):
    """A class of hundreds waits on hundreds of results: one MGET a look, not a GET per task
    (Redis counts the commands it ran). Finished tasks, failed ones included, are told apart
    from those still running or not yet taken."""
    from celery import Celery

    from grader.gradebook import remote

    app = Celery("kata-test", broker=redis_url, backend=redis_url, set_as_current=False)
    client = app.backend.client
    ids = [f"task-{number}" for number in range(40)]
    app.backend.store_result(ids[0], {"report": 1}, "SUCCESS")
    app.backend.store_result(ids[1], ValueError("broken"), "FAILURE")
    app.backend.store_result(ids[2], None, "STARTED")
    pending = [remote._Sent(work=None, exercises=[], result=app.AsyncResult(i)) for i in ids]
    client.config_resetstat()
    arrived = remote._arrived(app, pending)
    assert [task.result.id for task in arrived] == ids[:2]
    commands = client.info("commandstats")
    assert commands.get("cmdstat_mget", {}).get("calls") == 1, commands
    assert "cmdstat_get" not in commands, commands
