"""The parent's side of grading that a student cannot forge, each attack planted for real.

A root `json.py`, learner code that rewrites a grading file or another exercise, a child that
appends to $GITHUB_OUTPUT, a failure message full of terminal escapes, a tampered installed
package: each must fail — no false pass, the bystander still graded, the report intact.
"""

from __future__ import annotations

import ast
import base64
import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from report_helpers import by_name, exercise

from grader import integrity
from grader.cli import main
from grader.commands import grade as grade_command
from grader.integrity import (
    Fingerprint,
    ProtectedFile,
    attribute_change,
    scan_learner_files,
    scan_source,
    verify_installed_files,
)
from grader.manifest import load_course

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent
FIXTURE = Path(__file__).parent / "fixture_course"
SOLVED_ADDER = (FIXTURE / "solutions" / "01_adder" / "adder.py").read_text(encoding="utf-8")


def noxfile_boot() -> str:
    """noxfile.GRADER_BOOT, read without running the noxfile (that would register its sessions)."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    return next(
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "GRADER_BOOT"
    )


def grader_command(root: Path, *args: str) -> list[str]:
    """The command line nox runs for `nox -s grade -- ARGS` (noxfile.grader_command)."""
    return [sys.executable, "-P", "-c", noxfile_boot(), str(root), *args]


@pytest.fixture
def course_copy(tmp_path) -> Path:
    """A repository of its own: the grader, the noxfile and the fixture course's suites,
    manifest and solutions, so attacks on grading files never touch this checkout."""
    root = tmp_path / "course"
    shutil.copytree(ROOT / "grader", root / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("noxfile.py", "pyproject.toml"):
        shutil.copy2(ROOT / name, root / name)
    shutil.rmtree(root / "grader" / "suites")
    shutil.copytree(FIXTURE / "grader" / "suites", root / "grader" / "suites")
    shutil.copy2(FIXTURE / "grader" / "course.toml", root / "fixture.toml")
    shutil.copytree(FIXTURE / "solutions", root / "exercises")
    return root


def course_args(root: Path) -> list[str]:
    return ["--course", str(root / "grader" / "course.toml")]


@pytest.fixture
def fixture_manifest(course_copy) -> Path:
    # The copy's own manifest: its suites and exercises are the ones in the copy.
    manifest = course_copy / "grader" / "course.toml"
    shutil.copy2(course_copy / "fixture.toml", manifest)
    return manifest


def run_grader(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        grader_command(root, *args),
        cwd=root,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


# --- 1. the grader never imports a learner's module -----------------------------------------------


def plant_root_json(root: Path, marker: Path) -> None:
    """A root json.py that leaves the id of every process that imports it, then breaks it."""
    (root / "json.py").write_text(
        f"import os\nwith open({str(marker)!r}, 'a') as f: f.write(f'{{os.getpid()}}\\n')\n"
        "raise SystemExit('the root json.py ran')\n"
    )


def test_a_root_json_py_is_never_imported_by_the_grader_started_as_nox_starts_it(
    course_copy, fixture_manifest, tmp_path
):
    marker = tmp_path / "imported-by"
    plant_root_json(course_copy, marker)
    report = tmp_path / "report.json"
    process = subprocess.Popen(
        grader_command(course_copy, *course_args(course_copy), "grade", "greeter", "--json",
                       str(report), "--exit-zero"),
        cwd=course_copy, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    output, _ = process.communicate()
    assert process.returncode == 0, output
    importers = marker.read_text().split() if marker.exists() else []
    assert str(process.pid) not in importers, "the grader imported the root json.py"
    assert json.loads(report.read_text())["exercises"][0]["slug"] == "greeter", "report intact"


def test_a_root_json_py_is_never_imported_by_a_grading_child(
    course_copy, fixture_manifest, tmp_path
):
    marker = tmp_path / "imported-by"
    plant_root_json(course_copy, marker)
    report = tmp_path / "report.json"
    done = run_grader(course_copy, *course_args(course_copy), "grade", "--json", str(report))
    assert not marker.exists(), "a grading child imported the root json.py"
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(report.read_text())
    assert data["total"]["points"] == data["total"]["max_points"] == 13


def test_python_m_grader_refuses_a_module_already_imported_from_the_course_folder(
    course_copy, fixture_manifest
):
    (course_copy / "json.py").write_text("from importlib import import_module\n")
    boot = (
        "import sys, runpy; sys.path.insert(0, '.'); import json; "
        "runpy.run_module('grader', run_name='__main__', alter_sys=True)"
    )
    done = subprocess.run(
        [sys.executable, "-c", boot, *course_args(course_copy), "list"],
        cwd=course_copy,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert str(course_copy / "json.py") in done.stderr and "Remove" in done.stderr
    assert "Fixture course" not in done.stdout, "nothing may run after the refusal"


def test_every_nox_session_starts_the_grader_without_the_current_folder_on_sys_path():
    text = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    assert '"-m", "grader"' not in text, "`python -m grader` puts the current folder first"
    assert 'return [python, "-P", "-c", GRADER_BOOT, str(ROOT), *args]' in text
    assert "sys.path.append(" in noxfile_boot() and "sys.path.insert" not in noxfile_boot()


# --- 4. learner code that changes what grading relies on ----------------------------------------


def plant_tampering_adder(course_copy: Path) -> tuple[Path, Path]:
    """Exercise 01 solved, and rewriting the grader's plugin and exercise 02 while graded."""
    plugin = course_copy / "grader" / "plugin.py"
    greeter = course_copy / "exercises" / "02_greeter" / "greeter.py"
    attack = textwrap.dedent(f"""
        def _tamper():
            for path, text in (({str(plugin)!r}, "\\n# forged\\n"),
                               ({str(greeter)!r}, "\\n# forged\\n")):
                try:
                    with open(path, "a") as handle:
                        handle.write(text)
                except OSError:
                    pass
    """)
    adder = course_copy / "exercises" / "01_adder" / "adder.py"
    adder.write_text(
        SOLVED_ADDER.replace("return a + b", "_tamper()\n    return a + b", 1) + attack
    )
    return plugin, greeter


