"""Shared fixtures: the tiny fixture course and targets built from it with one file replaced."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from grader.cli import main
from grader.manifest import load_course

HERE = Path(__file__).parent
FIXTURE_MANIFEST = HERE / "fixture_course" / "grader" / "course.toml"


@pytest.fixture(scope="session")
def noxfile():
    """The course's noxfile as a module, loaded once per test run: loading it registers its
    sessions with nox, which warns about (and will refuse) a second registration."""
    pytest.importorskip("nox")
    spec = importlib.util.spec_from_file_location("kata_noxfile", HERE.parent / "noxfile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def fixture_course():
    return load_course(FIXTURE_MANIFEST)


@pytest.fixture
def make_target(tmp_path, fixture_course):
    """A target folder holding every fixture solution, with the given files replaced or added."""

    def build(files: dict[str, str] | None = None, name: str = "target") -> Path:
        target = tmp_path / name
        shutil.copytree(fixture_course.solutions_dir, target)
        for relative, text in (files or {}).items():
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return target

    return build


@pytest.fixture
def grade_fixture(tmp_path):
    """Grade a target of the fixture course through the real CLI; returns (exit code, JSON report)."""

    def run(target: Path, *selectors: str) -> tuple[int, dict]:
        report = tmp_path / "report.json"
        code = main(["--course", str(FIXTURE_MANIFEST), "grade", *selectors, "--target", str(target),
                     "--json", str(report)])  # fmt: skip
        return code, json.loads(report.read_text(encoding="utf-8"))

    return run
