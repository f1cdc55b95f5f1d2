"""Helpers of the suite of exercise 16: fixed times, a settable clock, beat on a real broker."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
SHANGHAI = ZoneInfo("Asia/Shanghai")
MARKER_TASK = "kata.marker"


def at(zone, year, month, day, hour=0, minute=0, second=0, microsecond=0) -> datetime:
    """An aware datetime: this wall-clock time in this zone."""
    return datetime(year, month, day, hour, minute, second, microsecond, tzinfo=zone)


class Clock:
    """A clock the test sets: pass it as nowfun=, or put it over app.now."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> datetime:
        self.now = now
        return now


def show(dt, zone=None) -> str:
    """'Fri 2025-03-07 16:45 Europe/Berlin (15:45 UTC)': readable in failure messages."""
    if not isinstance(dt, datetime):
        return f"{dt!r} (not a datetime)"
    if dt.tzinfo is None or dt.utcoffset() is None:
        return f"{dt.strftime('%a %Y-%m-%d %H:%M:%S')} (naive: no time zone)"
    local = dt.astimezone(zone) if zone is not None else dt
    name = getattr(local.tzinfo, "key", None) or local.tzname()
    return f"{_clock_text(local)} {name} ({_clock_text(dt.astimezone(UTC), date=False)} UTC)"


def _clock_text(dt: datetime, date: bool = True) -> str:
    text = dt.strftime("%a %Y-%m-%d %H:%M" if date else "%a %H:%M")
    if dt.second or dt.microsecond:
        text += f":{dt.second:02d}" + (f".{dt.microsecond:06d}" if dt.microsecond else "")
    return text


def show_delta(value) -> str:
    """'2 days, 15:00:00 (226800 s)'."""
    if isinstance(value, timedelta):
        return f"{value} ({value.total_seconds():g} s)"
    return repr(value)


def same_instant(got, expected: datetime) -> bool:
    return (
        isinstance(got, datetime)
        and got.tzinfo is not None
        and got.utcoffset() is not None
        and got.astimezone(UTC) == expected.astimezone(UTC)
    )


def report(problems: list[str], total: int, what: str) -> str:
    """One message for all the cases a test got wrong (at most 6 shown)."""
    shown = "\n".join(f"  - {line}" for line in problems[:6])
    more = f"\n  … and {len(problems) - 6} more" if len(problems) > 6 else ""
    return f"{len(problems)} of {total} cases wrong: {what}\n{shown}{more}"


# ── The learner's beat_schedule ──────────────────────────────────────────────────────────────


def entry_for(app, task_name: str, rule: str) -> tuple[str, dict]:
    """The one beat_schedule entry that sends task_name: (entry name, entry dict)."""
    entries = app.conf.beat_schedule or {}
    found = [
        (name, entry)
        for name, entry in entries.items()
        if isinstance(entry, dict) and entry.get("task") == task_name
    ]
    assert found, (
        f"app.conf.beat_schedule has no entry whose 'task' is {task_name!r} ({rule}). "
        f"Entries found: { {name: e.get('task') for name, e in entries.items() if isinstance(e, dict)} }"
    )
    assert len(found) == 1, (
        f"{len(found)} beat_schedule entries send {task_name!r}: {[name for name, _ in found]}. "
        f"Keep exactly one, or beat sends it more often than asked ({rule})."
    )
    return found[0]


def schedule_of(app, task_name: str, rule: str):
    """The Celery schedule object of that entry, bound to the app as beat binds it."""
    from celery.schedules import maybe_schedule

    name, entry = entry_for(app, task_name, rule)
    assert "schedule" in entry, f"beat_schedule[{name!r}] has no 'schedule' key ({rule})"
    return name, maybe_schedule(entry["schedule"], app=app)


def next_run(schedule, last_run_at: datetime, clock: Clock) -> datetime:
    """When a Celery schedule runs next after a run at last_run_at (asked at that very time)."""
    clock.set(last_run_at)
    remaining = schedule.remaining_estimate(last_run_at)
    return last_run_at.astimezone(UTC) + remaining


# ── Celery beat on the suite's broker ────────────────────────────────────────────────────────


def run_beat(scheduler, when: str) -> None:
    """Tick beat until nothing more is due now (tick() sends at most one task per call)."""
    for _ in range(50):
        try:
            delay = scheduler.tick()
        except Exception as error:  # noqa: BLE001 - any failure inside beat is the learner's to see
            raise AssertionError(
                f"At {when}, Celery beat's tick() failed: {type(error).__name__}: {error}. Beat "
                f"adds is_due's `next` (seconds: an int or float) to a timestamp and calls the "
                f"schedule's now(): is_due must return schedstate(bool, seconds) (task 3, rule 5) "
                f"and the class must subclass celery.schedules.BaseSchedule (task 2, rule 1)."
            ) from error
        if delay > 0:
            return
    raise AssertionError(
        f'At {when}, beat\'s tick() kept returning 0 ("check again right away") 50 times in a '
        f"row. Does is_due return schedstate(False, 0) or a `next` of 0 seconds while not due? "
        f"`next` must be the seconds until the next run (task 3, rules 5–7)."
    )


def sent_by_beat(app, scheduler, timeout: float = 10.0) -> list[tuple[str, bool]]:
    """The messages beat put on the broker since the last call: [(task name, beat header)].

    A marker goes through beat's own producer after them (same channel, so it arrives last on
    every broker); everything read before the marker was sent by beat.
    """
    marker = uuid.uuid4().hex
    app.send_task(MARKER_TASK, task_id=marker, producer=scheduler.producer)
    sent = []
    deadline = time.monotonic() + timeout
    with app.connection_for_read() as connection:
        queue = app.amqp.queues[app.conf.task_default_queue](connection.default_channel)
        while time.monotonic() < deadline:
            message = queue.get(no_ack=True)
            if message is None:
                time.sleep(0.005)
                continue
            headers = message.headers or {}
            if headers.get("id") == marker:
                return sent
            sent.append((headers.get("task"), bool(headers.get("celery_beat_task"))))
    raise AssertionError(f"The broker did not deliver the suite's marker within {timeout} s")


def beat_tasks_at(app, scheduler, clock: Clock, when: datetime, zone) -> list[str]:
    """Move the clock to `when`, let beat send what is due, return the task names it sent."""
    clock.set(when)
    run_beat(scheduler, show(when, zone))
    sent = sent_by_beat(app, scheduler)
    for name, from_beat in sent:
        assert from_beat, f"{name} reached the broker without beat's header: who sent it?"
    return sorted(name for name, _ in sent)