def test_learner_code_cannot_rewrite_a_grading_file_or_another_exercise(
    course_copy, fixture_manifest, tmp_path
):
    """Through the sandbox: the writes fail, nothing changes, the honest work still counts."""
    plugin, greeter = plant_tampering_adder(course_copy)
    before = plugin.read_bytes(), greeter.read_bytes()
    report = tmp_path / "report.json"
    done = run_grader(
        course_copy, *course_args(course_copy), "grade", "adder", "hello", "--jobs", "1",
        "--json", str(report),
    )  # fmt: skip
    data = json.loads(report.read_text())
    if data["isolation"]["level"] != "full":
        pytest.skip(f"no read-only view here: {data['isolation']}")
    assert (plugin.read_bytes(), greeter.read_bytes()) == before, "a grading file changed"
    assert done.returncode == 0, done.stdout + done.stderr
    assert exercise(data, "adder")["status"] == "pass"


def test_a_grading_file_or_exercise_changed_during_the_run_is_an_error_never_a_pass(
    course_copy, fixture_manifest, tmp_path, monkeypatch
):
    """Where no sandbox holds (isolation off here), the parent sees the change and blames it."""
    from grader import isolation

    monkeypatch.setattr(isolation, "launcher", lambda: isolation.Launcher(notes=("off",)))
    plugin, greeter = plant_tampering_adder(course_copy)
    before = plugin.read_bytes(), greeter.read_bytes()
    report = tmp_path / "report.json"
    code = main([*course_args(course_copy), "grade", "adder", "hello", "--jobs", "1",
                 "--target", str(course_copy / "exercises"), "--json", str(report)])  # fmt: skip
    data = json.loads(report.read_text())
    assert (plugin.read_bytes(), greeter.read_bytes()) != before, "the attack did not run"
    adder_entry = exercise(data, "adder")
    assert adder_entry["status"] == "error" and adder_entry["points"] == 0 and code == 1
    # (The grader running here is this checkout's, not the copy's: the copy's plugin.py is
    # only a file of that course, the other exercise's file is what grading relies on.)
    message = by_name(adder_entry)["(grading)"]["message"]
    assert "exercises/02_greeter/greeter.py (changed" in message, message
    assert "git checkout" in message, message
    hello = exercise(data, "hello")
    assert hello["status"] == "error" and "changed" in hello["tests"][0]["message"], (
        "an exercise graded after the grader changed may not pass on the changed grader"
    )


