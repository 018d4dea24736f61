"""The measures leaders read, from stored data, for any date range: county-wide and per unit —
the one place every figure is computed. The console (统计, the leader's 看板), ``xinfang stats``,
the daily 访情 (core.reports.digest), the weekly and monthly analyses (core.reports.analysis) and their pages
read :func:`tallies` and :class:`Tally`'s rates; none counts a figure of its own
(docs/reports.md, "One definition per measure").

The cohort is the petitions *received* in ``[start, end)`` (county time). Each rate counts only
the cases for which the step was due by ``now`` or already done, so a range that ends today is not
dragged down by deadlines still to come:

=================  ============================================================================
批次 / 人次          petitions / the people they speak for (a group petition: every person)
集体访              petitions of GROUP_SIZE people or more
越级访              registered by staff (到市/赴省/进京) on the range's days, and each 到市访 the
                   city's bureau registered and handed down to the county (``TO_CITY``: received
                   on those days): 批次 and 人次 by level. A petitioner who went to the city is
                   到市 in every figure — never 到县访 (``Measures.to_county``, the daily 访情's)
按期受理率          accepted by the acceptance deadline / cases accepted or past that deadline
当日见面率          met by the meeting deadline (the day of receipt under 当日工作法, at the
                   county's cut-off) / meetings held, or whose deadline has passed by ``now``.
                   A case received at 16:00 whose meeting is due by 23:59 is in neither count
                   at 17:30: it is *waiting* (``meet_waiting``), said beside the rate, not a miss
按期答复率          replied by the reply deadline / likewise
平均办结时长        mean days from receipt to 办结, over closed cases
一次性化解率        closed with no 复查/复核 and no later petition linked as its repeat / closed
满意率              满意 + 基本满意 / rated
参评率              rated / answered (回访: how many answered petitioners said what they think)
重复访率            petitions linked to an earlier one on the same matter (重复访) / all
=================  ============================================================================

plus counts (批次, and 人次 counting every person of a group petition) by channel and category.

Two aggregate queries grouped by (unit, channel, category) — or what the caller groups by: one
over the range's rows that reads only the covering index ``ix_petition_measures`` (the bits of
core.facts, the number of people, the handling days), and one over the range's *open* cases,
whose deadlines are compared with ``now`` (bench/cases.py measures both over 1,000,000 cases).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.orm import Session

from core import facts as F
from core.cases.accusations import not_recused
from core.clock import day_start, local
from core.store.models import Escalation, Person, Petition, Unit
from core.text import CHANNEL_LABELS

CHANNEL_WORDS = CHANNEL_LABELS
SHORT = timedelta(days=7)   # a range this short reads its open cases by the received index
GROUP_SIZE = 5   # 集体访: five people or more (信访工作条例 Art. 18: more than five send representatives)


@dataclass
class Tally:
    """Sums for one group of petitions; every rate is computed from them, here and only here."""

    petitions: int = 0       # 批次
    people: int = 0          # 人次: every person of a group petition
    groups: int = 0          # 集体访: petitions of GROUP_SIZE people or more
    repeats: int = 0
    accept_due: int = 0
    accept_on_time: int = 0
    meet_due: int = 0
    meet_on_time: int = 0
    reply_due: int = 0
    reply_on_time: int = 0
    closed: int = 0
    closed_days: float = 0.0
    closed_once: int = 0
    rated: int = 0
    satisfied: int = 0
    overdue: int = 0
    answered: int = 0        # 答复 given (the base of 参评率)
    meet_waiting: int = 0    # open, not met, the meeting's deadline still to come (not in 当日见面率 yet)

    def add(self, other: Tally) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def take(self, other: Tally) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) - getattr(other, f.name))

    def rates(self) -> dict[str, float | None]:
        return {
            "按期受理率": rate(self.accept_on_time, self.accept_due),
            "当日见面率": self.meet_rate,
            "按期答复率": rate(self.reply_on_time, self.reply_due),
            "平均办结时长": rate(self.closed_days, self.closed),
            "一次性化解率": rate(self.closed_once, self.closed),
            "满意率": rate(self.satisfied, self.rated),
            "参评率": rate(self.rated, self.answered),
            "重复访率": rate(self.repeats, self.petitions),
        }

    @property
    def meet_rate(self) -> float | None:
        """当日见面率: met by the meeting's deadline / meetings due by now or done (module docstring)."""
        return rate(self.meet_on_time, self.meet_due)


def rate(part: float, whole: float) -> float | None:
    return part / whole if whole else None


@dataclass
class Measures:
    start: datetime
    end: datetime
    now: datetime
    county: Tally = field(default_factory=Tally)
    units: dict[str, Tally] = field(default_factory=dict)        # unit name (or 未交办) → tally
    channels: dict[str, Tally] = field(default_factory=dict)     # 微信访 / 短信访 / 走访 / 来信
    categories: dict[str, Tally] = field(default_factory=dict)   # from [[county.routes]], else 其他
    beyond: dict[str, tuple[int, int]] = field(default_factory=dict)   # 越级访: level → (批次, 人次)
    to_city: Tally = field(default_factory=Tally)   # of ``county``: the 到市访 the city handed down (TO_CITY)

    @property
    def to_county(self) -> tuple[int, int]:
        """到县访: (批次, 人次) of the petitions received, less the 到市访 handed down."""
        return self.county.petitions - self.to_city.petitions, self.county.people - self.to_city.people


