"""Grade a class: every (submission, exercise) pair not already graded, in one pool of children.

Every pair goes through grader.runner.run_pairs, the one isolated runner, so a student's code
runs exactly as it does under `grade`: a copy of their exercise folder in a private work folder,
limits, its own namespaces. A broken or hanging exercise ends as that exercise's error or
timeout; a submission the grader cannot even read gets an error report of its own. Neither
stops the batch.

Around the children, the checks of `grade`: the installed grading packages are verified before
any result counts, and the grading files and the submissions are fingerprinted before and after.
A pair graded while (or after) a grading file changed is marked as an integrity error, and is
neither cached nor kept.

``grade_class`` returns one JSON-able report per student (the model of `grade --json` plus
``"submission"``, see grader.gradebook); class-wide flags are added afterwards by the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from grader.gradebook.cache import ResultCache, UnreadableSubmission, content_hash
from grader.gradebook.submissions import Submission
from grader.integrity import (
    ChangeWatch,
    Fingerprint,
    attribute_change,
    default_cache,
    grading_roots,
    scan_learner_files,
    verify_installed_files,
)
from grader.manifest import GRADER_DIR, Course, Exercise
from grader.results import (
    ERROR_STATUS,
    GRADING_TEST,
    CourseResult,
    ExerciseResult,
    mark_integrity_error,
    printable,
    score_exercise,
)
from grader.runner import ChildRun, run_pairs
from grader.writers.json_report import exercise_from_dict, to_dict

GRADED, PARTIAL, ERROR = "graded", "partial", "error"


def _cacheable(entry: dict) -> bool:
    """Any result but a suite that never started (the synthetic GRADING_TEST): that may say
    more about the machine at that moment (too busy, out of processes) than about the code."""
    return not any(test["name"] == GRADING_TEST for test in entry["tests"])


class TamperedGrader(Exception):
    """The installed grading packages are not as installed: nothing graded can be trusted."""


@dataclass
class StudentWork:
    """One student's part of the batch, from the plan to the report."""

    submission: Submission
    content: dict[str, str] = field(default_factory=dict)  # exercise folder -> content hash
    results: dict[str, Held] = field(default_factory=dict)  # exercise id -> result
    cached: list[str] = field(default_factory=list)
    pending: list[Exercise] = field(default_factory=list)
    runs: list[ChildRun] = field(default_factory=list)
    error: str = ""
    reused: dict | None = None  # the report kept from an interrupted batch (--resume)

    @property
    def done(self) -> bool:
        return len(self.runs) == len(self.pending)


def pairs_to_grade(works: list[StudentWork]) -> int:
    return sum(len(work.pending) for work in works)


def plan_class(
    course: Course,
    submissions: list[Submission],
    cache: ResultCache,
    use_cache: bool = True,
    previous: dict[str, dict] | None = None,
) -> list[StudentWork]:
    """What each student needs: their content, what the cache holds, what is left to grade.

    ``previous``: reports an earlier batch wrote; a student's is kept when it graded the same
    content with the same grader (--resume)."""
    previous = previous or {}
    return [
        _plan(course, submission, cache, use_cache, previous.get(submission.student))
        for submission in submissions
    ]