def plant_snapshot_writer(course_copy: Path) -> None:
    """Exercise 01 solved, and appending to every file of the grader copy it imports from."""
    attack = textwrap.dedent("""
        def _tamper():
            import grader, os
            for folder, _dirs, names in os.walk(os.path.dirname(grader.__file__)):
                for name in names:
                    try:
                        with open(os.path.join(folder, name), "ab") as handle:
                            handle.write(b"\\n# forged\\n")
                    except OSError:
                        pass
    """)
    adder = course_copy / "exercises" / "01_adder" / "adder.py"
    adder.write_text(
        SOLVED_ADDER.replace("return a + b", "_tamper()\n    return a + b", 1) + attack
    )


def kept_snapshots(cache: Path) -> list[Path]:
    store = cache / "snapshots"
    return sorted(store.iterdir()) if store.is_dir() else []


def test_a_kept_snapshot_is_reused_and_a_child_cannot_write_it(
    course_copy, fixture_manifest, tmp_path
):
    """With the nox sessions' cache, the compiled copy of the grader outlives the run; a child
    that tries to write to it fails, so the next run imports exactly the grader's files."""
    plant_snapshot_writer(course_copy)
    cache = tmp_path / "cache"
    report = tmp_path / "report.json"
    args = (*course_args(course_copy), "grade", "adder", "--json", str(report))
    first = run_grader(course_copy, *args, env={"KATA_CACHE_DIR": str(cache)})
    data = json.loads(report.read_text())
    if data["isolation"]["level"] != "full":
        pytest.skip(f"no read-only view here, so no snapshot is kept: {data['isolation']}")
    assert first.returncode == 0, first.stdout + first.stderr
    [kept] = kept_snapshots(cache)
    plugin = kept / "code" / "grader" / "plugin.py"
    assert plugin.read_bytes() == (course_copy / "grader" / "plugin.py").read_bytes()
    assert not [p for p in kept.rglob("*.py") if b"# forged" in p.read_bytes()]
    assert list(kept.rglob("__pycache__/*.pyc")), "the kept snapshot holds the compiled grader"
    built = (kept / ".complete").stat().st_ino
    second = run_grader(course_copy, *args, env={"KATA_CACHE_DIR": str(cache)})
    assert second.returncode == 0, second.stdout + second.stderr
    assert kept_snapshots(cache) == [kept] and (kept / ".complete").stat().st_ino == built, (
        "the second run must reuse the kept snapshot, not build another"
    )
    (course_copy / "grader" / "plugin.py").write_text(
        (course_copy / "grader" / "plugin.py").read_text() + "\n# a new grader version\n"
    )
    third = run_grader(course_copy, *args, env={"KATA_CACHE_DIR": str(cache)})
    assert third.returncode == 0, third.stdout + third.stderr
    assert len(kept_snapshots(cache)) == 2, "a changed grader file must give a new snapshot"


KEEP_A_SNAPSHOT_WITHOUT_OVERRIDING_PERMISSIONS = """
import ctypes, os, sys
from pathlib import Path
if os.geteuid() == 0:  # root overrides file modes: give that up, as an unprivileged user has it
    from grader import child
    child.KEPT_CAPABILITIES = set()
    assert child._drop_capabilities(ctypes.CDLL(None, use_errno=True)), "capabilities kept"
from grader import isolation
from grader.manifest import load_course
store = Path(sys.argv[1])
exercises = load_course(Path(sys.argv[2])).exercises[:2]
for _ in range(2):
    with isolation.snapshot(exercises, store) as kept:
        print(kept.root)
"""


