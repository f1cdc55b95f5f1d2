"""A call-stack probe: which functions of DRF's viewsets.py and mixins.py run, and from where.

``watch()`` installs a profile function (sys.setprofile) for the current thread while the
block runs: every Python function call is seen, and calls whose code lives in
rest_framework/viewsets.py or rest_framework/mixins.py are recorded with the request (or the
step) that was running. The grader uses it to prove the learner's viewset is their own code,
whatever they import or subclass: no source is read.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

OFF_LIMITS = ("rest_framework/viewsets.py", "rest_framework/mixins.py")


class Probe:
    def __init__(self):
        self.now = "(set-up)"
        # "rest_framework.mixins.ListModelMixin.list" → the first step it ran in.
        self.found: dict[str, str] = {}

    def _profile(self, frame, event, arg):
        if event != "call":
            return
        code = frame.f_code
        filename = code.co_filename.replace("\\", "/")
        if filename.endswith(OFF_LIMITS):
            module = "rest_framework." + filename.rsplit("/", 1)[1].removesuffix(".py")
            self.found.setdefault(f"{module}.{code.co_qualname}", self.now)

    def report(self) -> str:
        lines = [f"  {name}  (during {where})" for name, where in sorted(self.found.items())]
        return "\n".join(lines[:8] + (["  …"] if len(lines) > 8 else []))


@contextmanager
def watch():
    probe = Probe()
    previous = sys.getprofile()
    sys.setprofile(probe._profile)
    try:
        yield probe
    finally:
        sys.setprofile(previous)
