"""Bad input a user can fix: the command line prints it as one line and exits 2."""

from __future__ import annotations


class UsageError(ValueError):
    """One line that says what is wrong and names the fix; nothing was changed."""
