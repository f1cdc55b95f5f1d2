"""report.html: the instructor's page for a graded class, from the gradebook's rows and the
students' JSON reports.

One self-contained file: its data travels inside it as JSON, its charts are drawn by its own
inline script, and its Content-Security-Policy lets it load nothing from the network. The tables
are rendered here, so the page reads without JavaScript. Every string a student controls (names,
commits, flags, failure messages) is escaped where it is written into the page.

The page is a pure function of its inputs (no clock, no machine names), so the same class graded
on one machine or on many gives the same page.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
import statistics
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

from grader.manifest import Course
from grader.results import ERROR, GRADING_TEST, PASSED, SKIPPED

TEMPLATE = Path(__file__).with_name("report_template.html")
# How many of the most failed tests the page lists.
MISCONCEPTIONS_SHOWN = 10
# How the grader's plugin reports a function that still raises NotImplementedError (in the test
# itself, or in a worker that sends the exception back): the student has not started that part,
# which is not a misconception.
NOT_STARTED_PREFIXES = ("Not implemented yet:", "NotImplementedError")
# Bars of the points distribution, at most.
HISTOGRAM_BARS = 10
# The script's own text is hashed into the page's Content-Security-Policy.
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


@dataclass
class PassRate:
    """How many of the students graded on an exercise (or task) passed it."""

    anchor: str
    label: str
    title: str
    passed: int = 0
    graded: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.passed / self.graded) if self.graded else 0


@dataclass
class ExerciseRates:
    exercise: PassRate
    max_points: float
    tasks: list[PassRate] = field(default_factory=list)


@dataclass
class HistogramBar:
    label: str
    low: float
    high: float  # exclusive, except for the last bar, which holds the maximum
    students: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.students)


@dataclass
class Misconception:
    """A test that students' working code still fails, and what it most often says."""

    anchor: str  # the exercise's or task's row in the pass-rate table
    where: str  # "01.2": exercise and task
    title: str  # the task's title (the exercise's when the task is unknown)
    test: str
    wrong: int  # students whose code ran and failed the test (a wrong answer or a timeout)
    ran: int  # students whose code ran the test: started, importable, not crashed
    not_started: int  # students whose code still raises NotImplementedError
    did_not_run: int  # students whose code could not run it (a syntax error, a crash)
    message: str
    message_count: int


@dataclass
class ClassSummary:
    students: int
    max_total: float
    totals: list[float]
    histogram: list[HistogramBar]
    exercises: list[ExerciseRates]
    misconceptions: list[Misconception]


def write_html_report(
    rows: list[dict], reports: dict[str, dict], course: Course, path: Path
) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html_report(rows, reports, course), encoding="utf-8")


def render_html_report(rows: list[dict], reports: dict[str, dict], course: Course) -> str:
    summary = summarize(rows, reports, course)
    template = TEMPLATE.read_text(encoding="utf-8")
    script = _SCRIPT.search(template).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    values = {
        "script_hash": f"sha256-{digest}",
        "title": _text(f"Class report · {course.title}"),
        "course_title": _text(course.title),
        "data": _script_json(_chart_data(summary, rows)),
        "overview": _overview(summary, rows),
        "distribution_note": _distribution_note(summary),
        "exercise_table": _exercise_table(summary),
        "misconception_table": _misconception_table(summary),
        "student_table": _student_table(rows, course),
    }
    # One pass: text put in by one placeholder is never read as another placeholder.
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


# The class's numbers, computed once for the charts and the tables alike.


def summarize(rows: list[dict], reports: dict[str, dict], course: Course) -> ClassSummary:
    # A submission that could not be graded at all has no total worth drawing, whatever its row says.
    graded = [
        (row, total)
        for row in rows
        if not _is_error(row) and (total := _number(row.get("total"))) is not None
    ]
    totals = [total for _, total in graded]
    row_maxima = [value for row in rows if (value := _number(row.get("max_total"))) is not None]
    max_total = max(row_maxima, default=course.max_points)
    ordered = [reports[student] for student in sorted(reports)]
    return ClassSummary(
        students=len(rows),
        max_total=max_total,
        totals=totals,
        histogram=histogram(
            [(str(row.get("student", "")), total) for row, total in graded], max_total
        ),
        exercises=_pass_rates(ordered, course),
        misconceptions=_misconceptions(ordered, course),
    )


