"""The gradebook: grade a whole class of submissions with this repository's pristine grader.

The flow is the grader's own, one step per module:
submissions (find them) -> cache (what is already graded) -> batch (grade the rest through
grader.runner.run_pairs, one pool) -> flags (integrity flags per student) -> writers
(gradebook.csv, one JSON report per student, report.html).

What the writers receive
------------------------
``reports``: student -> that student's JSON report, a dict. It is the model of
``grade --json`` (grader.writers.json_report.to_dict) with one more key, ``"submission"``::

    {
      "student": "alice",           # the folder's name, without the "<assignment>-" prefix
      "commit": "3f2a…" | "",       # `git rev-parse HEAD` of a git checkout, else ""
      "path": "/abs/path/to/alice", # the submission folder that was graded
      "status": "graded" | "partial" | "error",
      "error": "" | "one line",     # why a submission could not be graded at all
      "flags": [{"code", "exercise", "detail", "students"}],  # exercise: "" = all of it;
                                    # students: for identical, who else handed it in
      "cached": ["02", "04"],       # exercise ids served from the cache
      "duration": 12.3,             # seconds of grading children spent on it in this run
      "content": {"01_adder": "sha256…"},  # what was graded, per exercise folder
      "grader_fingerprint": "sha256…"      # which grader graded it
    }

A submission that could not be graded at all (no exercises, a file that cannot be read) still
has a report: ``"exercises": []`` and a one-line ``"error"``.

``rows``: one dict per student, in the CSV's column order (grader.writers.gradebook_csv)::

    {
      "student": "alice",
      "commit": "3f2a…" | "",
      "01_adder": 9, "02_greeter": 0, …,  # points per exercise (int or float); "" when that
                                          # exercise has no result (a submission in error)
      "total": 9,                         # points over every exercise
      "max_total": 13,                    # the course's maximum
      "status": "graded" | "partial" | "error",
      "flags": "grading-files;solution-copy:04;identical:02=bob",  # "" when none
      "cached": "yes" | "no" | "01;03",   # all, none, or the ids served from the cache
      "duration": 12.3,                   # seconds, as in the report
    }

Status: ``graded`` when every exercise ran to a result (pass or fail); ``partial`` when some
exercise ended in an error or a timeout (broken or hanging code: its points are 0 and its
report says why); ``error`` when the submission could not be graded at all.

Flag codes (short, joined by ``;`` in the CSV; explained in INSTRUCTORS.md):
``grading-files`` (grader/, noxfile.py, .github/workflows, pyproject.toml or requirements/ differ
from this repository in the student's checkout; grading never uses them),
``reaches-grader:01,04`` (code that reaches into the grader or pytest: grader.integrity),
``solution-copy:04`` (the exercise's files are the reference solution's, up to comments and
formatting), ``identical:04=bob+carol`` (the same files as these students, not the stub).
"""
