"""Task 2: BusinessHours — construction, time zone and next_run_after."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from kata_support import BERLIN, SHANGHAI, UTC, Clock, at, report, same_instant, show

MINUTES_15 = timedelta(minutes=15)


def berlin(*args):
    return at(BERLIN, *args)


def check_next_runs(schedule, cases, zone, rules):
    """cases: (given datetime, expected next run); zone: how to display times."""
    problems = []
    for given, expected in cases:
        got = schedule.next_run_after(given)
        if isinstance(got, datetime) and got.tzinfo is None:
            problems.append(
                f"after {show(given, zone)}: got a naive datetime {got!r}; return an aware one "
                f"(task 2, rule 7)"
            )
        elif not same_instant(got, expected):
            problems.append(
                f"after {show(given, zone)}: expected {show(expected, zone)}, got {show(got, zone)}"
            )
    assert not problems, report(problems, len(cases), f"next_run_after ({rules})")


@pytest.mark.task(2)
def test_business_hours_is_a_celery_base_schedule(bh, kolkata_app):
    from celery.schedules import BaseSchedule

    cls = bh.BusinessHours
    assert isinstance(cls, type) and issubclass(cls, BaseSchedule), (
        "BusinessHours must subclass celery.schedules.BaseSchedule (task 2, rule 1): beat calls "
        f"the schedule's now() and sets its .app, which BaseSchedule provides. Its bases: "
        f"{getattr(cls, '__mro__', cls)}"
    )
    clock = Clock(berlin(2025, 3, 3, 10, 0))
    schedule = cls(MINUTES_15, tz="Europe/Berlin", nowfun=clock, app=kolkata_app)
    now = schedule.now()
    assert isinstance(now, datetime) and now == clock.now, (
        "BusinessHours(..., nowfun=clock).now() must return clock() (task 2, rule 1: pass nowfun "
        f"and app on with super().__init__(nowfun=nowfun, app=app)); it returned {now!r}"
    )
    assert schedule.app is kolkata_app, (
        "BusinessHours(..., app=app).app must be that app (task 2, rule 1: "
        "super().__init__(nowfun=nowfun, app=app))"
    )


@pytest.mark.task(2)
def test_every_must_be_a_positive_timedelta(bh):
    problems = []
    for value, expected in [
        (15, TypeError),
        (900, TypeError),
        (15.0, TypeError),
        (timedelta(0), ValueError),
        (timedelta(minutes=-15), ValueError),
    ]:
        try:
            bh.BusinessHours(value, tz="Europe/Berlin")
        except expected:
            continue
        except NotImplementedError:
            raise
        except Exception as error:  # noqa: BLE001 - reported to the learner
            problems.append(
                f"BusinessHours({value!r}) raised {type(error).__name__}: {error}; "
                f"expected {expected.__name__}"
            )
        else:
            problems.append(f"BusinessHours({value!r}) was accepted; expected {expected.__name__}")
    assert not problems, report(
        problems,
        5,
        "every must be a timedelta greater than zero: TypeError for anything else (an int: "
        "seconds or minutes?), ValueError for zero or less (task 2, rule 2)",
    )


@pytest.mark.task(2)
def test_first_run_of_the_day_is_at_opening_time(bh):
    schedule = bh.BusinessHours(MINUTES_15, tz="Europe/Berlin")
    cases = [
        (berlin(2025, 3, 3, 8, 59, 59), berlin(2025, 3, 3, 9, 0)),  # Monday, just before
        (berlin(2025, 3, 3, 0, 0), berlin(2025, 3, 3, 9, 0)),  # Monday, midnight
        (berlin(2025, 3, 4, 23, 59, 59), berlin(2025, 3, 5, 9, 0)),  # Tuesday, just before midnight
        (berlin(2025, 3, 5, 0, 0), berlin(2025, 3, 5, 9, 0)),  # Wednesday, midnight
        (berlin(2025, 3, 5, 8, 59, 59, 999999), berlin(2025, 3, 5, 9, 0)),
    ]
    check_next_runs(schedule, cases, BERLIN, "the first run of a workday is 09:00 — task 2, rule 4")


@pytest.mark.task(2)
def test_runs_are_every_n_minutes_from_opening_time(bh):
    rules = (
        "runs at 09:00, 09:00 + every, 09:00 + 2×every … aligned to 09:00 — task 2, rules 4 and 5"
    )
    cases = {
        timedelta(minutes=15): [
            (berlin(2025, 3, 3, 9, 7, 30), berlin(2025, 3, 3, 9, 15)),
            (berlin(2025, 3, 3, 12, 1), berlin(2025, 3, 3, 12, 15)),
            (berlin(2025, 3, 3, 16, 44, 59), berlin(2025, 3, 3, 16, 45)),
        ],
        timedelta(minutes=25): [
            (berlin(2025, 3, 3, 9, 0), berlin(2025, 3, 3, 9, 25)),
            (berlin(2025, 3, 3, 16, 30), berlin(2025, 3, 3, 16, 55)),
            (berlin(2025, 3, 3, 16, 40), berlin(2025, 3, 3, 16, 55)),
        ],
        timedelta(minutes=7): [
            (berlin(2025, 3, 3, 9, 0), berlin(2025, 3, 3, 9, 7)),
            (berlin(2025, 3, 3, 10, 0), berlin(2025, 3, 3, 10, 3)),  # 09:00 + 9×7 min
            (berlin(2025, 3, 3, 16, 55), berlin(2025, 3, 3, 16, 56)),
        ],
        timedelta(hours=2): [
            (berlin(2025, 3, 3, 9, 0), berlin(2025, 3, 3, 11, 0)),
            (berlin(2025, 3, 3, 14, 59), berlin(2025, 3, 3, 15, 0)),
        ],
    }
    for every, pairs in cases.items():
        schedule = bh.BusinessHours(every, tz="Europe/Berlin")
        check_next_runs(schedule, pairs, BERLIN, f"every={every}: {rules}")


@pytest.mark.task(2)
def test_the_next_run_is_strictly_after_the_given_time(bh):
    schedule = bh.BusinessHours(MINUTES_15, tz="Europe/Berlin")
    cases = [
        (berlin(2025, 3, 3, 9, 0), berlin(2025, 3, 3, 9, 15)),
        (berlin(2025, 3, 3, 9, 15), berlin(2025, 3, 3, 9, 30)),
        (berlin(2025, 3, 3, 16, 30), berlin(2025, 3, 3, 16, 45)),
        (berlin(2025, 3, 3, 9, 14, 59, 999999), berlin(2025, 3, 3, 9, 15)),
        (berlin(2025, 3, 3, 9, 15, 0, 1), berlin(2025, 3, 3, 9, 30)),
    ]
    check_next_runs(
        schedule,
        cases,
        BERLIN,
        "the first run strictly after the given time: after a run at 09:00 comes 09:15, or beat "
        "sends the 09:00 run twice — task 2, rule 5",
    )


@pytest.mark.task(2)
def test_no_run_at_or_after_closing_time(bh):
    rules = "closing time 17:00 is excluded: no run at 17:00 or later — task 2, rule 4"
    cases = {
        MINUTES_15: [
            (berlin(2025, 3, 3, 16, 45), berlin(2025, 3, 4, 9, 0)),
            (berlin(2025, 3, 3, 16, 59, 59), berlin(2025, 3, 4, 9, 0)),
            (berlin(2025, 3, 3, 17, 0), berlin(2025, 3, 4, 9, 0)),
            (berlin(2025, 3, 3, 20, 0), berlin(2025, 3, 4, 9, 0)),
        ],
        timedelta(hours=8): [(berlin(2025, 3, 3, 9, 0), berlin(2025, 3, 4, 9, 0))],
        timedelta(hours=2): [(berlin(2025, 3, 3, 15, 0), berlin(2025, 3, 4, 9, 0))],
        timedelta(hours=4): [(berlin(2025, 3, 3, 13, 0), berlin(2025, 3, 4, 9, 0))],
    }
    for every, pairs in cases.items():
        schedule = bh.BusinessHours(every, tz="Europe/Berlin")
        check_next_runs(schedule, pairs, BERLIN, f"every={every}: {rules}")


@pytest.mark.task(2)
def test_friday_evening_and_weekend_roll_over_to_monday_opening(bh):
    schedule = bh.BusinessHours(MINUTES_15, tz="Europe/Berlin")
    monday = berlin(2025, 3, 10, 9, 0)
    cases = [
        (berlin(2025, 3, 7, 16, 45), monday),  # Friday's last run
        (berlin(2025, 3, 7, 17, 0), monday),
        (berlin(2025, 3, 7, 23, 59, 59), monday),
        (berlin(2025, 3, 8, 0, 0), monday),  # Saturday
        (berlin(2025, 3, 8, 12, 0), monday),
        (berlin(2025, 3, 9, 23, 59, 59), monday),  # Sunday
        (berlin(2025, 3, 10, 0, 0), monday),  # Monday, midnight
    ]
    check_next_runs(
        schedule,
        cases,
        BERLIN,
        "no runs on Saturday and Sunday: after Friday's last run comes Monday 09:00 — task 2, rule 4",
    )


@pytest.mark.task(2)
def test_runs_are_in_the_schedule_time_zone(bh):
    rules = (
        "runs are wall-clock times in the schedule's zone; convert the given datetime there "
        "first — task 2, rules 3, 4 and 6"
    )
    shanghai = bh.BusinessHours(MINUTES_15, tz="Asia/Shanghai")
    check_next_runs(
        shanghai,
        [
            # Sunday 16:30 UTC is Monday 00:30 in Shanghai.
            (at(UTC, 2025, 3, 2, 16, 30), at(SHANGHAI, 2025, 3, 3, 9, 0)),
            (at(UTC, 2025, 3, 3, 1, 5), at(SHANGHAI, 2025, 3, 3, 9, 15)),
            # Friday 09:30 UTC is 17:30 in Shanghai: closed until Monday.
            (at(UTC, 2025, 3, 7, 9, 30), at(SHANGHAI, 2025, 3, 10, 9, 0)),
            (at(UTC, 2025, 3, 7, 8, 50), at(SHANGHAI, 2025, 3, 10, 9, 0)),
            (berlin(2025, 3, 3, 2, 0), at(SHANGHAI, 2025, 3, 3, 9, 15)),
        ],
        SHANGHAI,
        f"tz='Asia/Shanghai': {rules}",
    )
    berlin_hours = bh.BusinessHours(MINUTES_15, tz="Europe/Berlin")
    check_next_runs(
        berlin_hours,
        [
            (at(SHANGHAI, 2025, 3, 3, 16, 0), berlin(2025, 3, 3, 9, 15)),
            (at(SHANGHAI, 2025, 3, 8, 0, 30), berlin(2025, 3, 10, 9, 0)),  # Friday 17:30 Berlin
        ],
        BERLIN,
        f"tz='Europe/Berlin': {rules}",
    )


@pytest.mark.task(2)
def test_naive_datetimes_are_read_as_utc(bh):
    schedule = bh.BusinessHours(MINUTES_15, tz="Asia/Shanghai")
    cases = [
        (datetime(2025, 3, 3, 8, 30), at(SHANGHAI, 2025, 3, 3, 16, 45)),  # 16:30 in Shanghai
        (datetime(2025, 3, 2, 16, 30), at(SHANGHAI, 2025, 3, 3, 9, 0)),  # Monday 00:30 there
    ]
    check_next_runs(
        schedule,
        cases,
        SHANGHAI,
        "a naive datetime means UTC, as in Celery: self.maybe_make_aware(dt) — task 2, rule 6",
    )


@pytest.mark.task(2)
def test_time_zone_may_be_a_name_or_a_tzinfo(bh):
    for tz in ("Asia/Shanghai", ZoneInfo("Asia/Shanghai")):
        schedule = bh.BusinessHours(MINUTES_15, tz=tz)
        zone = schedule.tz
        key = getattr(zone, "key", None)
        name = key if isinstance(key, str) else str(zone)
        assert isinstance(zone, tzinfo) and name == "Asia/Shanghai", (
            f"BusinessHours(every, tz={tz!r}).tz must be the zone Asia/Shanghai (task 2, rule 3); "
            f"got {zone!r}"
        )
        check_next_runs(
            schedule,
            [(at(UTC, 2025, 3, 3, 1, 5), at(SHANGHAI, 2025, 3, 3, 9, 15))],
            SHANGHAI,
            f"tz={tz!r} — task 2, rule 3",
        )


@pytest.mark.task(2)
def test_without_a_time_zone_the_app_time_zone_is_used(bh, kolkata_app):
    kolkata = ZoneInfo("Asia/Kolkata")
    every = timedelta(minutes=20)
    # Kolkata is UTC+05:30. With runs every 20 minutes, these answers differ in UTC, in
    # Shanghai and in Kolkata: only the app's zone gives them.
    cases = [
        (at(UTC, 2025, 3, 3, 10, 0), at(kolkata, 2025, 3, 3, 15, 40)),  # 15:30 in Kolkata
        (at(UTC, 2025, 3, 3, 6, 0), at(kolkata, 2025, 3, 3, 11, 40)),  # 11:30 in Kolkata
    ]
    given_app = bh.BusinessHours(every, app=kolkata_app)
    check_next_runs(
        given_app,
        cases,
        kolkata,
        "BusinessHours(every, app=app) without tz uses app.timezone (here Asia/Kolkata) — task 2, rule 3",
    )
    set_later = bh.BusinessHours(every)
    set_later.app = kolkata_app  # what beat does to every schedule of beat_schedule
    check_next_runs(
        set_later,
        cases,
        kolkata,
        "built without tz and without app, then given .app (as beat does): use that app's zone, "
        "looked up when needed, not in __init__ — task 2, rule 3",
    )


@pytest.mark.task(2)
def test_daylight_saving_time_keeps_0900_wall_clock_time(bh):
    schedule = bh.BusinessHours(MINUTES_15, tz="Europe/Berlin")
    cases = [
        # Clocks go forward on Sunday 2025-03-30: Friday is UTC+1, Monday UTC+2.
        (berlin(2025, 3, 28, 16, 45), berlin(2025, 3, 31, 9, 0)),  # 07:00 UTC
        (berlin(2025, 3, 29, 12, 0), berlin(2025, 3, 31, 9, 0)),
        (berlin(2025, 3, 30, 3, 30), berlin(2025, 3, 31, 9, 0)),
        (berlin(2025, 3, 31, 9, 0), berlin(2025, 3, 31, 9, 15)),
        # Clocks go back on Sunday 2025-10-26: Friday is UTC+2, Monday UTC+1.
        (berlin(2025, 10, 24, 16, 45), berlin(2025, 10, 27, 9, 0)),  # 08:00 UTC
        (berlin(2025, 10, 26, 2, 30), berlin(2025, 10, 27, 9, 0)),
    ]
    check_next_runs(
        schedule,
        cases,
        BERLIN,
        "09:00 stays 09:00 on the wall clock after a DST change: build the run from the local date "
        "and time and the zone, never from a UTC time plus the old offset — task 2, rule 8",
    )
