"""report.html, rendered by a real headless Chromium.

The class is graded by the real grader (`python -m grader grade --json`) on the fixture course:
solutions, stubs, a partly wrong copy and a copy with a syntax error. Two students get hostile
names and two a hostile failure message. The page must draw its charts from its own data, list
every student with the right points, render hostile text as text, and log nothing to the console.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from processes import alive

from grader.manifest import load_course
from grader.writers.html_report import histogram, write_html_report

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_MANIFEST = ROOT / "tests" / "fixture_course" / "grader" / "course.toml"

IMG_NAME = "<img src=x onerror=\"document.body.dataset.pwned='name'\">"
SCRIPT_NAME = '</script><script>document.body.dataset.pwned="json"</script><!--'
HOSTILE_MESSAGE = (
    "total([1]) was wrong </pre></td></tr></table><img src=x onerror=alert(1)>"
    '<script>document.body.dataset.pwned="message"</script> & done'
)
WRONG_ADDER = """\
def add(a, b):
    return a + b


def mul(a, b):
    return a + b


def total(items):
    return sum(items[1:])
"""
BROKEN_GREETER = "def greet(name:\n    return name\n"
# The class, in the gradebook's order: each student's submission, and whose failure message of
# test_total[items1] is replaced by the hostile one.
CLASS = [
    ("ada", "solved", False),
    ("grace", "solved", False),
    ("linus", "wrong_adder", False),
    ("ken", "wrong_adder", True),
    ("barbara", "stub", False),
    ("dennis", "broken_greeter", False),
    (IMG_NAME, "wrong_adder", True),
    (SCRIPT_NAME, "solved", False),
]
ERROR_STUDENT = "mallory"  # the gradebook could not grade this one: a row without a report


# The class, graded once for the module.


@pytest.fixture(scope="module")
def course():
    return load_course(FIXTURE_MANIFEST)


@pytest.fixture(scope="module")
def graded(tmp_path_factory, course) -> dict[str, dict]:
    """Each kind of submission graded by the real grader: kind -> its JSON report."""
    folder = tmp_path_factory.mktemp("submissions")
    targets = {
        "solved": {},
        "wrong_adder": {"01_adder/adder.py": WRONG_ADDER},
        "broken_greeter": {"02_greeter/greeter.py": BROKEN_GREETER},
    }
    reports = {}
    for kind, files in targets.items():
        target = folder / kind
        shutil.copytree(course.solutions_dir, target)
        for relative, text in files.items():
            (target / relative).write_text(text, encoding="utf-8")
        reports[kind] = grade(target, folder / f"{kind}.json")
    stubs = folder / "stub"
    shutil.copytree(course.exercises_dir, stubs)
    reports["stub"] = grade(stubs, folder / "stub.json")
    return reports


def grade(target: Path, report: Path) -> dict:
    command = [sys.executable, "-m", "grader", "--course", str(FIXTURE_MANIFEST), "grade",
               "--target", str(target), "--json", str(report), "--exit-zero"]  # fmt: skip
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, f"grading {target.name} failed:\n{completed.stderr}"
    return json.loads(report.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def class_data(graded, course) -> tuple[list[dict], dict[str, dict]]:
    """The gradebook's rows and the students' reports, as the gradebook hands them over."""
    rows, reports = [], {}
    for number, (student, kind, hostile) in enumerate(CLASS):
        report = copy.deepcopy(graded[kind])
        if hostile:
            test = _test(report, "01", "test_total[items1]")
            assert test["status"] == "failed", "the hostile message replaces a real failure"
            test["message"] = HOSTILE_MESSAGE
        report["submission"] = {"student": student}  # the gradebook's own key: ignored
        reports[student] = report
        rows.append(
            {
                "student": student,
                "commit": f"{number:x}" * 40,
                **{f"{item['id']}_{item['slug']}": item["points"] for item in report["exercises"]},
                "total": report["total"]["points"],
                "max_total": report["total"]["max_points"],
                "status": "graded",
                "flags": "same-as-solution;grading-files-changed" if kind == "solved" else "",
                "cached": "01_adder" if number % 2 else "",
                "duration": 2.5 + number,
                "an_extra_column": "ignored",
            }
        )
    rows[1]["flags"] = f"{IMG_NAME};ok"  # a flag is student-controlled text too
    rows.append(
        {
            "student": ERROR_STUDENT,
            "commit": "",
            **{exercise.folder: "" for exercise in course.exercises},
            "total": 0,
            "max_total": 13,
            "status": "error",
            "flags": "",
            "cached": "",
            "duration": "",
        }  # fmt: skip
    )
    reports[ERROR_STUDENT] = {"exercises": [], "submission": {"error": "no exercises/ folder"}}
    return rows, reports


def _test(report: dict, exercise_id: str, function: str) -> dict:
    exercise = next(item for item in report["exercises"] if item["id"] == exercise_id)
    return next(test for test in exercise["tests"] if test["name"].endswith("::" + function))


@pytest.fixture(scope="module")
def page(tmp_path_factory, class_data, course) -> Path:
    rows, reports = class_data
    path = tmp_path_factory.mktemp("out") / "report.html"
    write_html_report(rows, reports, course, path)
    return path


@pytest.fixture(scope="module")
def browser() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    message = "report.html is checked in Chromium: install it (`apt-get install chromium`)"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must have it (.ci/run installs it).")
    pytest.skip(f"{message} to run these tests.")


@pytest.fixture(scope="module")
def rendered(browser, page) -> Rendered:
    return render(browser, page)


# Chromium, run once per page and always stopped.


@dataclass
class Rendered:
    dom: Element
    console: list[str]


def render(browser: str, page: Path) -> Rendered:
    """The page's DOM after its scripts ran, and every line its scripts logged to the console."""
    completed = run_chromium(browser, "--dump-dom", page.as_uri())
    assert completed.returncode == 0, f"chromium failed:\n{completed.stderr[-3000:]}"
    # Chromium logs what a page writes to its console, and its uncaught errors, as CONSOLE lines.
    console = [line for line in completed.stderr.splitlines() if re.search(r":CONSOLE[:(]", line)]
    return Rendered(parse_dom(completed.stdout), console)