def test_a_snapshot_is_kept_by_a_grader_that_cannot_override_file_modes(tmp_path):
    """Kept snapshots are made read-only: everything in one, its completion mark included, is
    written before that, or a grader running as an ordinary user cannot keep any."""
    store = tmp_path / "snapshots"
    done = subprocess.run(
        [sys.executable, "-c", KEEP_A_SNAPSHOT_WITHOUT_OVERRIDING_PERMISSIONS, str(store),
         str(FIXTURE / "grader" / "course.toml")],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    first, second = done.stdout.split()
    assert first == second, "the second run must reuse the snapshot the first one kept"
    assert [entry.name for entry in store.iterdir()] == [Path(first).name], "a build was left"
    assert (Path(first) / ".complete").is_file()
    assert oct(Path(first).stat().st_mode & 0o777) == oct(0o555)


def test_a_snapshot_a_child_could_have_written_is_not_kept(fixture_course, tmp_path, monkeypatch):
    """A run in which a child was not held to the read-only view deletes the snapshot it used."""
    from grader import isolation, runner

    monkeypatch.setenv("KATA_CACHE_DIR", str(tmp_path / "cache"))
    if not isolation.launcher().pid_namespace:
        pytest.skip("no PID namespace here: no snapshot is kept at all")
    real_run = runner.run_exercise

    def weaker(*args, **kwargs):
        run = real_run(*args, **kwargs)
        return dataclasses.replace(run, isolation={**run.isolation, "level": "partial"})

    runner.run_exercises([fixture_course.exercises[0]], fixture_course.solutions_dir)
    assert len(kept_snapshots(tmp_path / "cache")) == 1
    monkeypatch.setattr(runner, "run_exercise", weaker)
    runner.run_exercises([fixture_course.exercises[0]], fixture_course.solutions_dir)
    assert kept_snapshots(tmp_path / "cache") == []


def test_the_fingerprint_cache_skips_hashing_but_not_a_rewrite_with_its_mtime_put_back(tmp_path):
    folder = tmp_path / "grader"
    folder.mkdir()
    (folder / "plugin.py").write_text("honest\n")
    (folder / "runner.py").write_text("honest too\n")
    cache = tmp_path / "fingerprints.json"
    Fingerprint.of([folder]).save(cache)
    # A digest the cache holds for an unchanged file is taken as it is: proof it is not hashed.
    data = json.loads(cache.read_text())
    data[str(folder / "runner.py")][4] = "from the cache"
    cache.write_text(json.dumps(data))
    before = Fingerprint.of([folder], cache=cache)
    assert before.digests[folder / "runner.py"] == "from the cache"
    plugin = folder / "plugin.py"
    info = plugin.stat()
    plugin.write_text("forged\n")  # the same size, its mtime put back
    os.utime(plugin, ns=(info.st_atime_ns, info.st_mtime_ns))
    after = Fingerprint.of([folder], earlier=before)
    assert before.changes(after) == [(plugin, "changed")]
    assert Fingerprint.of([folder], cache=cache).digests[plugin] == after.digests[plugin]


def test_a_change_between_fingerprints_is_blamed_on_the_runs_it_could_have_come_from(tmp_path):
    folder = tmp_path / "grader"
    folder.mkdir()
    (folder / "plugin.py").write_text("honest\n")
    (folder / "__pycache__").mkdir()
    before = Fingerprint.of([folder])
    (folder / "plugin.py").write_text("forged\n")
    (folder / "conftest.py").write_text("planted\n")
    (folder / "__pycache__" / "plugin.cpython-311.pyc").write_bytes(b"loaded instead of plugin.py")
    (folder / ".pytest_cache").mkdir()
    (folder / ".pytest_cache" / "README.md").write_text("nothing imports this\n")
    assert before.changes(Fingerprint.of([folder])) == [
        (folder / "__pycache__" / "plugin.cpython-311.pyc", "added"),
        (folder / "conftest.py", "added"),
        (folder / "plugin.py", "changed"),
    ]

    # The second fingerprint re-hashes only what a stat shows was written, mtime put back or not.
    again = Fingerprint.of([folder])
    info = (folder / "plugin.py").stat()
    (folder / "plugin.py").write_text("FORGED\n")  # the same size
    os.utime(folder / "plugin.py", ns=(info.st_atime_ns, info.st_mtime_ns))
    assert again.changes(Fingerprint.of([folder], earlier=again)) == [
        (folder / "plugin.py", "changed")
    ]

    class Run:
        def __init__(self, id_: str, started: float, finished: float) -> None:
            self.exercise = type("E", (), {"id": id_})()
            self.started, self.finished = started, finished

    runs = [Run("01", 0, 10), Run("02", 5, 20), Run("03", 25, 30), Run("04", 0, 4)]
    blamed = attribute_change(folder / "plugin.py", runs, window=(8, 12))
    assert blamed == {
        "01": "changed while this exercise was graded",
        "02": "changed while this exercise was graded",
        "03": "changed before this exercise was graded",
    }, "04 ended before the change and keeps its grade"
    assert set(attribute_change(folder / "plugin.py", runs, window=None)) == {
        "01",
        "02",
        "03",
        "04",
    }


# --- 3. $GITHUB_OUTPUT and the step summary -------------------------------------------------------


def test_lines_a_child_appends_to_github_output_are_discarded(make_target, tmp_path, monkeypatch):
    output, summary = tmp_path / "github_output", tmp_path / "summary.md"
    output.write_text("earlier=kept\n")
    forged = base64.b64encode(
        json.dumps({"version": 1, "status": "pass", "max_score": 9, "tests": []}).encode()
    ).decode()
    target = make_target(
        {
            "01_adder/adder.py": SOLVED_ADDER.replace(
                "return a + b",
                f"open({str(output)!r}, 'a').write('ex01={forged}\\n'); "
                f"open({str(summary)!r}, 'a').write('29/29 points\\n')\n    return a + b",
                1,
            ).replace("return a * b", "return 0")
        }
    )
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    report = tmp_path / "report.json"
    code = main(["--course", str(FIXTURE / "grader" / "course.toml"), "grade", "adder", "greeter",
                 "--target", str(target), "--classroom", "--json", str(report)])  # fmt: skip
    assert code == 1
    lines = output.read_text().splitlines()
    assert lines[0] == "earlier=kept"
    assert [line.split("=", 1)[0] for line in lines[1:]] == ["ex01", "ex02"], lines
    posted = json.loads(base64.b64decode(lines[1].split("=", 1)[1]))
    assert sum(test["score"] for test in posted["tests"]) < posted["max_score"]
    assert "29/29" not in summary.read_text()
    data = json.loads(report.read_text())
    if data["integrity_problems"]:
        assert any("appended to github_output" in p for p in data["integrity_problems"])
    assert exercise(data, "greeter")["status"] == "pass"


def test_a_protected_file_is_cut_back_put_back_or_removed(tmp_path):
    path = tmp_path / "out"
    path.write_text("mine\n")
    guard = ProtectedFile(path)
    path.write_text("mine\nforged\n")
    assert "7 bytes appended" in guard.restore() and path.read_text() == "mine\n"
    path.write_text("rewritten\n")
    assert "put back" in guard.restore() and path.read_text() == "mine\n"
    assert guard.restore() is None
    fresh = tmp_path / "fresh"
    guard = ProtectedFile(fresh)
    fresh.write_text("forged\n")
    assert "removed" in guard.restore() and not fresh.exists()


# --- 2. control characters in learner text --------------------------------------------------------

ESCAPES = "\x1b[2J\x1b[H\x1b]0;title\x07\r29/29 points\u202e\x9b"


def test_an_escape_sequence_failure_message_is_neutralised_in_every_report(
    make_target, tmp_path, monkeypatch, capsys
):
    target = make_target(
        {"01_adder/adder.py": SOLVED_ADDER.replace(
            "return a + b", f"raise ValueError({ESCAPES!r})", 1)}
    )  # fmt: skip
    output, summary = tmp_path / "out", tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    report, junit = tmp_path / "report.json", tmp_path / "junit.xml"
    main(["--course", str(FIXTURE / "grader" / "course.toml"), "grade", "adder", "--target",
          str(target), "--classroom", "--json", str(report), "--junit", str(junit)])  # fmt: skip
    terminal = capsys.readouterr().out
    posted = [
        json.loads(base64.b64decode(line.split("=", 1)[1]))
        for line in output.read_text().splitlines()
    ]
    texts = {
        "terminal": terminal,
        "summary": summary.read_text(),
        "junit": junit.read_text(),
        "json": report.read_text(),
        "classroom": json.dumps(posted, ensure_ascii=False),
    }
    for name, text in texts.items():
        for hidden in ("\x1b", "\x07", "\r", "\u202e", "\x9b"):
            assert hidden not in text, f"{name} shows {hidden!r} raw"
    message = by_name(exercise(json.loads(texts["json"]), "adder"))["test_add_small"]["message"]
    assert "\\x1b[2J" in message and "\\x0d29/29 points\\u202e" in message, message
    assert "\\x1b[2J" in terminal


# --- 5. the grading virtualenv --------------------------------------------------------------------


def fake_distribution(site: Path) -> Path:
    """An installed distribution with a RECORD, in a site folder of its own."""
    module = site / "fakegrading" / "__init__.py"
    module.parent.mkdir(parents=True)
    module.write_text("def check():\n    return False\n")
    info = site / "fakegrading-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fakegrading\nVersion: 1.0\n")
    digest = base64.urlsafe_b64encode(hashlib.sha256(module.read_bytes()).digest()).rstrip(b"=")
    (info / "RECORD").write_text(
        f"fakegrading/__init__.py,sha256={digest.decode()},{module.stat().st_size}\n"
        "fakegrading-1.0.dist-info/RECORD,,\n"
    )
    return module


