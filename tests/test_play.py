"""`play` serves a Django exercise for real: runserver on 127.0.0.1, the learner's code, migrations."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from servers import free_port

from grader.cli import main

ROOT = Path(__file__).parent.parent
pytestmark = pytest.mark.slow


def fetch(url: str, deadline: float) -> tuple[int, dict, bytes]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status, dict(response.headers), response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_play_serves_the_learners_code_with_the_suites_settings(fixture_course):
    port = free_port()
    manifest = fixture_course.root / "grader" / "course.toml"
    server = subprocess.Popen(
        [sys.executable, "-m", "grader", "--course", str(manifest), "play", "hello",
         "--target", str(fixture_course.solutions_dir), "--port", str(port), "--noreload"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        status, headers, body = fetch(
            f"http://127.0.0.1:{port}/hello/?name=Ada", time.monotonic() + 30
        )
        assert (status, body, headers.get("X-Stamp")) == (200, b"Hello, Ada!", "kata")
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        output = server.communicate(timeout=10)[0]
    assert f"http://127.0.0.1:{port}/hello/?name=Ada" in output, output
    assert "demo user: ada (id 1)" in output, "the settings' PLAYGROUND_SETUP ran after migrate"
    assert (fixture_course.root / ".cache" / "playground" / "03_hello" / "db.sqlite3").exists()


def test_play_refuses_an_exercise_without_a_playground(fixture_course):
    with pytest.raises(SystemExit, match="has no playground"):
        main(["--course", str(fixture_course.root / "grader" / "course.toml"), "play", "adder"])


def test_celery_play_runs_a_worker_process_that_a_shell_sends_tasks_to(fixture_course):
    manifest = str(fixture_course.root / "grader" / "course.toml")
    common = [
        "-m",
        "grader",
        "--course",
        manifest,
        "play",
        "jobs",
        "--target",
        str(fixture_course.solutions_dir),
    ]
    env = {key: value for key, value in os.environ.items() if not key.startswith("KATA_")}
    env.pop("CELERY_BROKER_URL", None)
    worker = subprocess.Popen(
        [sys.executable, *common], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )  # fmt: skip
    try:
        shell = subprocess.run(
            [sys.executable, *common, "--shell"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
            input="import os\nprint('RESULT', jobs.add.delay(2, 3).get(timeout=30), os.getpid())\n",
        )  # fmt: skip
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker_output = worker.communicate(timeout=10)[0]
    assert "RESULT [5, False]" in shell.stdout, shell.stdout + shell.stderr + worker_output
    assert "files under" in worker_output and "play -- 04 --shell" in worker_output, worker_output
    assert "jobs.add.delay(2, 3).get(timeout=10)" in shell.stderr, (
        "the shell banner shows the example"
    )


def test_django_celery_play_serves_the_api_and_runs_a_worker_beside_it():
    """Exercise 17 end to end by hand: POST answers 202, the worker process builds the report."""
    import json

    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("KATA_")}
    env.pop("CELERY_BROKER_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "grader", "play", "17", "--target", str(ROOT / "solutions"),
         "--port", str(port), "--noreload"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        fetch(f"http://127.0.0.1:{port}/", time.monotonic() + 60)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/reports/", data=json.dumps({"title": "three word title"}).encode(),
            headers={"Content-Type": "application/json"}, method="POST",
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 202
            task_id = json.loads(response.read())["task_id"]
        deadline = time.monotonic() + 30
        while True:
            _, _, body = fetch(f"http://127.0.0.1:{port}/api/tasks/{task_id}/", deadline)
            status = json.loads(body)
            if status["state"] == "SUCCESS" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert status["state"] == "SUCCESS" and status["result"]["words"] == 3, status
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.communicate()
