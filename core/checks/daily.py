"""日排查日报告 — each township checks its area every day and reports twice a day (seed 003:
一天一排查，一天一研判，一天两上报; a township that does not report is held to account).

A township's cadre sends ``排查 无新情况`` or ``排查 村 人数 事由 [动向]`` (handlers.checks); each
report is a ``daily_check`` row of one of the day's rounds, ``[county.daily_checks]``:

    [county.daily_checks]
    report_at = ["11:30", "17:00"]   # the report times: a report counts for the next one to come
    grace_minutes = 30               # asked for once at the time; still missing this much later,
                                     # the miss is recorded for the unit's 月考评 (check_missed)
    every_day = true                 # false: working days only

The practice is the county's choice: without a ``[county.daily_checks]`` table (an empty one
takes the defaults) nobody is asked, nothing is scored and 排查 says it is not in use.

A report names where the people plan to go (动向: 去县、到市、赴省、进京) when it says so; such a
report is a 预警 for the bureau at once. What was reported and who did not report go into the
daily 访情 and its 详情.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import SHANGHAI, clock_time, local
from core.store.models import DailyCheck, Person, ScoreEvent, Unit
from core.workdays import WorkCalendar
from core.words import jobs as words
from core.words.jobs import planned  # noqa: F401  (a report's 动向 in words, as the daily 访情 reads it)


class CheckError(ValueError):
    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code, self.values = code, values


@dataclass(frozen=True)
class CheckRules:
    times: tuple[time, ...] = (time(11, 30), time(17, 0))
    grace: timedelta = timedelta(minutes=30)
    every_day: bool = True
    enabled: bool = True

    @classmethod
    def from_options(cls, options: dict | None) -> CheckRules:
        given = (options or {}).get("daily_checks")
        if given is None:
            return cls(enabled=False)
        if not isinstance(given, dict):
            raise ValueError(f"daily_checks: a table, got {given!r}")
        raw = dict(given)
        known = {"report_at", "grace_minutes", "every_day"}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ValueError(f"daily_checks: unknown setting {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        times = raw.get("report_at", ["11:30", "17:00"])
        if not isinstance(times, list) or not 1 <= len(times) <= 4:
            raise ValueError(f"daily_checks.report_at: a list of one to four times like [\"11:30\", \"17:00\"], got {times!r}")
        parsed = tuple(clock_time(str(t)) for t in times)
        if list(parsed) != sorted(set(parsed)):
            raise ValueError(f"daily_checks.report_at: times in order, each once, got {times!r}")
        grace = raw.get("grace_minutes", 30)
        if not isinstance(grace, int) or isinstance(grace, bool) or not 0 <= grace <= 240:
            raise ValueError(f"daily_checks.grace_minutes: a whole number from 0 to 240, got {grace!r}")
        every_day = raw.get("every_day", True)
        if not isinstance(every_day, bool):
            raise ValueError(f"daily_checks.every_day: true or false, got {every_day!r}")
        return cls(parsed, timedelta(minutes=grace), every_day)

    def due(self, day: date, i: int) -> datetime:
        return datetime.combine(day, self.times[i], SHANGHAI)

    def closes(self, day: date, i: int) -> datetime:
        return self.due(day, i) + self.grace

    def is_check_day(self, day: date, calendar: WorkCalendar) -> bool:
        return self.enabled and (self.every_day or calendar.is_workday(day))

    def round_of(self, at: datetime, calendar: WorkCalendar) -> tuple[date, int]:
        """The round a report made at ``at`` counts for: the first of its day still open (its time
        and the grace after it not yet passed), else the first of the next check day."""
        day = local(at).date()
        if self.is_check_day(day, calendar):
            for i in range(len(self.times)):
                if at < self.closes(day, i):
                    return day, i
        day += timedelta(days=1)
        while not self.is_check_day(day, calendar):
            day += timedelta(days=1)
        return day, 0

    def last_passed(self, now: datetime, after_grace: bool) -> int | None:
        """Today's latest round whose time (with ``after_grace``, its grace too) has passed."""
        day = local(now).date()
        passed = [i for i in range(len(self.times))
                  if (self.closes(day, i) if after_grace else self.due(day, i)) <= now]
        return passed[-1] if passed else None

    def label(self, i: int) -> str:
        return f"第{i + 1}次（{self.times[i]:%H:%M}）"


