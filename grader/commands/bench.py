"""`bench`: how long a learner waits. Prints each figure next to its target; never asserts.

Figures (median of --repeat runs, warm caches, bytecode cached as on a learner's machine):
- how fast this machine ran plain Python while the exercises were graded alone (a virtual
  machine's speed moves from run to run, and every figure with it);
- one pure-Python exercise graded end to end through `python -m grader` (a fresh interpreter);
- every exercise graded alone, end to end, on its solution, and the slowest of them (in rounds
  over all exercises, at least five);
- a warm `nox -s grade -- 04` (when the outer nox command is given);
- the grader's own overhead per exercise: child start-up and shutdown around the tests, plus
  scoring and reporting, measured on a one-test exercise of the fixture course;
- the parent's integrity checks per exercise (fingerprints before and after, a stat scan after
  each child, the flag scan) and the virtualenv check, which runs while the children do;
- a Celery worker's start, one task and stop, as a Celery suite pays it;
- all exercises on every core against the same run on one core (alternated, median of each);
- watch: from a saved file to its result, on a pure-Python exercise in a temporary copy;
- a fresh clone's first `nox -s hint` (when the outer nox command is given);
- the gradebook: seconds per submission of a generated class, cold and after a small change.
"""

from __future__ import annotations

import argparse
import io
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader.errors import UsageError
from grader.integrity import (
    ChangeWatch,
    Fingerprint,
    grading_roots,
    scan_learner_files,
    verify_installed_files,
)
from grader.isolation import CACHE_VARIABLE
from grader.manifest import GRADER_DIR, REPO_ROOT, Course, Exercise, load_course
from grader.output_lines import OutputLines
from grader.results import score_course, score_exercise
from grader.runner import run_exercise, run_exercises
from grader.selection import find
from grader.writers.json_report import to_dict
from grader.writers.terminal import make_console, print_report

FIXTURE_MANIFEST = REPO_ROOT / "tests" / "fixture_course" / "grader" / "course.toml"
# One exercise graded alone, warm, on its solution: what a learner waits for after each save.
# Django/DRF start-up alone (pytest, settings, migrations) takes about half of it.
ALONE_TARGET = 1.0
# From saving a file to watch's verdict on it: the grade itself plus noticing the save.
WATCH_TARGET = 1.5
# Sessions that only read the manifest run on nox's own interpreter: no virtualenv to build.
FRESH_HINT_TARGET = 2.0
# Alternated runs of local mode and of 2 workers behind the distributed overhead figure.
DISTRIBUTED_ROUNDS = 5


