"""每日访情 — what the daily text to the county's leaders, each unit head and each 包案 leader says
(DOMAIN.md, "The three reports"; seed 001, 宝丰县): the values; the words are
notifications.digest_text's. One text of at most three SMS segments (201 characters):

- leaders: the day's petitions to the county (批次/人次, by channel) and beyond it (到市/赴省/进京,
  registered by staff), the 当日见面 rate (core.reports.measures' one definition, with the meetings
  still waiting for their deadline), the cases flagged overdue (挂牌) by unit, the 七晚
  plans under way; then the cases they own (包案), if any;
- a unit head: the same for their unit;
- replies "详情" get the top items with names masked (张*三).

Nothing in a text a recused person must not see: the lists leave out every case that accuses the
reader or their unit; counts are only counts. Read from indexed columns: the day's petitions by
``received_at``, the flagged open cases by status, the plans and escalations from their own
small tables (see bench/digest.py). Every figure is core.reports.measures': the day's tallies by unit and
channel (:func:`core.reports.measures.tallies`), the 越级访 (:func:`core.reports.measures.escalations`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.cases.lifecycle import NOBODY, Barred, not_recused, recusals_of
from core.clock import SHANGHAI, day_start, local
from core.checks import daily as checks
from core.cases import threats
from core.checks.daily import CheckRules
from core.evenings.visits import EveningRules
from core.reports.measures import Tally, escalations, handed_down, tallies
from core.status import OPEN
from core.store import scope
from core.store.models import (County, DailyCheck, Escalation, EveningPlan, EveningVisit, Person, Petition,
                               PetitionEvent, ScoreEvent, Unit)
from core.text import CHANNEL_LABELS, SMS_THREE_SEGMENTS
from core.words import reports as words


CHANNELS = tuple((c, CHANNEL_LABELS[c]) for c in ("wechat", "sms", "visit", "letter", "phone"))
LEVELS = (("city", "到市"), ("province", "赴省"), ("beijing", "进京"))
LEVEL_OF_WORD = {word: level for level, word in LEVELS}
LIMIT = SMS_THREE_SEGMENTS


@dataclass
class Day:
    """What happened on one day, for the whole county or one unit."""

    day: date
    channels: dict[str, tuple[int, int]] = field(default_factory=dict)    # channel → (批次, 人次)
    beyond: dict[str, tuple[int, int]] = field(default_factory=dict)      # level → (批次, 人次)
    tally: Tally = field(default_factory=Tally)    # the day's petitions (core.reports.measures: 当日见面率, 集体访 …)
    overdue: list[tuple[str, str]] = field(default_factory=list)          # (tracking no, unit name)
    plans: int = 0
    tonight_started: int = 0
    warnings: list[tuple[str, str]] = field(default_factory=list)   # 预警 (扬言): (tracking no, its kind)
    # 日排查 (core.checks.daily): townships to report, those that missed a round passed, what they found
    checks_due: int = 0
    checks_missing: list[str] = field(default_factory=list)
    checks_nothing_new: int = 0
    checks_found: int = 0
    checks_people: int = 0
    checks_moving: int = 0
    since: date | None = None         # the first day counted, when the text covers rest days before ``day``

    @property
    def concerns(self) -> bool:
        """Whether a unit has anything to be told of that day (its head gets no empty text)."""
        return bool(self.channels or self.beyond or self.overdue or self.plans or self.warnings
                    or self.checks_missing or self.checks_found)

    @property
    def batches(self) -> int:
        """到县访 (批次): the day's petitions by channel — a 到市访 the city handed down is in
        ``beyond`` (到市), and in ``tally`` for the rates, never here (core.reports.measures.TO_CITY)."""
        return sum(b for b, _ in self.channels.values())

    @property
    def people(self) -> int:
        return sum(n for _, n in self.channels.values())

    @property
    def groups(self) -> int:
        return self.tally.groups

    @property
    def meet_due(self) -> int:
        return self.tally.meet_due

    @property
    def met(self) -> int:
        return self.tally.meet_on_time

    @property
    def meet_rate(self) -> float | None:
        return self.tally.meet_rate


def county_options(s: Session) -> dict:
    """The county file's options of the county ``s`` is bound to (a city's county reads its own, not
    the first county's)."""
    county = scope.county_of(s)
    where = County.id == county if county is not None else County.kind == "county"
    return s.scalar(select(County.options).where(where).order_by(County.id).limit(1)) or {}


def day_bounds(day: date) -> tuple[datetime, datetime]:
    return day_start(day), day_start(day + timedelta(days=1))


