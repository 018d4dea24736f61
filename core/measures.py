"""The measures leaders read, from stored data, for any date range: county-wide and per unit.

The cohort is the petitions *received* in ``[start, end)`` (county time). Each rate counts only
the cases for which the step was due by ``now`` or already done, so a range that ends today is not
dragged down by deadlines still to come:

=================  ============================================================================
按期受理率          accepted by the acceptance deadline / cases accepted or past that deadline
当日见面率          met by the meeting deadline (the same day under 当日工作法) / likewise
按期答复率          replied by the reply deadline / likewise
平均办结时长        mean days from receipt to 办结, over closed cases
一次性化解率        closed with no 复查/复核 and no later petition linked as its repeat / closed
满意率              满意 + 基本满意 / rated
参评率              rated / answered (回访: how many answered petitioners said what they think)
重复访率            petitions linked to an earlier one on the same matter (重复访) / all
=================  ============================================================================

plus counts (批次, and 人次 counting every person of a group petition) by channel and category.

Two aggregate queries grouped by (unit, channel, category): one over the range's rows that
reads only the covering index ``ix_petition_measures`` (the bits of core.facts, the number of
people, the handling days), and one over the range's *open* cases, whose deadlines are compared
with ``now`` (bench/cases.py measures both over 1,000,000 cases).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from core import facts as F
from core.accusations import not_recused
from core.store.models import Person, Petition, Unit
from core.text import CHANNEL_LABELS

CHANNEL_WORDS = CHANNEL_LABELS


@dataclass
class Tally:
    """Sums for one group of petitions; rates are computed from them."""

    petitions: int = 0
    people: int = 0
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

    def add(self, other: Tally) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def rates(self) -> dict[str, float | None]:
        def r(a, b):
            return a / b if b else None
        return {
            "按期受理率": r(self.accept_on_time, self.accept_due),
            "当日见面率": r(self.meet_on_time, self.meet_due),
            "按期答复率": r(self.reply_on_time, self.reply_due),
            "平均办结时长": r(self.closed_days, self.closed),
            "一次性化解率": r(self.closed_once, self.closed),
            "满意率": r(self.satisfied, self.rated),
            "参评率": r(self.rated, self.answered),
            "重复访率": r(self.repeats, self.petitions),
        }


@dataclass
class Measures:
    start: datetime
    end: datetime
    now: datetime
    county: Tally = field(default_factory=Tally)
    units: dict[str, Tally] = field(default_factory=dict)        # unit name (or 未交办) → tally
    channels: dict[str, Tally] = field(default_factory=dict)     # 微信访 / 短信访 / 走访 / 来信
    categories: dict[str, Tally] = field(default_factory=dict)   # from [[county.routes]], else 其他


def _bit(mask: int):
    return case((Petition.facts.op("&")(mask) != 0, 1), else_=0)


def _all(mask: int, value: int | None = None):
    """1 when the masked bits equal ``value`` (default: all set)."""
    return case((Petition.facts.op("&")(mask) == (mask if value is None else value), 1), else_=0)


def measure(session: Session, start: datetime, end: datetime, now: datetime,
            hidden_from: Person | None = None) -> Measures:
    """The measures of the petitions received in [start, end). ``hidden_from``: a reader some
    petition accuses — what their lists hide is not counted either (workbench.accused says who)."""
    p = Petition
    in_range = and_(p.received_at >= start, p.received_at < end)
    if hidden_from is not None:
        in_range = and_(in_range, not_recused(hidden_from))
    # 1. every petition of the range, from the covering index ix_petition_measures: settled facts
    settled = [
        func.count(), func.sum(p.people), func.sum(_bit(F.REPEAT)),
        *[col for step in F.STEPS for col in (
            func.sum(_all(F.OPEN | F.HAS_DUE[step], F.HAS_DUE[step])),   # finished cases: a deadline = due
            func.sum(_bit(F.ON_TIME[step])))],
        func.sum(_bit(F.CLOSED)), func.sum(p.handling_days),
        func.sum(_all(F.CLOSED | F.REVIEWED | F.REPEATED, F.CLOSED)),
        func.sum(_bit(F.RATED)), func.sum(_bit(F.SATISFIED)), func.sum(_bit(F.OVERDUE)),
        func.sum(_bit(F.DONE["reply"])),
    ]
    groups = (p.unit_id, p.channel, p.category)
    rows = {tuple(r[:3]): list(r[3:]) for r in session.execute(
        select(*groups, *settled).where(in_range).group_by(*groups))}
    # 2. the open ones (few, by the status index): a step is due if done or its deadline has passed
    #    SQLite must read them through the status index: with the range in WHERE, or grouped by the
    #    plain columns, it prefers the measures index (range, or group order) and then reads every
    #    row of the range. So the range is tested per row and the groups are coalesced expressions.
    due_now = [func.sum(case((and_(in_range, getattr(p, f"due_{step}").is_not(None),
                                   or_(getattr(p, F.DONE_AT[step]).is_not(None), getattr(p, f"due_{step}") <= now)), 1),
                             else_=0)) for step in F.STEPS]
    open_groups = (func.coalesce(p.unit_id, 0), p.channel, func.coalesce(p.category, ""))
    for unit_id, channel, category, *due in session.execute(
            select(*open_groups, *due_now).where(p.status.in_(F.OPEN_STATUSES)).group_by(*open_groups)):
        sums = rows.get((unit_id or None, channel, category or None))
        if sums is None:
            continue
        for k, n in enumerate(due):
            sums[3 + 2 * k] += n or 0

    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    result = Measures(start=start, end=end, now=now)
    units: dict[str, Tally] = defaultdict(Tally)
    channels: dict[str, Tally] = defaultdict(Tally)
    categories: dict[str, Tally] = defaultdict(Tally)
    for (unit_id, channel, category), sums in rows.items():
        t = Tally(*[v or 0 for v in sums])   # sums of nothing are NULL
        result.county.add(t)
        units[names.get(unit_id, "未交办")].add(t)
        channels[CHANNEL_WORDS.get(channel, channel)].add(t)
        categories[category or "其他"].add(t)
    result.units = dict(sorted(units.items(), key=lambda kv: -kv[1].petitions))
    result.channels = dict(sorted(channels.items(), key=lambda kv: -kv[1].petitions))
    result.categories = dict(sorted(categories.items(), key=lambda kv: -kv[1].petitions))
    return result
