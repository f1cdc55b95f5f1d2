"""Task 1: the app's time zone and its crontab and interval entries in beat_schedule.

conftest.py describes the suite and lists most of the wrong answers it rejects. What a
learner's code hands back is type-checked before any == (datetimes, timedeltas, zones, numbers
of seconds).

More wrong answers this suite rejects:
- "Now" taken from the real clock (datetime.now()) instead of self.now()
  — test_remaining_estimate_is_the_time_until_the_next_run.

Rule table (README task.rule → tests):
    1.1  test_app_uses_shanghai_time_with_utc_enabled, test_daily_report_runs_at_0830_shanghai_time_on_weekdays
    1.2  test_every_entry_sends_a_registered_task
    1.3  test_daily_report_runs_at_0830_shanghai_time_on_weekdays, test_beat_sends_the_crontab_and_interval_entries_at_their_times
    1.4  test_nightly_cleanup_runs_at_0315_shanghai_time_every_day, test_beat_sends_the_crontab_and_interval_entries_at_their_times
    1.5  test_inventory_sync_runs_every_30_minutes, test_beat_sends_the_crontab_and_interval_entries_at_their_times
    1.6  test_nightly_cleanup_runs_at_0315_shanghai_time_every_day, test_daily_report_runs_at_0830_shanghai_time_on_weekdays
    2.1  test_business_hours_is_a_celery_base_schedule, test_beat_sends_poll_orders_from_opening_every_20_minutes
    2.2  test_every_must_be_a_positive_timedelta
    2.3  test_time_zone_may_be_a_name_or_a_tzinfo, test_without_a_time_zone_the_app_time_zone_is_used
    2.4  test_first_run_of_the_day_is_at_opening_time, test_runs_are_every_n_minutes_from_opening_time, test_no_run_at_or_after_closing_time, test_friday_evening_and_weekend_roll_over_to_monday_opening
    2.5  test_the_next_run_is_strictly_after_the_given_time, test_runs_are_every_n_minutes_from_opening_time
    2.6  test_runs_are_in_the_schedule_time_zone, test_naive_datetimes_are_read_as_utc
    2.7  test_first_run_of_the_day_is_at_opening_time, test_runs_are_in_the_schedule_time_zone
    2.8  test_daylight_saving_time_keeps_0900_wall_clock_time
    3.1  test_remaining_estimate_is_the_time_until_the_next_run, test_not_due_before_the_next_run, test_a_week_of_checks_runs_exactly_at_the_business_hours_slots
    3.2  test_remaining_estimate_is_the_time_until_the_next_run, test_remaining_estimate_counts_the_closed_hours_and_the_weekend
    3.3  test_remaining_estimate_across_a_dst_change_is_real_elapsed_time
    3.4  test_remaining_estimate_is_never_negative
    3.5  test_is_due_returns_a_schedstate_with_seconds
    3.6  test_not_due_before_the_next_run, test_not_due_from_friday_evening_until_monday_opening
    3.7  test_due_at_the_next_run_and_next_counts_to_the_run_after, test_a_missed_run_is_due_once_and_next_counts_from_now
    4.1  test_poll_orders_runs_every_20_minutes_in_berlin_business_hours
    4.2  test_beat_sends_poll_orders_from_opening_every_20_minutes, test_beat_sends_no_poll_orders_from_friday_evening_to_monday_morning
    4.3  test_business_hours_pickles_without_its_app
    4.4  test_persistent_scheduler_keeps_the_last_run_across_a_restart
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from kata_support import (
    SHANGHAI,
    UTC,
    at,
    beat_tasks_at,
    entry_for,
    next_run,
    report,
    same_instant,
    schedule_of,
    show,
)

REPORT = "beat_app.send_report"
CLEANUP = "beat_app.cleanup_sessions"
SYNC = "beat_app.sync_inventory"
POLL = "beat_app.poll_orders"


def sh(*args):
    return at(SHANGHAI, *args)


def check_next_runs(app_clock, schedule, entry, cases, rules):
    problems = []
    for last_run_at, expected in cases:
        got = next_run(schedule, last_run_at, app_clock)
        if not same_instant(got, expected):
            problems.append(
                f"after a run at {show(last_run_at, SHANGHAI)}: expected the next run at "
                f"{show(expected, SHANGHAI)}, your schedule gives {show(got, SHANGHAI)}"
            )
    assert not problems, report(problems, len(cases), f"the next run of {entry!r} ({rules})")


@pytest.mark.task(1)
def test_app_uses_shanghai_time_with_utc_enabled(learner):
    conf = learner.app.conf
    zone = getattr(conf.timezone, "key", conf.timezone)
    assert isinstance(zone, str) and zone == "Asia/Shanghai", (
        f"app.conf.timezone must be 'Asia/Shanghai' (task 1, rule 1); it is {conf.timezone!r}. "
        f"Without it Celery uses UTC, and crontab(hour=8, minute=30) runs at 16:30 in Shanghai."
    )
    assert conf.enable_utc is True, (
        f"app.conf.enable_utc must be True (task 1, rule 1); it is {conf.enable_utc!r}"
    )
    assert not learner.eager, (
        "app.conf.task_always_eager must stay off (task 1, rule 1): in eager mode beat would run "
        "the tasks in its own process instead of sending them to the broker for a worker."
    )


@pytest.mark.task(1)
def test_every_entry_sends_a_registered_task(learner):
    app = learner.app
    for task in (REPORT, CLEANUP, SYNC):
        entry_for(app, task, "task 1, rules 2–5")
    unknown = {
        name: entry.get("task")
        for name, entry in (app.conf.beat_schedule or {}).items()
        if not isinstance(entry, dict) or entry.get("task") not in app.tasks
    }
    assert not unknown, (
        f"These beat_schedule entries name tasks the app does not know: {unknown} (task 1, rule 2). "
        f"Use the registered name, e.g. send_report.name == 'beat_app.send_report'; a worker "
        f"rejects an unregistered name."
    )


@pytest.mark.task(1)
def test_daily_report_runs_at_0830_shanghai_time_on_weekdays(learner, app_clock):
    entry, schedule = schedule_of(learner.app, REPORT, "task 1, rule 3")
    cases = [
        (sh(2025, 3, 3, 8, 0), sh(2025, 3, 3, 8, 30)),  # Monday morning
        (at(UTC, 2025, 3, 3, 0, 0), sh(2025, 3, 3, 8, 30)),  # the same, given in UTC
        (sh(2025, 3, 3, 8, 30), sh(2025, 3, 4, 8, 30)),  # Monday's report → Tuesday
        (sh(2025, 3, 6, 8, 30), sh(2025, 3, 7, 8, 30)),  # Thursday → Friday
        (sh(2025, 3, 7, 8, 30), sh(2025, 3, 10, 8, 30)),  # Friday → Monday
        (sh(2025, 3, 8, 12, 0), sh(2025, 3, 10, 8, 30)),  # Saturday → Monday
        (sh(2025, 3, 9, 8, 31), sh(2025, 3, 10, 8, 30)),  # Sunday → Monday
    ]
    check_next_runs(
        app_clock,
        schedule,
        entry,
        cases,
        "08:30 Asia/Shanghai, Monday to Friday — task 1, rules 1 and 3; in crontab Sunday is "
        "day 0, so Monday to Friday is 'mon-fri' or '1-5' (rule 6)",
    )


@pytest.mark.task(1)
def test_nightly_cleanup_runs_at_0315_shanghai_time_every_day(learner, app_clock):
    entry, schedule = schedule_of(learner.app, CLEANUP, "task 1, rule 4")
    cases = [
        (sh(2025, 3, 3, 3, 14), sh(2025, 3, 3, 3, 15)),
        (sh(2025, 3, 3, 3, 15), sh(2025, 3, 4, 3, 15)),
        (sh(2025, 3, 3, 12, 0), sh(2025, 3, 4, 3, 15)),
        (sh(2025, 3, 7, 3, 15), sh(2025, 3, 8, 3, 15)),  # Friday → Saturday
        (sh(2025, 3, 8, 3, 15), sh(2025, 3, 9, 3, 15)),  # Saturday → Sunday
    ]
    check_next_runs(
        app_clock,
        schedule,
        entry,
        cases,
        "03:15 Asia/Shanghai every day — task 1, rules 1 and 4; crontab's first two arguments "
        "are minute, then hour (rule 6): crontab(3, 15) means 15:03",
    )


@pytest.mark.task(1)
def test_inventory_sync_runs_every_30_minutes(learner, app_clock):
    entry, schedule = schedule_of(learner.app, SYNC, "task 1, rule 5")
    cases = [
        (sh(2025, 3, 3, 10, 7, 13), sh(2025, 3, 3, 10, 37, 13)),
        (sh(2025, 3, 7, 23, 45), sh(2025, 3, 8, 0, 15)),
    ]
    check_next_runs(
        app_clock,
        schedule,
        entry,
        cases,
        "every 30 minutes after the last run — task 1, rule 5; Celery reads a bare number as "
        "seconds: write timedelta(minutes=30)",
    )
    last = sh(2025, 3, 3, 10, 0)
    app_clock.set(last + timedelta(minutes=30))
    state = schedule.is_due(last)
    assert state[0] is True, (
        f"{entry!r} ran at {show(last, SHANGHAI)}; 30 minutes later is_due() must say due "
        f"(task 1, rule 5); it returned {state!r}"
    )


@pytest.mark.task(1)
def test_beat_sends_the_crontab_and_interval_entries_at_their_times(
    app_on_broker, app_clock, start_beat
):
    """Celery's own beat (celery.beat.Scheduler) ticks at fixed Shanghai times."""
    scheduler = start_beat(sh(2025, 3, 2, 23, 0))  # Sunday night: every entry starts here
    checkpoints = [
        (sh(2025, 3, 2, 23, 29, 59), []),
        (sh(2025, 3, 2, 23, 30), [SYNC]),
        (sh(2025, 3, 3, 3, 15), [CLEANUP, SYNC]),  # sync: one catch-up for the missed runs
        (sh(2025, 3, 3, 3, 44, 59), []),
        (sh(2025, 3, 3, 3, 45), [SYNC]),
        (sh(2025, 3, 3, 8, 30), [REPORT, SYNC]),
        (sh(2025, 3, 3, 8, 59, 59), []),
        (sh(2025, 3, 3, 9, 0), [SYNC]),
    ]
    for when, expected in checkpoints:
        got = [
            name
            for name in beat_tasks_at(app_on_broker, scheduler, app_clock, when, SHANGHAI)
            if name != POLL  # task 4's entry is graded there
        ]
        assert got == sorted(expected), (
            f"Beat started on {show(sh(2025, 3, 2, 23, 0), SHANGHAI)}. At {show(when, SHANGHAI)} "
            f"it sent {got or 'nothing'}; expected {sorted(expected) or 'nothing'} (task 1, "
            f"rules 3–5: report at 08:30 on weekdays, cleanup at 03:15, sync every 30 minutes, "
            f"Shanghai time)."
        )