def run_chromium(browser: str, *args: str) -> subprocess.CompletedProcess:
    # A short private folder: Chromium's singleton socket path must fit in 108 bytes.
    with tempfile.TemporaryDirectory(prefix="kata-chromium-") as folder:
        return _run_chromium_in(browser, Path(folder), args)


def _run_chromium_in(
    browser: str, workdir: Path, args: tuple[str, ...]
) -> subprocess.CompletedProcess:
    home = workdir / "home"
    home.mkdir(parents=True, exist_ok=True)
    sandbox = ["--no-sandbox"] if getattr(os, "geteuid", lambda: 1)() == 0 else []
    command = [browser, "--headless", *sandbox, f"--user-data-dir={workdir / 'profile'}",
               "--no-first-run", "--no-default-browser-check", "--disable-extensions",
               "--disable-gpu", "--enable-logging=stderr", "--v=0", *args]  # fmt: skip
    # A private HOME: Chromium keeps nothing outside this run's folder, and every process it
    # starts names that folder on its command line.
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "TMPDIR": str(workdir),
           "LANG": "C.UTF-8"}  # fmt: skip
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        encoding="utf-8",
        errors="replace",
        env=env,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=120)
    finally:
        stop_chromium(process, workdir)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def stop_chromium(process: subprocess.Popen, workdir: Path) -> None:
    """Kill Chromium's process group, then its crash handlers, which leave the group (setsid)
    but name this run's folder; fail if any of its processes is still alive after that."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.kill()
    process.wait()
    deadline = time.monotonic() + 10
    while (left := processes_naming(workdir)) and time.monotonic() < deadline:
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.05)
    assert not processes_naming(workdir), "Chromium processes were left running"


def processes_naming(folder: Path) -> list[int]:
    marker = str(folder).encode()
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                command = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if marker in command and alive(int(entry)):
                found.append(int(entry))
    return found


# A small DOM of the serialized page, to query like a browser's.


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def all(self, tag: str, cls: str | None = None) -> list[Element]:
        return [
            element
            for element in self.iter()
            if element.tag == tag and (cls is None or cls in element.attrs.get("class", "").split())
        ]

    def by_id(self, identifier: str) -> Element:
        found = [element for element in self.iter() if element.attrs.get("id") == identifier]
        assert len(found) == 1, f"expected one element with id {identifier!r}, found {len(found)}"
        return found[0]


class _DomBuilder(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_dom(markup: str) -> Element:
    builder = _DomBuilder()
    builder.feed(markup)
    builder.close()
    return builder.root


# The page as the browser shows it.


def test_the_page_renders_without_a_console_message(rendered):
    assert rendered.console == [], "the page logged to the console:\n" + "\n".join(rendered.console)


def test_console_lines_are_caught_when_a_page_fails(browser, tmp_path):
    """The check above can fail: a page with a script error is seen logging it."""
    broken = tmp_path / "broken.html"
    broken.write_text(
        "<!DOCTYPE html><p>x</p><script>console.error('seen'); missingFunction();</script>",
        encoding="utf-8",
    )
    result = render(browser, broken)
    assert any('"seen"' in line for line in result.console), result.console
    assert any("missingFunction is not defined" in line for line in result.console), result.console


def test_the_distribution_has_one_bar_per_band_with_the_class_counts(rendered):
    chart = rendered.dom.by_id("chart-distribution")
    bars = chart.all("rect", "bar")
    counts = {bar.attrs["data-label"]: int(bar.attrs["data-count"]) for bar in bars}
    # 13 points at most: bands of 2 points. Solved 13, a syntax error in 02 costs 1 point (12),
    # the wrong adder earns 3 of 9 on 01 (7), the stub 0; the ungraded row's 0 is not counted.
    assert list(counts) == ["0–1", "2–3", "4–5", "6–7", "8–9", "10–11", "12–13"]
    assert counts == {"0–1": 1, "2–3": 0, "4–5": 0, "6–7": 3, "8–9": 0, "10–11": 0, "12–13": 4}
    note = rendered.dom.by_id("distribution").all("p")[0].text()
    assert note.endswith("Left out: 1 student whose submission could not be graded.")
    tooltip = next(bar for bar in bars if bar.attrs["data-label"] == "6–7").all("title")[0].text()
    assert tooltip == f"6–7 points: 3 students: linus, ken, {IMG_NAME}"


def test_pass_rate_charts_have_a_bar_per_exercise_and_per_task(rendered, course):
    exercises = rendered.dom.by_id("chart-exercises").all("rect", "bar")
    tasks = rendered.dom.by_id("chart-tasks").all("rect", "bar")
    assert len(exercises) == len(course.exercises) == 4
    assert len(tasks) == sum(len(exercise.tasks) for exercise in course.exercises) == 7
    # Of the eight graded students: 01 fails for the three wrong adders and the stub; 02 for the
    # stub and the syntax error; 03 and 04 only for the stub.
    passed = [(bar.attrs["data-passed"], bar.attrs["data-graded"]) for bar in exercises]
    assert passed == [("4", "8"), ("6", "8"), ("7", "8"), ("7", "8")]
    # Task 01.1 (add) is right in the wrong adder; 01.2 and 01.3 are not.
    assert [bar.attrs["data-passed"] for bar in tasks[:3]] == ["7", "4", "4"]
    links = [link.attrs["href"] for link in rendered.dom.by_id("chart-tasks").all("a")]
    assert links[:3] == ["#task-01-1", "#task-01-2", "#task-01-3"]


def test_the_pass_rate_table_matches_the_charts(rendered):
    table = rendered.dom.by_id("rate-table")
    rows = {row.attrs["id"]: row for row in table.all("tr") if "id" in row.attrs}
    assert rows["exercise-01"].all("td")[3].text() == "4 of 8"
    assert rows["task-01-2"].all("td")[1].text() == "Multiply"
    assert rows["task-01-2"].all("td")[3].text() == "4 of 8"
    assert rows["exercise-02"].all("td")[4].text().strip() == "75%"


def test_the_most_failed_tests_show_their_most_common_message(rendered):
    rows = rendered.dom.by_id("misconception-table").all("tr", "misconception")
    first = [cell.text().strip() for cell in rows[0].all("td")]
    # Three wrong adders of the seven students whose code ran 01 (the stub has not started it).
    assert first[:5] == ["01.2 Multiply", "test_adder.py::test_mul", "3 of 7", "1", "0"]
    assert first[5].startswith("mul(3, 4): expected 12, got 7")
    assert rows[0].all("a")[0].attrs["href"] == "#task-01-2"
    hostile = next(row for row in rows if "test_total[items1]" in row.text())
    assert hostile.all("pre")[0].text() == HOSTILE_MESSAGE
    assert hostile.all("span", "note")[0].text() == "2 students got this message"
    # No lesson in a stub (03 and 04 fail only there) nor in a syntax error (02 fails only for
    # the stub and the broken greeter): only the wrong adder's tests are listed.
    assert [row.all("a")[0].text() for row in rows] == ["01.2", "01.3", "01.3", "01.3"]


def test_every_student_has_a_row_with_points_status_flags_and_a_link(rendered, class_data):
    rows, _ = class_data
    table = rendered.dom.by_id("student-table")
    shown = table.all("tr", "student")
    assert len(shown) == len(rows) == 9
    for row, element in zip(rows, shown, strict=True):
        link = element.all("th")[0].all("a")[0]
        assert link.text() == row["student"]
        assert link.attrs["href"] == f"students/{quote(row['student'], safe='')}.json"
        points = [cell.text() for cell in element.all("td", "points")]
        expected = [f"{row[key]:g}" if key in row and row[key] != "" else "—"
                    for key in ("01_adder", "02_greeter", "03_hello", "04_jobs")]  # fmt: skip
        assert points == expected
        assert element.all("td", "status")[0].text() == row["status"]
        flags = [flag.text() for flag in element.all("span", "flag")]
        assert flags == [flag for flag in row["flags"].split(";") if flag]
    dennis = shown[5].all("td", "total")[0].text()
    assert dennis == "12 / 13"
    assert shown[-1].all("td", "total")[0].text() == "0 / 13"


def test_hostile_names_and_messages_render_as_text(rendered, page):
    dom = rendered.dom
    assert dom.all("img") == [], "a student's text became an <img> element"
    scripts = dom.all("script")
    assert [script.attrs.get("type") for script in scripts] == ["application/json", None]
    assert "data-pwned" not in dom.all("body")[0].attrs
    names = [cell.text() for cell in dom.by_id("student-table").all("th", "name")]
    assert IMG_NAME in names and SCRIPT_NAME in names
    # The embedded data is still valid JSON holding the names as they are.
    data = json.loads(scripts[0].text())
    assert [row["student"] for row in data["rows"]][-3:-1] == [IMG_NAME, SCRIPT_NAME]
    assert (
        "</"
        not in page.read_text(encoding="utf-8").split('id="report-data">')[1].split("</script>")[0]
    )


# The page as a file: self-contained, and readable without JavaScript.


def test_the_page_loads_nothing_from_elsewhere(page):
    dom = parse_dom(page.read_text(encoding="utf-8"))
    policy = next(
        meta.attrs["content"]
        for meta in dom.all("meta")
        if meta.attrs.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in policy
    assert not dom.all("link") and not dom.all("img") and not dom.all("iframe")
    for element in dom.iter():
        for name in ("src", "href"):
            value = element.attrs.get(name)
            assert value is None or value.startswith(("#", "students/")), (name, value)


def test_tables_are_in_the_page_before_any_script_runs(page, class_data):
    rows, _ = class_data
    dom = parse_dom(page.read_text(encoding="utf-8"))
    assert len(dom.by_id("student-table").all("tr", "student")) == len(rows)
    assert dom.by_id("rate-table").all("tr", "exercise")
    assert dom.by_id("misconception-table").all("tr", "misconception")
    # The charts alone are drawn by the script.
    assert not dom.by_id("chart-distribution").all("svg")


def test_the_same_class_gives_the_same_page(class_data, course, tmp_path, page):
    rows, reports = class_data
    again = tmp_path / "again.html"
    write_html_report(rows, dict(reversed(list(reports.items()))), course, again)
    assert again.read_bytes() == page.read_bytes()


def test_histogram_bands_cover_the_whole_course():
    bars = histogram([("a", 0), ("b", 264.5), ("c", 265), ("d", 26.5), ("e", 27)], 265)
    assert [bar.label for bar in bars][:2] == ["0–26", "27–53"]
    assert bars[-1].label == "243–265"
    assert len(bars) == 10
    assert [bar.students for bar in bars if bar.students] == [["a", "d"], ["e"], ["b", "c"]]


def test_the_gradebook_writes_a_page_that_renders_its_class(browser, tmp_path):
    """End to end: `gradebook` over a generated class of git checkouts writes report.html next to
    its CSV, and the browser shows one row per CSV row, with the CSV's totals."""
    import csv

    from class_factory import make_class
    from conftest import FIXTURE_MANIFEST

    from grader.cli import main

    out = tmp_path / "out"
    code = main(["--course", str(FIXTURE_MANIFEST), "gradebook", str(make_class(tmp_path)),
                 "--out", str(out), "--jobs", "2"])  # fmt: skip
    assert code in (0, 1) and (out / "report.html").is_file(), f"gradebook exited {code}"
    with open(out / "gradebook.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    shown = render(browser, out / "report.html")
    assert shown.console == [], "the page logged to the console:\n" + "\n".join(shown.console)
    table = shown.dom.by_id("student-table").all("tr", "student")
    assert [element.all("th")[0].all("a")[0].text() for element in table] == [
        row["student"] for row in rows
    ]
    for row, element in zip(rows, table, strict=True):
        total = element.all("td", "total")[0].text()
        assert total == f"{float(row['total']):g} / {float(row['max_total']):g}", row["student"]
    for link in (element.all("th")[0].all("a")[0].attrs["href"] for element in table):
        assert (out / unquote(link)).is_file(), f"{link} leads nowhere"
