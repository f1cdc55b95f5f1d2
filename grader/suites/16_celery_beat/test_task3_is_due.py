"""Task 3: BusinessHours — remaining_estimate and is_due, at fixed times (nowfun=Clock)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from kata_support import BERLIN, UTC, Clock, at, report, show, show_delta

MINUTES_15 = timedelta(minutes=15)
HOUR = 3600


def berlin(*args):
    return at(BERLIN, *args)


def make(bh, every=MINUTES_15):
    clock = Clock(berlin(2025, 3, 3, 9, 0))
    return bh.BusinessHours(every, tz="Europe/Berlin", nowfun=clock), clock


def check_remaining(bh, cases, rules):
    """cases: (last_run_at, now, expected timedelta)."""
    schedule, clock = make(bh)
    problems = []
    for last_run_at, now, expected in cases:
        clock.set(now)
        got = schedule.remaining_estimate(last_run_at)
        if not isinstance(got, timedelta) or got != expected:
            problems.append(
                f"last run {show(last_run_at, BERLIN)}, now {show(now, BERLIN)}: expected "
                f"{show_delta(expected)}, got {show_delta(got)}"
            )
    assert not problems, report(problems, len(cases), f"remaining_estimate ({rules})")


def check_is_due(bh, cases, rules, every=MINUTES_15):
    """cases: (last_run_at, now, expected is_due, expected next in seconds)."""
    schedule, clock = make(bh, every)
    problems = []
    for last_run_at, now, due, seconds in cases:
        clock.set(now)
        got = schedule.is_due(last_run_at)
        try:
            got_due, got_next = got
        except (TypeError, ValueError):
            got_due, got_next = got, None
        ok = (
            got_due is due
            and isinstance(got_next, (int, float))
            and not isinstance(got_next, bool)
            and abs(got_next - seconds) < 0.001
        )
        if not ok:
            problems.append(
                f"last run {show(last_run_at, BERLIN)}, now {show(now, BERLIN)}: expected "
                f"schedstate(is_due={due}, next={seconds}), got {got!r}"
            )
    assert not problems, report(problems, len(cases), f"is_due ({rules})")


@pytest.mark.task(3)
def test_remaining_estimate_is_the_time_until_the_next_run(bh):
    check_remaining(
        bh,
        [
            (berlin(2025, 3, 3, 9, 0), berlin(2025, 3, 3, 9, 5), timedelta(minutes=10)),
            (berlin(2025, 3, 3, 9, 0), berlin(2025, 3, 3, 9, 0), timedelta(minutes=15)),
            (berlin(2025, 3, 3, 8, 30), berlin(2025, 3, 3, 8, 40), timedelta(minutes=20)),
            (berlin(2025, 3, 3, 12, 0), berlin(2025, 3, 3, 12, 14, 30), timedelta(seconds=30)),
        ],
        "time from self.now() until next_run_after(last_run_at) — task 3, rules 1 and 2",
    )


@pytest.mark.task(3)
def test_remaining_estimate_counts_the_closed_hours_and_the_weekend(bh):
    friday_last_run = berlin(2025, 3, 7, 16, 45)
    check_remaining(
        bh,
        [
            (
                berlin(2025, 3, 3, 16, 45),
                berlin(2025, 3, 3, 16, 50),
                timedelta(hours=16, minutes=10),
            ),
            (friday_last_run, berlin(2025, 3, 7, 17, 0), timedelta(hours=64)),
            (friday_last_run, berlin(2025, 3, 8, 12, 0), timedelta(hours=45)),
            (friday_last_run, berlin(2025, 3, 9, 23, 0), timedelta(hours=10)),
            (friday_last_run, berlin(2025, 3, 10, 8, 59), timedelta(minutes=1)),
        ],
        "after Friday's last run the next run is Monday 09:00: the wait spans the weekend — "
        "task 3, rule 2 and task 2, rule 4",
    )


@pytest.mark.task(3)
def test_remaining_estimate_is_never_negative(bh):
    check_remaining(
        bh,
        [
            (berlin(2025, 3, 3, 9, 0), berlin(2025, 3, 3, 9, 15), timedelta(0)),
            (berlin(2025, 3, 3, 9, 0), berlin(2025, 3, 3, 9, 15, 0, 500000), timedelta(0)),
            (berlin(2025, 3, 3, 9, 0), berlin(2025, 3, 4, 12, 0), timedelta(0)),
            (berlin(2025, 3, 7, 16, 45), berlin(2025, 3, 10, 9, 30), timedelta(0)),
        ],
        "an overdue run gives timedelta(0), never a negative time — task 3, rule 4",
    )


@pytest.mark.task(3)
def test_remaining_estimate_across_a_dst_change_is_real_elapsed_time(bh):
    spring, autumn = berlin(2025, 3, 28, 16, 45), berlin(2025, 10, 24, 16, 45)
    check_remaining(
        bh,
        [
            # Friday 17:00 CET (UTC+1) to Monday 09:00 CEST (UTC+2): 64 h on the wall, 63 h real.
            (spring, berlin(2025, 3, 28, 17, 0), timedelta(hours=63)),
            (spring, berlin(2025, 3, 29, 9, 0), timedelta(hours=47)),
            (spring, berlin(2025, 3, 30, 12, 0), timedelta(hours=21)),
            # Friday 17:00 CEST to Monday 09:00 CET: 65 h real.
            (autumn, berlin(2025, 10, 24, 17, 0), timedelta(hours=65)),
            (autumn, berlin(2025, 10, 26, 12, 0), timedelta(hours=21)),
        ],
        "real elapsed time: subtract in UTC. Two aware datetimes with the same tzinfo subtract "
        "as wall-clock times, an hour off across a DST change — task 3, rule 3",
    )


@pytest.mark.task(3)
def test_is_due_returns_a_schedstate_with_seconds(bh):
    from celery.schedules import schedstate

    schedule, clock = make(bh)
    for now in (berlin(2025, 3, 3, 9, 10), berlin(2025, 3, 3, 9, 15)):
        clock.set(now)
        state = schedule.is_due(berlin(2025, 3, 3, 9, 0))
        assert isinstance(state, schedstate), (
            f"is_due must return celery.schedules.schedstate(is_due, next) (task 3, rule 5); "
            f"at {show(now, BERLIN)} it returned {state!r}"
        )
        assert isinstance(state.is_due, bool), (
            f"schedstate.is_due must be a bool (task 3, rule 5); got {state.is_due!r}"
        )
        assert isinstance(state.next, (int, float)) and not isinstance(state.next, bool), (
            "schedstate.next must be a number of seconds, an int or a float (task 3, rule 5): "
            f"beat adds it to a timestamp. Got {state.next!r} ({type(state.next).__name__}); "
            "for a timedelta, use .total_seconds()."
        )


@pytest.mark.task(3)
def test_not_due_before_the_next_run(bh):
    check_is_due(
        bh,
        [
            (berlin(2025, 3, 3, 9, 0), berlin(2025, 3, 3, 9, 10), False, 300),
            (berlin(2025, 3, 3, 9, 0), berlin(2025, 3, 3, 9, 14, 59), False, 1),
            (berlin(2025, 3, 3, 8, 0), berlin(2025, 3, 3, 8, 59), False, 60),
            (berlin(2025, 3, 3, 16, 45), berlin(2025, 3, 3, 23, 0), False, 10 * HOUR),
        ],
        "not due yet: schedstate(False, seconds until the next run) — task 3, rule 6",
    )


@pytest.mark.task(3)
def test_due_at_the_next_run_and_next_counts_to_the_run_after(bh):
    check_is_due(
        bh,
        [
            (berlin(2025, 3, 3, 9, 0), berlin(2025, 3, 3, 9, 15), True, 900),
            (berlin(2025, 3, 3, 9, 0), berlin(2025, 3, 3, 9, 20), True, 600),
            (berlin(2025, 3, 3, 9, 0), berlin(2025, 3, 3, 9, 0), False, 900),  # just ran
            (berlin(2025, 3, 3, 16, 30), berlin(2025, 3, 3, 16, 45), True, 16 * HOUR + 900),
            (berlin(2025, 3, 7, 16, 30), berlin(2025, 3, 7, 16, 45), True, 64 * HOUR + 900),
        ],
        "due: schedstate(True, seconds from now until the first run strictly after now) — "
        "task 3, rule 7; a run that just happened is not due again (task 2, rule 5)",
    )


@pytest.mark.task(3)
def test_not_due_from_friday_evening_until_monday_opening(bh):
    last = berlin(2025, 3, 7, 16, 45)
    check_is_due(
        bh,
        [
            (last, berlin(2025, 3, 7, 17, 0), False, 64 * HOUR),
            (last, berlin(2025, 3, 8, 10, 0), False, 47 * HOUR),
            (last, berlin(2025, 3, 9, 23, 59), False, 9 * HOUR + 60),
            (last, berlin(2025, 3, 10, 8, 59, 59), False, 1),
            (last, berlin(2025, 3, 10, 9, 0), True, 900),
        ],
        "never due on Friday evening or the weekend; due again on Monday 09:00 — task 3, "
        "rules 6 and 7, task 2, rule 4",
    )


@pytest.mark.task(3)
def test_a_missed_run_is_due_once_and_next_counts_from_now(bh):
    check_is_due(
        bh,
        [
            (berlin(2025, 3, 3, 10, 0), berlin(2025, 3, 4, 12, 5), True, 600),
            (berlin(2025, 3, 7, 10, 0), berlin(2025, 3, 10, 8, 0), True, HOUR),
        ],
        "a run missed while beat was down is due now, and next counts from now to the "
        "following run — task 3, rule 7",
    )


@pytest.mark.task(3)
def test_a_week_of_checks_runs_exactly_at_the_business_hours_slots(bh):
    """Beat's loop in miniature: ask is_due every 5 minutes over the spring DST weekend."""
    every = timedelta(minutes=20)
    schedule, clock = make(bh, every)
    start, end = berlin(2025, 3, 27, 0, 0), berlin(2025, 4, 1, 0, 0)  # Thursday → Tuesday
    expected = [
        at(BERLIN, 2025, 3, day, 9, 0) + k * every
        for day in (27, 28, 31)  # Thursday, Friday, Monday (after the clocks went forward)
        for k in range(24)  # 09:00 … 16:40
    ]
    runs, last_run_at = [], start
    now = start.astimezone(UTC)
    while now < end:
        clock.set(now.astimezone(BERLIN))
        state = schedule.is_due(last_run_at)
        if state[0]:
            runs.append(now)
            last_run_at = clock.now
        now += timedelta(minutes=5)
    expected_utc = [run.astimezone(UTC) for run in expected]
    extra = [show(run, BERLIN) for run in runs if run not in expected_utc]
    missing = [show(run, BERLIN) for run in expected_utc if run not in runs]
    assert runs == expected_utc, (
        "Checking is_due every 5 minutes from Thursday 2025-03-27 to Tuesday 2025-04-01 (Berlin, "
        f"every=20 min, DST starts on Sunday) must give exactly the {len(expected)} runs "
        f"09:00, 09:20, … 16:40 on Thursday, Friday and Monday (task 3, rules 6 and 7). Got "
        f"{len(runs)} runs. Unexpected: {extra[:5] or 'none'}. Missing: {missing[:5] or 'none'}."
    )
