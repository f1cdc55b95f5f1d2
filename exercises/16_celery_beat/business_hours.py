"""A Celery schedule that runs a task every N minutes during business hours.

Business hours: Monday to Friday, from 09:00 (included) to 17:00 (excluded), wall-clock time in
one time zone. Celery beat asks a schedule two questions, through ``is_due`` and
``remaining_estimate``; ``next_run_after`` helps answer them. Read the README: the grader checks
the rules written there.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

from celery.schedules import BaseSchedule, schedstate  # noqa: F401 - is_due returns a schedstate

OPENS = time(9, 0)  # the first run of a workday (included)
CLOSES = time(17, 0)  # closing time (excluded: never a run at 17:00)
WORKDAYS = frozenset(range(5))  # Monday=0 … Friday=4, as date.weekday() counts them


class BusinessHours(BaseSchedule):
    """Run every ``every`` from 09:00, Monday to Friday, until (not at) 17:00, in ``tz``."""

    def __init__(
        self,
        every: timedelta,
        tz: str | tzinfo | None = None,
        nowfun=None,
        app=None,
    ) -> None:
        """Task 2, rules 1–3.

        every: a datetime.timedelta greater than zero (TypeError / ValueError otherwise).
        tz: a time zone name ("Europe/Berlin") or a tzinfo; None means the app's time zone.
        nowfun, app: hand them to BaseSchedule: super().__init__(nowfun=nowfun, app=app).
        """
        raise NotImplementedError

    @property
    def tz(self) -> tzinfo:
        """The time zone in use: the one given, else self.app.timezone (task 2, rule 3)."""
        raise NotImplementedError

    def next_run_after(self, dt: datetime) -> datetime:
        """The first run strictly after ``dt``, as an aware datetime (task 2, rules 4–8).

        ``dt`` is aware in any zone, or naive meaning UTC.
        """
        raise NotImplementedError

    def remaining_estimate(self, last_run_at: datetime) -> timedelta:
        """Real time from self.now() until the run after ``last_run_at``; timedelta(0) when
        overdue (task 3, rules 1–4)."""
        raise NotImplementedError

    def is_due(self, last_run_at: datetime) -> schedstate:
        """``schedstate(is_due, next)``: is a run due now, and in how many seconds beat should
        ask again (task 3, rules 5–7)."""
        raise NotImplementedError

    def __reduce__(self):
        """What pickle stores: (BusinessHours, (every, tz, nowfun)) — not the app (task 4, rule 3)."""
        raise NotImplementedError
