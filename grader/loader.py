"""Import learner code inside a test, turning every way it can break into one clear message.

Suites never import learner modules at module level: collection must not depend on the
learner. A test calls ``load("module_name")`` and gets the module back, or fails with a
message that names the file, the line and what went wrong.
"""

from __future__ import annotations

import importlib.util
import sys
import traceback
from pathlib import Path
from types import ModuleType

from _pytest.outcomes import OutcomeException


class LearnerCodeError(Exception):
    """The learner's code could not be used at all (it does not import, it exits, it is missing)."""


class ImportTimeoutError(LearnerCodeError):
    """An earlier test timed out while importing this module: it is not imported again."""


class MissingNameError(LearnerCodeError, AttributeError):
    """The module imports, but a name the README asks for is not defined in it.

    Also an AttributeError, so hasattr() and getattr(module, name, default) keep working."""


# Set once by the grader's pytest plugin: the one exercise folder this child process grades.
_exercise_dir: Path | None = None
# A module that failed to import keeps failing with the same message, without running again:
# an import-time endless loop must cost one per-test timeout, not one per test.
_failed_imports: dict[str, LearnerCodeError] = {}


def configure(exercise_dir: Path) -> None:
    global _exercise_dir
    _exercise_dir = exercise_dir.resolve()
    _failed_imports.clear()
    if str(_exercise_dir) not in sys.path:
        # Appended, not prepended: a learner file must never shadow pytest or the standard library.
        sys.path.append(str(_exercise_dir))


def exercise_dir() -> Path:
    if _exercise_dir is None:
        raise RuntimeError("grader.loader is not configured: run suites through the grader")
    return _exercise_dir


def display_path(path: str | Path) -> str:
    """A learner-friendly path: ``01_concurrency/concurrency.py`` rather than an absolute one."""
    path = Path(path)
    try:
        return path.resolve().relative_to(exercise_dir().parent).as_posix()
    except ValueError:
        return str(path)


def is_learner_file(path: str | Path) -> bool:
    try:
        Path(path).resolve().relative_to(exercise_dir())
    except (ValueError, OSError):
        return False
    return True


class LearnerModule:
    """A learner module whose missing names raise a clear error instead of AttributeError."""

    def __init__(self, module: ModuleType):
        object.__setattr__(self, "_module", module)

    def __getattr__(self, name: str):
        module = object.__getattribute__(self, "_module")
        try:
            return getattr(module, name)
        except AttributeError:
            raise MissingNameError(
                f"{display_path(module.__file__)} does not define `{name}`. "
                f"The README asks for it: check the spelling and that it is at module level."
            ) from None

    def __setattr__(self, name: str, value) -> None:
        setattr(object.__getattribute__(self, "_module"), name, value)


def load(module_name: str) -> LearnerModule:
    """Import ``module_name`` from the exercise folder and return it (wrapped).

    Dotted names reach modules inside a learner package: ``load("library.serializers")``."""
    if module_name in _failed_imports:
        cached = _failed_imports[module_name]
        raise type(cached)(str(cached))
    module = sys.modules.get(module_name)
    if module is not None and is_learner_file(getattr(module, "__file__", "") or ""):
        return LearnerModule(module)
    try:
        return LearnerModule(_import_from_exercise(module_name))
    except LearnerCodeError as error:
        _failed_imports[module_name] = error
        raise
    except OutcomeException:
        # pytest-timeout stops a test by raising through whatever code runs: here, the import.
        _failed_imports[module_name] = ImportTimeoutError(
            f"Importing {module_name.replace('.', '/')}.py did not finish within the time limit. "
            f"Is there an endless loop or a long computation at module level?"
        )
        raise


def _import_from_exercise(module_name: str) -> ModuleType:
    folder = exercise_dir()
    parts = module_name.split(".")
    path = folder.joinpath(*parts).with_suffix(".py")
    if not path.is_file():
        package_init = folder.joinpath(*parts, "__init__.py")
        if not package_init.is_file():
            raise LearnerCodeError(
                f"{display_path(path)} is missing. The exercise needs this file: restore it "
                f"from the repository (git checkout -- {display_path(path)})."
            )
        path = package_init
    try:
        if len(parts) > 1:
            # Inside a package: the import system runs the package first, as `import a.b` does.
            return importlib.import_module(module_name)
        return _exec_file(module_name, path)
    except OutcomeException:
        raise
    except SyntaxError as error:
        raise LearnerCodeError(syntax_error_message(error)) from None
    except SystemExit as error:
        line = learner_line(error.__traceback__)
        # The file that called it: the module asked for, or one it imported in turn.
        shown = line[0] if line else display_path(path)
        raise LearnerCodeError(
            f"{shown} called sys.exit({error.code!r}) while being imported. "
            f'Module-level code must not exit: keep scripts under `if __name__ == "__main__":`.'
        ) from None
    except BaseException as error:  # noqa: BLE001 - any failure of learner code is reported, never fatal
        raise LearnerCodeError(_import_failure_message(path, error)) from None


def _exec_file(module_name: str, path: Path) -> ModuleType:
    """Run exactly this file as ``module_name``, whatever else sys.path holds."""
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    # Registered before running, as the import system does: pickling and relative lookups need it.
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


def syntax_error_message(error: SyntaxError) -> str:
    where = display_path(error.filename) if error.filename else "your code"
    detail = "".join(traceback.format_exception_only(type(error), error)).rstrip()
    return f"{where} has a syntax error (line {error.lineno}); fix it before anything can be graded:\n{detail}"


def _import_failure_message(path: Path, error: BaseException) -> str:
    line = learner_line(error.__traceback__)
    # The innermost learner file: the module asked for, or one it imported in turn.
    shown = line[0] if line else display_path(path)
    where = f" (line {line[1]})" if line else ""
    kind = type(error).__name__
    return (
        f"{shown} raised {kind} while being imported{where}: {error}\n"
        f"Module-level code runs on import: it must not fail."
    )


def import_time_failure(error: BaseException) -> str | None:
    """The loader's message for a learner module that broke while something else imported it
    (Django importing middleware by dotted path, say); None when the error is not that."""
    if isinstance(error, SyntaxError) and error.filename and is_learner_file(error.filename):
        return syntax_error_message(error)
    frames = [
        frame
        for frame, _ in traceback.walk_tb(error.__traceback__)
        if is_learner_file(frame.f_code.co_filename)
    ]
    if frames and all(frame.f_code.co_name == "<module>" for frame in frames):
        return _import_failure_message(Path(frames[-1].f_code.co_filename), error)
    return None


def learner_line(tb) -> tuple[str, int, str] | None:
    """The innermost traceback frame that lies in the learner's folder: (file, line, function)."""
    found = None
    for frame, lineno in traceback.walk_tb(tb):
        filename = frame.f_code.co_filename
        if is_learner_file(filename):
            found = (display_path(filename), lineno, frame.f_code.co_name)
    return found
