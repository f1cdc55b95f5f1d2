"""The learner's modules inside the `reports` package, imported with the loader's clear messages.

grader.loader.load() imports top-level modules (proj_celery); reports.tasks and reports.views
live in the app package Django already imported, so they are imported by dotted name here,
and every way they can break becomes one LearnerCodeError message.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from _pytest.outcomes import OutcomeException

from grader import loader


def module(dotted: str) -> loader.LearnerModule:
    """``reports.views`` → the learner's reports/views.py, imported (once) and wrapped."""
    if "." not in dotted:
        return loader.load(dotted)
    existing = sys.modules.get(dotted)
    if existing is not None and loader.is_learner_file(getattr(existing, "__file__", "") or ""):
        return loader.LearnerModule(existing)
    path = loader.exercise_dir().joinpath(*dotted.split(".")).with_suffix(".py")
    if not path.is_file():
        shown = loader.display_path(path)
        raise loader.LearnerCodeError(
            f"{shown} is missing. The exercise needs this file: restore it from the "
            f"repository (git checkout -- {shown})."
        )
    try:
        imported = importlib.import_module(dotted)
    except OutcomeException:
        raise
    except BaseException as error:  # noqa: BLE001 - any failure of learner code is reported
        raise loader.LearnerCodeError(import_failure(error, path)) from None
    return loader.LearnerModule(imported)


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
