"""One module per verb of `python -m grader` (and of the nox session of the same name)."""
