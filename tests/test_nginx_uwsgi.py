"""Exercise 13's servers: on a machine without nginx, and on ports another program takes.

Without nginx, the tests that need it fail (never pass, never skip) with one line that says how
to install it, and the rest of the exercise is still graded. The suite finds nginx on PATH or
where packages put it (/usr/sbin, Homebrew); KATA_NGINX overrides that, and a KATA_NGINX that is
not an executable means "no nginx". Here it points at a file that does not exist, and PATH holds
no nginx either.

The suite picks free ports for nginx and uWSGI before they bind them; another program (the same
suite grading another submission beside this one) may take such a port in between. A server
is ready only when it listens there itself, and it is started again on other ports otherwise:
the tests below hold a port the way that other program would.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from processes import contacted, loopback_listener

from grader.cli import main

ROOT = Path(__file__).parent.parent
SUITE = ROOT / "grader" / "suites" / "13_nginx_uwsgi"
INSTALL_LINE = (
    "nginx not found: install it with `sudo apt install nginx` (Debian/Ubuntu), "
    "`brew install nginx` (macOS), or in WSL on Windows"
)
pytestmark = pytest.mark.slow


def path_without_nginx() -> str:
    folders = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(f for f in folders if f and not (Path(f) / "nginx").exists())


def test_without_nginx_only_the_nginx_tests_fail_and_they_say_how_to_install_it(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("KATA_NGINX", str(tmp_path / "no-nginx-here"))
    monkeypatch.setenv("PATH", path_without_nginx())
    report = tmp_path / "report.json"
    main(["grade", "13", "--target", str(ROOT / "solutions"), "--json", str(report), "--exit-zero"])
    exercise = json.loads(report.read_text(encoding="utf-8"))["exercises"][0]

    tasks = {task["id"]: task for task in exercise["tasks"]}
    assert (tasks[1]["status"], tasks[2]["status"]) == ("pass", "pass"), (
        "the protocol and the server are graded in full without nginx"
    )
    assert tasks[3]["status"] == "fail" and tasks[3]["points"] == 0, tasks[3]
    assert exercise["points"] == tasks[1]["max_points"] + tasks[2]["max_points"]

    tests = exercise["tests"]
    assert not [test for test in tests if test["status"] == "skipped"], "nothing is skipped"
    failed = [test for test in tests if test["status"] != "passed"]
    assert failed and all(test["task"] == 3 for test in failed), failed
    for test in failed:
        assert test["message"] == INSTALL_LINE, (test["name"], test["message"])
    parsed = [test for test in tests if "::test_config_" in test["name"]]
    assert parsed and all(test["status"] == "passed" for test in parsed), (
        "the config is still read with crossplane, without nginx"
    )


@pytest.fixture
def suite_modules(monkeypatch):
    """The suite's helper modules, imported as its conftest imports them."""
    monkeypatch.syspath_prepend(str(SUITE))
    import kata_nginx
    import kata_servers

    return kata_nginx, kata_servers


@pytest.fixture
def taken_port():
    """A port another program listens on: what a picked port may become before it is bound."""
    with loopback_listener() as other:
        yield other


def test_nginx_is_never_taken_for_ready_on_a_port_another_program_took(
    suite_modules, taken_port, tmp_path
):
    kata_nginx, kata_servers = suite_modules
    nginx = kata_nginx.find_nginx()
    assert nginx, "nginx is needed here: .ci/run installs nginx-light"
    solution = (ROOT / "solutions" / "13_nginx_uwsgi" / "nginx.conf").read_text(encoding="utf-8")
    port = taken_port.getsockname()[1]
    site = kata_nginx.prepare(tmp_path / "taken", solution, port, "127.0.0.1:9", "127.0.0.1:9")

    with pytest.raises(kata_nginx.NginxPortTaken, match=f"127.0.0.1:{port}: another program"):
        kata_nginx.start(nginx, site)
    assert not contacted(taken_port), "readiness must not be judged by who answers the port"

    running = kata_nginx.start_on_a_free_port(
        nginx, tmp_path / "retried", solution, "127.0.0.1:9", "127.0.0.1:9",
        ports=[port, kata_servers.free_port()],
    )  # fmt: skip
    try:
        assert running.site.listen_port != port
        assert kata_servers.listens_on(running.pid, running.site.listen_port)
    finally:
        running.stop()
    assert not contacted(taken_port)


def test_uwsgi_is_started_again_when_a_port_it_was_given_is_taken(
    suite_modules, taken_port, tmp_path
):
    _kata_nginx, kata_servers = suite_modules
    port = taken_port.getsockname()[1]
    fresh = [kata_servers.free_port() for _ in range(3)]

    peer = kata_servers.UwsgiPeer.start(tmp_path, "127.0.0.1:9", ports=[port, *fresh])
    try:
        assert (peer.echo_port, peer.router_port) == (fresh[1], fresh[2]), (
            "the first start (the taken port and fresh[0]) found its port taken; the second "
            "took the next two"
        )
        assert kata_servers.listens_on(peer.process.pid, peer.echo_port)
        assert kata_servers.listens_on(peer.process.pid, peer.router_port)
    finally:
        peer.stop()
    assert not contacted(taken_port)


def test_where_the_os_hides_a_servers_sockets_anything_answering_counts(
    suite_modules, taken_port, monkeypatch
):
    """psutil's AccessDenied (an OS that hides a process's sockets): the readiness check falls
    back to whether something answers, never to "not ready" forever."""
    import psutil

    _kata_nginx, kata_servers = suite_modules
    me, port = os.getpid(), taken_port.getsockname()[1]
    assert kata_servers.listens_on(me, port), "this process listens there itself"

    def hidden(self, kind="inet"):
        raise psutil.AccessDenied(self.pid)

    monkeypatch.setattr(psutil.Process, "net_connections", hidden)
    assert kata_servers.listens_on(me, port)
    assert not kata_servers.listens_on(me, kata_servers.free_port())
