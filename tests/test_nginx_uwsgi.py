"""Exercise 13 on a machine without nginx: the tests that need nginx fail (never pass, never skip)
with one line that says how to install it, and the rest of the exercise is still graded.

The suite finds nginx on PATH or where packages put it (/usr/sbin, Homebrew); KATA_NGINX
overrides that, and a KATA_NGINX that is not an executable means "no nginx". Here it points at a
file that does not exist, and PATH holds no nginx either.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from grader.cli import main

ROOT = Path(__file__).parent.parent
INSTALL_LINE = (
    "nginx not found: install it with `sudo apt install nginx` (Debian/Ubuntu), "
    "`brew install nginx` (macOS), or in WSL on Windows"
)
pytestmark = pytest.mark.slow


def path_without_nginx() -> str:
    folders = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(f for f in folders if f and not (Path(f) / "nginx").exists())


def test_without_nginx_only_the_nginx_tests_fail_and_they_say_how_to_install_it(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("KATA_NGINX", str(tmp_path / "no-nginx-here"))
    monkeypatch.setenv("PATH", path_without_nginx())
    report = tmp_path / "report.json"
    main(["grade", "13", "--target", str(ROOT / "solutions"), "--json", str(report), "--exit-zero"])
    exercise = json.loads(report.read_text(encoding="utf-8"))["exercises"][0]

    tasks = {task["id"]: task for task in exercise["tasks"]}
    assert (tasks[1]["status"], tasks[2]["status"]) == ("pass", "pass"), (
        "the protocol and the server are graded in full without nginx"
    )
    assert tasks[3]["status"] == "fail" and tasks[3]["points"] == 0, tasks[3]
    assert exercise["points"] == tasks[1]["max_points"] + tasks[2]["max_points"]

    tests = exercise["tests"]
    assert not [test for test in tests if test["status"] == "skipped"], "nothing is skipped"
    failed = [test for test in tests if test["status"] != "passed"]
    assert failed and all(test["task"] == 3 for test in failed), failed
    for test in failed:
        assert test["message"] == INSTALL_LINE, (test["name"], test["message"])
    parsed = [test for test in tests if "::test_config_" in test["name"]]
    assert parsed and all(test["status"] == "passed" for test in parsed), (
        "the config is still read with crossplane, without nginx"
    )
