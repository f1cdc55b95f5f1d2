"""Spreading one exercise's suite over cores that would otherwise sit idle.

Graded alone (a save in `watch`, `grade 09`), an exercise keeps one core busy and leaves the
others idle while its tests run one after another. An exercise whose manifest entry says
``split = true`` then runs in several children at once, each on a group of its test files; the
runner combines their runs into one, which is scored as if one child had run every file. Each
child still pays the suite's start-up (pytest, Django, the test database), so only suites whose
tests take long enough to be worth it opt in, and only files that need nothing from another
file, with session fixtures that may run once per child side by side.

Groups are balanced by how long each file's tests took the last time this exercise was graded
here (kept in the grader's cache folder), or by file size before any time is known.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from grader.isolation import cache_dir
from grader.manifest import Exercise
from grader.progress import write_atomically

# Seconds per test file, by exercise folder: {"09_apiview": {"test_task1_x.py": 0.21, …}}.
TIMINGS_FILE = "test-file-seconds.json"

Groups = tuple[tuple[str, ...], ...]
# Children one exercise may use: each pays the whole start-up again to take its share of the
# tests; past three, that share is too small for what the start-up costs.
MOST_CHILDREN = 3


def suite_files(suite_dir: Path) -> list[str]:
    """The suite's test files, in the order pytest collects a folder (by name)."""
    return sorted(path.name for path in suite_dir.glob("test_*.py") if path.is_file())


def plan(exercises: Sequence[tuple[Exercise, Path]], jobs: int) -> list[Groups | None]:
    """For each (exercise, suite folder), the groups of test files its children run, or None
    for one child on the whole folder. Only the cores the exercises leave idle are given out."""
    spare = jobs - len(exercises)
    files = [
        suite_files(suite_dir) if exercise.split and spare > 0 else []
        for exercise, suite_dir in exercises
    ]
    children = [1] * len(exercises)
    while spare > 0:
        # One more child, in turn, to each exercise that still has files to give it.
        growable = [
            i for i in range(len(exercises)) if children[i] < min(len(files[i]), MOST_CHILDREN)
        ]
        if not growable:
            break
        for i in growable[:spare]:
            children[i] += 1
        spare -= len(growable[:spare])
    timings = _load_timings() if max(children, default=1) > 1 else {}
    return [
        _balanced(files[i], children[i], timings.get(exercise.folder, {}), suite_dir)
        if children[i] > 1
        else None
        for i, (exercise, suite_dir) in enumerate(exercises)
    ]


def _balanced(names: list[str], count: int, seconds: dict, suite_dir: Path) -> Groups:
    """``count`` groups of about equal weight: the heaviest file first, into the lightest group."""
    if all(isinstance(seconds.get(name), (int, float)) for name in names):
        weight = {name: float(seconds[name]) for name in names}
    else:  # not all timed yet: sizes, so that seconds and bytes are never added up
        weight = {name: float((suite_dir / name).stat().st_size) for name in names}
    groups: list[list[str]] = [[] for _ in range(count)]
    loads = [0.0] * count
    for name in sorted(names, key=lambda name: (-weight[name], name)):
        lightest = loads.index(min(loads))
        groups[lightest].append(name)
        loads[lightest] += weight[name]
    return tuple(sorted(tuple(sorted(group)) for group in groups if group))


def file_of(test_name: str) -> str:
    """``test_x.py`` from ``09_apiview/test_x.py::test_y[1]``."""
    return test_name.split("::", 1)[0].rsplit("/", 1)[-1]


def remember(runs: Iterable) -> None:
    """Keep how long each test file of a splittable exercise took, for the next plan."""
    folder = cache_dir()
    runs = [run for run in runs if run.exercise.split]
    if folder is None or not runs:
        return
    timings = _load_timings()
    for run in runs:
        # Events come from the child, where learner code runs too: only the suite's own files
        # and plausible times are kept.
        known = set(suite_files(run.exercise.suite_dir))
        seconds: dict[str, float] = {}
        for child in run.parts or (run,):
            for position, event in enumerate(child.events_of("result")):
                # A child's first test also sets up what the whole child shares (the test
                # database, a worker, session fixtures): of it, only its own body counts.
                name = event.get("name")
                duration = event.get("call_duration" if position == 0 else "duration")
                file = file_of(name) if isinstance(name, str) else None
                if file in known and isinstance(duration, (int, float)) and 0 <= duration < 3600:
                    seconds[file] = seconds.get(file, 0.0) + float(duration)
        if seconds:
            kept = timings.setdefault(run.exercise.folder, {})
            kept.update({name: round(value, 4) for name, value in seconds.items()})
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed: a grader running beside this one reads the old or the new.
        write_atomically(folder / TIMINGS_FILE, json.dumps(timings, indent=1, sort_keys=True))
    except OSError:
        pass  # a read-only cache: the next plan balances by size


def _load_timings() -> dict:
    folder = cache_dir()
    if folder is None:
        return {}
    try:
        loaded = json.loads((folder / TIMINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {key: value for key, value in loaded.items() if isinstance(value, dict)}
