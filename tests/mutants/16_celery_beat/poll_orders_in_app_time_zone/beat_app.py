"""Wrong: poll-orders without tz='Europe/Berlin': it follows Shanghai's business hours. Caught by: test_poll_orders_runs_every_20_minutes_in_berlin_business_hours."""

from __future__ import annotations

from datetime import timedelta

from business_hours import BusinessHours
from celery import Celery
from celery.schedules import crontab

app = Celery("beat_app")


# ── The tasks beat sends (given) ───────────────────────────────────────────────────────────────


@app.task
def send_report() -> str:
    return "daily report sent"


@app.task
def cleanup_sessions() -> str:
    return "expired sessions removed"


@app.task
def sync_inventory() -> str:
    return "inventory synced"


@app.task
def poll_orders() -> str:
    return "orders polled"


# ── Task 1: time zone and the crontab / interval entries ─────────────────────────────────────

# Wall-clock times in crontab entries are Shanghai times; messages still carry UTC.
app.conf.timezone = "Asia/Shanghai"
app.conf.enable_utc = True

app.conf.beat_schedule = {
    "daily-report": {
        "task": "beat_app.send_report",
        # Keyword arguments: the positional order is minute, hour (not hour, minute).
        # day_of_week counts from Sunday=0, so mon-fri is 1-5 (not Python's weekday()).
        "schedule": crontab(minute=30, hour=8, day_of_week="mon-fri"),
    },
    "nightly-cleanup": {
        "task": "beat_app.cleanup_sessions",
        "schedule": crontab(minute=15, hour=3),
    },
    "sync-inventory": {
        "task": "beat_app.sync_inventory",
        # A bare number would mean seconds: say minutes with a timedelta.
        "schedule": timedelta(minutes=30),
    },
    # ── Task 4: the custom schedule, in the Berlin office's hours ──
    "poll-orders": {
        "task": "beat_app.poll_orders",
        "schedule": BusinessHours(timedelta(minutes=20)),
    },
}
