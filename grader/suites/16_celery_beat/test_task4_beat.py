"""Task 4: Celery's own beat runs the BusinessHours entry; the schedule pickles."""

from __future__ import annotations

import pickle
import threading
from datetime import timedelta

import pytest
from kata_support import (
    BERLIN,
    SHANGHAI,
    at,
    beat_tasks_at,
    entry_for,
    report,
    same_instant,
    show,
)

POLL = "beat_app.poll_orders"
RULE_1 = "task 4, rule 1"


def berlin(*args):
    return at(BERLIN, *args)


def poll_schedule(app, bh):
    from celery.schedules import maybe_schedule

    name, entry = entry_for(app, POLL, RULE_1)
    schedule = entry.get("schedule")
    assert isinstance(schedule, bh.BusinessHours), (
        f"beat_schedule[{name!r}]['schedule'] must be a BusinessHours ({RULE_1}); it is {schedule!r}"
    )
    return name, maybe_schedule(schedule, app=app)  # beat gives it the app, like this


def polls_at(app, scheduler, clock, when):
    return [name for name in beat_tasks_at(app, scheduler, clock, when, BERLIN) if name == POLL]


def check_polls(app, scheduler, clock, started, checkpoints):
    for when, expected in checkpoints:
        got = polls_at(app, scheduler, clock, when)
        assert len(got) == expected, (
            f"Beat started on {show(started, BERLIN)}. At {show(when, BERLIN)} it sent "
            f"poll_orders {len(got)} time(s); expected {expected} (task 4, rule 2: every 20 "
            f"minutes from 09:00 to 16:40 Berlin time, Monday to Friday)."
        )


@pytest.mark.task(4)
def test_poll_orders_runs_every_20_minutes_in_berlin_business_hours(learner, bh):
    _, schedule = poll_schedule(learner.app, bh)
    cases = [
        (berlin(2025, 3, 3, 8, 59), berlin(2025, 3, 3, 9, 0)),
        (berlin(2025, 3, 3, 9, 0), berlin(2025, 3, 3, 9, 20)),
        (berlin(2025, 3, 3, 16, 20), berlin(2025, 3, 3, 16, 40)),
        (berlin(2025, 3, 3, 16, 40), berlin(2025, 3, 4, 9, 0)),
        (berlin(2025, 3, 7, 16, 40), berlin(2025, 3, 10, 9, 0)),
        (at(SHANGHAI, 2025, 3, 3, 16, 0), berlin(2025, 3, 3, 9, 20)),  # 09:00 in Berlin
    ]
    problems = [
        f"after {show(given, BERLIN)}: expected {show(expected, BERLIN)}, got {show(got, BERLIN)}"
        for given, expected in cases
        if not same_instant(got := schedule.next_run_after(given), expected)
    ]
    assert not problems, report(
        problems,
        len(cases),
        "poll-orders is BusinessHours(timedelta(minutes=20), tz='Europe/Berlin'): Berlin hours, "
        "although the app's zone is Shanghai (task 4, rule 1)",
    )


@pytest.mark.task(4)
def test_beat_sends_poll_orders_from_opening_every_20_minutes(
    learner, bh, app_on_broker, app_clock, start_beat
):
    poll_schedule(learner.app, bh)
    started = berlin(2025, 3, 3, 8, 50)  # a Monday
    scheduler = start_beat(started)
    check_polls(
        app_on_broker,
        scheduler,
        app_clock,
        started,
        [
            (berlin(2025, 3, 3, 8, 59, 59), 0),
            (berlin(2025, 3, 3, 9, 0), 1),
            (berlin(2025, 3, 3, 9, 10), 0),
            (berlin(2025, 3, 3, 9, 19, 59), 0),
            (berlin(2025, 3, 3, 9, 20), 1),
            (berlin(2025, 3, 3, 9, 40), 1),
            (berlin(2025, 3, 3, 16, 40), 1),  # beat was idle since 09:40: one catch-up run
            (berlin(2025, 3, 3, 16, 59, 59), 0),
            (berlin(2025, 3, 3, 17, 0), 0),
        ],
    )


