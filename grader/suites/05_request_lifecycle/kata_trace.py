"""The trace: every middleware hook, view and render of a run appends one line here.

The same middleware classes and views run through real Django and through the learner's
MiniHandler; the two lists of events are then compared. While MiniHandler runs, every event
also checks the call stack: no frame of Django's BaseHandler (django/core/handlers/base.py)
and no wrapper made by ``convert_exception_to_response`` may sit below a hook.
"""

from __future__ import annotations

import sys

TRACE: list[str] = []
# Off limits while MiniHandler runs, found on the stack: what they are, for the message.
VIOLATIONS: list[str] = []
_checking = [False]


def reset(*, check_stack: bool) -> None:
    TRACE.clear()
    VIOLATIONS.clear()
    _checking[0] = check_stack


def stop_checking() -> None:
    _checking[0] = False


def record(event: str) -> None:
    TRACE.append(event)
    if _checking[0]:
        _check_stack(sys._getframe(1))


def _check_stack(frame) -> None:
    while frame is not None:
        code = frame.f_code
        filename = code.co_filename.replace("\\", "/")
        if filename.endswith("django/core/handlers/base.py"):
            VIOLATIONS.append(f"django.core.handlers.base.{code.co_qualname}")
        elif filename.endswith("django/core/handlers/exception.py") and code.co_name == "inner":
            VIOLATIONS.append("django.core.handlers.exception.convert_exception_to_response")
        frame = frame.f_back
