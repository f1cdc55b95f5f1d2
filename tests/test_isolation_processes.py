"""The child side of isolation, attacked for real: learner code in exercise 01 (adder) of a copy
of the fixture course tries each path to a false pass or a broken report, and fails.

Each case shows that the attack changed nothing: no false pass, the bystander (02, greeter) is
still graded right, no file changed on disk, no process is left (found by ancestry or by PID
namespace, never by name). Learner code reports what it saw through its own results file
(``probe`` events): the only channel a child has to the grader.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from processes import (
    alive,
    contacted,
    living_descendants,
    loopback_listener,
    processes_in_namespace,
)

import grader
from grader import isolation
from grader.manifest import load_course
from grader.results import score_exercise
from grader.runner import ChildRun, run_pairs

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
LINUX = sys.platform.startswith("linux")
needs_linux = pytest.mark.skipif(not LINUX, reason="PID namespaces and subreapers are Linux's")

SOLVED_ADDER = "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n\n\ndef total(items):\n    return sum(items)\n"  # noqa: E501
STUB_GREETER = "def greet(name):\n    raise NotImplementedError\n"
SOLVED_GREETER = 'def greet(name):\n    return f"Hello, {name}!"\n'
# Learner code's way to tell the test what it saw: a line in its own results file.
PROBE = textwrap.dedent("""
    import json as _json, os as _os, sys as _sys

    def probe(**fields):
        line = _json.dumps({"event": "probe", **fields}) + "\\n"
        _os.write(_json.loads(_sys.argv[1])["results_fd"], line.encode())
""")


@pytest.fixture
def course(tmp_path):
    """A private copy of the fixture course: an attack that got through cannot harm the real one."""
    copy = tmp_path / "course"
    shutil.copytree(HERE / "fixture_course", copy)
    return load_course(copy / "grader" / "course.toml")


@pytest.fixture
def target(tmp_path, course):
    def build(files: dict[str, str]) -> Path:
        folder = tmp_path / "target"
        shutil.copytree(course.solutions_dir, folder, dirs_exist_ok=True)
        for relative, text in files.items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return folder

    return build


def grade(course, target: Path, *slugs: str, jobs: int = 1) -> dict[str, ChildRun]:
    """Grade the exercises in the order given (one at a time unless ``jobs``), as Classroom does."""
    chosen = [next(e for e in course.exercises if e.slug == slug) for slug in slugs]
    runs = run_pairs([(exercise, target) for exercise in chosen], jobs=jobs)
    return {run.exercise.slug: run for run in runs}


def attack(source: str) -> dict[str, str]:
    """Exercise 01 solved, with the attack run when the suite imports it."""
    return {"01_adder/adder.py": PROBE + textwrap.dedent(source) + "\n" + SOLVED_ADDER}


def probes(run: ChildRun) -> list[dict]:
    return run.events_of("probe")


def run_in_python(script: str) -> subprocess.CompletedProcess:
    """``script`` in a fresh interpreter that imports this checkout's grader (grader.child's
    start-up pieces change process-wide state: never in the test process)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        cwd=Path(grader.__file__).parent.parent,
    )


def assert_bystander_fails(run: ChildRun) -> None:
    """The greeter is a stub: whatever the attacker did, it must not pass."""
    result = score_exercise(run)
    assert result.status == "fail" and result.points == 0, (result.status, run.output_tail)