def bench(course: Course, nox_command: str | None = None, repeat: int = 3) -> int:
    console = make_console()
    # The grader's cache, as every nox session gives it one: without it each figure below would
    # be a cold run's, which a learner's second grade never is.
    if not os.environ.get(CACHE_VARIABLE):
        os.environ[CACHE_VARIABLE] = tempfile.mkdtemp(prefix="kata-bench-cache-")
    rows: list[tuple[str, float | None, float, str]] = []
    sample = (
        find(course, "04") if any(e.number == 4 for e in course.exercises) else course.exercises[0]
    )
    solutions = str(course.solutions_dir)

    grader_cli = [
        sys.executable,
        "-m",
        "grader",
        "grade",
        sample.id,
        "--target",
        solutions,
        "--exit-zero",
    ]
    rows.append(
        (
            f"python -m grader grade {sample.id} (end to end)",
            _median(repeat, _command(grader_cli)),
            1.0,
            "s",
        )
    )

    if nox_command:
        warm = [
            *shlex.split(nox_command),
            "-s",
            "grade",
            "--",
            sample.id,
            "--target",
            solutions,
            "--exit-zero",
        ]
        # Warms the virtualenv and the bytecode caches.
        subprocess.run(warm, cwd=REPO_ROOT, env=_as_on_a_learners_machine(), capture_output=True,
                       check=False)  # fmt: skip
        rows.append(
            (f"nox -s grade -- {sample.id} (warm)", _median(repeat, _command(warm)), 2.0, "s")
        )

    alone, machine = _each_exercise_alone(course, repeat)
    # Every figure moves with it: compare two runs' figures only where this one matches.
    rows.insert(0, ("this machine: 10⁷ additions in a Python loop", machine, float("inf"), "s"))
    for exercise, seconds in alone.items():
        rows.append((f"grade {exercise.folder} alone (end to end)", seconds, ALONE_TARGET, "s"))
    slowest = max(alone, key=alone.get)
    rows.append((f"slowest exercise alone: {slowest.folder}", alone[slowest], ALONE_TARGET, "s"))
    rows.append(("grader overhead per exercise", _median(repeat, _overhead), 0.25, "s"))
    rows.append(
        (
            "integrity checks per exercise (hashes, scans)",
            _median(repeat, lambda: _integrity_checks(course)),
            0.03,
            "s",
        )
    )
    cache = Path(tempfile.mkdtemp(prefix="kata-bench-")) / "verified.json"
    rows.append(
        (
            "virtualenv check, cold (beside the children)",
            _median(repeat, _timed(verify_installed_files)),
            0.5,
            "s",
        )
    )
    rows.append(
        (
            "virtualenv check, warm (beside the children)",
            _median(repeat, _timed(lambda: verify_installed_files(cache=cache))),
            0.05,
            "s",
        )
    )
    shutil.rmtree(cache.parent, ignore_errors=True)
    rows.append(
        (
            "Celery worker start, one task, stop (in-memory)",
            _median(repeat, _celery_in_fresh_process),
            0.5,
            "s",
        )
    )

    # Alternated, so that both meet the machine's slow moments alike.
    serial_times, parallel_times = [], []
    for _ in range(max(1, repeat)):
        serial_times.append(_grade_all(course, 1))
        parallel_times.append(_grade_all(course, os.cpu_count() or 1))
    serial, parallel = statistics.median(serial_times), statistics.median(parallel_times)
    rows.append((f"{len(course.exercises)} exercises: serial", serial, float("inf"), "s"))
    rows.append(
        (
            f"{len(course.exercises)} exercises on {os.cpu_count()} cores / serial",
            parallel / serial,
            0.6,
            "×",
        )
    )

    rows.append(
        ("watch: edit to result (pure-Python exercise)", _watch_edit_to_result(course, sample, repeat),
         WATCH_TARGET, "s")
    )  # fmt: skip
    if nox_command:
        rows.append(
            ("fresh clone: first `nox -s hint`", _median(repeat, _fresh_clone_hint(nox_command)),
             FRESH_HINT_TARGET, "s")
        )  # fmt: skip

    rows += _gradebook_figures(course)
    rows += _distributed_rows()

    # Imported here: the command line imports every verb, and some verbs run without rich.
    from rich.table import Table

    table = Table(title="Grading speed (median, warm)", title_justify="left")
    for name in ("figure", "measured", "target", ""):
        table.add_column(name, justify="left" if name == "figure" else "right")
    for name, value, target, unit in rows:
        verdict = "" if target == float("inf") else ("ok" if value <= target else "OVER")
        verdict = "FAILED" if value != value else verdict  # NaN: the command itself failed
        shown_target = "" if target == float("inf") else f"≤ {target:g} {unit}"
        measured = f"{value:.2f} {unit}" if value == value else "—"
        table.add_row(name, measured, shown_target, verdict)
    console.print(table)
    return 0


def _median(repeat: int, measure) -> float:
    return statistics.median(measure() for _ in range(max(1, repeat)))


def _command(argv: list[str]):
    def measure() -> float:
        started = time.perf_counter()
        subprocess.run(argv, cwd=REPO_ROOT, env=_as_on_a_learners_machine(), capture_output=True,
                       check=False)  # fmt: skip
        return time.perf_counter() - started

    return measure