@dataclass
class Flagged:
    """An open case flagged (挂牌) or warned of (预警, with the kind of 扬言), and who may not see it (recusal)."""

    petition_id: int
    tracking_no: str
    unit_id: int | None
    unit: str
    barred: Barred = field(default_factory=Barred)
    kind: str | None = None

    def visible_to(self, reader: Person | None) -> bool:
        return reader is None or not self.barred.bars(reader)


@dataclass
class Hidden:
    """What the day's counts hold of a case that accuses someone (a few a day): a petition received
    that day, or a 七晚 plan under way — taken out of the figures its accused read."""

    unit_id: int | None
    barred: Barred
    channel: str | None = None     # a petition: its channel and tally …
    tally: Tally = field(default_factory=Tally)
    plan: bool = False             # … or a plan, and whether tonight's visit started
    started: bool = False

    def take_from(self, d: Day) -> None:
        if self.plan:
            d.plans -= 1
            d.tonight_started -= self.started
            return
        b, n = d.channels.get(self.channel, (0, 0))
        if b <= 1:
            d.channels.pop(self.channel, None)
        else:
            d.channels[self.channel] = (b - 1, n - self.tally.people)
        d.tally.take(self.tally)


@dataclass
class CountyDay:
    """A day for the whole county and every unit, read in a fixed number of statements."""

    county: Day
    units: dict[int, Day]
    flagged: list[Flagged]
    warned: list[Flagged] = field(default_factory=list)   # 预警 recorded that day
    hidden: list[Hidden] = field(default_factory=list)   # counted for all but whom they accuse

    def view(self, unit_id: int | None = None, reader: Person | None = None) -> Day:
        base = self.county if unit_id is None else self.units.get(unit_id) or Day(self.county.day)
        tally = Tally()
        tally.add(base.tally)
        d = Day(base.day, dict(base.channels), dict(base.beyond), tally, [], base.plans,
                base.tonight_started, [], base.checks_due, list(base.checks_missing),
                base.checks_nothing_new, base.checks_found, base.checks_people, base.checks_moving, base.since)
        for h in self.hidden:   # a count never shows the accused what their lists hide
            if (unit_id is None or h.unit_id == unit_id) and reader is not None and h.barred.bars(reader):
                h.take_from(d)
        d.overdue = [(f.tracking_no, f.unit) for f in self.flagged
                     if (unit_id is None or f.unit_id == unit_id) and f.visible_to(reader)]
        d.warnings = [(f.tracking_no, f.kind or "trip") for f in self.warned
                      if (unit_id is None or f.unit_id == unit_id) and f.visible_to(reader)]
        return d


def span(day: date, now: datetime | None = None, since: date | None = None,
         after: datetime | None = None) -> tuple[datetime, datetime]:
    """[start, end) of what the daily 访情 of ``day`` counts (:func:`gather_all`'s arguments)."""
    since = since if since is not None and since < day else None
    start, end = day_start(since or day), day_bounds(day)[1]
    if now is not None:        # what comes in after the text is the next one's (its own moment is its)
        end = min(end, now + timedelta(microseconds=1))
    if after is not None and after < start:
        start = after
    return start, end


