"""Time, in one place. Everything that depends on "now" takes a clock or an explicit ``now``.

All domain times are timezone-aware, in the county's timezone (Asia/Shanghai by default).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock:
    """The wall clock, in Asia/Shanghai."""

    tz = SHANGHAI

    def now(self) -> datetime:
        return datetime.now(self.tz)


class FixedClock(Clock):
    """A clock that only moves when told to (tests, demo, ``--now``)."""

    def __init__(self, at: datetime):
        if at.tzinfo is None:
            at = at.replace(tzinfo=SHANGHAI)
        self._at = at

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = at if at.tzinfo else at.replace(tzinfo=SHANGHAI)

    def advance(self, **kwargs) -> datetime:
        self._at = self._at + timedelta(**kwargs)
        return self._at


def clock_time(text) -> time:
    """A county-file time of day: "17:30" (or TOML's own local time). ValueError when it is not one."""
    if isinstance(text, time):
        return text
    try:
        h, m = str(text).split(":")
        return time(int(h), int(m))
    except (TypeError, ValueError):
        raise ValueError(f"a time like \"17:30\", got {text!r}") from None


def day_start(d: date) -> datetime:
    """Midnight at the start of ``d`` in the county."""
    return datetime.combine(d, time(0), SHANGHAI)


def month_day(dt: datetime | date) -> str:
    """"11月30日" — of a moment in county time, or of a day."""
    d = local(dt) if isinstance(dt, datetime) else dt
    return f"{d.month}月{d.day}日"


def hm(dt: datetime) -> str:
    """"19:02", in county time."""
    return f"{local(dt):%H:%M}"


def month_day_time(dt: datetime) -> str:
    """"11月30日17:30", in county time."""
    return month_day(dt) + hm(dt)


def with_weekday(d: date) -> str:
    """"11月30日（周一）"."""
    return f"{month_day(d)}（周{'一二三四五六日'[d.weekday()]}）"


def local(dt: datetime, tz=SHANGHAI) -> datetime:
    """A stored datetime (naive = UTC on SQLite) as an aware local time."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(tz)
