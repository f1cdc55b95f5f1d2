"""Entry point of a grading child process: apply resource limits, then run pytest.

Started by grader.runner as ``python -I -B -c BOOT ROOT CONFIG -- PYTEST_ARGS``. Limits are set
here, inside the child, before any learner code runs (no preexec_fn: the parent has threads).
"""

from __future__ import annotations

import json
import os
import signal
import sys


def apply_limits(limits: dict) -> None:
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the parent's wall-clock limit still applies
        return
    wanted = {
        "RLIMIT_AS": limits.get("memory_bytes"),
        "RLIMIT_CPU": limits.get("cpu_seconds"),
        "RLIMIT_FSIZE": limits.get("file_bytes"),
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
            resource.setrlimit(kind, (value, hard))
        except (ValueError, OSError):
            pass  # macOS refuses some limits (RLIMIT_AS): grade without them
    if hasattr(signal, "SIGXFSZ"):
        # Past the file-size limit a write fails with an OSError the test reports, not a silent kill.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def main(argv: list[str]) -> int:
    config = json.loads(argv[0])
    pytest_args = argv[argv.index("--") + 1 :]
    sys.path[0:0] = config.get("sys_path", [])
    sys.path.extend(config.get("sys_path_append", []))
    apply_limits(config)
    import pytest

    code = int(pytest.main(pytest_args))
    # Results are written and flushed by now. Exit at once: a learner thread that never ends
    # (a stuck worker, a non-daemon thread) must not hold the exercise until its time limit.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