def gather_all(s: Session, day: date, now: datetime | None = None, since: date | None = None,
               after: datetime | None = None) -> CountyDay:
    """The day as of ``now`` (default: its end): the petitions, 越级访 and 预警 up to then, the
    日排查 rounds whose time has come. ``since``: the first day counted, earlier than ``day`` when
    the text is the first after rest days (what came in on a Saturday is in Monday's) — the
    petitions, 越级访 and 预警 of every day from it. ``after``: the moment the last text counted
    to — what came in after it (Monday after the 17:30 text) is counted here, and a 越级访
    registered after it for an earlier day too: each is in one text, none in none."""
    since = since if since is not None and since < day else None
    start, end = span(day, now, since, after)
    p = Petition
    county, units = Day(day, since=since), {}

    def unit_day(unit_id):
        if unit_id not in units:
            units[unit_id] = Day(day, since=since)
        return units[unit_id]

    now = now or end
    for (unit_id, channel), t in tallies(s, start, end, now, by=("unit", "channel")).items():
        for d in (county, unit_day(unit_id)):
            b, n = d.channels.get(channel, (0, 0))
            d.channels[channel] = (b + t.petitions, n + t.people)
            d.tally.add(t)
    ids = [pid for pid, in handed_down(s, start, end)]    # 到市访 handed down (few, by their partial index)
    handed = tallies(s, start, end, now, by=("petition", "unit", "channel"), where=(p.id.in_(ids),)) if ids else {}
    for (_, unit_id, channel), t in handed.items():   # 到市访 handed down: 越级访 (escalations), not 到县访
        for d in (county, unit_day(unit_id)):
            b, n = d.channels[channel]
            if b > t.petitions:
                d.channels[channel] = (b - t.petitions, n - t.people)
            else:
                d.channels.pop(channel)
    for unit_id, levels in escalations(s, since or day, day, by="unit", known_since=after).items():
        for level, (batches, people) in levels.items():
            for d in (county, unit_day(unit_id)):
                b, n = d.beyond.get(level, (0, 0))
                d.beyond[level] = (b + batches, n + people)
    # sorted here, not in SQL: an ORDER BY due_next leads SQLite to walk that index over every row
    rows = s.execute(select(p.id, p.tracking_no, p.unit_id, func.coalesce(Unit.name, "未交办"), p.due_next)
                     .outerjoin(Unit, Unit.id == p.unit_id).where(p.overdue.is_(True), p.status.in_(OPEN))).all()
    far = datetime.max.replace(tzinfo=SHANGHAI)
    flagged = [Flagged(pid, no, unit_id, unit) for pid, no, unit_id, unit, _ in
               sorted(rows, key=lambda r: (r[4] or far, r[0]))]
    barred = recusals_of(s, [f.petition_id for f in flagged])
    for f in flagged:
        f.barred = barred.get(f.petition_id, NOBODY)
    started = {pid for pid in s.scalars(select(EveningVisit.plan_id).where(
        EveningVisit.evening == day, EveningVisit.started_at.is_not(None)))}
    on_accusations = []   # (petition id, Hidden): the plans' and the day's petitions', barred below
    for plan_id, unit_id, pid, accusation in s.execute(
            select(EveningPlan.id, EveningPlan.unit_id, EveningPlan.petition_id, Petition.accusation)
            .join(Petition, Petition.id == EveningPlan.petition_id).where(EveningPlan.status == "filed")):
        for d in (county, unit_day(unit_id)):
            d.plans += 1
            d.tonight_started += plan_id in started
        if accusation:
            on_accusations.append((pid, Hidden(unit_id, NOBODY, plan=True, started=plan_id in started)))
    warned = [Flagged(pid, no, unit_id, "", kind=kind) for pid, no, unit_id, kind in s.execute(
        select(p.id, p.tracking_no, p.unit_id, p.threat).join(PetitionEvent, PetitionEvent.petition_id == p.id)
        .where(PetitionEvent.kind == "warning", PetitionEvent.at >= start, PetitionEvent.at < end)
        .order_by(p.id).distinct())]
    warned.sort(key=lambda f: threats.rank(f.kind))   # the gravest first
    barred = recusals_of(s, [f.petition_id for f in warned])
    for f in warned:
        f.barred = barred.get(f.petition_id, NOBODY)
    on_accusations += [(pid, Hidden(unit_id, NOBODY, None if (pid, unit_id, channel) in handed else channel, t))
                       for (pid, unit_id, channel), t in tallies(
        s, start, end, now, by=("petition", "unit", "channel"), where=(p.accusation.is_(True),)).items()]
    barred = recusals_of(s, [pid for pid, _ in on_accusations])
    for pid, h in on_accusations:
        h.barred = barred.get(pid, NOBODY)
    _checks(s, day, now, county, unit_day)
    return CountyDay(county, units, flagged, warned, [h for _, h in on_accusations])


def _checks(s: Session, day: date, now: datetime, county: Day, unit_day) -> None:
    rules = CheckRules.from_options(county_options(s))
    if not rules.enabled:
        return
    c = checks.day_of(s, day, min(now, day_bounds(day)[1]), rules)
    county.checks_due, county.checks_nothing_new = c.townships, c.nothing_new
    county.checks_missing = list(dict.fromkeys(name for _, names in sorted(c.missed.items()) for name in names))
    county.checks_found, county.checks_people, county.checks_moving = len(c.found), c.people, len(c.warnings)
    for unit in checks.townships(s):
        d = unit_day(unit.id)
        d.checks_due = 1
        d.checks_missing = [rules.label(i) for i, names in sorted(c.missed.items()) if unit.name in names]
        mine = [x for x in c.found if x.unit_id == unit.id]
        d.checks_found, d.checks_people = len(mine), sum(x.people or 0 for x in mine)
        d.checks_moving = sum(1 for x in mine if x.movement)