def test_a_tampered_installed_file_is_found_and_nothing_is_graded(
    tmp_path, make_target, monkeypatch, capsys
):
    site = tmp_path / "site"
    module = fake_distribution(site)
    check = lambda: verify_installed_files(["fakegrading"], [str(site)])  # noqa: E731
    assert check() == []
    module.write_text("def check():\n    return True  # forged\n")
    [problem] = check()
    assert (problem.distribution, problem.path, problem.problem) == (
        "fakegrading",
        module,
        "changed",
    )

    monkeypatch.setattr(grade_command, "verify_installed_files", lambda cache=None: check())
    report = tmp_path / "report.json"
    code = main(["--course", str(FIXTURE / "grader" / "course.toml"), "grade", "greeter",
                 "--target", str(make_target()), "--json", str(report)])  # fmt: skip
    out = capsys.readouterr().err
    assert code == 2 and not report.exists(), "no grade from a tampered virtualenv"
    assert str(module) in out and "nox -s grade --reinstall" in out

    module.unlink()
    assert [p.problem for p in check()] == ["missing"]


def test_learner_code_that_changes_an_installed_file_during_grading_gets_no_grade(
    tmp_path, make_target, monkeypatch, capsys
):
    """Where no read-only view holds (isolation off here), the after-run check catches it."""
    from grader import isolation

    monkeypatch.setattr(isolation, "launcher", lambda: isolation.Launcher(notes=("off",)))
    site = tmp_path / "site"
    module = fake_distribution(site)
    monkeypatch.setenv("KATA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(
        grade_command,
        "verify_installed_files",
        lambda cache=None: verify_installed_files(["fakegrading"], [str(site)], cache=cache),
    )
    forge = f"open({str(module)!r}, 'a').write('FORGED = True\\n')\n    return a + b"
    target = make_target({"01_adder/adder.py": SOLVED_ADDER.replace("return a + b", forge, 1)})
    report = tmp_path / "report.json"
    code = main(["--course", str(FIXTURE / "grader" / "course.toml"), "grade", "adder",
                 "greeter", "--target", str(target), "--json", str(report)])  # fmt: skip
    assert "FORGED" in module.read_text(), "the attack was planted for real"
    assert code == 2 and not report.exists()
    assert f"{module} (fakegrading) is changed" in capsys.readouterr().err


