"""Periodic tasks with Celery beat: the app, its tasks and its beat_schedule."""

from __future__ import annotations

from datetime import timedelta  # noqa: F401 - for the interval entries

from business_hours import BusinessHours  # noqa: F401 - for task 4
from celery import Celery
from celery.schedules import crontab  # noqa: F401 - for the crontab entries

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

# TODO (task 1, rule 1): the app's time zone and enable_utc.

app.conf.beat_schedule = {
    # TODO (task 1, rules 2–6): "daily-report", "nightly-cleanup", "sync-inventory".
    # TODO (task 4, rule 1): "poll-orders".
}