def tree_hashes(*roots: Path) -> dict[str, str]:
    hashes = {}
    for root in roots:
        paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in paths:
            if "__pycache__" not in path.parts:
                hashes[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def test_a_json_py_or_grader_package_in_a_learner_or_course_folder_is_never_imported(
    course, target
):
    poison = "raise SystemExit('a learner file shadowed the standard library or the grader')\n"
    course_root = course.solutions_dir.parent
    for place in (course_root, course_root / "grader"):
        (place / "json.py").write_text(poison, encoding="utf-8")
    folder = target({
        "json.py": poison,
        "01_adder/json.py": poison,
        "01_adder/pytest.py": poison,
        "grader/__init__.py": poison,
        "grader/plugin.py": poison,
        "01_adder/grader/__init__.py": poison,
        "01_adder/grader/plugin.py": poison,
    })  # fmt: skip
    runs = grade(course, folder, "adder", "greeter")
    for run in runs.values():
        result = score_exercise(run)
        assert result.status == "pass" and result.points == result.max_points, run.output_tail


def test_rewriting_suites_the_grader_or_the_virtualenv_changes_nothing(course, target):
    # The files of the course copy and the snapshot are forged for real. The grader's own code
    # and the grading virtualenv are shared with other work: they are only opened for writing
    # (which changes nothing), to show the child could not.
    shared = [Path(grader.__file__).parent / "plugin.py", Path(pytest.__file__)]
    course_suites = course.solutions_dir.parent / "grader" / "suites"
    forged_test = "def test_greets_by_name():\n    pass\n"
    folder = target({
        "02_greeter/greeter.py": STUB_GREETER,
        **attack(f"""
            import grader, pathlib, sys
            snapshot_suites = pathlib.Path(sys.modules["test_adder"].__file__).parents[1]
            forged = []
            for path in [
                snapshot_suites / "02_greeter" / "test_greeter.py",
                pathlib.Path(grader.__file__).parent / "plugin.py",
                pathlib.Path({str(course_suites / "02_greeter" / "test_greeter.py")!r}),
            ]:
                try:
                    try:
                        path.chmod(0o644)
                    except OSError:
                        pass
                    path.write_text({forged_test!r})
                    forged.append(str(path))
                except OSError:
                    pass
            for path in {[str(path) for path in shared]!r}:
                try:
                    open(path, "a").close()
                    forged.append(path)
                except OSError:
                    pass
            probe(forged=forged)
        """),
    })  # fmt: skip
    before = tree_hashes(course_suites, *shared)
    first = grade(course, folder, "adder", "greeter")
    second = grade(course, folder, "greeter")  # a later run, as every later push
    assert probes(first["adder"]) == [{"event": "probe", "forged": []}]
    assert_bystander_fails(first["greeter"])
    assert_bystander_fails(second["greeter"])
    assert tree_hashes(course_suites, *shared) == before


@needs_linux
def test_a_child_can_neither_see_nor_signal_nor_forge_its_siblings_or_the_grader(
    course, target, tmp_path
):
    # A stand-in for the grader, found by its PID as a learner would read it in /proc.
    stand_in = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    forged_result = json.dumps({
        "event": "result", "name": "02_greeter/test_greeter.py::test_greets_by_name",
        "status": "passed", "message": "", "duration": 0.0,
    })  # fmt: skip
    try:
        folder = target({
            "02_greeter/greeter.py": STUB_GREETER,
            **attack(f"""
                import glob, json, os, signal, sys, time
                # Only this grade run's children are attacked (their command lines name its
                # snapshot), and the stand-in: were the defence gone, nothing else is touched.
                this_run = os.fsencode(json.loads(sys.argv[1])["sys_path"][0]).rsplit(b"/", 2)[0]
                if b"kata" not in this_run or len(this_run) < 12:  # never a prefix of everything
                    raise SystemExit(f"cannot tell this run's snapshot: {{this_run!r}}")
                seen, signalled, written = set(), [], []
                for _ in range(10):  # a while: the sibling is starting meanwhile
                    for entry in os.listdir("/proc"):
                        if not entry.isdigit() or int(entry) in (os.getpid(), 1):
                            continue
                        pid = int(entry)
                        try:
                            command = open(f"/proc/{{pid}}/cmdline", "rb").read().split(b"\\0")
                        except OSError:
                            continue
                        seen.add(pid)
                        sibling = any(this_run in part for part in command)
                        if not sibling and pid != {stand_in.pid}:
                            continue
                        for sig in (signal.SIGSTOP, signal.SIGKILL):
                            try:
                                os.kill(pid, sig)
                                signalled.append(pid)
                            except OSError:
                                pass
                        if not sibling:
                            continue
                        for fd in glob.glob(f"/proc/{{pid}}/fd/*"):  # its results file
                            try:
                                with open(fd, "a") as handle:
                                    handle.write({forged_result!r} + "\\n")
                                written.append(fd)
                            except OSError:
                                pass
                        if b"--kata-exercise-dir" in command:  # its copy of the learner folder
                            folder = command[command.index(b"--kata-exercise-dir") + 1]
                            try:
                                with open(os.path.join(folder, b"greeter.py"), "w") as handle:
                                    handle.write({SOLVED_GREETER!r})
                                written.append(os.fsdecode(folder))
                            except OSError:
                                pass
                    for sig in (signal.SIGSTOP, signal.SIGKILL):
                        try:
                            os.kill({stand_in.pid}, sig)
                            signalled.append({stand_in.pid})
                        except OSError:
                            pass
                    time.sleep(0.04)
                probe(seen=sorted(seen), signalled=signalled, written=written)
            """),
        })  # fmt: skip
        runs = grade(course, folder, "adder", "greeter", jobs=2)
        stand_in_state = Path(f"/proc/{stand_in.pid}/stat").read_bytes()
    finally:
        stand_in.kill()
        stand_in.wait()
    seen = probes(runs["adder"])
    assert seen, runs["adder"].output_tail
    assert seen[0]["signalled"] == [] and seen[0]["written"] == [], seen
    # Its own namespace: nothing but its own processes (none here) is visible.
    assert seen[0]["seen"] == [], seen
    assert stand_in_state[stand_in_state.rindex(b")") + 2 :][:1] in (b"S", b"R")
    assert_bystander_fails(runs["greeter"])
    assert runs["greeter"].events_of("probe") == []


def _daemon(report: Path) -> str:
    # Double fork, a new session, a harmless name: escapes a process group and any name match.
    return f"""
        import ctypes, os, time
        ready, said = os.pipe()
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                ctypes.CDLL(None).prctl(15, b"kworker/0:1", 0, 0, 0)  # PR_SET_NAME
                probe(daemon=os.getpid(), namespace=os.readlink("/proc/self/ns/pid"))
                os.write(said, b"!")  # grading goes on only once the daemon has said it
                while True:  # forge the report as soon as the grader has written it
                    try:
                        if open({str(report)!r}).read() == "final report":
                            open({str(report)!r}, "w").write("forged report")
                    except OSError:
                        pass
                    time.sleep(0.02)
            os._exit(0)
        os.wait()
        os.read(ready, 1)
    """


def _assert_daemon_gone(run: ChildRun, report: Path) -> None:
    # What the grader does once every child is done: write its report.
    report.write_text("final report", encoding="utf-8")
    (seen,) = probes(run)
    assert living_descendants() == []
    if seen["namespace"] != os.readlink("/proc/self/ns/pid"):
        assert processes_in_namespace(seen["namespace"]) == []
    else:
        assert not alive(seen["daemon"])
    assert run.isolation["reaped"] >= 1
    assert report.read_text(encoding="utf-8") == "final report"


@needs_linux
def test_a_setsid_daemon_that_renamed_itself_is_gone_when_grading_returns(course, target, tmp_path):
    report = tmp_path / "report.json"
    folder = target(attack(_daemon(report)))
    runs = grade(course, folder, "adder")
    assert score_exercise(runs["adder"]).status == "pass"
    _assert_daemon_gone(runs["adder"], report)


@needs_linux
def test_without_namespaces_the_daemon_is_still_reaped_by_ancestry(
    course, target, tmp_path, monkeypatch
):
    """Where namespaces are refused (an unprivileged runner), the child is a subreaper."""
    monkeypatch.setattr(isolation, "launcher", lambda: isolation.Launcher(notes=("refused",)))
    report = tmp_path / "report.json"
    folder = target(attack(_daemon(report)))
    runs = grade(course, folder, "adder")
    assert runs["adder"].isolation["pid_namespace"] is False
    assert "refused" in runs["adder"].isolation["notes"]
    _assert_daemon_gone(runs["adder"], report)


@pytest.mark.skipif(os.name != "posix", reason="no resource limits on Windows")
def test_a_child_cannot_lift_its_limits(course, target):
    folder = target(
        attack("""
        import resource
        limits = {}
        for name in ("RLIMIT_AS", "RLIMIT_FSIZE", "RLIMIT_CPU", "RLIMIT_CORE"):
            kind = getattr(resource, name)
            soft, hard = resource.getrlimit(kind)
            for wanted in ((hard, hard), (resource.RLIM_INFINITY, resource.RLIM_INFINITY)):
                try:
                    resource.setrlimit(kind, wanted)
                except (ValueError, OSError):
                    pass
            limits[name] = (soft, hard, resource.getrlimit(kind))
        probe(limits=limits)
        hog = []
        try:
            while len(hog) < 64:
                hog.append(bytearray(64 * 2**20))
            probe(hog="4 GiB held past the memory limit")
        except MemoryError:
            del hog
    """)
    )
    (run,) = grade(course, folder, "adder").values()
    (seen,) = [event for event in probes(run) if "limits" in event]
    memory = run.exercise.limits.memory_mb * 2**20
    for name, (soft, hard, after) in seen["limits"].items():
        assert soft == hard == after[0] == after[1], (name, soft, hard, after)
    if sys.platform.startswith("linux"):
        assert seen["limits"]["RLIMIT_AS"][0] == memory
        assert seen["limits"]["RLIMIT_FSIZE"][0] == 128 * 2**20
    assert not [event for event in probes(run) if "hog" in event]


def test_a_child_cannot_import_requests_which_only_docker_fixtures_need(course, target):
    folder = target(
        attack("""
        try:
            import requests
        except ImportError as error:
            probe(imported=False, error=type(error).__name__)
        else:
            probe(imported=True, error=None)
    """)
    )
    (run,) = grade(course, folder, "adder").values()
    (seen,) = probes(run)
    assert seen == {"event": "probe", "imported": False, "error": "ModuleNotFoundError"}, seen
    assert score_exercise(run).status == "pass", run.output_tail


def test_a_child_runs_pyyaml_on_its_first_use_not_on_import(course, target):
    folder = target(
        attack("""
        import sys as _sys
        import yaml
        ran_on_import = "yaml.reader" in _sys.modules
        loaded = yaml.safe_load("points: [1, 2]")
        from yaml import safe_dump
        probe(
            ran_on_import=ran_on_import,
            loaded=loaded,
            dumped=safe_dump({"a": 1}),
            ran_on_use="yaml.reader" in _sys.modules,
        )
    """)
    )
    (run,) = grade(course, folder, "adder").values()
    (seen,) = probes(run)
    assert seen == {
        "event": "probe",
        "ran_on_import": False,
        "loaded": {"points": [1, 2]},
        "dumped": "a: 1\n",
        "ran_on_use": True,
    }, seen
    assert score_exercise(run).status == "pass", run.output_tail


def test_a_module_run_on_first_use_that_fails_is_gone_as_after_a_failed_import(tmp_path):
    (tmp_path / "kata_breaks.py").write_text("value = 1\nraise RuntimeError('boom')\n")
    script = f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        from grader import child
        child.LOADED_ON_FIRST_USE = ("kata_breaks",)
        child.load_on_first_use()
        import kata_breaks
        try:
            kata_breaks.value
        except RuntimeError as error:
            print((str(error), "kata_breaks" in sys.modules), flush=True)
        import kata_breaks
    """
    shown = run_in_python(script)
    # The second import runs the module again (and fails again), as Python's own would.
    assert shown.returncode == 1 and "RuntimeError: boom" in shown.stderr, shown
    assert shown.stdout.strip() == "('boom', False)", shown


def test_a_child_loads_its_plugins_without_reading_every_distributions_metadata(course, target):
    # pytest reads every installed distribution's entry points for each "-p NAME" it is given:
    # the grader hands the child's plugins over as modules instead, so importlib.metadata,
    # imported by pytest at start-up, runs only when something uses it. Hypothesis, on import,
    # looks for its own plugins the same way, unless told there are none.
    folder = target(
        attack("""
        import importlib.metadata
        import hypothesis
        ran_before_use = "distributions" in vars(importlib.metadata)
        probe(ran_before_use=ran_before_use, version=importlib.metadata.version("pytest"))
    """)
    )
    (run,) = grade(course, folder, "adder").values()
    (seen,) = probes(run)
    import pytest as grading_pytest

    assert seen == {
        "event": "probe",
        "ran_before_use": False,
        "version": grading_pytest.__version__,
    }, seen
    assert score_exercise(run).status == "pass", run.output_tail


def test_tests_run_with_the_collector_on_at_its_defaults_and_start_up_frozen_out_of_it(
    course, target
):
    import gc

    folder = target(
        attack("""
        import gc as _gc
        cycle = []
        cycle.append(cycle)
        del cycle
        probe(
            enabled=_gc.isenabled(),
            threshold=list(_gc.get_threshold()),
            frozen=_gc.get_freeze_count(),
            collected=_gc.collect(),
        )
    """)
    )
    (run,) = grade(course, folder, "adder").values()
    (seen,) = probes(run)
    assert seen["enabled"] is True, seen
    assert seen["threshold"] == list(gc.get_threshold()), seen
    # pytest, the grader's plugin and the suite: thousands of objects no collection walks again.
    assert seen["frozen"] > 10_000, seen
    # A cycle a test makes is still found.
    assert seen["collected"] >= 1, seen
    assert score_exercise(run).status == "pass", run.output_tail


def test_the_collector_is_off_while_a_child_starts_and_collects_its_suite():
    script = """
        import gc, json
        from grader.child import StartUpCollector
        collector = StartUpCollector()
        during = gc.isenabled()
        garbage = [[] for _ in range(50_000)]
        collector.pytest_collection_finish(None)
        print(json.dumps({"during": during, "after": gc.isenabled(), "frozen": gc.get_freeze_count()}))
    """
    shown = run_in_python(script)
    assert shown.returncode == 0, shown
    seen = json.loads(shown.stdout)
    assert seen["during"] is False, seen
    assert seen["after"] is True, seen
    # Everything made while starting, none of it walked by a collection, is frozen at once.
    assert seen["frozen"] > 50_000, seen


def test_a_child_sees_a_minimal_environment_with_its_work_folder_as_home(
    course, target, tmp_path, monkeypatch
):
    github_output = tmp_path / "github_output"
    github_output.write_text("", encoding="utf-8")
    secrets = {
        "GITHUB_OUTPUT": str(github_output),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_ENV": str(tmp_path / "env"),
        "GITHUB_TOKEN": "ghs_secret",
        "GH_TOKEN": "ghs_secret",
        "ACTIONS_RUNTIME_TOKEN": "secret",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "DATABASE_PASSWORD": "secret",
        "SSH_AUTH_SOCK": str(tmp_path / "agent.sock"),
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    folder = target(
        attack(f"""
        probe(environ=dict(_os.environ), cwd=_os.getcwd())
        try:
            with open({str(github_output)!r}, "a") as handle:
                handle.write("ex01=forged\\n")
        except OSError:
            pass
    """)
    )
    (run,) = grade(course, folder, "adder").values()
    (seen,) = probes(run)
    environ = seen["environ"]
    assert not set(secrets) & set(environ)
    assert not [name for name in environ if name.startswith("GITHUB_")]
    assert "secret" not in json.dumps(environ)
    assert environ["HOME"] == seen["cwd"]
    assert environ["PATH"] == os.environ["PATH"]
    if isolation.launcher().pid_namespace:
        assert github_output.read_text(encoding="utf-8") == ""


def test_each_run_says_which_isolation_held_and_when_it_ran(course, target):
    (run,) = grade(course, target({}), "greeter").values()
    described = run.isolation
    assert described["snapshot"] is True
    assert described["level"] in {"full", "partial", "basic"}
    assert set(described) >= {
        "pid_namespace", "mount_namespace", "own_network", "read_only_view", "separate_uid",
        "hard_limits", "reaped", "notes",
    }  # fmt: skip
    assert run.started < run.finished
    if described["level"] != "full":
        assert described["notes"], described


def _user_namespace_launcher() -> isolation.Launcher:
    """How an ordinary user's grader starts children: in a user namespace of their own."""
    unshare = shutil.which("unshare")
    prefix = (
        unshare,
        "--user",
        "--map-root-user",
        "--pid",
        "--fork",
        "--mount-proc",
        "--kill-child",
    )
    if not unshare or subprocess.run([*prefix, "true"], capture_output=True).returncode:
        pytest.skip("no user namespaces here")
    return isolation.Launcher(prefix, pid_namespace=True, user_namespace=True)


@needs_linux
@pytest.mark.parametrize("started", ["as this process's grader", "as an ordinary user's grader"])
def test_a_locked_down_child_keeps_its_temporary_files_in_a_private_bounded_tmpfs(
    course, target, started, monkeypatch
):
    """Fast (no disk syncs: 07's SQLite commits, 14's message files), private, and bounded: a
    child that fills it gets an error, not the machine's memory or disk. Learners' graders are
    not root: their children lock down inside a user namespace, which a root grader tries too."""
    if started == "as an ordinary user's grader":
        monkeypatch.setattr(isolation, "launcher", _user_namespace_launcher)
    folder = target(
        attack("""
        import tempfile
        where = tempfile.gettempdir()
        mounts = {}
        with open("/proc/self/mountinfo") as handle:
            for line in handle:
                fields = line.split()
                tail = fields[fields.index("-") + 1:]
                mounts[fields[4]] = (tail[0], fields[5])
        kind, options = mounts.get(where, ("not a mount of its own", ""))
        chunk, written = bytes(2**20), 0
        try:
            for number in range(4):  # 4 files of 100 MiB: over the room, under each file's limit
                with open(_os.path.join(where, f"fill-{number}"), "wb") as sink:
                    for _ in range(100):
                        sink.write(chunk)
                        sink.flush()
                        written += 1
            filled = [written, None]
        except OSError as error:
            filled = [written, error.strerror]
        probe(temporary=[where, kind, options, filled])
    """)
    )
    (run,) = grade(course, folder, "adder").values()
    if not run.isolation["read_only_view"]:
        assert "temporary files on disk" in " ".join(run.isolation["notes"]) or not LINUX
        pytest.skip("no mount namespace here: temporary files stay on disk")
    (seen,) = [event["temporary"] for event in probes(run) if "temporary" in event]
    where, kind, options, filled = seen
    assert Path(where).name == "tmp" and kind == "tmpfs", seen
    assert "rw" in options.split(","), seen
    written, refusal = filled
    assert refusal and 250 <= written <= 256, seen  # 256 MiB of room, and not a byte more
    assert score_exercise(run).status == "pass"


def test_the_snapshot_is_private_read_only_and_gone_after_the_run(course):
    exercise = course.exercises[0]
    with isolation.snapshot([exercise]) as snapshot:
        copy = snapshot.suite_dir(exercise) / "test_adder.py"
        assert copy.read_bytes() == (exercise.suite_dir / "test_adder.py").read_bytes()
        assert (snapshot.code_root / "grader" / "plugin.py").exists()
        assert sorted(path.name for path in snapshot.code_root.iterdir()) == ["grader"]
        assert copy.stat().st_mode & 0o777 == 0o444
        assert snapshot.code_root.stat().st_mode & 0o777 == 0o555
    assert not snapshot.root.exists()


@needs_linux
def test_the_launcher_probe_says_why_children_keep_the_graders_uid(monkeypatch):
    """Root tries two things at once: a PID namespace, and an import as the unprivileged user.
    Without that user, children keep root's uid, the note says so, and the namespace stands."""
    if os.geteuid() != 0:
        pytest.skip("only a root grader gives its children another uid")
    expected = isolation._probe.__wrapped__()
    monkeypatch.setattr(isolation, "UNPRIVILEGED_USER", "kata-no-such-user")
    probed = isolation._probe.__wrapped__()
    assert (probed.uid, probed.gid) == (None, None), probed
    assert probed.notes[0] == "no user 'kata-no-such-user': children run as root", probed.notes
    assert (probed.prefix, probed.pid_namespace) == (expected.prefix, expected.pid_namespace)


REACH_THE_MACHINE = """
    import socket

    def reach(port):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            return "reached"
        except OSError as error:
            return error.strerror or str(error)

    own = socket.socket()
    own.bind(("127.0.0.1", 0))
    own.listen()
    probe(machine=reach(PORT), own=reach(own.getsockname()[1]))
"""


@pytest.fixture
def machine_server():
    """A server of the machine on its loopback, as the grader's or another child's would be."""
    with loopback_listener() as server:
        yield server


@needs_linux
def test_a_child_reaches_no_server_of_the_machine_and_has_a_loopback_of_its_own(
    course, target, machine_server, monkeypatch
):
    """Another child's nginx, the grader's capture server, a database on the machine: none is
    in reach of learner code, which still has a loopback for its own servers (exercise 13)."""
    for name in isolation.REAL_BROKER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    port = machine_server.getsockname()[1]
    (run,) = grade(
        course, target(attack(REACH_THE_MACHINE.replace("PORT", str(port)))), "adder"
    ).values()
    (seen,) = probes(run)
    assert score_exercise(run).status == "pass"
    assert seen["own"] == "reached", seen
    if not isolation.launcher().network_namespace:
        assert run.isolation["own_network"] is False
        assert any("network" in note for note in run.isolation["notes"]), run.isolation
        return
    assert run.isolation["own_network"] is True, run.isolation
    assert seen["machine"] == "Connection refused", seen
    assert not contacted(machine_server)


@needs_linux
def test_a_child_shares_the_machines_network_only_to_reach_a_real_broker(
    course, target, machine_server, monkeypatch
):
    monkeypatch.setenv("KATA_REDIS_URL", "redis://127.0.0.1:1/0")
    port = machine_server.getsockname()[1]
    (run,) = grade(
        course, target(attack(REACH_THE_MACHINE.replace("PORT", str(port)))), "adder"
    ).values()
    (seen,) = probes(run)
    assert (seen["machine"], seen["own"]) == ("reached", "reached"), seen
    assert run.isolation["own_network"] is False
    if isolation.launcher().network_namespace:
        assert any("KATA_REDIS_URL" in note for note in run.isolation["notes"]), run.isolation


def test_waiting_for_a_child_says_whether_it_ended_in_time_and_reaps_it():
    """grader.isolation.wait_for_exit, as the runner waits for each child (its descriptor on
    Linux, Popen's polling elsewhere): an exit within the time, a child still running, one that
    had ended before the wait began."""
    quick = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(0.2); raise SystemExit(3)"]
    )
    assert isolation.wait_for_exit(quick, 30) is True
    assert quick.returncode == 3

    slow = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert isolation.wait_for_exit(slow, 0.2) is False
        assert slow.poll() is None, "still running: the caller decides what to do with it"
    finally:
        slow.kill()
        slow.wait()

    ended = subprocess.Popen([sys.executable, "-c", "raise SystemExit(5)"])
    while LINUX and _state(ended.pid) != "Z":  # ended, not yet reaped
        time.sleep(0.01)
    assert isolation.wait_for_exit(ended, 30) is True
    assert ended.returncode == 5


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