def _bit(mask: int):
    return case((Petition.facts.op("&")(mask) != 0, 1), else_=0)


def _all(mask: int, value: int | None = None):
    """1 when the masked bits equal ``value`` (default: all set)."""
    return case((Petition.facts.op("&")(mask) == (mask if value is None else value), 1), else_=0)


def volume() -> dict:
    """批次, 人次 and 集体访 as sums over petitions (also the charts' by day: core.reports.analysis.trend)."""
    return {"petitions": func.count(), "people": func.sum(Petition.people),
            "groups": func.sum(case((Petition.people >= GROUP_SIZE, 1), else_=0))}


# what a tally can be grouped by: (the column, its form in the open cases' statement, back to the key)
_p = Petition
GROUP_BY = {
    "unit": (_p.unit_id, func.coalesce(_p.unit_id, 0), lambda v: v or None),
    "channel": (_p.channel, _p.channel, lambda v: v),
    "category": (_p.category, func.coalesce(_p.category, ""), lambda v: v or None),
    "petition": (_p.id, _p.id, lambda v: v),
}


def tallies(session: Session, start: datetime, end: datetime, now: datetime,
            by: tuple[str, ...] = ("unit", "channel", "category"), where=()) -> dict[tuple, Tally]:
    """The tallies of the petitions received in [start, end), grouped ``by`` (keys of GROUP_BY):
    every figure of the console, ``xinfang stats``, the daily 访情 and the analyses is summed here.
    ``where``: further conditions on the petitions (a reader's recusal, the accusations)."""
    p = Petition
    in_range = and_(p.received_at >= start, p.received_at < end, *where)
    # 1. every petition of the range, from the covering index ix_petition_measures: settled facts
    settled = {
        **volume(), "repeats": func.sum(_bit(F.REPEAT)),
        **{k: v for step in F.MEASURED_STEPS for k, v in (
            (f"{step}_due", func.sum(_all(F.OPEN | F.HAS_DUE[step], F.HAS_DUE[step]))),   # finished: a deadline = due
            (f"{step}_on_time", func.sum(_bit(F.ON_TIME[step]))))},
        "closed": func.sum(_bit(F.CLOSED)), "closed_days": func.sum(p.handling_days),
        "closed_once": func.sum(_all(F.CLOSED | F.REVIEWED | F.REPEATED, F.CLOSED)),
        "rated": func.sum(_bit(F.RATED)), "satisfied": func.sum(_bit(F.SATISFIED)),
        "overdue": func.sum(_bit(F.OVERDUE)), "answered": func.sum(_bit(F.DONE["reply"])),
    }
    groups = [GROUP_BY[g][0] for g in by]
    keys = [GROUP_BY[g][2] for g in by]
    rows = {tuple(r[:len(by)]): Tally(**{k: v or 0 for k, v in zip(settled, r[len(by):])})   # sums of nothing: NULL
            for r in session.execute(select(*groups, *settled.values()).where(in_range).group_by(*groups))}
    # 2. the open ones (few, by the status index): a step with a deadline is due once done or once
    #    that deadline has passed; a meeting whose deadline is still to come is waiting.
    #    SQLite must read them through the status index: with the range in WHERE, or grouped by the
    #    plain columns, it prefers the measures index (range, or group order) and then reads every
    #    row of the range. So the range is tested per row and the groups are coalesced expressions.
    def has(step):
        return p.facts.op("&")(F.HAS_DUE[step]) != 0

    def done(step):
        return getattr(p, F.DONE_AT[step]).is_not(None)

    def deadline(step):
        return getattr(p, f"due_{step}")

    open_sums = {f"{step}_due": func.sum(case((and_(in_range, has(step), or_(done(step), deadline(step) <= now)), 1),
                                              else_=0)) for step in F.MEASURED_STEPS}
    open_sums["meet_waiting"] = func.sum(case((and_(in_range, has("meet"), ~done("meet"), deadline("meet") > now), 1),
                                              else_=0))
    open_groups = [GROUP_BY[g][1] for g in by]
    open_where = [p.status.in_(F.OPEN_STATUSES)]
    if "petition" in by or end - start <= SHORT:
        # a few days (the daily 访情) or one row a case: the range's rows by ix_petition_received
        # (through the status index every open case of the county is read: bench/digest.py at 200,000,
        # a unit's day 0.04 → 0.17 s)
        open_where.append(in_range)
    for r in session.execute(select(*open_groups, *open_sums.values()).where(*open_where).group_by(*open_groups)):
        t = rows.get(tuple(key(v) for key, v in zip(keys, r[:len(by)])))
        if t is None:
            continue
        for k, n in zip(open_sums, r[len(by):]):
            setattr(t, k, getattr(t, k) + (n or 0))
    return rows


