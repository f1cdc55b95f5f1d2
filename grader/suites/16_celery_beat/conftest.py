"""Hidden suite of exercise 16 — celery_beat (periodic tasks: Celery beat, crontab, a custom schedule).

The learner configures `beat_app.py` (time zone, a beat_schedule with crontab and interval
entries) and writes `business_hours.py`: BusinessHours, a celery.schedules.BaseSchedule that runs
a task every N minutes, Monday to Friday, 09:00 (included) to 17:00 (excluded), wall-clock time
in one time zone. Time never passes for real here: schedules read the clock through Celery's own
hooks — `nowfun=` on a schedule, or `app.now`, which the suite replaces by a Clock set to fixed
times (no freezegun or time-machine needed). Tasks 1 and 4 also run Celery's own beat scheduler
(celery.beat.Scheduler and PersistentScheduler with a file in tmp) on the learner's app, call
tick() at fixed times and read the messages beat sent from the broker of grader.brokers.choose()
(in-memory by default, Redis or RabbitMQ when configured). No worker is needed: beat only sends.

Wrong answers this suite rejects:
- No app time zone (crontab times read as UTC) — test_daily_report_runs_at_0830_shanghai_time_on_weekdays,
  test_nightly_cleanup_runs_at_0315_shanghai_time_every_day, test_app_uses_shanghai_time_with_utc_enabled,
  test_beat_sends_the_crontab_and_interval_entries_at_their_times.
- crontab with minute and hour swapped (crontab(3, 15) for 03:15 means 15:03)
  — test_nightly_cleanup_runs_at_0315_shanghai_time_every_day.
- day_of_week counted like Python's weekday() ("0-4" is Sunday to Thursday in crontab)
  — test_daily_report_runs_at_0830_shanghai_time_on_weekdays.
- The interval written as a bare 30 (Celery reads numbers as seconds)
  — test_inventory_sync_runs_every_30_minutes.
- An entry whose task name is not registered ("send_report" instead of "beat_app.send_report")
  — test_every_entry_sends_a_registered_task.
- A schedule class that does not subclass celery.schedules.BaseSchedule (beat calls its now()
  and sets its app) — test_business_hours_is_a_celery_base_schedule,
  test_beat_sends_poll_orders_from_opening_every_20_minutes.
- every given as an int (minutes? seconds?) accepted — test_every_must_be_a_positive_timedelta.
- Runs aligned to the last run instead of to 09:00 — test_runs_are_every_n_minutes_from_opening_time,
  test_a_week_of_checks_runs_exactly_at_the_business_hours_slots.
- A run at exactly the given time counted as "next" (>= instead of >): the same run twice
  — test_the_next_run_is_strictly_after_the_given_time, test_due_at_the_next_run_and_next_counts_to_the_run_after.
- A run at 17:00 (closing treated as included) — test_no_run_at_or_after_closing_time.
- Weekend runs; Friday evening rolls over to Saturday — test_friday_evening_and_weekend_roll_over_to_monday_opening,
  test_not_due_from_friday_evening_until_monday_opening.
- The wall-clock time of the given datetime used without converting it to the schedule's zone
  — test_runs_are_in_the_schedule_time_zone.
- A naive datetime read as the schedule's local time instead of UTC — test_naive_datetimes_are_read_as_utc.
- The time zone resolved in __init__ (before beat sets .app) — test_without_a_time_zone_the_app_time_zone_is_used.
- 09:00 after a DST change computed with the old UTC offset (an hour off)
  — test_daylight_saving_time_keeps_0900_wall_clock_time.
- remaining_estimate subtracting aware datetimes of one zone (wall-clock: an hour off across
  DST) — test_remaining_estimate_across_a_dst_change_is_real_elapsed_time.
- remaining_estimate negative when overdue — test_remaining_estimate_is_never_negative.
- "Due when inside business hours and every has passed" (next run in closed hours after Friday
  evening, remaining ignores the weekend) — test_remaining_estimate_counts_the_closed_hours_and_the_weekend,
  test_not_due_from_friday_evening_until_monday_opening.
- When due, next = every (copied from Celery's interval schedule) instead of the seconds to the
  following run — test_due_at_the_next_run_and_next_counts_to_the_run_after.
- schedstate.next as a timedelta (beat needs seconds) — test_is_due_returns_a_schedstate_with_seconds,
  test_beat_sends_poll_orders_from_opening_every_20_minutes.
- poll-orders in the app's time zone (Shanghai) instead of Berlin
  — test_poll_orders_runs_every_20_minutes_in_berlin_business_hours.
- A schedule that cannot be pickled (a lambda kept on it) or that pickles its app
  — test_business_hours_pickles_without_its_app, test_persistent_scheduler_keeps_the_last_run_across_a_restart.
"""

from __future__ import annotations

import contextlib
from types import SimpleNamespace

import pytest
from kata_support import SHANGHAI, Clock, at, sent_by_beat


@pytest.fixture
def bh():
    """The learner's business_hours module, imported through the grader's loader."""
    from grader.loader import load

    return load("business_hours")


@pytest.fixture(scope="session")
def suite_broker():
    from grader.brokers import choose

    broker = choose()
    yield broker
    broker.cleanup()


@pytest.fixture(scope="session")
def learner():
    """The learner's beat_app module and app, with the suite's broker settings over the app."""
    from grader.loader import load

    mod = load("beat_app")
    return SimpleNamespace(mod=mod, app=mod.app, eager=bool(mod.app.conf.task_always_eager))


@pytest.fixture(scope="session")
def app_on_broker(learner, suite_broker):
    # Read the learner's own settings first (test_app_uses_shanghai_time_with_utc_enabled).
    learner.app.conf.update(suite_broker.celery_config())
    return learner.app


@pytest.fixture
def app_clock(learner, monkeypatch):
    """A Clock over the learner app's now(): every schedule without its own nowfun reads it."""
    clock = Clock(at(SHANGHAI, 2025, 3, 3))
    monkeypatch.setattr(learner.app, "now", clock)
    return clock


@pytest.fixture
def start_beat(app_on_broker, app_clock):
    """start_beat(when, Scheduler class=celery.beat.Scheduler, **kwargs): Celery's own beat
    scheduler for the learner's app, created at `when` (every entry starts with last run = when)."""
    from celery.beat import Scheduler

    schedulers = []

    def start(when, scheduler_class=Scheduler, **kwargs):
        app_clock.set(when)
        try:
            scheduler = scheduler_class(app_on_broker, **kwargs)
        except Exception as error:  # noqa: BLE001 - beat refusing the schedule is the lesson
            pytest.fail(
                f"Celery beat ({scheduler_class.__name__}) could not load app.conf.beat_schedule: "
                f"{type(error).__name__}: {error}. Beat calls each schedule's now() and sets its "
                f".app, which celery.schedules.BaseSchedule provides (task 2, rule 1); "
                f"PersistentScheduler also pickles every schedule (task 4, rule 3)."
            )
        schedulers.append(scheduler)
        sent_by_beat(app_on_broker, scheduler)  # start from an empty queue
        return scheduler

    yield start
    for scheduler in schedulers:
        with contextlib.suppress(Exception):  # a test may have closed it already
            scheduler.close()


@pytest.fixture(scope="session")
def kolkata_app():
    """An app of the suite in Asia/Kolkata (UTC+05:30), for schedules without tz=. Not the
    learner's zone, nor UTC: a schedule that reads the wrong app cannot pass by chance."""
    from celery import Celery

    app = Celery("kata-kolkata", set_as_current=False)
    app.conf.timezone = "Asia/Kolkata"
    return app
