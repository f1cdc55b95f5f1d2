"""What a test needs to see through the grading sandbox: processes by ancestry or PID namespace
(never by name), and a channel learner code can report on from inside any child."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import tempfile
import time
from pathlib import Path

from grader import isolation


def alive(pid: int) -> bool:
    """Running or stopped; a zombie only waits for its new parent to collect its exit status."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    return stat[stat.rindex(b")") + 2 :][:1] != b"Z"


def processes_in_namespace(link: str) -> list[int]:
    """Live processes whose PID namespace is ``link`` (as /proc/PID/ns/pid reads)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.readlink(f"/proc/{entry}/ns/pid") == link and alive(int(entry)):
                    found.append(int(entry))
            except OSError:
                continue
    return found


def living_descendants() -> list[int]:
    return [pid for pid in isolation.descendants(os.getpid()) if alive(pid)]


def assert_left_nothing_running(namespace: str, pid: int, seconds: float = 5.0) -> None:
    """The process ``pid`` (as seen in ``namespace``) and everything in a private namespace are
    gone: a child's own PID namespace must be empty; without one, the pid itself must be dead."""
    own = os.readlink("/proc/self/ns/pid")
    deadline = time.monotonic() + seconds
    while True:
        left = processes_in_namespace(namespace) if namespace != own else [pid] * alive(pid)
        left += living_descendants()
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert not left, f"processes started by learner code still run after grading: {left}"


class Beacon:
    """A datagram socket in a folder of its own: learner code sends it JSON from inside the
    sandbox, where it can write no file the test could read (everything but its work folder is
    read-only) and reach no network address of the machine (its network is its own). A
    socket file is still reachable through a read-only view, where the folder holding it is
    not hidden (grader.isolation.HIDDEN_FOLDERS: the test keeps it in sight)."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="kata-beacon-")
        os.chmod(self.folder, 0o755)  # a child under another uid reaches it too
        self.path = os.path.join(self.folder, "beacon")
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(self.path)
        os.chmod(self.path, 0o777)

    def send_code(self, expression: str) -> str:
        """One line of Python that sends ``expression`` (JSON-able) to the beacon."""
        return (
            "__import__('socket').socket(1, 2).sendto("
            f"__import__('json').dumps({expression}).encode(), {self.path!r})"
        )

    def received(self) -> list:
        """Everything sent so far (grading is over when this is called)."""
        self.socket.setblocking(False)
        messages = []
        while True:
            try:
                messages.append(json.loads(self.socket.recv(65536)))
            except BlockingIOError:
                return messages

    def close(self) -> None:
        self.socket.close()
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def loopback_listener():
    """A socket listening on the machine's loopback that accepts no one by itself: what another
    program's server (or another child's) is to the code under test."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        yield server


def contacted(server: socket.socket) -> bool:
    """Whether anyone connected to a loopback_listener."""
    try:
        server.accept()[0].close()
    except BlockingIOError:
        return False
    return True