@pytest.mark.task(4)
def test_beat_sends_no_poll_orders_from_friday_evening_to_monday_morning(
    learner, bh, app_on_broker, app_clock, start_beat
):
    poll_schedule(learner.app, bh)
    started = berlin(2025, 3, 28, 16, 30)  # the Friday before the clocks go forward
    scheduler = start_beat(started)
    check_polls(
        app_on_broker,
        scheduler,
        app_clock,
        started,
        [
            (berlin(2025, 3, 28, 16, 40), 1),
            (berlin(2025, 3, 28, 17, 0), 0),
            (berlin(2025, 3, 29, 9, 0), 0),
            (berlin(2025, 3, 29, 12, 0), 0),
            (berlin(2025, 3, 30, 9, 0), 0),
            (berlin(2025, 3, 31, 8, 0), 0),  # Monday 06:00 UTC
            (berlin(2025, 3, 31, 8, 59, 59), 0),
            (berlin(2025, 3, 31, 9, 0), 1),  # 09:00 CEST = 07:00 UTC
            (berlin(2025, 3, 31, 9, 20), 1),
        ],
    )


@pytest.mark.task(4)
def test_business_hours_pickles_without_its_app(bh, kolkata_app):
    from celery import Celery

    # An app that cannot be pickled: a schedule must not carry its app into the pickle.
    unpicklable_app = Celery("kata-unpicklable", set_as_current=False)
    unpicklable_app.conf.update(timezone="Asia/Kolkata", kata_not_data=threading.Lock())
    given = [berlin(2025, 3, 3, 9, 0), berlin(2025, 3, 7, 16, 40), berlin(2025, 3, 28, 16, 45)]
    for original in (
        bh.BusinessHours(timedelta(minutes=20), tz="Europe/Berlin"),
        bh.BusinessHours(timedelta(minutes=30)),  # the app's zone
    ):
        original.app = unpicklable_app  # as beat does before PersistentScheduler stores it
        try:
            data = pickle.dumps(original)
        except Exception as error:  # noqa: BLE001 - reported to the learner
            pytest.fail(
                f"pickle.dumps({original!r}) failed after beat set its .app: "
                f"{type(error).__name__}: {error}. PersistentScheduler pickles every schedule "
                f"(task 4, rule 3): keep only data on it (every, tz, nowfun) and leave the app "
                f"out with __reduce__, as Celery's schedule and crontab do."
            )
        copy = pickle.loads(data)
        assert isinstance(copy, bh.BusinessHours), (
            f"pickle.loads gave {copy!r}, not a BusinessHours (task 4, rule 3)"
        )
        copy.app = kolkata_app  # beat sets the app again after loading
        original.app = kolkata_app
        changed = [
            f"after {show(dt, BERLIN)}: original {show(original.next_run_after(dt), BERLIN)}, "
            f"copy {show(copy.next_run_after(dt), BERLIN)}"
            for dt in given
            if not same_instant(copy.next_run_after(dt), original.next_run_after(dt))
        ]
        assert not changed, report(
            changed, len(given), "the unpickled copy must keep every and tz (task 4, rule 3)"
        )


@pytest.mark.task(4)
def test_persistent_scheduler_keeps_the_last_run_across_a_restart(
    learner, bh, app_on_broker, app_clock, start_beat, tmp_path
):
    from celery.beat import PersistentScheduler

    name, _ = poll_schedule(learner.app, bh)
    filename = str(tmp_path / "celerybeat-schedule")
    started = berlin(2025, 3, 3, 8, 50)
    first = start_beat(started, PersistentScheduler, schedule_filename=filename)
    check_polls(app_on_broker, first, app_clock, started, [(berlin(2025, 3, 3, 9, 0), 1)])
    first.close()  # beat stops: the schedule (with poll-orders' last run) is on disk

    restarted = berlin(2025, 3, 3, 9, 25)
    second = start_beat(restarted, PersistentScheduler, schedule_filename=filename)
    stored = second.schedule[name].last_run_at
    assert same_instant(stored, berlin(2025, 3, 3, 9, 0)), (
        f"After a restart, PersistentScheduler should remember that {name!r} last ran at "
        f"{show(berlin(2025, 3, 3, 9, 0), BERLIN)}; it has {show(stored, BERLIN)} (task 4, rule 4)"
    )
    check_polls(
        app_on_broker,
        second,
        app_clock,
        restarted,
        [
            (restarted, 1),  # the 09:20 run was missed while beat was down
            (berlin(2025, 3, 3, 9, 30), 0),
            (berlin(2025, 3, 3, 9, 40), 1),
        ],
    )
