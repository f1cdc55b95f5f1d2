"""The kata grader: runs each exercise's hidden suite in its own child process and reports."""

__version__ = "0.1.0"
