"""The learner's modules inside the `reports` package, imported with the loader's clear messages.

grader.loader.load() imports them by dotted name (``reports.views``); the app package itself
is already imported by Django. ``import_failure`` words an error that Django or Celery raised
while importing learner code (models at start-up, tasks at autodiscovery) the same way.
"""

from __future__ import annotations

from pathlib import Path

from grader import loader


def module(dotted: str) -> loader.LearnerModule:
    """``reports.views`` → the learner's reports/views.py, imported (once) and wrapped."""
    return loader.load(dotted)


def import_failure(error: BaseException, path: Path | None = None) -> str:
    """The loader's message for an error raised while importing learner code."""
    message = loader.import_time_failure(error)
    if message:
        return message
    where = loader.learner_line(error.__traceback__)
    at = f" at {where[0]}:{where[1]}" if where else ""
    what = loader.display_path(path) if path else "your code"
    return (
        f"Importing {what} failed{at}: {type(error).__name__}: {error}\n"
        f"Module-level code runs on import: it must not fail."
    )