def townships(s: Session) -> list[Unit]:
    """The units that report: every active township (乡镇、街道) government."""
    return list(s.scalars(select(Unit).where(Unit.active.is_(True), Unit.kind == "township").order_by(Unit.id)))


def record(s: Session, unit: Unit, person: Person | None, now: datetime, rules: CheckRules,
           calendar: WorkCalendar, *, nothing_new: bool = False, village: str | None = None,
           people: int | None = None, matter: str | None = None, movement: str | None = None,
           inbound_id: int | None = None) -> DailyCheck:
    if not rules.enabled:
        raise CheckError("check_not_in_use")
    if unit.kind != "township":
        raise CheckError("check_townships_only", unit=unit.name)
    if not nothing_new and (not matter or not matter.strip()):
        raise CheckError("check_format")
    day, i = rules.round_of(now, calendar)
    row = DailyCheck(unit_id=unit.id, person_id=person.id if person else None, day=day, round=i, at=now,
                     nothing_new=nothing_new, village=village, people=people,
                     matter=matter.strip()[:2000] if matter else None, movement=movement, inbound_id=inbound_id)
    s.add(row)
    s.flush()
    return row


def missing(s: Session, day: date, i: int) -> list[Unit]:
    """The townships with no report for round ``i`` of ``day``."""
    reported = set(s.scalars(select(DailyCheck.unit_id).where(DailyCheck.day == day, DailyCheck.round == i)))
    return [u for u in townships(s) if u.id not in reported]


def record_misses(s: Session, day: date, i: int, now: datetime, points: int) -> list[Unit]:
    """Round ``i`` of ``day`` closed: each township that did not report gets a ``check_missed``
    score event (once: the scheduler runs this once per round)."""
    late = missing(s, day, i)
    for u in late:
        s.add(ScoreEvent(unit_id=u.id, at=now, kind="check_missed", points=points,
                         note=words.check_missed_note(day.month, day.day, i + 1)))
    return late


@dataclass
class CheckDay:
    """A day's 日排查 for the daily 访情: who reported, who did not, what was found."""

    day: date
    townships: int = 0
    reported: set[int] = field(default_factory=set)         # units with a report in every round passed
    missed: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))   # round → unit names
    nothing_new: int = 0
    found: list[DailyCheck] = field(default_factory=list)   # the matters reported
    people: int = 0

    @property
    def warnings(self) -> list[DailyCheck]:
        return [c for c in self.found if c.movement]


def day_of(s: Session, day: date, now: datetime, rules: CheckRules) -> CheckDay:
    if not rules.enabled:
        return CheckDay(day)
    units = townships(s)
    out = CheckDay(day, len(units))
    rows = list(s.scalars(select(DailyCheck).where(DailyCheck.day == day).order_by(DailyCheck.at, DailyCheck.id)))
    by_round: dict[int, set[int]] = defaultdict(set)
    for c in rows:
        by_round[c.round].add(c.unit_id)
        if c.nothing_new:
            continue
        out.found.append(c)
        out.people += c.people or 0
    out.nothing_new = len({c.unit_id for c in rows if c.nothing_new} - {c.unit_id for c in out.found})
    passed = [i for i in range(len(rules.times)) if rules.due(day, i) <= now]
    for i in passed:
        for u in units:
            if u.id not in by_round[i]:
                out.missed[i].append(u.name)
    out.reported = {u.id for u in units if all(u.id in by_round[i] for i in passed)} if passed else \
        {u.id for u in units if any(u.id in r for r in by_round.values())}
    return out
