"""A learner's Django app inside a suite's settings: its folder on sys.path, its models guarded.

Django imports every installed app's models in django.setup(), which pytest-django runs before
the grader's plugin has configured the loader and before any test: a broken models.py would end
the run with a bare traceback and no results. ``GuardedAppConfig`` keeps the error instead; the
suite reports it in every test with the loader's words (``models_failure``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.apps import AppConfig


def learner_folder_on_path() -> None:
    """Put the exercise folder on sys.path now (from the child's --kata-exercise-dir), as the
    grader's loader does later. Appended, never prepended: a learner file must not shadow the
    standard library. The playground has done this already (and passes no such option)."""
    argv = sys.argv
    for i, arg in enumerate(argv):
        if arg == "--kata-exercise-dir" and i + 1 < len(argv):
            folder = argv[i + 1]
        elif arg.startswith("--kata-exercise-dir="):
            folder = arg.partition("=")[2]
        else:
            continue
        folder = str(Path(folder).resolve())
        if folder not in sys.path:
            sys.path.append(folder)
        return


class GuardedAppConfig(AppConfig):
    """A learner app whose broken models.py is kept in ``models_error``, not raised."""

    default_auto_field = "django.db.models.BigAutoField"
    models_error: BaseException | None = None

    def import_models(self) -> None:
        try:
            super().import_models()
        except (Exception, SystemExit) as error:  # noqa: BLE001 - reported by every test instead
            type(self).models_error = error


def models_failure(
    config: type[GuardedAppConfig],
    advice: str = "Module-level code runs on import: it must not fail.",
) -> str | None:
    """The loader's message for the app's broken models.py, or None when it imported."""
    from grader import loader

    error = config.models_error
    if error is None:
        return None
    message = loader.import_time_failure(error)
    if message:
        return message
    where = loader.learner_line(error.__traceback__)
    at = f" at {where[0]}:{where[1]}" if where else ""
    return (
        f"Importing {config.name}/models.py failed{at}: {type(error).__name__}: {error}\n{advice}"
    )