def gather(s: Session, day: date, unit_id: int | None = None, reader: Person | None = None,
           now: datetime | None = None) -> Day:
    """The day's figures, county-wide or for ``unit_id``; lists leave out what ``reader`` may not see."""
    return gather_all(s, day, now).view(unit_id, reader)


def lead_cases(s: Session, leads: list[Person]) -> dict[int, list[tuple[str, bool]]]:
    """What each 包案 leader reads first: (tracking number, flagged?) of their open cases — one
    statement for all of them (recusal applied per reader)."""
    if not leads:
        return {}
    rows = list(s.execute(select(Petition.id, Petition.lead_person_id, Petition.tracking_no, Petition.overdue)
                          .where(Petition.lead_person_id.in_([x.id for x in leads]), Petition.status.in_(OPEN))
                          .order_by(Petition.id)))
    barred = recusals_of(s, [r[0] for r in rows])
    out = {}
    for person in leads:
        mine = [(no, overdue) for pid, lead, no, overdue in rows
                if lead == person.id and not barred.get(pid, NOBODY).bars(person)]
        if mine:
            out[person.id] = mine
    return out


def readers(s: Session) -> list[Person]:
    """Who gets the daily text: the county's leaders and the units' heads."""
    return list(s.scalars(select(Person).where(Person.active.is_(True), Person.role.in_(("leader", "head")))
                          .order_by(Person.id)))


@dataclass
class Details:
    """"详情" for one reader: the day's petitions, the flagged cases, the 七晚 plans under way
    (each with tonight's visit, if any) — none that accuses the reader."""

    new: list[Petition]
    flagged: list[Petition]
    plans: list[tuple[EveningPlan, Petition, EveningVisit | None]]
    rules: EveningRules
    directory: list[str]            # every name of the directory, to be masked in the texts
    checks: list = field(default_factory=list)   # the day's 日排查 findings (core.checks.daily), 动向 first


def details(s: Session, day: date, person: Person, limit: int = 10) -> Details:
    start, end = day_bounds(day)
    p = Petition
    where = [p.received_at >= start, p.received_at < end, not_recused(person)]
    flagged_where = [p.status.in_(OPEN), p.overdue.is_(True), not_recused(person)]
    if person.role == "head":
        where.append(p.unit_id == person.unit_id)
        flagged_where.append(p.unit_id == person.unit_id)
    new = list(s.scalars(select(p).where(*where).order_by(p.people.desc(), p.id).limit(limit)))
    flagged = list(s.scalars(select(p).where(*flagged_where).order_by(p.due_next, p.id).limit(limit)))
    plans = select(EveningPlan, p).join(p, p.id == EveningPlan.petition_id).where(
        EveningPlan.status == "filed", not_recused(person))
    if person.role == "head":
        plans = plans.where(EveningPlan.unit_id == person.unit_id)
    rows = list(s.execute(plans.order_by(EveningPlan.id).limit(limit)))
    tonight = {v.plan_id: v for v in s.scalars(select(EveningVisit).where(
        EveningVisit.plan_id.in_([plan.id for plan, _ in rows]), EveningVisit.evening == day))} if rows else {}
    rules = EveningRules.from_options(county_options(s))
    names = list(s.scalars(select(Person.name)))
    found = select(DailyCheck).where(DailyCheck.day == day, DailyCheck.nothing_new.is_(False))
    if person.role == "head":
        found = found.where(DailyCheck.unit_id == person.unit_id)
    reported = sorted(s.scalars(found.order_by(DailyCheck.id).limit(limit)), key=lambda c: c.movement is None)
    return Details(new, flagged, [(plan, x, tonight.get(plan.id)) for plan, x in rows], rules, names, reported)


def register_escalation(s: Session, level: str, township, people: int, matter: str, day: date, now: datetime,
                        actor: str, points: int = 0) -> Escalation:
    """越级访 registered by staff; the township's unit is named and its monthly score gets
    ``points`` (the county's ``escalation_<level>``)."""
    unit_id = None
    if township is not None:
        unit_id = s.scalar(select(Unit.id).where(Unit.township_id == township.id, Unit.active.is_(True)).limit(1))
    row = Escalation(level=level, occurred_on=day, people=people, township_id=township.id if township else None,
                     unit_id=unit_id, matter=matter, registered_at=now, actor=actor)
    s.add(row)
    if unit_id is not None and points:
        s.add(ScoreEvent(unit_id=unit_id, at=now, kind=f"escalation_{level}", points=points,
                         note=words.escalation_note(dict(LEVELS)[level], people, matter[:60])))
    s.flush()
    return row


def today(now: datetime) -> date:
    return local(now).date()