def _as_on_a_learners_machine() -> dict[str, str]:
    """This environment, but Python caches bytecode, as it does by default: a machine that sets
    PYTHONDONTWRITEBYTECODE would compile the grader's modules on every grade, which no
    learner's does."""
    return {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def _each_exercise_alone(course: Course, repeat: int) -> tuple[dict[Exercise, float], float]:
    """Each exercise graded alone on its solution, as a learner grades one, warm: one run each
    first (it keeps the exercise's snapshot), then ``repeat`` rounds over all of them (at least
    five), the median per exercise. In rounds, a slow moment of the machine (a virtual one
    varies by a fifth from second to second) lands on every exercise, not on one. Also the
    median of a plain Python loop timed once a round: how fast the machine was meanwhile."""

    def grade_one(exercise: Exercise):
        argv = [sys.executable, "-m", "grader", "grade", exercise.id]
        return _command([*argv, "--target", str(course.solutions_dir), "--exit-zero"])

    measures = {exercise: grade_one(exercise) for exercise in course.exercises}
    for measure in measures.values():
        measure()
    times: dict[Exercise, list[float]] = {exercise: [] for exercise in course.exercises}
    loops = []
    for _round in range(max(5, repeat)):
        loops.append(_timed(_python_loop)())
        for exercise, measure in measures.items():
            times[exercise].append(measure())
    alone = {exercise: statistics.median(seconds) for exercise, seconds in times.items()}
    return alone, statistics.median(loops)


def _overhead() -> float:
    fixture = load_course(FIXTURE_MANIFEST)
    exercise = find(fixture, "greeter")
    run = run_exercise(exercise, fixture.solutions_dir)
    started = time.perf_counter()
    result = score_course([run], fixture.solutions_dir)
    from rich.console import Console

    print_report(Console(file=io.StringIO()), result)
    to_dict(result)
    reporting = time.perf_counter() - started
    tests = sum(test.duration for test in score_exercise(run).tests)
    return run.duration - tests + reporting


def _python_loop() -> int:
    total = 0
    for number in range(10**7):
        total += number
    return total


def _timed(function):
    def measure() -> float:
        started = time.perf_counter()
        function()
        return time.perf_counter() - started

    return measure


def _integrity_checks(course: Course) -> float:
    """What grade() adds around the children, per exercise, for the whole course."""
    started = time.perf_counter()
    roots = grading_roots(course.root, GRADER_DIR, course.suites_dir) + [
        course.solutions_dir / exercise.folder for exercise in course.exercises
    ]
    before = Fingerprint.of(roots)
    watch = ChangeWatch(roots)
    for _ in course.exercises:
        watch.check()
    before.changes(Fingerprint.of(roots, earlier=before))
    for exercise in course.exercises:
        scan_learner_files(course.solutions_dir / exercise.folder)
    return (time.perf_counter() - started) / len(course.exercises)


def _pong() -> str:
    return "pong"


def _celery_in_fresh_process() -> float:
    # One worker per process, as in a grading child: Celery's worker state is process-global.
    code = "from grader.commands.bench import _celery_round_trip; print(_celery_round_trip())"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def _celery_round_trip() -> float:
    """What a Celery suite pays for its worker: start it, run one task through it, stop it."""
    from celery import Celery

    from grader.brokers import choose, running_worker

    broker = choose({})
    app = Celery("bench", set_as_current=False)
    app.conf.update(broker.celery_config())
    ping = app.task(name="bench.ping")(_pong)
    app.task(name="celery.ping")(_pong)  # what running_worker sends to wake the loop
    started = time.perf_counter()
    with running_worker(app, wait_on_exit=0):
        ping.delay().get(timeout=10, interval=0.01)
    return time.perf_counter() - started


def _grade_all(course: Course, jobs: int) -> float:
    started = time.perf_counter()
    run_exercises(list(course.exercises), Path(course.solutions_dir), jobs=jobs)
    return time.perf_counter() - started


# A class for the gradebook figures: big enough to fill the cores, small enough for minutes.
GRADEBOOK_CLASS = 10
# Submissions per minute on 2 cores, full course: cold, and after one student in ten pushed a
# change to one exercise (every other result comes from the cache).
GRADEBOOK_COLD_PER_MINUTE = 6
GRADEBOOK_REGRADE_PER_MINUTE = 60


def _gradebook_figures(course: Course, students: int = GRADEBOOK_CLASS) -> list[tuple]:
    """`python -m grader gradebook` over a generated class of solved submissions, each with
    content of its own (so nothing is shared through the cache): seconds per submission, cold
    and after one student in ten changed one exercise."""
    with tempfile.TemporaryDirectory(prefix="kata-bench-class-") as scratch:
        folder = Path(scratch) / "bench-submissions"
        for number in range(students):
            exercises = folder / f"student{number:02d}" / "exercises"
            shutil.copytree(
                course.solutions_dir, exercises, ignore=shutil.ignore_patterns("__pycache__")
            )
            for exercise in course.exercises:
                _append(exercises / exercise.folder / exercise.files[0], f"# student {number}")
        argv = [sys.executable, "-m", "grader", "gradebook", str(folder),
                "--out", str(Path(scratch) / "out")]  # fmt: skip
        cold = _command(argv)()
        first = course.exercises[0]
        for number in range(max(1, students // 10)):
            changed = folder / f"student{number:02d}" / "exercises" / first.folder / first.files[0]
            _append(changed, "# pushed again")
        regrade = _command(argv)()
    return [
        (f"gradebook: {students} submissions, cold ({60 * students / cold:.1f}/min, "
         f"target ≥ {GRADEBOOK_COLD_PER_MINUTE}/min)",
         cold / students, 60 / GRADEBOOK_COLD_PER_MINUTE, "s"),
        (f"gradebook: regrade after 1 in 10 changed one exercise ({60 * students / regrade:.0f}"
         f"/min, target ≥ {GRADEBOOK_REGRADE_PER_MINUTE}/min)",
         regrade / students, 60 / GRADEBOOK_REGRADE_PER_MINUTE, "s"),
    ]  # fmt: skip


def _append(path: Path, comment: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{comment}\n", encoding="utf-8")


HELP = "time the grader and print each figure next to its target"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--nox", help="command that runs nox, to time a warm `nox -s grade`")
    parser.add_argument("--repeat", type=int, default=3)


def handle(args: argparse.Namespace, course: Course) -> int:
    if not (course.solutions_dir.is_dir() and FIXTURE_MANIFEST.is_file()):
        raise UsageError(
            "bench needs solutions/ and tests/, which the student copy does not have: "
            "run it in the course's own repository"
        )
    return bench(course, nox_command=args.nox, repeat=args.repeat)


def _watch_edit_to_result(course: Course, exercise: Exercise, repeat: int) -> float:
    """`watch` on a temporary copy of a stub: save its solution, time until watch says it
    passes; save the stub back, wait until it watches again; the median of ``repeat`` saves."""
    with tempfile.TemporaryDirectory(prefix="kata-bench-watch-") as scratch:
        target = Path(scratch) / "exercises"
        shutil.copytree(course.exercises_dir / exercise.folder, target / exercise.folder)
        texts = {
            name: (
                (course.exercises_dir / exercise.folder / name).read_text(encoding="utf-8"),
                (course.solutions_dir / exercise.folder / name).read_text(encoding="utf-8"),
            )
            for name in exercise.files
        }
        watcher = _OutputReader(
            [sys.executable, "-m", "grader", "watch", exercise.id, "--target", str(target)]
        )
        try:
            watcher.wait_for(f"Watching {exercise.folder}")
            timings = []
            for _ in range(max(1, repeat)):
                started = time.perf_counter()
                for name, (_, solved) in texts.items():
                    (target / exercise.folder / name).write_text(solved, encoding="utf-8")
                watcher.wait_for(f"{exercise.folder} passes")
                timings.append(time.perf_counter() - started)
                for name, (stub, _) in texts.items():
                    (target / exercise.folder / name).write_text(stub, encoding="utf-8")
                watcher.wait_for(f"Watching {exercise.folder}")
        finally:
            watcher.stop()
    return statistics.median(timings)


class _OutputReader:
    """A command's output, line by line, as it comes; each wait looks at lines not yet seen."""

    def __init__(self, argv: list[str], seconds: float = 120) -> None:
        environ = {**_as_on_a_learners_machine(), "PYTHONUNBUFFERED": "1"}
        environ.pop("KATA_WATCH_POLL", None)
        self.seconds = seconds
        self.process = subprocess.Popen(
            argv, cwd=REPO_ROOT, env=environ, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, encoding="utf-8",
        )  # fmt: skip
        self.lines = OutputLines(self.process)
        self.seen = 0

    def wait_for(self, text: str) -> None:
        if not self.lines.wait_for(text, self.seconds, after=self.seen):
            raise RuntimeError(f"watch never printed {text!r}")
        self.seen = next(
            number + 1
            for number in range(self.seen, len(self.lines))
            if text in self.lines.lines[number]
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _fresh_clone_hint(nox_command: str):
    """A new clone of this repository (its last commit), no .nox folder: time `nox -s hint`."""
    words = shlex.split(nox_command)
    nox = words[: words.index("-f")] if "-f" in words else words

    def measure() -> float:
        with tempfile.TemporaryDirectory(prefix="kata-bench-clone-") as scratch:
            clone = Path(scratch) / "course"
            subprocess.run(["git", "clone", "--quiet", str(REPO_ROOT), str(clone)], check=True)
            started = time.perf_counter()
            done = subprocess.run([*nox, "-f", str(clone / "noxfile.py"), "-s", "hint", "--", "01"],
                                  cwd=clone, capture_output=True, check=False)  # fmt: skip
            return time.perf_counter() - started if done.returncode == 0 else float("nan")

    return measure


def _distributed_rows() -> list[tuple[str, float, float, str]]:
    """6 fixture-course submissions (3 solved, 3 stubs) graded by 1 and by 2 grading workers
    (started by the verb) against a redis-server of its own, and in local mode; nothing from a
    cache. Local mode and 2 workers alternate, DISTRIBUTED_ROUNDS times; the 2 workers sit idle
    (blocked on the broker) while local mode runs. With 3 submissions a worker, one slower than
    the others moves a run by a tenth: the overhead is the median of the rounds' ratios."""
    from grader.gradebook import batch
    from grader.gradebook.cache import ResultCache, grader_fingerprint
    from grader.gradebook.remote import EXERCISE, SUBMISSION, grade_class_remote
    from grader.gradebook.submissions import find_submissions

    server = shutil.which("redis-server")
    nan, inf = float("nan"), float("inf")
    fixture = load_course(FIXTURE_MANIFEST)
    names = ["local mode", "1 worker", "2 workers", "2 workers, one task per exercise"]
    if server is None:
        return [(f"gradebook, {name}: submissions per minute", nan, inf, "/min") for name in names]
    scratch = Path(tempfile.mkdtemp(prefix="kata-bench-distributed-"))
    port = _free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    redis = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    workers: list[subprocess.Popen] = []
    try:
        for number in range(6):
            source = fixture.solutions_dir if number % 2 else fixture.exercises_dir
            shutil.copytree(source, scratch / "class" / f"student{number}")
        submissions = find_submissions(scratch / "class", fixture)
        cache = ResultCache(scratch / "cache", grader_fingerprint(fixture))

        def timed(grade) -> float:
            works = batch.plan_class(fixture, submissions, cache, use_cache=False)
            started = time.perf_counter()
            grade(works)
            return time.perf_counter() - started

        def remote(granularity: str):
            return lambda works: grade_class_remote(
                fixture, works, cache, broker=broker, granularity=granularity
            )

        def local(works) -> None:
            batch.grade_class(fixture, works, cache)

        seconds: dict[str, float] = {}
        cores = os.cpu_count() or 1
        workers.append(_bench_worker(broker, scratch / "w1", jobs=cores))
        seconds["1 worker"] = timed(remote(SUBMISSION))
        _stop_workers(workers)
        workers[:] = [_bench_worker(broker, scratch / f"w2-{n}", jobs=max(1, cores // 2))
                      for n in range(2)]  # fmt: skip
        # The overhead compares two runs of several seconds each on a machine whose speed moves
        # from second to second: alternated, each pair run back to back, and the median of the
        # pairs' ratios (a slow stretch of the machine lands on both runs of a pair).
        pairs = [(timed(local), timed(remote(SUBMISSION))) for _round in range(DISTRIBUTED_ROUNDS)]
        seconds["local mode"] = statistics.median(pair[0] for pair in pairs)
        seconds["2 workers"] = statistics.median(pair[1] for pair in pairs)
        overhead = statistics.median(
            remote_time / local_time - 1 for local_time, remote_time in pairs
        )
        seconds["2 workers, one task per exercise"] = timed(remote(EXERCISE))
    finally:
        _stop_workers(workers)
        redis.terminate()
        redis.wait(timeout=10)
        shutil.rmtree(scratch, ignore_errors=True)
    rows = [(f"gradebook, {name}: submissions per minute", 6 * 60 / seconds[name], inf, "/min")
            for name in names]  # fmt: skip
    rows.append(("distributed overhead per submission over local (same cores)", overhead * 100,
                 10, "%"))  # fmt: skip
    return rows


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _bench_worker(broker: str, folder: Path, jobs: int) -> subprocess.Popen:
    folder.mkdir(parents=True)
    log = folder / "worker.log"
    command = [sys.executable, "-m", "grader", "--course", str(FIXTURE_MANIFEST), "grading-worker",
               "--broker", broker, "--jobs", str(jobs), "--cache", str(folder / "cache")]  # fmt: skip
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while b" ready." not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the grading worker did not start: {log.read_text()[-500:]}")
        time.sleep(0.1)
    return process


def _stop_workers(workers: list[subprocess.Popen]) -> None:
    for process in workers:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in workers:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    workers.clear()