def test_the_verified_cache_skips_hashing_but_not_a_rewrite_with_its_mtime_put_back(tmp_path):
    site = tmp_path / "site"
    module = fake_distribution(site)
    cache = tmp_path / "verified.json"
    assert verify_installed_files(["fakegrading"], [str(site)], cache=cache) == []
    assert str(module) in json.loads(cache.read_text())["fakegrading"]
    assert verify_installed_files(["fakegrading"], [str(site)], cache=cache) == []
    info = module.stat()
    module.write_text("def check():\n    return 1 > 0\n")  # the same size
    os.utime(module, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert module.stat().st_size == info.st_size
    [problem] = verify_installed_files(["fakegrading"], [str(site)], cache=cache)
    assert problem.path == module and problem.problem == "changed"


def test_a_start_up_file_no_package_installed_is_found(tmp_path):
    site = tmp_path / "site"
    fake_distribution(site)
    check = lambda: verify_installed_files(["fakegrading"], [str(site)])  # noqa: E731
    (site / "zz_forge.pth").write_text("import os; os.environ['FORGED'] = '1'\n")
    (site / "sitecustomize.py").write_text("import builtins\n")
    problems = {(p.path.name, p.problem) for p in check()}
    assert problems == {
        ("zz_forge.pth", "not installed by any package"),
        ("sitecustomize.py", "not installed by any package"),
    }


def test_the_grading_virtualenv_is_as_installed():
    assert verify_installed_files() == []
    assert (
        "pytest" in integrity.GRADING_DISTRIBUTIONS and "pluggy" in integrity.GRADING_DISTRIBUTIONS
    )


# A pytest plugin for grading children: at the end it prints every module file the child loaded.
LOADED_FILES_PLUGIN = """
import json, os, sys

def pytest_unconfigure(config):
    files = sorted({getattr(module, "__file__", None) or "" for module in list(sys.modules.values())})
    os.write(2, ("\\nkata-loaded-files " + json.dumps(files) + "\\n").encode())
"""


def test_every_installed_package_a_grading_child_loads_is_one_the_grader_verifies(
    tmp_path, monkeypatch
):
    """Every exercise's solution graded for real; each child names the files it loaded. Those of
    installed distributions must all belong to GRADING_DISTRIBUTIONS: a package that children
    load but the grader does not verify could be rewritten to forge results."""
    import importlib.metadata
    import re

    from grader import runner

    (tmp_path / "kata_loaded_files.py").write_text(LOADED_FILES_PLUGIN, encoding="utf-8")
    real_command = runner.child_command

    def with_plugin(*args, **kwargs):
        command = real_command(*args, **kwargs)
        at = command.index("--")
        config = json.loads(command[at - 1])
        config["sys_path_append"] = [*config["sys_path_append"], str(tmp_path)]
        return [*command[: at - 1], json.dumps(config), "--", "-p", "kata_loaded_files",
                *command[at + 1 :]]  # fmt: skip

    monkeypatch.setattr(runner, "child_command", with_plugin)
    monkeypatch.setattr(runner, "OUTPUT_TAIL_BYTES", 2**24)
    course = load_course(ROOT / "grader" / "course.toml")
    runs = runner.run_exercises(course.exercises, course.solutions_dir)

    owner = {}
    for distribution in importlib.metadata.distributions():
        for entry in distribution.files or ():
            owner[str(Path(entry.locate()).resolve())] = distribution.metadata["Name"]
    normalized = lambda name: re.sub(r"[-_.]+", "-", name).lower()  # noqa: E731
    verified = {normalized(name) for name in integrity.GRADING_DISTRIBUTIONS}
    unverified = {}
    for run in runs:
        reported = re.findall(r"^kata-loaded-files (.*)$", run.output_tail, re.MULTILINE)
        assert reported, f"{run.exercise.id} did not report its files:\n{run.output_tail[-2000:]}"
        for file in json.loads(reported[-1]):
            name = owner.get(str(Path(file).resolve())) if file else None
            if name is not None and normalized(name) not in verified:
                unverified.setdefault(name, set()).add(run.exercise.id)
    assert not unverified, f"loaded by grading children, not verified: {unverified}"


# --- 6. integrity flags ---------------------------------------------------------------------------

HOSTILE = """\
import sys, os, signal, inspect
import _pytest.runner
from pluggy import HookimplMarker

def add(a, b):
    frame = sys._getframe(1)
    caller = inspect.currentframe().f_back
    sys.modules["grader.plugin"] = None
    __builtins__["len"] = lambda x: 0
    os.kill(os.getppid(), signal.SIGSTOP)
    open("/proc/self/status").read()
    open("../02_greeter/greeter.py", "a").write("#")
    return a + b
"""


def test_hostile_learner_code_is_flagged_for_review_and_points_are_unchanged(
    make_target, grade_fixture
):
    flags = scan_source(HOSTILE, "01_adder/adder.py")
    kinds = {(flag.kind, flag.line) for flag in flags}
    assert {("signals", 1), ("grader", 2), ("grader", 3), ("frames", 6), ("frames", 7),
            ("patching", 8), ("patching", 9), ("signals", 10), ("proc", 11),
            ("other files", 12)} <= kinds, kinds  # fmt: skip

    target = make_target({"01_adder/adder.py": HOSTILE.replace(
        "    os.kill(os.getppid(), signal.SIGSTOP)\n", "").replace(
        '    __builtins__["len"] = lambda x: 0\n', "").replace(
        '    open("../02_greeter/greeter.py", "a").write("#")\n', "").replace(
        '    sys.modules["grader.plugin"] = None\n', "") + SOLVED_ADDER.split("\n\n\n", 1)[1]})  # fmt: skip
    _, report = grade_fixture(target, "adder", "greeter")
    adder = exercise(report, "adder")
    assert adder["flags"] and {flag["kind"] for flag in adder["flags"]} >= {"grader", "frames"}
    assert all(set(flag) == {"kind", "file", "line", "detail"} for flag in adder["flags"])
    assert adder["points"] == adder["max_points"], "flags are for review, never a zero"
    assert exercise(report, "greeter")["flags"] == []


def test_the_reference_solutions_and_stubs_raise_no_flags():
    course = load_course()
    for folder in (course.solutions_dir, course.exercises_dir, FIXTURE / "solutions"):
        for exercise_dir in sorted(path for path in folder.iterdir() if path.is_dir()):
            assert scan_learner_files(exercise_dir) == [], exercise_dir


def test_flags_and_isolation_reach_the_terminal_summary_junit_and_json(
    make_target, tmp_path, capsys, monkeypatch
):
    target = make_target({"01_adder/helper.py": "import _pytest\n"})
    report, junit = tmp_path / "report.json", tmp_path / "junit.xml"
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "out"))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    main(["--course", str(FIXTURE / "grader" / "course.toml"), "grade", "adder", "--target",
          str(target), "--json", str(report), "--junit", str(junit), "--classroom"])  # fmt: skip
    terminal = capsys.readouterr().out
    assert "01 flagged for review: 01_adder/helper.py:1 imports _pytest" in terminal
    assert "For review" in summary.read_text() and "`01_adder/helper.py:1`" in summary.read_text()
    assert 'name="integrity_flag" value="01_adder/helper.py:1 grader: imports _pytest"' in (
        junit.read_text()
    )
    data = json.loads(report.read_text())
    assert set(data["isolation"]) >= {"level", "missing"}
    assert "isolation" in data["exercises"][0] and data["integrity_problems"] == []