@needs_linux
@pytest.mark.parametrize("started", ["as this process's grader", "as an ordinary user's grader"])
def test_a_child_finds_no_socket_file_of_the_machines_services(
    course, target, started, monkeypatch
):
    """Docker's, the databases', D-Bus's sockets live under /run: a socket file is reachable
    through a read-only view, so a locked-down child sees an empty /run."""
    if started == "as an ordinary user's grader":
        monkeypatch.setattr(isolation, "launcher", _user_namespace_launcher)
    planted = None
    with contextlib.suppress(OSError):  # only root can plant one there; the listing still counts
        folder = Path(tempfile.mkdtemp(prefix="kata-test-", dir="/run"))
        planted = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        planted.bind(str(folder / "service.sock"))
        planted.listen()
    try:
        address = str(folder / "service.sock") if planted else "/run/none"
        folder_code = attack(f"""
            import os, socket
            try:
                socket.socket(socket.AF_UNIX).connect({address!r})
                reached = "reached"
            except OSError as error:
                reached = type(error).__name__
            probe(run=sorted(os.listdir("/run")), reached=reached)
        """)
        (run,) = grade(course, target(folder_code), "adder").values()
    finally:
        if planted:
            planted.close()
            shutil.rmtree(folder, ignore_errors=True)
    (seen,) = probes(run)
    assert score_exercise(run).status == "pass"
    if not run.isolation["read_only_view"]:
        assert run.isolation["notes"], run.isolation
        return
    assert os.listdir("/run"), "the machine's /run holds something to hide"
    assert seen == {"event": "probe", "run": [], "reached": "FileNotFoundError"}, seen