def grade_class(
    course: Course,
    works: list[StudentWork],
    cache: ResultCache,
    *,
    jobs: int | None = None,
    on_run: Callable[[ChildRun, str], None] | None = None,
    on_student: Callable[[dict], None] | None = None,
) -> dict[str, dict]:
    """student -> report for every planned student, in their order. What is graded fresh is
    cached, also when the plan ignored the cache (--no-cache refreshes it).

    ``on_run`` is called for each finished child (with the student), ``on_student`` once per
    student with their report as soon as it is complete.
    """
    by_target = {
        work.submission.exercises_dir.resolve(): work
        for work in works
        if work.submission.exercises_dir is not None
    }
    reports: dict[str, dict] = {}

    def finish(work: StudentWork, keep: bool) -> None:
        report = work.reused or _report(course, work, cache.fingerprint)
        reports[work.submission.student] = report
        if keep and not work.reused:
            for result in work.results.values():
                if result.fresh and _cacheable(result.entry):
                    cache.put(result.folder, work.content[result.folder], result.entry)
        if on_student:
            on_student(report)

    pairs = [
        (exercise, work.submission.exercises_dir) for work in works for exercise in work.pending
    ]
    for work in works:
        if not work.pending:
            finish(work, keep=True)
    if not pairs:
        return {work.submission.student: reports[work.submission.student] for work in works}

    roots = grading_roots(course.root, GRADER_DIR, course.suites_dir)
    graded_folders = [
        work.submission.exercises_dir / exercise.folder
        for work in works
        for exercise in work.pending
    ]
    installed_cache = default_cache()
    with ThreadPoolExecutor(max_workers=1) as background:
        installed = background.submit(verify_installed_files, cache=installed_cache)
        # The grading files' digests are reused from the last run while their stat is unchanged.
        fingerprints = default_cache("fingerprints.json")
        before = Fingerprint.of(roots + graded_folders, cache=fingerprints)
        watch = ChangeWatch(roots, start=before.within(roots))

        def on_done(run: ChildRun) -> None:
            watch.check()
            work = by_target[Path(run.target).resolve()]
            work.runs.append(run)
            result = score_exercise(run)
            result.flags = [
                {**flag.as_dict(), "file": printable(flag.file)}
                for flag in scan_learner_files(work.submission.exercises_dir / run.exercise.folder)
            ]
            work.results[run.exercise.id] = Held(result, fresh=True)
            if on_run:
                on_run(run, work.submission.student)
            if work.done:
                # Kept (cached, written for --resume) only while no grading file has changed.
                finish(work, keep=not watch.first_seen)

        runs = run_pairs(pairs, jobs=jobs, on_done=on_done)
        after = Fingerprint.of(roots + graded_folders, earlier=before)
        tampered = installed.result()
    held = all(run.isolation.get("level") == "full" for run in runs)
    if installed_cache is not None and not tampered and not held:
        # A child without a read-only view could have written the virtualenv after it was read.
        tampered = verify_installed_files(cache=installed_cache)
    if tampered:
        _discard(works, cache)
        names = ", ".join(f"{problem.path} ({problem.problem})" for problem in tampered[:3])
        raise TamperedGrader(
            f"the grading virtualenv is not as installed ({names}), so no grade counts: "
            f"rebuild it with `nox -s grade --reinstall` (or delete .nox/) and grade again"
        )
    changed = before.changes(after)
    if not changed:
        after.within(roots).save(fingerprints)
    if changed:
        _mark_changes(works, runs, changed, watch, cache, course.root)
        for work in works:
            if work.runs:
                finish(work, keep=False)
    return {work.submission.student: reports[work.submission.student] for work in works}


def grade_submission(
    course: Course,
    exercises_dir: Path,
    cache: ResultCache,
    use_cache: bool = True,
    jobs: int | None = None,
) -> dict:
    """One submission's report from its exercises folder alone: what a machine that holds only
    that folder (and its own pristine grader and cache) returns for it."""
    submission = Submission("submission", Path(exercises_dir), Path(exercises_dir))
    works = plan_class(course, [submission], cache, use_cache)
    return grade_class(course, works, cache, jobs=jobs)["submission"]


@dataclass
class Held:
    """One exercise's result for a student; ``fresh`` when graded in this batch (and cacheable)."""

    result: ExerciseResult
    fresh: bool

    @property
    def folder(self) -> str:
        return self.result.folder

    @property
    def entry(self) -> dict:
        """The result as the JSON report (and the cache) hold it."""
        return to_dict(CourseResult(target="", exercises=[self.result]))["exercises"][0]