# 到市访 handed down (issue 31): a visit the city's bureau registered for the county (its
# ``from_city_id``; core.cases.registration). The county handles it — its steps are in every rate —
# but the petitioner went to the city: a 越级访 (到市), not a 到县访. Read by the partial index
# ix_petition_from_city. (A letter the city received is no trip: it stays 来信.)
TO_CITY = and_(Petition.from_city_id.is_not(None), Petition.channel == "visit")
TO_CITY_WORD = "到市访"   # its line among the channels of 统计


class _Unindexed(FunctionElement):
    """A column no index serves on SQLite (``+received_at``): the handed-down cases of a range are
    read by the partial index ix_petition_from_city (a few rows), never by walking the range's
    rows by ix_petition_received — the planner's choice without statistics (a year: every case)."""

    inherit_cache = True
    name = "unindexed"

    def __init__(self, column):
        super().__init__(column)
        self.type = column.type


@compiles(_Unindexed)
def _unindexed(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(_Unindexed, "sqlite")
def _unindexed_sqlite(element, compiler, **kw):
    return "+" + compiler.process(element.clauses, **kw)


def handed_down(session: Session, start: datetime, end: datetime, *columns):
    """The 到市访 handed down (``TO_CITY``) received in [start, end): ``columns`` of each (default: id)."""
    received = _Unindexed(Petition.received_at)
    return session.execute(select(*(columns or (Petition.id,))).where(TO_CITY, received >= start, received < end)).all()


def escalations(session: Session, first: date, last: date, by: str | None = None,
                unit_id: int | None = None, known_since: datetime | None = None) -> dict:
    """越级访 on the days ``first`` to ``last`` (``unit_id``: that unit's township's only): those
    registered by staff, and the 到市访 the city handed down (``TO_CITY``), received on those days —
    level → (批次, 人次); ``by`` "unit" or "day": unit id or day → level → (批次, 人次).
    ``known_since``: also those of earlier days registered since that moment (the daily 访情:
    a trip registered after the last text went is in the next; a case the city hands down is
    received as it is registered, so it is in the text of its day)."""
    e = Escalation
    key = {"unit": e.unit_id, "day": e.occurred_on, None: e.level}[by]
    days = and_(e.occurred_on >= first, e.occurred_on <= last)
    late = and_(e.occurred_on < first, e.registered_at >= known_since) if known_since is not None else None
    where = [days if late is None else or_(days, late)]
    if unit_id is not None:
        where.append(e.unit_id == unit_id)
    out: dict = {}
    for k, level, n, people in session.execute(
            select(key, e.level, func.count(), func.sum(e.people)).where(*where).group_by(key, e.level)):
        into = out if by is None else out.setdefault(k, {})
        b, m = into.get(level, (0, 0))
        into[level] = (b + n, m + int(people or 0))
    p = Petition
    for received, unit, people in handed_down(session, day_start(first), day_start(last + timedelta(days=1)),
                                              p.received_at, p.unit_id, p.people):
        if unit_id is not None and unit != unit_id:
            continue
        k = {"unit": unit, "day": local(received).date(), None: "city"}[by]
        into = out if by is None else out.setdefault(k, {})
        b, m = into.get("city", (0, 0))
        into["city"] = (b + 1, m + int(people or 0))
    return out


def measure(session: Session, start: datetime, end: datetime, now: datetime,
            hidden_from: Person | None = None) -> Measures:
    """The measures of the petitions received in [start, end). ``hidden_from``: a reader some
    petition accuses — what their lists hide is not counted either (workbench.accused says who)."""
    where = () if hidden_from is None else (not_recused(hidden_from),)
    rows = tallies(session, start, end, now, where=where)
    ids = [pid for pid, in handed_down(session, start, end)]    # few, by their partial index
    handed = tallies(session, start, end, now, where=(*where, Petition.id.in_(ids))) if ids else {}
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    result = Measures(start=start, end=end, now=now,
                      beyond=escalations(session, local(start).date(), local(end - timedelta(seconds=1)).date()))
    units: dict[str, Tally] = defaultdict(Tally)
    channels: dict[str, Tally] = defaultdict(Tally)
    categories: dict[str, Tally] = defaultdict(Tally)
    for (unit_id, channel, category), t in rows.items():
        result.county.add(t)
        units[names.get(unit_id, "未交办")].add(t)
        went = handed.get((unit_id, channel, category))
        if went is not None:   # a 到市访 handed down is 到市, not the county's 走访
            result.to_city.add(went)
            channels[TO_CITY_WORD].add(went)
            rest = Tally()
            rest.add(t)
            rest.take(went)
            t = rest
        if t.petitions:
            channels[CHANNEL_WORDS.get(channel, channel)].add(t)
        categories[category or "其他"].add(t)
    result.units = dict(sorted(units.items(), key=lambda kv: -kv[1].petitions))
    result.channels = dict(sorted(channels.items(), key=lambda kv: -kv[1].petitions))
    result.categories = dict(sorted(categories.items(), key=lambda kv: -kv[1].petitions))
    return result