@needs_linux
def test_a_work_folder_inside_a_hidden_folder_is_put_back_alone_into_its_empty_copy(
    course, target, monkeypatch
):
    """A TMPDIR under /run (some systems use /run/user/UID): the child's work folder is there.
    /run is still hidden: the child finds the way to its work folder in an empty /run, and
    nothing beside it (here, a folder and a file of the machine's next to the grader's)."""
    try:
        place = tempfile.mkdtemp(prefix="kata-test-", dir="/run")
        neighbour = tempfile.mkdtemp(prefix="kata-test-", dir="/run")
    except OSError:
        pytest.skip("only root can make a folder in /run")
    Path(place, "machine.txt").write_text("not the child's\n")
    monkeypatch.setattr(tempfile, "tempdir", place)
    try:
        code = attack("""
            probe(run=sorted(_os.listdir('/run')),
                  place=sorted(_os.listdir(_os.path.dirname(_os.path.dirname(_os.getcwd())))))
        """)
        (run,) = grade(course, target(code), "adder").values()
    finally:
        shutil.rmtree(place, ignore_errors=True)
        shutil.rmtree(neighbour, ignore_errors=True)
    (seen,) = probes(run)
    assert score_exercise(run).status == "pass"
    if run.isolation["read_only_view"]:
        assert seen["run"] == [Path(place).name], seen
        assert "machine.txt" not in seen["place"], seen
        assert all(name.startswith(("kata-01_adder-", "kata-snapshot-")) for name in seen["place"])
        assert not any("/run" in note for note in run.isolation["notes"]), run.isolation


