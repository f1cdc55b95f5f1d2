"""GitHub Classroom without GitHub: the generated workflow's steps run here as Actions runs them.

The grading step runs with temporary GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files; every `exNN`
result is decoded, and the scores must add up to the JSON report's points for the stubs (0),
the solutions (all) and a mix (partial credit).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from grader.cli import main
from grader.commands.classroom import GRADING_FILES, WORKFLOW, render
from grader.manifest import load_course
from grader.results import score_exercise
from grader.runner import ChildRun
from grader.writers.github import classroom_result

ROOT = Path(__file__).parent.parent
COURSE = load_course()
pytestmark = pytest.mark.slow


def workflow() -> dict:
    return yaml.safe_load((ROOT / WORKFLOW).read_text(encoding="utf-8"))


def step(name: str) -> dict:
    steps = workflow()["jobs"]["run-autograding-tests"]["steps"]
    return next(item for item in steps if item.get("id") == name or item.get("name") == name)


def test_workflow_is_generated_from_the_current_manifest():
    assert (ROOT / WORKFLOW).read_text(encoding="utf-8") == render(COURSE), (
        "the Classroom workflow is stale: run `nox -s classroom` and commit it"
    )


def test_workflow_has_the_names_ids_env_and_runners_the_reporter_needs():
    flow = workflow()
    assert flow["name"] == "Autograding Tests"
    assert list(flow["jobs"]) == ["run-autograding-tests"]
    job = flow["jobs"]["run-autograding-tests"]
    assert job["if"] == "github.actor != 'github-classroom[bot]'"
    checkout = job["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0
    python = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["cache"] == "pip"
    assert any("pip install nox" in s.get("run", "") for s in job["steps"])
    reporter = job["steps"][-1]
    assert reporter["uses"] == "classroom-resources/autograding-grading-reporter@v1"
    assert reporter["if"] == "always()"
    runners = [f"ex{exercise.id}" for exercise in COURSE.exercises]
    assert reporter["with"]["runners"] == ",".join(runners)
    assert reporter["env"] == {
        f"{r.upper()}_RESULTS": f"${{{{ steps.grade.outputs.{r} }}}}" for r in runners
    }
    grading = [
        s.get("id")
        for s in job["steps"]
        if "nox -s grade" in s.get("run", "") or "grader grade" in s.get("run", "")
    ]
    assert grading == ["grade"], "exactly one step grades"


def test_classroom_flag_needs_github_output(monkeypatch):
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    with pytest.raises(SystemExit, match="GITHUB_OUTPUT"):
        main(["grade", "01", "--classroom"])


def test_an_exercise_that_crashed_still_reports_its_max_score(fixture_course):
    adder = next(e for e in fixture_course.exercises if e.slug == "adder")
    crashed = score_exercise(ChildRun(adder, Path("t"), [], -9, False, 1.0, "Killed"))
    result = classroom_result(crashed)
    assert result["status"] == "error" and result["max_score"] == adder.max_points
    assert sum(test["score"] for test in result["tests"]) == 0
    assert len(result["tests"]) == adder.max_points  # integer task points: one entry per point
    assert "could not run" in result["tests"][0]["message"]


def build_tree(tmp_path: Path, exercises: dict[str, Path]) -> Path:
    """A student repository: the grading files, and exercise folders taken from ``exercises``."""
    tree = tmp_path / "student"
    for name in GRADING_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, tree / name)
    for folder, source in exercises.items():
        shutil.copytree(source, tree / "exercises" / folder)
    return tree


@pytest.fixture(scope="module")
def shared_nox_envs(tmp_path_factory):
    """One .nox folder for every student tree, so the grade session's venv is built once."""
    return tmp_path_factory.mktemp("nox-envs")


