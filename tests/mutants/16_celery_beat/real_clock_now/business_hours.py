"""Wrong: remaining_estimate takes "now" from the real clock (datetime.now), not from self.now(). Caught by: test_remaining_estimate_is_the_time_until_the_next_run."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from celery.schedules import BaseSchedule, schedstate

OPENS = time(9, 0)  # the first run of a workday (included)
CLOSES = time(17, 0)  # closing time (excluded: never a run at 17:00)
WORKDAYS = frozenset(range(5))  # Monday=0 … Friday=4, as date.weekday() counts them


class BusinessHours(BaseSchedule):
    """Run every ``every`` from 09:00, Monday to Friday, until (not at) 17:00, in ``tz``.

    ``tz`` is a time zone name ("Europe/Berlin") or a tzinfo; without it the schedule uses its
    app's time zone (``app.conf.timezone``), read when needed, because beat sets ``.app`` only
    after the schedule was built.
    """

    def __init__(
        self,
        every: timedelta,
        tz: str | tzinfo | None = None,
        nowfun=None,
        app=None,
    ) -> None:
        # An int is ambiguous (seconds? minutes?): ask for a timedelta, like the README says.
        if not isinstance(every, timedelta):
            raise TypeError(f"every must be a datetime.timedelta, got {type(every).__name__}")
        if every <= timedelta(0):
            raise ValueError(f"every must be positive, got {every}")
        self.every = every
        self._tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        # BaseSchedule keeps the clock (nowfun) and the app; self.now() uses them.
        super().__init__(nowfun=nowfun, app=app)

    @property
    def tz(self) -> tzinfo:
        # Overrides BaseSchedule.tz, which would cache the app's zone forever.
        return self._tz if self._tz is not None else self.app.timezone

    def next_run_after(self, dt: datetime) -> datetime:
        """The first run strictly after ``dt`` (naive means UTC), as an aware datetime."""
        zone = self.tz
        # Work in the schedule's wall-clock time: 09:00 means 09:00 there, whatever UTC says.
        local = self.maybe_make_aware(dt).astimezone(zone).replace(tzinfo=None)
        day = local.date()
        for _ in range(8):  # at most a weekend (and a bit) away
            if day.weekday() in WORKDAYS:
                slot = datetime.combine(day, OPENS)
                if local >= slot:
                    # Runs are aligned to 09:00: skip every run at or before dt.
                    slot += ((local - slot) // self.every + 1) * self.every
                if slot < datetime.combine(day, CLOSES):
                    # Wall-clock time + zone: the UTC offset is the one of that day (DST).
                    return slot.replace(tzinfo=zone)
            day += timedelta(days=1)
        raise AssertionError("unreachable: every week has a workday")

    def remaining_estimate(self, last_run_at: datetime) -> timedelta:
        """Real time left until the run after ``last_run_at``; timedelta(0) when overdue."""
        return self._until(self.next_run_after(last_run_at), datetime.now(UTC))

    def is_due(self, last_run_at: datetime) -> schedstate:
        """``schedstate(is_due, next)``: due now? and seconds until beat should ask again."""
        now = self.now()  # read once: both answers must agree on "now"
        remaining = self._until(self.next_run_after(last_run_at), now)
        if remaining > timedelta(0):
            return schedstate(is_due=False, next=remaining.total_seconds())
        # Due: beat sends the task now; the next run is the first one after now.
        following = self._until(self.next_run_after(now), now)
        return schedstate(is_due=True, next=following.total_seconds())

    def _until(self, when: datetime, now: datetime) -> timedelta:
        # Subtract in UTC: aware datetimes sharing one tzinfo subtract as wall-clock time,
        # which is an hour off across a DST change.
        now_utc = self.maybe_make_aware(now).astimezone(UTC)
        return max(when.astimezone(UTC) - now_utc, timedelta(0))

    def __reduce__(self):
        # What PersistentScheduler pickles: the settings, not the app (beat sets it again).
        return self.__class__, (self.every, self._tz, self.nowfun)

    def __repr__(self) -> str:
        return f"<BusinessHours every {self.every} in {self._tz or 'the app time zone'}>"
