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
from grader.output_lines import OutputLines

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


def test_nginx_play_serves_both_paths_and_stops_all_three_by_pid():
    """Exercise 13: nginx with the learner's config, their uwsgi server and the legacy backend;
    Ctrl-C (SIGINT to `play`) stops the three, each in its own session, by their PIDs."""
    import contextlib
    import json
    import re
    import shutil

    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        if os.environ.get("CI"):
            pytest.fail("nginx not found: CI must provide it (.ci/run installs nginx-light)")
        pytest.skip("nginx not found: `play 13` needs it")
    port = free_port()
    play = subprocess.Popen(
        [sys.executable, "-m", "grader", "play", "13", "--target", str(ROOT / "solutions"),
         "--port", str(port)],
        cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    reader = OutputLines(play)
    pids: list[int] = []
    try:
        _, _, body = fetch(f"http://127.0.0.1:{port}/app/hello?name=Ada", time.monotonic() + 30)
        environ = json.loads(body)["environ"]
        assert (environ["PATH_INFO"], environ["QUERY_STRING"]) == ("/app/hello", "name=Ada"), body
        _, headers, body = fetch(
            f"http://127.0.0.1:{port}/legacy/hello?name=Ada", time.monotonic() + 10
        )
        seen = json.loads(body)
        assert seen["request_line"] == "GET /hello?name=Ada HTTP/1.0", seen
        assert headers.get("X-Backend") == "legacy"
        # nginx may answer before `play` has seen its backends listening: Ctrl-C only after
        # the announcement, which is what a learner reads before pressing it.
        announced = reader.wait_for("Ctrl-C stops all three", 20)
        play.send_signal(signal.SIGINT)
        try:
            play.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pytest.fail(
                f"`play 13` did not stop within 20 s of Ctrl-C (announced: {announced}):\n"
                + "".join(reader.lines)
            )
    finally:
        if play.poll() is None:
            os.killpg(play.pid, signal.SIGKILL)
            play.wait(timeout=10)
        output = reader.text()
        pids = [int(pid) for pid in re.findall(r"pid (\d+)", output)]
        for pid in pids:  # if `play` left one behind, the test still stops it
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
    assert len(pids) == 3, output
    assert f"http://127.0.0.1:{port}/app/hello?name=Ada" in output, output
    assert "Stopped nginx, your uwsgi server and the legacy backend." in output, output
    left = []
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        left.append(pid)
    assert not left, f"still running after Ctrl-C: {left}\n{output}"


def test_a_second_playground_of_the_same_exercise_is_refused(fixture_course):
    """Two playgrounds of one exercise would share (and wipe) one state folder."""
    claim = fixture_course.root / ".cache" / "playground" / "03_hello.pid"
    claim.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        claim.write_text(str(holder.pid))
        manifest = str(fixture_course.root / "grader" / "course.toml")
        with pytest.raises(SystemExit, match=rf"already running \(process {holder.pid}\)"):
            main(["--course", manifest, "play", "hello", "--port", str(free_port())])
    finally:
        holder.kill()
        holder.wait()
        claim.unlink(missing_ok=True)


def test_drf_play_serves_the_browsable_api_the_schema_and_the_docs_page():
    """Exercise 11 by hand: demo data and users, JSON and HTML answers, the OpenAPI schema, and
    a docs page whose Swagger UI files are served locally (no CDN)."""
    import json
    from html.parser import HTMLParser

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "grader", "play", "11", "--target", str(ROOT / "solutions"),
         "--port", str(port), "--noreload"],
        cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        status, headers, body = fetch(f"{base}/api/books/", deadline)
        books = json.loads(body)
        assert status == 200 and headers["Content-Type"].startswith("application/json")
        assert books["count"] == 5 and books["results"], books  # seed_demo's five books
        html = urllib.request.Request(f"{base}/api/books/1/", headers={"Accept": "text/html"})
        with urllib.request.urlopen(html, timeout=10) as response:
            page = response.read().decode()
        assert "Django REST framework" in page and "The Left Hand of Darkness" in page
        _, _, body = fetch(f"{base}/api/schema/?format=json", deadline)
        schema = json.loads(body)
        assert {"/api/books/", "/api/books/{id}/", "/api/reviews/"} <= set(schema["paths"])
        _, _, body = fetch(f"{base}/api/docs/", deadline)

        class Sources(HTMLParser):
            found: list[str] = []

            def handle_starttag(self, tag, attrs):
                attributes = dict(attrs)
                if tag == "script" and attributes.get("src"):
                    self.found.append(attributes["src"])
                if tag == "link" and attributes.get("href", "").endswith(".css"):
                    self.found.append(attributes["href"])

        parser = Sources()
        parser.feed(body.decode())
        local = [source for source in parser.found if source.startswith("/static/")]
        assert local, f"the docs page loads its files from elsewhere: {parser.found}"
        for source in local:
            assert fetch(f"{base}{source}", deadline)[0] == 200, source
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            output = server.communicate(timeout=15)[0]
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            output = server.communicate()[0]
    assert "API key of alice" in output and "password alice-reads-books" in output, output
    assert f"{base}/api/docs/" in output, output
