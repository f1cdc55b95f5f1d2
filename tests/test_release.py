"""`release`: the student template is the course without solutions, tests and instructor files, one
clean commit, and it works as a student would use it (real git, real grading, real sessions)."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from grader import release
from grader.cli import main
from grader.manifest import load_course

REPO = Path(__file__).parent.parent
FIRST = "01_concurrency"
BOOT = release.GRADER_BOOT


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


def write(out: Path, *options: str) -> int:
    return main(["release", str(out), "--no-check", *options])


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "student"
    assert write(out) == 0
    return out


@pytest.fixture
def fresh_template(tmp_path) -> Path:
    """A template of this test's own, for tests that change it."""
    out = tmp_path / "student"
    assert write(out) == 0
    return out


def grader_in(root: Path, *args: str, python: str = sys.executable):
    """The template's own grader, started the way its noxfile starts it."""
    return subprocess.run(
        [python, "-P", "-c", BOOT, str(root), *args], cwd=root, capture_output=True, text=True,
        encoding="utf-8", stdin=subprocess.DEVNULL, timeout=300,
    )  # fmt: skip


def nox_in(root: Path, session: str, *args: str):
    return subprocess.run(
        [sys.executable, "-m", "nox", "-f", str(root / "noxfile.py"), "-s", session,
         *(("--", *args) if args else ())],
        cwd=root, capture_output=True, text=True, encoding="utf-8", timeout=300,
    )  # fmt: skip


# ── what is in the template ─────────────────────────────────────────────────────────────────


def test_the_template_has_no_solutions_tests_or_instructor_files(template):
    for name in ("solutions", "tests", ".ci", "CONTRIBUTING.md", "INSTRUCTORS.md"):
        assert not (template / name).exists(), f"{name} must not reach students"
    for name in ("exercises", "grader/suites", "noxfile.py", "pyproject.toml",
                 "requirements/lock.txt", ".devcontainer/devcontainer.json", ".gitignore"):  # fmt: skip
        assert (template / name).exists(), f"{name} is what students grade and work with"
    workflow = ".github/workflows/classroom.yml"
    assert (template / workflow).read_bytes() == (REPO / workflow).read_bytes()
    assert not list(template.rglob("mutants")), "no mutant may hide anywhere in the template"


def test_every_other_course_file_is_copied_unchanged(template):
    tracked = set(git(REPO, "ls-files", "--cached", "--others", "--exclude-standard").split("\n"))
    expected = {
        name
        for name in tracked - {""}
        if (REPO / name).is_file()
        and name.split("/")[0] not in release.LEFT_OUT
        and name not in release.LEFT_OUT
    }
    shipped = set(git(template, "ls-files").split("\n")) - {""}
    assert shipped == expected
    changed = [n for n in sorted(shipped - {"README.md"})
               if (template / n).read_bytes() != (REPO / n).read_bytes()]  # fmt: skip
    assert changed == []


def test_the_readme_loses_its_maintainers_section_in_both_languages(template):
    source = (REPO / "README.md").read_text(encoding="utf-8")
    shipped = (template / "README.md").read_text(encoding="utf-8")
    assert "## For maintainers" in source and "### 维护者" in source
    for gone in ("## For maintainers", "### 维护者", "maintainers:", "nox -s tests",
                 "tests/mutants", "CONTRIBUTING.md"):  # fmt: skip
        assert gone not in shipped, f"{gone!r} is for maintainers"
    for kept in ("## Start", "## 中文", "### 开始", "<!-- coursemap:en start -->",
                 "<!-- coursemap:zh end -->", "nox -s watch"):  # fmt: skip
        assert kept in shipped, f"{kept!r} is for students"
    assert shipped.endswith("<!-- coursemap:zh end -->\n")


