"""Real uWSGI (the `pyuwsgi` wheel) as the grader's reference peer, and small loopback helpers.

One uWSGI process group per grading run: a master with one worker running kata_apps.uwsgi_echo
on a uwsgi socket (it shows what uWSGI made of a packet) and uWSGI's HTTP router, which turns
HTTP requests into uwsgi packets and sends them to the grader's capture server. Everything
listens on 127.0.0.1 and free ports; the processes stay in the grading process group, so the
grader reaps them even if this process dies.

A free port is only free when it is picked: the server binds it a moment later, and in between
another program (the same suite grading another submission beside this one) may take it. So a
server counts as ready only when a socket of its own process listens on the port, never because
something answers there, and a start that finds its port taken is tried again on new ports.
"""

from __future__ import annotations

import importlib.util
import os
import re
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


# How many sets of ports a server is started on before the grader gives up on it.
PORT_TRIES = 5


class PortTaken(RuntimeError):
    """Another program took a port picked for a server before the server could bind it."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listens_on(pid: int, port: int) -> bool:
    """Whether process ``pid``, or a process it started, has a socket listening on ``port``.
    Where the OS hides a process's sockets (psutil's AccessDenied), whether anything answers
    there: the only test left, and what the grader used before it could tell whose it is."""
    import psutil

    try:
        started = psutil.Process(pid)
        family = [started, *started.children(recursive=True)]
    except psutil.Error:
        return False
    hidden = False
    for process in family:
        # psutil 6 renamed Process.connections to net_connections.
        sockets_of = getattr(process, "net_connections", None) or process.connections
        try:
            sockets = sockets_of(kind="tcp")
        except psutil.AccessDenied:
            hidden = True
            continue
        except psutil.Error:
            continue
        if any(s.status == psutil.CONN_LISTEN and s.laddr.port == port for s in sockets):
            return True
    return hidden and _answers(port)


def _answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def port_taken(output: str, *ports: int) -> bool:
    """Whether a server's start-up output says one of ``ports`` on 127.0.0.1 was taken."""
    return "Address already in use" in output and any(
        re.search(rf"127\.0\.0\.1:{port}\b", output) for port in ports
    )


def uwsgi_available() -> bool:
    return importlib.util.find_spec("pyuwsgi") is not None


class UwsgiPeer:
    """uWSGI with the echo app on ``echo_port`` and its HTTP router on ``router_port``."""

    def __init__(self, folder: Path, capture_address: str, echo_port: int, router_port: int):
        self.echo_port = echo_port
        self.router_port = router_port
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

    @classmethod
    def start(cls, folder: Path, capture_address: str, ports=None) -> UwsgiPeer:
        """uWSGI listening on two free ports (RuntimeError with its log if it cannot start).
        ``ports`` yields the ports to try, two per start: new free ones by default."""
        ports = iter(ports) if ports is not None else iter(free_port, None)
        for _ in range(PORT_TRIES):
            peer = cls(folder, capture_address, next(ports), next(ports))
            try:
                peer.wait_until_ready()
                return peer
            except PortTaken:
                peer.stop()
            except RuntimeError:
                peer.stop()
                raise
        raise RuntimeError(f"uWSGI found every port it was given taken ({PORT_TRIES} tries)")

    def wait_until_ready(self, seconds: float = 15.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.log_tail()
                if port_taken(log, self.echo_port, self.router_port):
                    raise PortTaken(f"uWSGI found a port taken:\n{log}")
                raise RuntimeError(f"uWSGI stopped at start-up:\n{log}")
            pid = self.process.pid
            if listens_on(pid, self.echo_port) and listens_on(pid, self.router_port):
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
