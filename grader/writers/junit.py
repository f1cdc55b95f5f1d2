"""JUnit XML (`--junit FILE`): one <testsuite> per exercise, for any CI that reads JUnit."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from grader.results import ERROR, PASSED, SKIPPED, TIMEOUT, CourseResult


def to_element(result: CourseResult) -> ET.Element:
    root = ET.Element(
        "testsuites", name="katas", tests=str(sum(len(e.tests) for e in result.exercises))
    )
    for exercise in result.exercises:
        errors = sum(test.status in (ERROR, TIMEOUT) for test in exercise.tests)
        skipped = sum(test.status == SKIPPED for test in exercise.tests)
        failures = sum(not test.passed for test in exercise.tests) - errors - skipped
        suite = ET.SubElement(
            root,
            "testsuite",
            name=exercise.folder,
            tests=str(len(exercise.tests)),
            failures=str(failures),
            errors=str(errors),
            skipped=str(skipped),
            time=f"{exercise.duration:.3f}",
        )
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="points",
                      value=f"{exercise.points}/{exercise.max_points}")  # fmt: skip
        for flag in exercise.flags:  # for review, not a failure
            ET.SubElement(properties, "property", name="integrity_flag",
                          value=f"{flag['file']}:{flag['line']} {flag['kind']}: {flag['detail']}")  # fmt: skip
        for test in exercise.tests:
            case = ET.SubElement(suite, "testcase", classname=exercise.folder, name=test.name,
                                 time=f"{test.duration:.3f}")  # fmt: skip
            if test.status == PASSED:
                continue
            tag = {ERROR: "error", TIMEOUT: "error", SKIPPED: "skipped"}.get(test.status, "failure")
            first_line = test.message.splitlines()[0] if test.message else test.status
            node = ET.SubElement(case, tag, message=first_line, type=test.status)
            node.text = test.message
    return root


def write_junit(result: CourseResult, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tree = ET.ElementTree(to_element(result))
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