PLANT_NAMES = ("secret.txt", "agent.sock")


@pytest.fixture
def planted():
    """In each folder a child must not see (where this user may write): a folder holding a
    secret file and a listening socket, as an SSH agent's or tmux's would be."""
    folders, sockets = [], []
    for place in ("/tmp", "/var/tmp", "/home", "/root", "/mnt", "/media", "/srv", "/run"):
        if not os.path.isdir(place) or os.path.islink(place):
            continue
        try:
            folder = tempfile.mkdtemp(prefix="kata-plant-", dir=place)
        except OSError:
            continue
        os.chmod(folder, 0o755)
        Path(folder, PLANT_NAMES[0]).write_text("a token\n")
        os.chmod(Path(folder, PLANT_NAMES[0]), 0o644)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(os.path.join(folder, PLANT_NAMES[1]))
        os.chmod(os.path.join(folder, PLANT_NAMES[1]), 0o777)
        server.listen()
        folders.append(folder)
        sockets.append(server)
    yield folders
    for server in sockets:
        server.close()
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


LOOK_FOR_PLANTS = """
    import socket

    def look(folder):
        seen = {"listed": _os.path.basename(folder) in _os.listdir(_os.path.dirname(folder))}
        try:
            with open(_os.path.join(folder, "secret.txt")) as handle:
                seen["secret"] = handle.read()
        except OSError as error:
            seen["secret"] = type(error).__name__
        try:
            socket.socket(socket.AF_UNIX).connect(_os.path.join(folder, "agent.sock"))
            seen["socket"] = "reached"
        except OSError as error:
            seen["socket"] = type(error).__name__
        return seen

    probe(plants={folder: look(folder) for folder in FOLDERS})
"""


