"""Small readers of the JSON report, shared by the grader's own tests."""


def exercise(report: dict, slug: str) -> dict:
    return next(item for item in report["exercises"] if item["slug"] == slug)


def by_name(entry: dict) -> dict[str, dict]:
    """An exercise's tests keyed by function name (with parameters): ``test_total[items0]``."""
    return {test["name"].rsplit("::", 1)[-1]: test for test in entry["tests"]}
