"""`python -m grader`: refuse to grade with a learner's module in the grader's own process.

`python -m` puts the current folder first on sys.path, so a `json.py` (or any standard-library
name) at the repository root would be imported by the grader ahead of the real one. The nox
sessions start the grader with `-P` and the repository root appended instead (noxfile.py); this
check catches every other way of starting it: a module already imported from the current folder
or the repository root stops the run with its file named, and the unsafe folders are moved to the
end of sys.path before anything else is imported.
"""

import atexit
import os
import sys
import threading
from pathlib import Path

_GRADER_PACKAGE = Path(__file__).resolve().parent
_REPO_ROOT = _GRADER_PACKAGE.parent


def _unsafe_folders() -> set[Path]:
    return {Path.cwd().resolve(), _REPO_ROOT}


def _folder_of(module) -> Path | None:
    """The sys.path folder a module was found in: the folder holding it (or its package)."""
    file = getattr(module, "__file__", None)
    if not file:
        return None
    path = Path(file).resolve()
    if path.name == "__init__.py":
        path = path.parent
    return path.parent


def shadowing_modules(unsafe: set[Path]) -> list[str]:
    """Files of modules already imported from an unsafe folder (the grader package excepted)."""
    found = []
    for name, module in list(sys.modules.items()):
        if name == "__main__" or name == "grader" or name.startswith("grader."):
            continue
        folder = _folder_of(module)
        if folder is not None and folder in unsafe:
            found.append(str(Path(module.__file__)))
    return sorted(set(found))


def keep_unsafe_folders_last(unsafe: set[Path]) -> None:
    """Standard library and installed packages first; the repository root only for `grader`."""

    def is_unsafe(entry: str) -> bool:
        return Path(entry or os.curdir).resolve() in unsafe

    sys.path[:] = [entry for entry in sys.path if not is_unsafe(entry)] + [str(_REPO_ROOT)]


def run() -> int:
    unsafe = _unsafe_folders()
    shadowing = shadowing_modules(unsafe)
    if shadowing:
        print(
            "error: the grader imported a module from the course folder instead of Python's own: "
            + ", ".join(shadowing)
            + ". Remove (or rename) that file, then grade again with `nox -s grade`.",
            file=sys.stderr,
        )
        return 2
    keep_unsafe_folders_last(unsafe)
    from grader.cli import main

    return leave_at_once(main())


def leave_at_once(code):
    """End the process now, without Python's teardown, when nothing is left to finish.

    When a verb returns, its files are written and closed; what is left is the interpreter
    taking apart every module the grader loaded (rich, argparse, the results model...): 20 to
    35 ms at the end of every grade on a 2-core machine, against 5 ms for a bare interpreter.
    The exit handlers still run (`play` releases its claim in one). A verb that returns with a
    thread still running, or an output that can no longer be written (a closed pipe), gets the
    ordinary exit instead."""
    if not isinstance(code, int) or threading.active_count() > 1:
        return code
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return code
    os._exit(code)


if __name__ == "__main__":
    sys.exit(run())
