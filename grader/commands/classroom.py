"""`classroom`: write (or --check) .github/workflows/classroom.yml from the manifest.

The names GitHub Classroom looks for are fixed: workflow `Autograding Tests`, job
`run-autograding-tests`. nginx is installed before grading (exercise 13 runs real nginx). The
job grades once and the reporter reads one result per exercise (`EX01_RESULTS` … from the
grading step's outputs), with `if: always()` so a failing grade is still reported.

Students own their repository, so before grading everything but `exercises/` is restored from
its first commit — the assignment template: the grader, the suites, the noxfile, the workflow,
the tests, and any file added outside `exercises/` (a root `json.py` or `sitecustomize.py`) is
removed. What was restored or removed is listed in the grading report.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from grader.manifest import Course

WORKFLOW = Path(".github") / "workflows" / "classroom.yml"
# The one folder a student's commits may change; everything else comes from the template.
LEARNER_FOLDER = "exercises"
# The files grading runs: a student tree needs at least these (the Classroom tests build one).
GRADING_FILES = ("grader", "noxfile.py", "pyproject.toml", "requirements")
PYTHON_VERSION = "3.12"


def render(course: Course) -> str:
    runners = [f"ex{exercise.id}" for exercise in course.exercises]
    env = "\n".join(
        f"          {runner.upper()}_RESULTS: ${{{{ steps.grade.outputs.{runner} }}}}"
        for runner in runners
    )
    outside = f"-- . ':(exclude){LEARNER_FOLDER}'"
    return f"""\
# Generated from grader/course.toml by `nox -s classroom`: edit the manifest, not this file.
name: Autograding Tests
on:
  - push
  - repository_dispatch
  - workflow_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    timeout-minutes: 30
    steps:
      - name: Checkout code
        uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - name: Restore everything but {LEARNER_FOLDER}/ from the template
        id: restore
        if: ${{{{ !github.event.repository.is_template }}}}
        shell: bash
        run: |
          template="$(git rev-list --max-parents=0 HEAD | tail -n 1)"
          changed="$(git diff --name-only "$template" HEAD {outside} | tr '\\n' ' ')"
          echo "KATA_TEMPLATE_CHANGES=$changed" >> "$GITHUB_ENV"
          git ls-files -z {outside} | xargs -0 rm -f --
          git checkout "$template" {outside}
      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: "{PYTHON_VERSION}"
          cache: pip
          cache-dependency-path: pyproject.toml
      - name: Install nox
        run: python -m pip install nox
      - name: Install nginx (exercise 13 runs it)
        id: nginx
        # GitHub's Ubuntu images usually have it; a failed install must not stop the grading:
        # exercise 13's nginx tests then fail with a line that says how to install it.
        continue-on-error: true
        shell: bash
        run: |
          if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
            sudo apt-get update -qq
            sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx
          fi
          "$(command -v nginx || echo /usr/sbin/nginx)" -v
      - name: Grade
        id: grade
        run: nox -s grade -- --classroom --exit-zero
      - name: Autograding Reporter
        uses: classroom-resources/autograding-grading-reporter@v1
        if: always()
        env:
{env}
        with:
          runners: {",".join(runners)}
"""


def write_workflow(course: Course, check: bool = False) -> int:
    path = course.root / WORKFLOW
    text = render(course)
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if current == text:
        print(f"{WORKFLOW} is up to date.")
        return 0
    if check:
        print(f"{WORKFLOW} is stale: run `nox -s classroom` and commit the result.")
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"{WORKFLOW} written from the manifest ({len(course.exercises)} exercises).")
    return 0


HELP = "write (or --check) the GitHub Classroom workflow"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="fail if the workflow is stale")


def handle(args: argparse.Namespace, course: Course) -> int:
    return write_workflow(course, check=args.check)