def test_the_template_is_exactly_one_clean_commit_by_a_neutral_author(template):
    log = git(template, "log", "--format=%an <%ae>|%cn <%ce>|%s").splitlines()
    assert log == ["Course release <release@localhost>|Course release <release@localhost>|"
                   "Python Backend Katas"]  # fmt: skip
    assert git(template, "status", "--porcelain", "--ignored") == ""
    assert git(template, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"


def test_keep_solutions_ships_them_and_solution_shows_the_diff(tmp_path):
    out = tmp_path / "self-study"
    assert write(out, "--keep-solutions") == 0
    assert (out / "solutions" / FIRST).is_dir()
    assert not (out / "tests").exists()
    done = grader_in(out, "solution", "01", "--force")
    assert done.returncode == 0, done.stderr
    assert f"{FIRST} — the reference solution, as a diff against your files" in done.stdout
    assert f"+++ solutions/{FIRST}/concurrency.py" in done.stdout


# ── refusals ────────────────────────────────────────────────────────────────────────────────


def test_a_non_empty_folder_is_refused_in_one_line_unless_forced(tmp_path, capsys):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert write(out) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not empty" in err and "--force" in err
    assert [p.name for p in out.iterdir()] == ["notes.txt"], "a refusal changes nothing"

    assert write(out, "--force") == 0
    assert not (out / "notes.txt").exists()
    assert (out / "exercises" / FIRST).is_dir()
    assert len(git(out, "log", "--format=%H").split()) == 1


def test_a_folder_inside_the_course_is_refused(capsys):
    assert write(REPO / "dist" / "student") == 2
    assert "choose a folder outside" in capsys.readouterr().err
    assert not (REPO / "dist").exists()


# ── the template in use ─────────────────────────────────────────────────────────────────────


def test_reset_in_the_template_restores_from_its_one_commit(fresh_template):
    path = fresh_template / "exercises" / FIRST / "concurrency.py"
    shipped = git(fresh_template, "show", f"HEAD:exercises/{FIRST}/concurrency.py")
    path.write_text("def run_in_threads(): return 'mine'\n", encoding="utf-8")
    done = grader_in(fresh_template, "reset", "01", "--yes")
    assert done.returncode == 0, done.stderr
    commit = git(fresh_template, "rev-parse", "--short=7", "HEAD").strip()
    assert f"to the repository's first commit ({commit})" in done.stdout
    assert path.read_text(encoding="utf-8") == shipped


@pytest.mark.parametrize(
    ("verb", "needs"),
    [(["solution", "01"], "solutions/"), (["verify"], "solutions/"),
     (["bench"], "solutions/ and tests/")],
)  # fmt: skip
def test_verbs_that_need_solutions_say_so_in_one_line(template, verb, needs):
    done = grader_in(template, *verb)
    assert done.returncode == 2
    assert done.stderr == (
        f"error: {verb[0]} needs {needs}, which the student copy does not have: "
        + ("your instructor has the reference solutions\n" if verb[0] == "solution"
           else "run it in the course's own repository\n")
    )  # fmt: skip
    assert done.stdout == ""


@pytest.mark.parametrize("session", ["verify", "bench", "tests"])
def test_maintainer_sessions_stop_at_once_in_the_template(fresh_template, session):
    pytest.importorskip("nox")
    done = nox_in(fresh_template, session)
    output = done.stdout + done.stderr
    lines = [line for line in output.splitlines() if "which the student copy does not have" in line]
    assert done.returncode != 0
    assert len(lines) == 1 and f"nox -s {session} needs" in lines[0], output
    assert "Traceback" not in output
    assert not (fresh_template / ".nox" / "grade").exists(), "nothing is built just to say no"
    assert not (fresh_template / ".nox" / "tests").exists()


def test_the_check_starts_the_grader_as_the_noxfile_does(noxfile):
    assert release.GRADER_BOOT == noxfile.GRADER_BOOT


@pytest.mark.slow
def test_the_release_grades_zero_and_every_learner_session_works_in_a_clone(tmp_path):
    """The whole command as an instructor runs it: write, then check a clone as a student would."""
    pytest.importorskip("nox")
    out = tmp_path / "student"
    done = subprocess.run(
        [sys.executable, "-m", "grader", "release", str(out),
         "--nox", shlex.join([sys.executable, "-m", "nox"])],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=1800,
    )  # fmt: skip
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    steps = {
        line.split()[1]: line
        for line in done.stdout.splitlines()
        if line.startswith(("  ✓", "  ✗"))
    }
    assert sorted(steps) == sorted(["grade", "list", "hint", "doctor", "reset", "watch", "play",
                                    "solution", "verify", "bench", "tests"])  # fmt: skip
    assert all(line.startswith("  ✓") for line in steps.values()), report
    assert f"0/{load_course().max_points:g} points, exit 1" in steps["grade"]
    assert "restored from the template's one commit" in steps["reset"]
    assert "The student template works" in done.stdout
    assert git(out, "status", "--porcelain", "--ignored") == "", "the check works on a clone"


@pytest.mark.slow
def test_the_check_fails_a_template_whose_grading_crashes(fresh_template, tmp_path):
    """A stub that ends its test process is a crash, not an honest failure: the check says which."""
    stub = fresh_template / "exercises" / FIRST / "concurrency.py"
    stub.write_text("import os\n\nos._exit(3)\n", encoding="utf-8")
    git(fresh_template, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-qam", "x")
    said = []
    check = release.check_release(fresh_template, load_course(), sys.executable, None, said.append)
    grade = said[0]
    assert (grade.name, grade.ok) == ("grade", False)
    crashed = grade.detail.split("grading crashed or hung in ", 1)[1].split(" (", 1)[0]
    assert "01" in crashed.split(", "), grade.detail
    assert not check.ok
