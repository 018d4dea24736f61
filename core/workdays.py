"""Working days (工作日) in China: public holidays and 调休 make-up workdays.

The State Council publishes each year's holidays in November or December; the package
``chinese-calendar`` knows the years published when it was released and raises
NotImplementedError for later ones. For such a year the county file may give the holidays and
make-up days itself (``[calendar] holidays = [...]``, ``workdays = [...]``). Without them the
holidays the law itself fixes are known — 全国年节及纪念日放假办法 (as amended 2024): 元旦 1 day,
春节 4 days from 除夕, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3; the lunar ones and 清明 from
lunar-python — and every other Monday–Friday is a working day; only the State Council's 调休
arrangement is unknown, so a provisional period is never shorter than the law allows a citizen or
a unit. Either way every answer about such a day is *provisional*, and the deadlines built from
it say so, so that staff can see which dates may still move.

Counting (Civil Code Art. 201–203, which the 信访工作条例's periods follow): a period of N days
starts the day after the event; a calendar-day period whose last day is not a working day
(a public holiday or a weekend that is not a make-up day) ends on the next working day.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, timedelta

import chinese_calendar


# Imports inside functions: lunar-python only for a year chinese-calendar does not know yet.


@lru_cache(maxsize=16)
def statutory_holidays(year: int) -> frozenset[date]:
    """The days off the 全国年节及纪念日放假办法 fixes for ``year``, before the State Council
    publishes the year's arrangement (which adds bridging days and 调休 make-up workdays)."""
    from lunar_python import Lunar

    def lunar(month: int, day: int) -> date:
        solar = Lunar.fromYmd(year, month, day).getSolar()
        return date(solar.getYear(), solar.getMonth(), solar.getDay())

    spring = lunar(1, 1)
    qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    days = {date(year, 1, 1), date(year, 5, 1), date(year, 5, 2), date(year, 10, 1), date(year, 10, 2),
            date(year, 10, 3), lunar(5, 5), lunar(8, 15),
            date(qingming.getYear(), qingming.getMonth(), qingming.getDay())}
    days |= {spring + timedelta(days=k) for k in (-1, 0, 1, 2)}     # 除夕 and 初一 to 初三
    return frozenset(d for d in days if d.year == year)


@dataclass(frozen=True)
class Day:
    """An answer about a date: the date, and whether it rests on an assumed calendar."""

    date: date
    provisional: bool = False


@dataclass
class WorkCalendar:
    holidays: frozenset[date] = field(default_factory=frozenset)   # county-supplied, for unknown years
    workdays: frozenset[date] = field(default_factory=frozenset)   # county-supplied 调休 make-up days
    # answers so far: every deadline walks day by day, and chinese-calendar's checks are slow
    _seen: dict[date, tuple[bool, bool]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_options(cls, options: dict | None) -> WorkCalendar:
        cal = (options or {}).get("calendar") or {}
        return cls(holidays=frozenset(date.fromisoformat(d) for d in cal.get("holidays", [])),
                   workdays=frozenset(date.fromisoformat(d) for d in cal.get("workdays", [])))

    def known(self, d: date) -> bool:
        """Whether the published calendar covers this date's year."""
        try:
            chinese_calendar.is_workday(d)
            return True
        except NotImplementedError:
            return False

    def check(self, d: date) -> tuple[bool, bool]:
        """(is a working day, provisional)."""
        answer = self._seen.get(d)
        if answer is None:
            answer = self._seen[d] = self._check(d)
        return answer

    def _check(self, d: date) -> tuple[bool, bool]:
        try:
            return chinese_calendar.is_workday(d), False
        except NotImplementedError:
            pass
        if d in self.workdays:
            return True, True
        if d in self.holidays or d in statutory_holidays(d.year):
            return False, True
        return d.weekday() < 5, True

    def is_workday(self, d: date) -> bool:
        return self.check(d)[0]

    def next_workday(self, d: date, include: bool = True) -> Day:
        """The first working day on or after ``d`` (after, when ``include`` is False)."""
        provisional = False
        cur = d if include else d + timedelta(days=1)
        while True:
            ok, prov = self.check(cur)
            provisional |= prov
            if ok:
                return Day(cur, provisional)
            cur += timedelta(days=1)

    def add_workdays(self, start: date, n: int) -> Day:
        """The n-th working day after ``start`` (``start`` itself not counted); n=0 gives the
        first working day on or after ``start``."""
        if n <= 0:
            return self.next_workday(start)
        provisional = False
        cur, left = start, n
        while left:
            cur += timedelta(days=1)
            ok, prov = self.check(cur)
            provisional |= prov
            if ok:
                left -= 1
        return Day(cur, provisional)

    def add_months(self, start: date, n: int, then_days: int = 0) -> Day:
        """A period of ``n`` months (Civil Code Art. 202): it ends on the same day of the month
        ``n`` months on — the month's last day when it has no such day (1月30日 + 一个月 = 2月28日) —
        plus ``then_days`` calendar days (an extension), moved to the next working day when that
        last day is not one."""
        month = start.month - 1 + n
        year, month = start.year + month // 12, month % 12 + 1
        last = calendar.monthrange(year, month)[1]
        return self.next_workday(date(year, month, min(start.day, last)) + timedelta(days=max(then_days, 0)))

    def add_days(self, start: date, n: int) -> Day:
        """A calendar-day period: ``start`` + n, moved to the next working day when that last
        day is not one."""
        return self.next_workday(start + timedelta(days=max(n, 0)))

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        count, cur = 0, start
        while cur < end:
            cur += timedelta(days=1)
            if self.is_workday(cur):
                count += 1
        return count
