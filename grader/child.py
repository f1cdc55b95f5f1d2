"""Entry point of a grading child process: lock itself down, then run pytest.

Started by grader.runner as ``python -I -B -c BOOT SNAPSHOT CONFIG -- PYTEST_ARGS`` (on Linux
inside its own PID namespace, as its init). Before any learner code runs it sets hard resource
limits, gives up root when it was given a uid, and becomes the reaper of whatever it starts; at
the end it kills every process left behind. All here, inside the child, not in a preexec_fn:
the parent has threads.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys

PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38


def apply_limits(limits: dict) -> None:
    """Soft = hard: the learner's code cannot lift a limit it hits (without CAP_SYS_RESOURCE)."""
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the parent's wall-clock limit still applies
        return
    wanted = {
        "RLIMIT_AS": limits.get("memory_bytes"),
        "RLIMIT_CPU": limits.get("cpu_seconds"),
        "RLIMIT_FSIZE": limits.get("file_bytes"),
        # Per uid: set only when the child runs under a uid of its own (it would count the
        # user's other processes otherwise).
        "RLIMIT_NPROC": limits.get("processes"),
        "RLIMIT_CORE": 0,
    }
    for name, value in wanted.items():
        kind = getattr(resource, name, None)
        if kind is None or value is None:
            continue
        try:
            _soft, hard = resource.getrlimit(kind)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(kind, (value, value))
        except (ValueError, OSError):
            pass  # macOS refuses some limits (RLIMIT_AS): grade without them
    if hasattr(signal, "SIGXFSZ"):
        # Past the file-size limit a write fails with an OSError the test reports, not a silent kill.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def drop_privileges(uid: int | None, gid: int | None) -> None:
    """Run as the given unprivileged user from here on; no way back (no setuid programs either)."""
    if uid is not None:
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    _prctl(PR_SET_NO_NEW_PRIVS, 1)


def _prctl(option: int, value: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def reap() -> int:
    """Kill every process this child started and that is still there; how many."""
    if os.getpid() == 1:
        # The init of its own PID namespace: everything else in it is the learner's.
        return _kill_namespace()
    from grader.isolation import kill_tree

    return kill_tree(os.getpid())


def _kill_namespace() -> int:
    killed: set[int] = set()
    for _round in range(10):
        found = {int(entry) for entry in os.listdir("/proc") if entry.isdigit()} - {1} - killed
        if not found:
            break
        for pid in found:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        killed |= found
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0]:  # zombies stay listed until reaped
                pass
    return len(killed)


def main(argv: list[str]) -> int:
    config = json.loads(argv[0])
    pytest_args = argv[argv.index("--") + 1 :]
    apply_limits(config)
    drop_privileges(config.get("uid"), config.get("gid"))
    if os.getpid() != 1:
        # Orphans (a double fork, setsid) come back to this process, so they can be found.
        _prctl(PR_SET_CHILD_SUBREAPER, 1)
    # Ahead of the standard library only the snapshot's suite folder (its settings, because
    # pytest-django sets Django up before collection); the learner folder last, shadowing nothing.
    sys.path[0:0] = config.get("sys_path", [])
    sys.path.extend(config.get("sys_path_append", []))
    import pytest

    code = int(pytest.main(pytest_args))
    # Results are written and flushed by now. Exit at once: a learner thread that never ends
    # (a stuck worker, a non-daemon thread) must not hold the exercise until its time limit.
    sys.stdout.flush()
    sys.stderr.flush()
    reaped = reap()
    results_fd = config.get("results_fd")
    if results_fd is not None:
        with contextlib.suppress(OSError):
            os.write(results_fd, (json.dumps({"event": "reaped", "count": reaped}) + "\n").encode())
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