@needs_linux
@pytest.mark.parametrize("started", ["as this process's grader", "as an ordinary user's grader"])
def test_a_child_finds_nothing_of_the_machines_in_homes_temporary_folders_or_run(
    course, target, planted, started, monkeypatch
):
    """Home folders (keys, tokens), /tmp (an SSH agent's or tmux's socket: a way to run
    commands outside the sandbox) and the rest of isolation.HIDDEN_FOLDERS: the child sees each
    empty but for the paths it grades with."""
    if started == "as an ordinary user's grader":
        monkeypatch.setattr(isolation, "launcher", _user_namespace_launcher)
    if not planted:
        pytest.skip("no folder to plant in")
    attack_code = LOOK_FOR_PLANTS.replace("FOLDERS", repr(planted))
    (run,) = grade(course, target(attack(attack_code)), "adder").values()
    (seen,) = probes(run)
    assert score_exercise(run).status == "pass"
    if not run.isolation["read_only_view"]:
        assert run.isolation["notes"], run.isolation
        return
    hidden = {"listed": False, "secret": "FileNotFoundError", "socket": "FileNotFoundError"}
    assert seen["plants"] == {folder: hidden for folder in planted}, seen
    assert not any("in reach" in note for note in run.isolation["notes"]), run.isolation


@needs_linux
def test_a_hidden_folder_that_holds_what_the_child_grades_with_stays_and_the_report_says_so(
    course, target, monkeypatch
):
    """The grading interpreter's own folder cannot be hidden: left as it is, with a note."""
    monkeypatch.setattr(isolation, "HIDDEN_FOLDERS", (sys.prefix,))
    (run,) = grade(course, target(attack("probe(seen=1)")), "adder").values()
    assert score_exercise(run).status == "pass"
    if run.isolation["read_only_view"]:
        note = f"the machine's {sys.prefix} in reach: grading files are in it"
        assert note in run.isolation["notes"], run.isolation