def _plan(
    course: Course,
    submission: Submission,
    cache: ResultCache,
    use_cache: bool,
    previous: dict | None,
) -> StudentWork:
    work = StudentWork(submission)
    if submission.exercises_dir is None:
        work.error = (
            f"no exercises in {submission.root}: expected an exercises/ folder or the NN_slug "
            f"exercise folders; check that this is the student's repository"
        )
        return work
    try:
        work.content = {
            exercise.folder: content_hash(submission.exercises_dir / exercise.folder)
            for exercise in course.exercises
        }
    except (UnreadableSubmission, OSError) as error:
        work.error = printable(str(error))
        return work
    if _still_valid(previous, work, cache.fingerprint):
        work.reused = previous
        return work
    for exercise in course.exercises:
        entry = cache.get(exercise.folder, work.content[exercise.folder]) if use_cache else None
        if entry is not None:
            work.results[exercise.id] = Held(exercise_from_dict(entry), fresh=False)
            work.cached.append(exercise.id)
        else:
            work.pending.append(exercise)
    return work


def _still_valid(previous: dict | None, work: StudentWork, fingerprint: str) -> bool:
    """A report from an interrupted batch that graded exactly this content with this grader."""
    if not isinstance(previous, dict):
        return False
    submission = previous.get("submission", {})
    return (
        submission.get("grader_fingerprint") == fingerprint
        and submission.get("content") == work.content
        and submission.get("status") in (GRADED, PARTIAL)
    )


def _report(course: Course, work: StudentWork, fingerprint: str) -> dict:
    submission = work.submission
    results = [work.results[exercise.id].result for exercise in course.exercises
               if exercise.id in work.results]  # fmt: skip
    target = str(submission.exercises_dir or submission.root)
    report = to_dict(CourseResult(target=target, exercises=results))
    if work.error:
        status = ERROR
    elif any(result.status in (ERROR_STATUS, "timeout") for result in results):
        status = PARTIAL
    else:
        status = GRADED
    report["submission"] = {
        "student": submission.student,
        "commit": submission.commit,
        "path": str(submission.root),
        "status": status,
        "error": work.error,
        "flags": [],
        "cached": list(work.cached),
        "duration": round(sum(run.duration for run in work.runs), 2),
        "content": dict(work.content),
        "grader_fingerprint": fingerprint,
    }
    return report


def _mark_changes(
    works: list[StudentWork],
    runs: list[ChildRun],
    changed: list[tuple[Path, str]],
    watch: ChangeWatch,
    cache: ResultCache,
    course_root: Path,
) -> None:
    """Each run a change is blamed on becomes an integrity error naming the files."""
    for work in works:
        if not work.runs:
            continue
        own = work.submission.exercises_dir.resolve()
        blamed: dict[str, list[str]] = {}
        for path, kind in changed:
            if path.resolve().is_relative_to(own):
                # Their own files changed under them: none of their grades stands.
                hits = {run.exercise.id: "changed during the batch" for run in work.runs}
            elif _inside_any(path, [w.submission.exercises_dir for w in works if w.runs]):
                continue  # another student's files: theirs to answer for
            else:
                hits = attribute_change(path, work.runs, watch.window(path))
            shown = printable(_relative(path, course_root))
            for exercise_id, reason in hits.items():
                blamed.setdefault(exercise_id, []).append(f"{shown} ({kind}, {reason})")
        for exercise_id, files in blamed.items():
            fresh = work.results[exercise_id]
            cache.discard(fresh.folder, work.content[fresh.folder])
            fresh.fresh = False  # never cached
            mark_integrity_error(
                fresh.result,
                "Files grading relies on changed during the batch: "
                + ", ".join(files)
                + ". Restore them (`git checkout -- <file>`) and grade the class again.",
            )


def _inside_any(path: Path, folders: list[Path]) -> bool:
    return any(path.resolve().is_relative_to(folder.resolve()) for folder in folders)


def _relative(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)


def _discard(works: list[StudentWork], cache: ResultCache) -> None:
    for work in works:
        for holder in work.results.values():
            if holder.fresh:
                cache.discard(holder.folder, work.content[holder.folder])
