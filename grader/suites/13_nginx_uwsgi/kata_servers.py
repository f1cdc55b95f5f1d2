"""Real uWSGI (the `pyuwsgi` wheel) as the grader's reference peer, and small loopback helpers.

One uWSGI process group per grading run: a master with one worker running kata_apps.uwsgi_echo
on a uwsgi socket (it shows what uWSGI made of a packet) and uWSGI's HTTP router, which turns
HTTP requests into uwsgi packets and sends them to the grader's capture server. Everything
listens on 127.0.0.1 and free ports; the processes stay in the grading process group, so the
grader reaps them even if this process dies.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
UWSGI_MISSING = (
    "uWSGI not found: this Python has no `pyuwsgi` (it has no Windows build). Grade with "
    "`nox -s grade -- 13`, which installs it, or in WSL on Windows"
)
_RUN = "import sys, pyuwsgi; pyuwsgi.run(sys.argv[1:])"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def uwsgi_available() -> bool:
    return importlib.util.find_spec("pyuwsgi") is not None


class UwsgiPeer:
    """uWSGI with the echo app on ``echo_port`` and its HTTP router on ``router_port``."""

    def __init__(self, folder: Path, capture_address: str):
        self.echo_port = free_port()
        self.router_port = free_port()
        self.log = folder / "uwsgi.log"
        arguments = [
            "--master",
            "--no-orphans",
            "--socket", f"127.0.0.1:{self.echo_port}",
            "--wsgi-file", str(HERE / "kata_apps.py"),
            "--callable", "uwsgi_echo",
            "--need-app",
            # A vars block may be up to 65535 bytes; uWSGI's default buffer holds 4096.
            "--buffer-size", "65535",
            "--socket-timeout", "2",
            "--http", f"127.0.0.1:{self.router_port}",
            "--http-to", capture_address,
            "--die-on-term",
            "--disable-logging",
        ]  # fmt: skip
        with open(self.log, "wb") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _RUN, *arguments],
                cwd=folder,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )

    def wait_until_ready(self, seconds: float = 15.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"uWSGI stopped at start-up:\n{self.log_tail()}")
            if listening(self.echo_port) and listening(self.router_port):
                return
            time.sleep(0.01)
        raise RuntimeError(f"uWSGI did not listen within {seconds:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 15) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.strip().splitlines()[-lines:])

    def stop(self) -> None:
        """By PID. The master takes a second to stop gracefully, and this test instance holds
        nothing to save: SIGKILL, and its worker and router follow it (--no-orphans)."""
        if self.process.poll() is None:
            if os.name == "posix":
                os.kill(self.process.pid, signal.SIGKILL)
            else:
                self.process.kill()
        self.process.wait()