def test_a_child_keeps_its_search_paths_and_named_programs_in_sight_but_no_whole_home():
    environ = {
        "PATH": os.pathsep.join(
            [
                "/home/ada/.local/bin",
                "/home/ada",
                "/root",
                "/usr/bin",
                "bin",
                "",
                "/mnt/c",
                "/tmp/a/b",
            ]
        ),
        "LD_LIBRARY_PATH": "/root/.local/lib",
        "KATA_NGINX": "/home/ada/nginx/sbin/nginx",
    }
    kept = isolation.in_sight(environ)
    assert sorted(kept) == sorted(
        [
            "/home/linuxbrew",  # Homebrew's prefix: software, not anyone's files
            "/home/ada/nginx/sbin/nginx",
            "/home/ada/.local/bin",
            "/usr/bin",
            "/tmp/a/b",
            "/root/.local/lib",
        ]
    ), kept


@needs_linux
def test_a_program_on_path_inside_a_hidden_folder_still_runs(course, target, monkeypatch):
    """nginx installed under a home (~/.local/bin, Homebrew): the folder holding it stays in
    sight, the folder beside it does not."""
    holder = Path(tempfile.mkdtemp(prefix="kata-tools-", dir="/tmp"))
    tools, neighbour = holder / "bin", holder / "secrets"
    try:
        tools.mkdir()
        neighbour.mkdir()
        os.chmod(holder, 0o755)
        program = tools / "kata-tool"
        program.write_text("#!/bin/sh\necho tool ran\n")
        program.chmod(0o755)
        monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
        code = attack(f"""
            import shutil, subprocess
            found = shutil.which("kata-tool")
            ran = subprocess.run([found], capture_output=True, text=True).stdout if found else None
            probe(found=found, ran=ran, neighbour=_os.path.exists({str(neighbour)!r}))
        """)
        (run,) = grade(course, target(code), "adder").values()
    finally:
        shutil.rmtree(holder, ignore_errors=True)
    (seen,) = probes(run)
    assert score_exercise(run).status == "pass"
    assert (seen["found"], seen["ran"]) == (str(program), "tool ran\n"), seen
    if run.isolation["read_only_view"]:
        assert seen["neighbour"] is False, seen
