"""The course manifest (grader/course.toml): the one source of truth for the course.

Order, slugs, titles, tasks, points, hints and time limits live there; everything else (the
README course map, reports, the Classroom workflow) is derived from it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

GRADER_DIR = Path(__file__).resolve().parent
REPO_ROOT = GRADER_DIR.parent
# A course is a folder laid out like this repository: grader/course.toml, grader/suites/NN_slug,
# exercises/NN_slug and solutions/NN_slug. The grader's own tests use a tiny one of the same shape.
MANIFEST_PATH = GRADER_DIR / "course.toml"


class ManifestError(ValueError):
    """The manifest is malformed: a maintainer's mistake, reported with the entry at fault."""


@dataclass(frozen=True)
class Task:
    number: int
    title: str
    title_zh: str
    points: float
    # All-or-nothing unless the manifest says so: then points in proportion to tests passed.
    partial: bool = False


@dataclass(frozen=True)
class Hint:
    en: str
    zh: str


@dataclass(frozen=True)
class VerifyException:
    test: str
    reason: str


@dataclass(frozen=True)
class Limits:
    exercise_seconds: float
    test_seconds: float
    memory_mb: int


@dataclass(frozen=True)
class Exercise:
    number: int
    slug: str
    title: str
    title_zh: str
    track: str
    files: tuple[str, ...]
    tasks: tuple[Task, ...]
    hints: tuple[Hint, ...]
    limits: Limits
    suite_dir: Path
    verify_exceptions: tuple[VerifyException, ...] = ()
    # A settings module in the suite folder: the suite runs under pytest-django with it, and
    # `play` serves the exercise with it.
    django_settings: str | None = None
    # "module:attribute" of the learner's Celery app: `play` runs a real worker for it.
    celery_app: str | None = None
    # A line to try in the playground shell, shown when the playground starts.
    playground_example: str | None = None
    # Extra pytest plugins this suite needs (plugin autoloading is off in grading children).
    pytest_plugins: tuple[str, ...] = ()
    # Its test files may run in separate children at once when cores are idle (grader.splitting).
    split: bool = False

    @property
    def plugins(self) -> tuple[str, ...]:
        return (("pytest_django.plugin",) if self.django_settings else ()) + self.pytest_plugins

    @property
    def id(self) -> str:
        return f"{self.number:02d}"

    @property
    def folder(self) -> str:
        return f"{self.id}_{self.slug}"

    @property
    def max_points(self) -> float:
        return sum(task.points for task in self.tasks)

    def task(self, number: int) -> Task | None:
        return next((task for task in self.tasks if task.number == number), None)


@dataclass(frozen=True)
class Track:
    slug: str
    title: str
    title_zh: str


@dataclass(frozen=True)
class Course:
    title: str
    title_zh: str
    root: Path
    tracks: tuple[Track, ...]
    exercises: tuple[Exercise, ...] = field(default_factory=tuple)

    @property
    def exercises_dir(self) -> Path:
        return self.root / "exercises"

    @property
    def solutions_dir(self) -> Path:
        return self.root / "solutions"

    @property
    def suites_dir(self) -> Path:
        return self.root / "grader" / "suites"

    @property
    def max_points(self) -> float:
        return sum(exercise.max_points for exercise in self.exercises)

    def track(self, slug: str) -> Track:
        return next(track for track in self.tracks if track.slug == slug)


def load_course(path: Path = MANIFEST_PATH) -> Course:
    path = Path(path).resolve()
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ManifestError(f"{path}: {error}") from None
    return parse_course(data, root=path.parent.parent)


def parse_course(data: dict, root: Path) -> Course:
    course = data.get("course", {})
    suites_dir = root / "grader" / "suites"
    defaults = data.get("limits", {})
    tracks = tuple(
        Track(slug=t["slug"], title=t["title"], title_zh=t["title_zh"])
        for t in data.get("tracks", [])
    )
    exercises = tuple(
        _parse_exercise(entry, defaults, suites_dir) for entry in data.get("exercises", [])
    )
    _check_course(tracks, exercises)
    return Course(
        title=course.get("title", "Katas"),
        title_zh=course.get("title_zh", course.get("title", "Katas")),
        root=root,
        tracks=tracks,
        exercises=exercises,
    )


def _parse_exercise(entry: dict, defaults: dict, suites_dir: Path) -> Exercise:
    name = f"exercise {entry.get('number', '?')} ({entry.get('slug', '?')})"
    try:
        tasks = tuple(
            Task(
                number=index,
                title=task["title"],
                title_zh=task["title_zh"],
                points=task["points"],
                partial=task.get("partial", False),
            )
            for index, task in enumerate(entry["tasks"], start=1)
        )
        hints = tuple(Hint(en=hint["en"], zh=hint["zh"]) for hint in entry.get("hints", []))
        exceptions = tuple(
            VerifyException(test=item["test"], reason=item["reason"])
            for item in entry.get("verify_exceptions", [])
        )
        limits = Limits(
            exercise_seconds=entry.get("time_limit", defaults.get("exercise_seconds", 60)),
            test_seconds=entry.get("test_time_limit", defaults.get("test_seconds", 10)),
            memory_mb=entry.get("memory_mb", defaults.get("memory_mb", 2048)),
        )
        return Exercise(
            number=entry["number"],
            slug=entry["slug"],
            title=entry["title"],
            title_zh=entry["title_zh"],
            track=entry["track"],
            files=tuple(entry["files"]),
            tasks=tasks,
            hints=hints,
            limits=limits,
            suite_dir=suites_dir / f"{entry['number']:02d}_{entry['slug']}",
            verify_exceptions=exceptions,
            django_settings=entry.get("django_settings"),
            pytest_plugins=tuple(entry.get("pytest_plugins", ())),
            celery_app=entry.get("celery_app"),
            playground_example=entry.get("playground_example"),
            split=_flag(entry, "split", name),
        )
    except KeyError as missing:
        raise ManifestError(f"{name}: missing field {missing}") from None


def _flag(entry: dict, key: str, name: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise ManifestError(f"{name}: {key} must be true or false, got {value!r}")
    return value


def _check_course(tracks: tuple[Track, ...], exercises: tuple[Exercise, ...]) -> None:
    numbers = [exercise.number for exercise in exercises]
    if numbers != sorted(set(numbers)):
        raise ManifestError(f"exercise numbers must be unique and ascending, got {numbers}")
    slugs = [exercise.slug for exercise in exercises]
    if len(slugs) != len(set(slugs)):
        raise ManifestError(f"exercise slugs must be unique, got {slugs}")
    track_slugs = {track.slug for track in tracks}
    for exercise in exercises:
        if exercise.track not in track_slugs:
            raise ManifestError(f"{exercise.folder}: unknown track {exercise.track!r}")
        if not exercise.tasks:
            raise ManifestError(f"{exercise.folder}: an exercise needs at least one task")
        if any(task.points <= 0 for task in exercise.tasks):
            raise ManifestError(f"{exercise.folder}: task points must be positive")
