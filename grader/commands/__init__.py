"""One module per verb of `python -m grader` (and of the nox session of the same name).

A verb module declares `HELP` (one line), `add_arguments(parser)` and `handle(args, course)`,
which returns the exit code. `grader.cli` collects the verbs named here and imports a module
only when its verb runs (or for `--help`), so `hint` never pays for Django, Celery or rich.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# In the order `--help` lists them, by whom they are for. Learners see only theirs; the others
# are named in one line each, where the guides that explain them are (the course's repository).
LEARNER_VERBS = ("grade", "watch", "list", "hint", "reset", "solution", "play", "doctor")
INSTRUCTOR_VERBS = ("classroom", "gradebook", "grading-worker", "release", "gradescope")
MAINTAINER_VERBS = ("verify", "coursemap", "bench")
VERBS = LEARNER_VERBS + INSTRUCTOR_VERBS + MAINTAINER_VERBS
# Verbs whose module cannot carry the verb's name (`list` is a builtin, `-` is no identifier).
_MODULES = {"list": "listing", "grading-worker": "grading_worker"}


def load(verb: str) -> ModuleType | None:
    """The verb's module, or None when this copy of the grader does not have it."""
    name = f"{__name__}.{_MODULES.get(verb, verb)}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name == name:
            return None
        raise
    return module if hasattr(module, "handle") else None