def run_grading_step(tree: Path, nox_envs: Path, tmp_path: Path) -> tuple[dict[str, dict], str]:
    (tree / ".nox").symlink_to(nox_envs, target_is_directory=True)
    output, summary = tmp_path / "github_output", tmp_path / "step_summary"
    output.write_text("")
    env = {
        **os.environ,
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_ACTIONS": "true",
    }
    env.pop("KATA_TEMPLATE_CHANGES", None)
    completed = subprocess.run(
        ["bash", "-e", "-c", step("grade")["run"]],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    results = {}
    for line in output.read_text().splitlines():
        key, _, value = line.partition("=")
        results[key] = json.loads(base64.b64decode(value))
    return results, summary.read_text()


def json_points(tree: Path, tmp_path: Path) -> dict:
    report = tmp_path / "report.json"
    main(["grade", "--target", str(tree / "exercises"), "--json", str(report), "--exit-zero"])
    return json.loads(report.read_text())


def stubs() -> dict[str, Path]:
    return {e.folder: COURSE.exercises_dir / e.folder for e in COURSE.exercises}


def solutions() -> dict[str, Path]:
    return {e.folder: COURSE.solutions_dir / e.folder for e in COURSE.exercises}


def mix() -> dict[str, Path]:
    """Odd exercises solved, even ones stubbed, and 04 solved but for one task (a mutant)."""
    chosen = {
        e.folder: (COURSE.solutions_dir if e.number % 2 else COURSE.exercises_dir) / e.folder
        for e in COURSE.exercises
    }
    chosen["04_compact_dict"] = COURSE.solutions_dir / "04_compact_dict"
    return chosen


@pytest.mark.parametrize("case", ["stubs", "solutions", "mix"])
def test_grading_step_results_add_up_to_the_json_report(case, tmp_path, shared_nox_envs):
    tree = build_tree(tmp_path, {"stubs": stubs, "solutions": solutions, "mix": mix}[case]())
    if case == "mix":
        mutant = ROOT / "tests" / "mutants" / "04_compact_dict" / "delete_writes_empty"
        shutil.copytree(mutant, tree / "exercises" / "04_compact_dict", dirs_exist_ok=True)
    results, summary = run_grading_step(tree, shared_nox_envs, tmp_path)
    report = json_points(tree, tmp_path)

    assert sorted(results) == [f"ex{e.id}" for e in COURSE.exercises], "one result per exercise"
    for entry in report["exercises"]:
        result = results[f"ex{entry['id']}"]
        scores = [test["score"] for test in result["tests"]]
        assert all(isinstance(score, int | float) for score in scores)
        assert result["max_score"] == entry["max_points"]
        assert sum(scores) == pytest.approx(entry["points"]), entry["slug"]
        passed = sum(test["status"] == "pass" for test in result["tests"])
        # The reporter's table: passed / total × max_score must show the same points.
        assert passed / len(scores) * result["max_score"] == pytest.approx(entry["points"]), entry[
            "slug"
        ]
    posted = sum(sum(t["score"] for t in r["tests"]) for r in results.values())
    assert posted == pytest.approx(report["total"]["points"])
    assert f"{report['total']['points']:g}/{report['total']['max_points']:g} points" in summary
    expected = {"stubs": 0, "solutions": report["total"]["max_points"]}.get(case)
    if expected is not None:
        assert report["total"]["points"] == expected
    else:
        assert 0 < report["total"]["points"] < report["total"]["max_points"]


def git(repo: Path, *args: str) -> str:
    command = ["git", "-c", "user.email=t@t", "-c", "user.name=t", "-C", str(repo), *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def test_restore_step_brings_back_everything_but_exercises_and_names_what_differed(tmp_path):
    repo = build_tree(tmp_path, {"01_concurrency": COURSE.exercises_dir / "01_concurrency"})
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "template")
    suite = next((repo / "grader" / "suites").glob("01_*/test_*.py"))
    original = suite.read_text()
    plugin = repo / "grader" / "plugin.py"
    original_plugin = plugin.read_text()
    suite.write_text("def test_always_passes():\n    pass\n")
    plugin.write_text(original_plugin + "\n# the student's plugin\n")
    (repo / "grader" / "suites" / "conftest.py").write_text("# planted\n")
    (repo / "json.py").write_text("raise SystemExit('a root json.py must never run')\n")
    (repo / "sitecustomize.py").write_text("# planted\n")
    (repo / "noxfile.py").unlink()
    learner_file = next((repo / "exercises" / "01_concurrency").glob("*.py"))
    learner_file.write_text(learner_file.read_text() + "\n# the student's work\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "student edits the tests and plants root modules")

    github_env = tmp_path / "github_env"
    github_env.write_text("")
    env = {**os.environ, "GITHUB_ENV": str(github_env)}
    subprocess.run(["bash", "-e", "-c", step("restore")["run"]], cwd=repo, env=env, check=True)

    assert suite.read_text() == original
    assert plugin.read_text() == original_plugin
    assert not (repo / "grader" / "suites" / "conftest.py").exists()
    assert not (repo / "json.py").exists() and not (repo / "sitecustomize.py").exists()
    assert (repo / "noxfile.py").exists()
    assert learner_file.read_text().endswith("# the student's work\n"), "exercises/ is kept"
    changes = github_env.read_text().strip().removeprefix("KATA_TEMPLATE_CHANGES=").split()
    assert sorted(changes) == sorted(
        [
            str(suite.relative_to(repo)),
            "grader/plugin.py",
            "grader/suites/conftest.py",
            "json.py",
            "noxfile.py",
            "sitecustomize.py",
        ]
    ), github_env.read_text()


def test_template_changes_are_reported_in_the_summary(tmp_path, monkeypatch):
    output, summary = tmp_path / "out", tmp_path / "summary"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("KATA_TEMPLATE_CHANGES", "grader/suites/conftest.py noxfile.py")
    monkeypatch.setenv("KATA_STATE_DIR", str(tmp_path / "state"))
    fixture = Path(__file__).parent / "fixture_course" / "grader" / "course.toml"
    main(["--course", str(fixture), "grade", "greeter", "--classroom", "--exit-zero"])
    text = summary.read_text()
    assert "`grader/suites/conftest.py`, `noxfile.py`" in text and "did not count" in text
    assert output.read_text().startswith("ex02=")


def test_the_python_that_runs_nox_is_available():
    assert shutil.which("nox") or shutil.which("nox", path=str(Path(sys.executable).parent)), (
        "the dev dependency group must install nox: the grading step runs `nox -s grade`"
    )


def test_codespaces_get_python_nox_the_servers_and_the_python_extensions():
    config = json.loads((ROOT / ".devcontainer" / "devcontainer.json").read_text(encoding="utf-8"))
    assert "python" in config["image"]
    setup = config["postCreateCommand"]
    assert all(
        word in setup
        for word in (
            "nginx-light",
            "redis-server",
            "pip install --user nox",
            "nox -s grade --install-only",
        )
    )
    assert "ms-python.python" in config["customizations"]["vscode"]["extensions"]


def test_nginx_is_installed_before_grading_and_cannot_stop_it():
    """Exercise 13 runs real nginx: the generated workflow installs it before the grading step.
    Read from render(), the generator, so the check holds before the workflow is regenerated."""
    steps = yaml.safe_load(render(COURSE))["jobs"]["run-autograding-tests"]["steps"]
    ids = [item.get("id") for item in steps]
    assert "nginx" in ids and ids.index("nginx") < ids.index("grade"), ids
    install = steps[ids.index("nginx")]
    script = install["run"]
    assert "apt-get install" in script and "nginx" in script.split("apt-get install", 1)[1]
    assert "command -v nginx" in script and "/usr/sbin/nginx" in script, (
        "skip the install when the runner image already has nginx"
    )
    assert install.get("continue-on-error") is True, (
        "a failed install must not stop the grading: exercise 13 then fails with the install line"
    )
    syntax = subprocess.run(["bash", "-n", "-c", script], capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr
