"""每周访情分析 and 月信访形势分析 — the weekly and monthly analyses (DOMAIN.md, "The three reports").

A period (a week Monday–Sunday, or a calendar month) against the one before (环比) and the same
period a year earlier (同比): volume (批次/人次), units involved, categories, channels, repeat
petitions, 越级访 by level, the measures of core.reports.measures, 七晚 figures, and for a month the
units' scores (月考评). The text for leaders is short (``summary``); the whole analysis is an
HTML page (notifications.report_html) behind a signed link.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.cases.accusations import not_recused
from core.clock import day_start
from core.directory.lookup import current_county
from core.evenings.visits import EveningRules, Figures, figures
from core.reports.measures import Measures, escalations, measure, volume
from core.reports.scores import month_scores
from core.rules import ScoreRules
from core.store.db import county_day
from core.store.models import AnalysisNote, OutboundMessage, Person, Petition, ScoreEvent, Township
from core.words.said import Said
from core.text import SMS_THREE_SEGMENTS
from core.words import reports as words
from core.words.reports import ANALYSES as KINDS, AUDIENCE, NOTE_SECTIONS  # noqa: F401 (the page's words)


@dataclass(frozen=True)
class Period:
    kind: str          # daily | weekly | monthly
    first: date        # first day
    last: date         # last day, included

    @property
    def start(self) -> datetime:
        return day_start(self.first)

    @property
    def end(self) -> datetime:
        return day_start(self.last + timedelta(days=1))

    @property
    def key(self) -> str:
        return f"{self.first:%Y-%m-%d}"

    @property
    def label(self) -> str:
        if self.kind == "monthly":
            return f"{self.first.year}年{self.first.month}月"
        if self.kind == "daily":
            return f"{self.first.month}月{self.first.day}日"
        return f"{self.first.month}月{self.first.day}日–{self.last.month}月{self.last.day}日"

    def previous(self) -> Period:
        if self.kind == "monthly":
            last = self.first - timedelta(days=1)
            return Period("monthly", last.replace(day=1), last)
        span = (self.last - self.first).days + 1
        return Period(self.kind, self.first - timedelta(days=span), self.first - timedelta(days=1))

    def year_before(self) -> Period:
        def back(d: date) -> date:
            try:
                return d.replace(year=d.year - 1)
            except ValueError:   # 29 February
                return d.replace(year=d.year - 1, day=28)
        if self.kind == "monthly":
            first = back(self.first)
            nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
            return Period("monthly", first, nxt - timedelta(days=1))
        return Period(self.kind, self.first - timedelta(days=364), self.last - timedelta(days=364))  # same weekdays


def period_of(kind: str, day: date) -> Period:
    """The period ``day`` belongs to (the week from its Monday, the month, the day)."""
    if kind == "weekly":
        first = day - timedelta(days=day.weekday())
        return Period("weekly", first, first + timedelta(days=6))
    if kind == "monthly":
        nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return Period("monthly", day.replace(day=1), nxt - timedelta(days=1))
    if kind == "daily":
        return Period("daily", day, day)
    raise ValueError(f"kind must be daily, weekly or monthly, got {kind!r}")


def in_use_before(session, end: datetime) -> bool:
    """Whether the county had received any petition, or scored any unit, before ``end``: a report
    of a period the system was not yet in use for (the first start after loading the county file,
    a demo's data) would tell leaders and units of figures that were never kept, so none is sent."""
    return any(session.scalar(select(column).where(at < end).limit(1)) is not None
               for column, at in ((Petition.id, Petition.received_at), (ScoreEvent.id, ScoreEvent.at)))


def last_complete(kind: str, today: date) -> Period:
    """The period a report sent on ``today`` is about: last week, last month (yesterday's period)."""
    if kind == "daily":
        return period_of("daily", today)
    return period_of(kind, period_of(kind, today).first - timedelta(days=1))


DAYS_BY_DAY = 31   # a period up to a month is drawn day by day; a longer one week by week (Monday to Sunday)
LEVELS = ("city", "province", "beijing")   # 越级访: 到市, 赴省, 进京


@dataclass
class Bucket:
    """A day, or a week of a longer period (cut to the period at its ends), of the trend."""

    first: date
    last: date
    petitions: int = 0
    people: int = 0
    groups: int = 0                                  # 集体访 (core.reports.measures.GROUP_SIZE people or more)
    beyond: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))   # 越级访, batches by level


@dataclass
class Trend:
    """The period over time (统计's and the analysis' charts), by township and by category."""

    by: str                                          # day | week
    buckets: list[Bucket]
    townships: dict[str, tuple[int, int]]            # township ("" when not known) → (批次, 人次), most first
    categories: dict[str, tuple[int, int]]           # category (其他 when none) → (批次, 人次), most first


def _most_first(counts: dict[str, list[int]]) -> dict[str, tuple[int, int]]:
    return {k: (n, people) for k, (n, people) in sorted(counts.items(), key=lambda kv: (-kv[1][0], kv[0]))}


def trend(s: Session, first: date, last: date, hidden_from: Person | None = None,
          unit_id: int | None = None) -> Trend:
    """The petitions received from ``first`` to ``last`` (county days, both included) by day — by
    week when longer than :data:`DAYS_BY_DAY` — with their 集体访, the 越级访 registered on those
    days, and the petitions by township and by category: one grouped statement over the received
    index and one over the escalations' day index. ``hidden_from``: a reader some petition accuses
    (as core.reports.measures.measure); ``unit_id``: only that unit's petitions and 越级访."""
    p = Petition
    by = "day" if (last - first).days < DAYS_BY_DAY else "week"
    buckets: list[Bucket] = []
    d = first
    while d <= last:
        end = d if by == "day" else min(last, d + timedelta(days=6 - d.weekday()))
        buckets.append(Bucket(d, end))
        d = end + timedelta(days=1)
    index = {b.first + timedelta(days=k): b for b in buckets for k in range((b.last - b.first).days + 1)}
    where = [p.received_at >= day_start(first), p.received_at < day_start(last + timedelta(days=1))]
    if hidden_from is not None:
        where.append(not_recused(hidden_from))
    if unit_id is not None:
        where.append(p.unit_id == unit_id)
    day = county_day(s, p.received_at)
    by_township: dict[int | None, list[int]] = {}
    by_category: dict[str, list[int]] = {}
    for d, township, category, n, people, groups in s.execute(
            select(day, p.township_id, p.category, *volume().values())
            .where(*where).group_by(day, p.township_id, p.category)):
        people, groups = int(people or 0), int(groups or 0)
        b = index.get(d if isinstance(d, date) else date.fromisoformat(d))
        if b is not None:
            b.petitions, b.people, b.groups = b.petitions + n, b.people + people, b.groups + groups
        for tally in (by_township.setdefault(township, [0, 0]), by_category.setdefault(category or "其他", [0, 0])):
            tally[0], tally[1] = tally[0] + n, tally[1] + people
    for d, levels in escalations(s, first, last, by="day", unit_id=unit_id).items():
        for level, (n, _) in levels.items():
            if d in index and level in LEVELS:
                index[d].beyond[level] += n
    names = dict(s.execute(select(Township.id, Township.name)).all()) if by_township else {}
    return Trend(by, buckets, _most_first({names.get(k, ""): v for k, v in by_township.items()}),
                 _most_first(by_category))


@dataclass
class Analysis:
    period: Period
    now: datetime
    current: Measures
    previous: Measures
    year_before: Measures
    beyond: dict[str, tuple[int, int]] = field(default_factory=dict)
    beyond_previous: dict[str, tuple[int, int]] = field(default_factory=dict)
    evenings: Figures | None = None
    scores: list = field(default_factory=list)
    score_rules: ScoreRules = field(default_factory=ScoreRules)
    notes: dict[str, str] = field(default_factory=dict)   # what staff wrote: outlook (舆情预判), next (下一步工作)
    sms: dict[str, tuple[int, int]] = field(default_factory=dict)   # audience → (texts, parts billed)
    trend: Trend | None = None                        # the period by day (a month: 31 at most), 集体访, 越级访, townships

    @staticmethod
    def change(now: int, before: int) -> str:
        return words.change(now, before)

    def summary(self, link: str | None = None, limit: int = SMS_THREE_SEGMENTS) -> Said:
        """The text for leaders (its template's values: the period and the figures)."""
        c = self.current.county
        (n, people), before, year_before = (m.to_county for m in (self.current, self.previous, self.year_before))
        rates = c.rates()
        parts = [words.analysis_volume(n, people, self.period.kind == "monthly",   # 到县访: not the 到市访 handed down
                                       self.change(n, before[0]), self.change(n, year_before[0]))]
        beyond = sum(b for b, _ in self.beyond.values())
        parts.append(words.analysis_beyond(beyond))
        top = [(k, t.petitions) for k, t in self.current.categories.items() if k != "其他"][:2]
        if top:
            parts.append(words.analysis_mainly(top))
        for rate in ("重复访率", "按期答复率"):
            if rates[rate] is not None:
                parts.append(words.analysis_rate(rate, rates[rate]))
        if self.evenings and self.evenings.cases:
            parts.append(words.analysis_evenings(self.evenings.resolved))
        return words.analysis(self.period.kind, self.period.label, parts, link, limit, n, people, beyond)


def _sms_cost(s: Session, period: Period) -> dict[str, tuple[int, int]]:
    """Texts sent in the period and the parts billed (what the county pays for), by audience."""
    officials = select(Person.phone)
    rows = s.execute(select(OutboundMessage.to.in_(officials), func.count(), func.sum(OutboundMessage.segments))
                     .where(OutboundMessage.channel == "sms", OutboundMessage.sent_at >= period.start,
                            OutboundMessage.sent_at < period.end).group_by(OutboundMessage.to.in_(officials)))
    return {("officials" if official else "citizens"): (n, int(parts or 0)) for official, n, parts in rows}



def notes_of(s: Session, period: Period) -> dict[str, str]:
    """The newest of what staff wrote for each section of the period's analysis."""
    out = {}
    for section, text_ in s.execute(select(AnalysisNote.section, AnalysisNote.text).where(
            AnalysisNote.kind == period.kind, AnalysisNote.first == period.first)
            .order_by(AnalysisNote.at, AnalysisNote.id)):
        out[section] = text_
    return {k: v for k, v in out.items() if v.strip()}


def write_note(s: Session, period: Period, section: str, text_: str, person_id: int | None, now: datetime) -> None:
    """A new version of one section (the old ones stay); an empty text withdraws it."""
    if section not in NOTE_SECTIONS or period.kind not in ("weekly", "monthly"):
        raise ValueError(f"no section {section!r} in a {period.kind} analysis")
    s.add(AnalysisNote(kind=period.kind, first=period.first, section=section,
                       text=text_.replace("\r\n", "\n").strip()[:5000],
                       person_id=person_id, at=now))


def analyse(s: Session, period: Period, now: datetime, hidden_from: Person | None = None) -> Analysis:
    """The period's analysis; ``hidden_from``: a reader some petition accuses — its figures leave
    out what their lists hide (core.reports.measures.measure)."""
    prev, ly = period.previous(), period.year_before()
    options = current_county(s).options
    evenings = figures(s, start=period.start, end=period.end, rules=EveningRules.from_options(options))
    current, before = measure(s, period.start, period.end, now, hidden_from), measure(s, prev.start, prev.end, now, hidden_from)
    result = Analysis(period, now, current, before, measure(s, ly.start, ly.end, now, hidden_from),
                      current.beyond, before.beyond, evenings, sms=_sms_cost(s, period))
    if period.kind == "monthly":
        rules = ScoreRules.from_options(options)
        result.scores = month_scores(s, period.first.year, period.first.month, rules, hidden_from)
        result.score_rules = rules
    result.notes = notes_of(s, period)
    result.trend = trend(s, period.first, period.last, hidden_from)
    return result
