"""`grading-worker`: grade the gradebook's submissions sent through a broker, on this machine.

It becomes `celery -A grader.distributed worker -Q kata-grading` on the grader's own
interpreter: the tasks it takes are graded by this copy of the course (its grader, suites and
limits), so a worker machine needs a clone of the same course version and nothing of the
instructor's. Stop it with Ctrl-C: the task in hand is finished first (a second Ctrl-C stops at
once; that task is then graded by another worker).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
from pathlib import Path

from grader.errors import UsageError
from grader.manifest import REPO_ROOT, Course

HELP = "grade gradebook submissions sent through a broker (a Celery worker of this course)"

# `-P` and the root appended last: a stray module in the current folder is never imported
# instead of one the worker needs (as noxfile.GRADER_BOOT does for the grader).
_CELERY_BOOT = (
    "import sys; sys.path.append(sys.argv.pop(1)); sys.argv[0] = 'celery'; "
    "from celery.__main__ import main; sys.exit(main())"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--broker",
        metavar="URL",
        default=os.environ.get("KATA_GRADING_BROKER"),
        help="the broker the gradebook sends to, e.g. redis://:PASSWORD@host:6379/0 "
        "(default: $KATA_GRADING_BROKER)",
    )
    parser.add_argument(
        "--backend",
        metavar="URL",
        default=os.environ.get("KATA_GRADING_BACKEND"),
        help="where reports go back (default: the broker's URL for Redis; $KATA_GRADING_BACKEND)",
    )
    parser.add_argument(
        "--concurrency", type=int, default=1, metavar="N", help="submissions graded at once (1)"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="exercises of one submission graded at once (default: CPU count / concurrency)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        metavar="DIR",
        help="this worker's result cache (default: .kata/grading-worker-cache in the course)",
    )
    parser.add_argument(
        "--hostname", metavar="NAME", help="the worker's name (default: kata@HOST.PID)"
    )


def handle(args: argparse.Namespace, course: Course) -> int:
    from grader import distributed

    if not args.broker:
        raise UsageError(
            "no broker: give the gradebook's, e.g. `nox -s grading-worker -- --broker "
            "redis://:PASSWORD@grading-host:6379/0` (or set KATA_GRADING_BROKER)"
        )
    for name in ("concurrency", "jobs"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise UsageError(f"--{name} {value}: give 1 or more")
    jobs = args.jobs or max(1, (os.cpu_count() or 1) // args.concurrency)
    app = distributed.make_app(args.broker, args.backend, course)
    distributed.check_broker(app)  # one line now, rather than a worker retrying for ever
    env = {
        **os.environ,
        distributed.BROKER_VARIABLE: args.broker,
        distributed.COURSE_VARIABLE: str(course.root / "grader" / "course.toml"),
        distributed.JOBS_VARIABLE: str(jobs),
    }
    # As the nox sessions do: the grader's cache (installed packages hashed once, then checked by
    # stat; the compiled snapshot its children read).
    env.setdefault("KATA_CACHE_DIR", str(Path(sys.prefix) / ".kata-cache"))
    if args.backend:
        env[distributed.BACKEND_VARIABLE] = args.backend
    if args.cache:
        env[distributed.CACHE_VARIABLE] = str(args.cache.resolve())
    hostname = args.hostname or f"kata@{platform.node()}.{os.getpid()}"
    argv = [
        sys.executable, "-P", "-c", _CELERY_BOOT, str(REPO_ROOT),
        "-A", "grader.distributed", "worker", "-l", "info", "-Q", distributed.QUEUE,
        "--concurrency", str(args.concurrency), "-n", hostname, "--without-mingle",
        "--without-gossip",
    ]  # fmt: skip
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        # The worker takes this process's place: its PID is the one to signal.
        os.execve(sys.executable, argv, env)
    return subprocess.call(argv, env=env)