# --- 7. the isolation in force --------------------------------------------------------------------


def test_isolation_weaker_than_full_is_said_in_one_line_and_recorded_in_json():
    import io

    from rich.console import Console

    from grader.results import CourseResult, ExerciseResult
    from grader.writers.json_report import to_dict
    from grader.writers.terminal import print_report

    def graded(id_: str, isolation: dict) -> ExerciseResult:
        return ExerciseResult(id_, "adder", "Add", "pass", 1, 1, 0.1, isolation=isolation)

    full = {"level": "full", "pid_namespace": True, "mount_namespace": True, "notes": []}
    partial = {"level": "partial", "pid_namespace": True, "mount_namespace": False,
               "separate_uid": False, "notes": ["no user namespaces here"]}  # fmt: skip
    result = CourseResult("exercises", [graded("01", full), graded("02", partial)])
    console = Console(file=io.StringIO(), width=200)
    print_report(console, result)
    shown = console.file.getvalue()
    assert "Isolation: partial (missing: mount namespace, separate uid)" in shown
    report = to_dict(result)
    assert report["isolation"] == {
        "level": "partial",
        "missing": ["mount_namespace", "separate_uid"],
        "notes": ["no user namespaces here"],
    }
    assert report["exercises"][1]["isolation"] == partial

    console = Console(file=io.StringIO(), width=200)
    print_report(console, CourseResult("exercises", [graded("01", full)]))
    assert "Isolation" not in console.file.getvalue()