def histogram(totals: list[tuple[str, float]], max_total: float) -> list[HistogramBar]:
    """At most ten bars of whole points each, from 0 to the course's maximum; each bar knows
    the (student, total) pairs it counts."""
    top = max([max_total, *(total for _, total in totals), 0])
    width = max(1, math.ceil(top / HISTOGRAM_BARS))
    count = math.floor(top / width) + 1
    bars = []
    for index in range(count):
        low = index * width
        high = min(low + width - 1, math.floor(top))
        label = f"{low}" if high <= low else f"{low}–{high}"
        bars.append(HistogramBar(label, low, low + width))
    for student, total in totals:
        bars[min(max(int(total // width), 0), count - 1)].students.append(student)
    return bars


def _pass_rates(reports: list[dict], course: Course) -> list[ExerciseRates]:
    rates = []
    for exercise in course.exercises:
        entry = ExerciseRates(
            PassRate(_exercise_anchor(exercise.id), exercise.id, exercise.title),
            exercise.max_points,
            [
                PassRate(
                    _task_anchor(exercise.id, task.number),
                    f"{exercise.id}.{task.number}",
                    task.title,
                )
                for task in exercise.tasks
            ],
        )
        for report in reports:
            found = _report_exercise(report, exercise.id)
            if found is None:
                continue
            entry.exercise.graded += 1
            entry.exercise.passed += found.get("status") == "pass"
            statuses = {task.get("id"): task.get("status") for task in found.get("tasks", [])}
            for task, rate in zip(exercise.tasks, entry.tasks, strict=True):
                if task.number in statuses:
                    rate.graded += 1
                    rate.passed += statuses[task.number] == "pass"
        rates.append(entry)
    return rates


def _misconceptions(reports: list[dict], course: Course) -> list[Misconception]:
    graded: Counter[tuple[str, str]] = Counter()
    not_started: Counter[tuple[str, str]] = Counter()
    did_not_run: Counter[tuple[str, str]] = Counter()
    messages: dict[tuple[str, str], Counter[str]] = {}
    tasks: dict[tuple[str, str], int | None] = {}
    for report in reports:
        for exercise in report.get("exercises", []):
            for test in exercise.get("tests", []):
                name = str(test.get("name", ""))
                if name == GRADING_TEST:  # the whole suite could not run: not one test's lesson
                    continue
                key = (str(exercise.get("id", "")), name)
                graded[key] += 1
                tasks[key] = test.get("task")
                if test.get("status") in (PASSED, SKIPPED):
                    continue
                message = str(test.get("message", ""))
                if message.startswith(NOT_STARTED_PREFIXES):
                    not_started[key] += 1
                elif test.get("status") == ERROR:
                    did_not_run[key] += 1
                else:
                    messages.setdefault(key, Counter())[message] += 1
    known = {exercise.id: exercise for exercise in course.exercises}
    found = []
    for key, counts in messages.items():
        exercise_id, name = key
        task = tasks[key]
        exercise = known.get(exercise_id)
        known_task = exercise.task(task) if exercise and isinstance(task, int) else None
        message, message_count = min(counts.items(), key=lambda item: (-item[1], item[0]))
        found.append(
            Misconception(
                anchor=_task_anchor(exercise_id, task)
                if known_task
                else _exercise_anchor(exercise_id),
                where=f"{exercise_id}.{task}" if known_task else exercise_id,
                title=known_task.title if known_task else exercise.title if exercise else "",
                test=name,
                wrong=sum(counts.values()),
                ran=graded[key] - not_started[key] - did_not_run[key],
                not_started=not_started[key],
                did_not_run=did_not_run[key],
                message=message,
                message_count=message_count,
            )
        )
    found.sort(key=lambda item: (-item.wrong, -item.wrong / item.ran, item.where, item.test))
    return found[:MISCONCEPTIONS_SHOWN]


def _report_exercise(report: dict, exercise_id: str) -> dict | None:
    return next(
        (item for item in report.get("exercises", []) if item.get("id") == exercise_id), None
    )


def _chart_data(summary: ClassSummary, rows: list[dict]) -> dict:
    """What the page's script draws, and the gradebook's rows, so the page holds its class."""
    return {
        "rows": rows,
        "students": summary.students,
        "max_total": summary.max_total,
        "totals": summary.totals,
        "histogram": [{**asdict(bar), "count": bar.count} for bar in summary.histogram],
        "exercises": [
            {**asdict(entry.exercise), "tasks": [asdict(task) for task in entry.tasks]}
            for entry in summary.exercises
        ],
    }


# Server-rendered parts of the page.


def _overview(summary: ClassSummary, rows: list[dict]) -> str:
    totals = summary.totals
    errors = sum(_is_error(row) for row in rows)
    flagged = sum(bool(_flags(row)) for row in rows)
    full = sum(total >= summary.max_total for total in totals)
    cards = [
        ("Students", str(summary.students)),
        (
            "Median",
            f"{_shown(statistics.median(totals))} / {_shown(summary.max_total)}" if totals else "—",
        ),
        ("Mean", f"{_shown(round(statistics.fmean(totals), 1))}" if totals else "—"),
        ("Full marks", str(full)),
        ("Grading errors", str(errors)),
        ("Flagged for review", str(flagged)),
    ]
    return "\n".join(
        f'<div class="card"><div class="card-value">{_text(value)}</div>'
        f'<div class="card-label">{_text(label)}</div></div>'
        for label, value in cards
    )


def _distribution_note(summary: ClassSummary) -> str:
    left_out = summary.students - len(summary.totals)
    if not left_out:
        return ""
    return _text(f" Left out: {_students(left_out)} whose submission could not be graded.")


def _exercise_table(summary: ClassSummary) -> str:
    body = []
    for entry in summary.exercises:
        body.append(_rate_row(entry.exercise, "exercise", _points(entry.max_points)))
        body.extend(_rate_row(task, "task", "") for task in entry.tasks)
    return (
        '<table class="rates" id="rate-table"><thead><tr><th scope="col">#</th>'
        '<th scope="col">Exercise / task</th><th scope="col">Points</th>'
        '<th scope="col">Passed</th><th scope="col" class="bar-column">Pass rate</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _rate_row(rate: PassRate, kind: str, points: str) -> str:
    return (
        f'<tr class="{kind}" id="{_text(rate.anchor)}" data-passed="{rate.passed}" '
        f'data-graded="{rate.graded}"><td>{_text(rate.label)}</td><td>{_text(rate.title)}</td>'
        f"<td>{_text(points)}</td><td>{rate.passed} of {rate.graded}</td>"
        f'<td class="bar-column"><span class="meter {_rate_class(rate)}">'
        f'<span style="width:{rate.percent}%"></span></span> {rate.percent}%</td></tr>'
    )


def _misconception_table(summary: ClassSummary) -> str:
    if not summary.misconceptions:
        return '<p class="empty">No test was failed by code that ran it.</p>'
    body = "".join(
        f'<tr class="misconception"><td><a href="#{_text(item.anchor)}">{_text(item.where)}</a> '
        f"{_text(item.title)}</td>"
        f'<td title="{_text(item.test)}"><code>{_test_name(item.test)}</code></td>'
        f"<td>{item.wrong} of {item.ran}</td><td>{item.not_started}</td>"
        f"<td>{item.did_not_run}</td>"
        f'<td><pre class="message">{_text(item.message)}</pre>'
        f'<span class="note">{_text(_students(item.message_count))} got this message</span></td></tr>'
        for item in summary.misconceptions
    )
    return (
        '<table class="misconceptions" id="misconception-table"><thead><tr>'
        '<th scope="col">Task</th><th scope="col">Test</th>'
        '<th scope="col" title="students whose code ran this test and failed it, of all whose '
        'code ran it">Wrong / ran</th>'
        '<th scope="col" title="students whose code still raises NotImplementedError">'
        "Not started</th>"
        '<th scope="col" title="students whose code could not run this test: a syntax error, '
        'an import error, a crash">Did not run</th>'
        '<th scope="col">Most common failure message</th></tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _student_table(rows: list[dict], course: Course) -> str:
    head = "".join(
        f'<th scope="col" title="{_text(exercise.title)}">{_text(exercise.id)}</th>'
        for exercise in course.exercises
    )
    body = []
    for row in rows:
        student = str(row.get("student", ""))
        commit = str(row.get("commit", "") or "")
        cells = []
        for exercise in course.exercises:
            points = _number(row.get(exercise.folder))
            kind = (
                "missing"
                if points is None
                else "full"
                if points >= exercise.max_points
                else "part"
                if points > 0
                else "none"
            )
            cells.append(
                f'<td class="points {kind}">{"—" if points is None else _text(_shown(points))}</td>'
            )
        total, max_total = _number(row.get("total")), _number(row.get("max_total"))
        status = str(row.get("status", ""))
        flags = "".join(f'<span class="flag">{_text(flag)}</span>' for flag in _flags(row))
        link = f"students/{quote(student, safe='')}.json"
        body.append(
            f'<tr class="student"><th scope="row" class="name">'
            f'<a href="{_text(link)}">{_text(student)}</a></th>'
            f'<td class="commit" title="{_text(commit)}"><code>{_text(commit[:8])}</code></td>'
            f"{''.join(cells)}"
            f'<td class="total">{_text(_shown(total)) if total is not None else "—"}'
            f"{' / ' + _text(_shown(max_total)) if max_total is not None else ''}</td>"
            f'<td class="status"><span class="status-{_text(_status_class(status))}">'
            f"{_text(status)}</span></td>"
            f'<td class="flags">{flags}</td>'
            f'<td class="cached">{_text(str(row.get("cached", "")))}</td>'
            f'<td class="duration">{_text(_duration(row.get("duration")))}</td></tr>'
        )
    return (
        '<table class="students" id="student-table"><thead><tr>'
        '<th scope="col">Student</th><th scope="col">Commit</th>'
        f'{head}<th scope="col">Total</th><th scope="col">Status</th>'
        '<th scope="col">Flags</th><th scope="col">Cached</th><th scope="col">Time</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


# Small formatting helpers.


def _text(value: str) -> str:
    """Student text as text: escaped for element content and quoted attributes alike."""
    return html.escape(str(value), quote=True)


def _script_json(data: dict) -> str:
    """JSON that cannot end its <script> element nor open a comment in it: `<` is written
    as \\u003c, which JSON.parse reads back as `<`."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _number(value) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _shown(value: float) -> str:
    return f"{value:g}"


def _flags(row: dict) -> list[str]:
    return [flag.strip() for flag in str(row.get("flags", "") or "").split(";") if flag.strip()]


def _duration(value) -> str:
    seconds = _number(value)
    return "" if seconds is None else f"{seconds:.1f} s"


def _test_name(test: str) -> str:
    """`test_adder.py::test_mul` from `01_adder/test_adder.py::test_mul` (the task column already
    names the exercise), escaped, with a line break allowed after the `::`."""
    path, separator, function = test.partition("::")
    shown = _text(path.rsplit("/", 1)[-1] + separator)
    return shown + ("<wbr>" if separator else "") + _text(function)


def _points(value: float) -> str:
    return f"{_shown(value)} point" + ("" if value == 1 else "s")


def _students(count: int) -> str:
    return f"{count} student" + ("" if count == 1 else "s")


def _is_error(row: dict) -> bool:
    return str(row.get("status", "")).strip().lower() == "error"


def _status_class(status: str) -> str:
    return {"graded": "ok", "error": "bad"}.get(status.strip().lower(), "warn")


def _rate_class(rate: PassRate) -> str:
    if not rate.graded:
        return "none"
    return "high" if rate.percent >= 75 else "mid" if rate.percent >= 40 else "low"


def _exercise_anchor(exercise_id: str) -> str:
    return f"exercise-{exercise_id}"


def _task_anchor(exercise_id: str, task: int) -> str:
    return f"task-{exercise_id}-{task}"
