"""A process's output, read line by line in a thread, so a wait for one line can have a deadline."""

from __future__ import annotations

import subprocess
import threading


class OutputLines:
    """Every line a process printed so far; ``wait_for`` blocks until one holds a text."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self._more = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            with self._more:
                self.lines.append(line)
                self._more.notify_all()
        with self._more:
            self._closed = True
            self._more.notify_all()

    _closed = False

    def __len__(self) -> int:
        with self._more:
            return len(self.lines)

    def wait_for(self, text: str, seconds: float, after: int = 0) -> bool:
        """Whether a line from number ``after`` on holds ``text`` within ``seconds`` (False as
        soon as the output ends without one)."""

        def found() -> bool:
            return any(text in line for line in self.lines[after:])

        with self._more:
            self._more.wait_for(lambda: found() or self._closed, timeout=seconds)
            return found()

    def text(self, seconds: float = 10) -> str:
        """All the output, once the stream is closed (or after ``seconds``)."""
        self._thread.join(seconds)
        with self._more:
            return "".join(self.lines)
