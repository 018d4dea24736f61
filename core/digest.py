"""每日访情 — the daily text to the county's leaders, each unit head and each 包案 leader (DOMAIN.md,
"The three reports"; seed 001, 宝丰县).

One text of at most three SMS segments (201 characters):

- leaders: the day's petitions to the county (批次/人次, by channel) and beyond it (到市/赴省/进京,
  registered by staff), the 当日见面 rate, the cases flagged overdue (挂牌) by unit, the 七晚
  plans under way; then the cases they own (包案), if any;
- a unit head: the same for their unit;
- replies "详情" get the top items with names masked (张*三).

Nothing in a text a recused person must not see: the lists leave out every case that accuses the
reader or their unit; counts are only counts. Read from indexed columns: the day's petitions by
``received_at``, the flagged open cases by status, the plans and escalations from their own
small tables (see bench/digest.py).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core import facts as F
from core.cases import OPEN, not_recused
from core.clock import SHANGHAI, local
from core.models import EveningPlan, EveningVisit, Escalation, Person, Petition, Unit

CHANNELS = (("wechat", "微信访"), ("sms", "短信访"), ("visit", "走访"), ("letter", "来信"))
LEVELS = (("city", "到市"), ("province", "赴省"), ("beijing", "进京"))
LEVEL_OF_WORD = {word: level for level, word in LEVELS}
WEEKDAYS = "一二三四五六日"
LIMIT = 201          # three UCS-2 segments


def mask_name(name: str) -> str:
    """张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name or "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


@dataclass
class Day:
    """What happened on one day, for the whole county or one unit."""

    day: date
    channels: dict[str, tuple[int, int]] = field(default_factory=dict)    # channel → (批次, 人次)
    beyond: dict[str, tuple[int, int]] = field(default_factory=dict)      # level → (批次, 人次)
    meet_due: int = 0
    met: int = 0
    overdue: list[tuple[str, str]] = field(default_factory=list)          # (tracking no, unit name)
    plans: int = 0
    tonight_started: int = 0

    @property
    def batches(self) -> int:
        return sum(b for b, _ in self.channels.values())

    @property
    def people(self) -> int:
        return sum(n for _, n in self.channels.values())


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), SHANGHAI)
    return start, start + timedelta(days=1)


def gather(s: Session, day: date, unit_id: int | None = None, reader: Person | None = None) -> Day:
    """The day's figures, county-wide or for ``unit_id``; lists leave out what ``reader`` may not see."""
    start, end = day_bounds(day)
    out = Day(day)
    p = Petition
    where = [p.received_at >= start, p.received_at < end]
    if unit_id is not None:
        where.append(p.unit_id == unit_id)
    meet_due = func.sum(case((p.facts.op("&")(F.HAS_DUE["meet"]) != 0, 1), else_=0))
    met = func.sum(case((p.facts.op("&")(F.ON_TIME["meet"]) != 0, 1), else_=0))
    for channel, batches, people, due, on_time in s.execute(
            select(p.channel, func.count(), func.sum(p.people), meet_due, met).where(*where).group_by(p.channel)):
        out.channels[channel] = (batches, int(people or 0))
        out.meet_due += int(due or 0)
        out.met += int(on_time or 0)
    esc = select(Escalation.level, func.count(), func.sum(Escalation.people)).where(Escalation.occurred_on == day)
    if unit_id is not None:
        esc = esc.where(Escalation.unit_id == unit_id)
    for level, batches, people in s.execute(esc.group_by(Escalation.level)):
        out.beyond[level] = (batches, int(people or 0))
    flagged = (select(p.tracking_no, func.coalesce(Unit.name, "未交办")).outerjoin(Unit, Unit.id == p.unit_id)
               .where(p.status.in_(OPEN), p.overdue.is_(True)))
    if unit_id is not None:
        flagged = flagged.where(p.unit_id == unit_id)
    if reader is not None:
        flagged = flagged.where(not_recused(reader))
    out.overdue = [tuple(r) for r in s.execute(flagged.order_by(p.due_next, p.id).limit(500))]
    plans = select(EveningPlan.id).where(EveningPlan.status == "filed")
    if unit_id is not None:
        plans = plans.where(EveningPlan.unit_id == unit_id)
    plan_ids = list(s.scalars(plans))
    out.plans = len(plan_ids)
    if plan_ids:
        out.tonight_started = s.scalar(select(func.count()).select_from(EveningVisit).where(
            EveningVisit.plan_id.in_(plan_ids), EveningVisit.evening == day, EveningVisit.started_at.is_not(None)))
    return out


def _head(day: date) -> str:
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"


def _body(d: Day, unit_view: bool) -> list[str]:
    """The parts of a digest, most important first; the caller fits them to three segments."""
    by_channel = "、".join(f"{word}{d.channels[c][0]}" for c, word in CHANNELS if c in d.channels)
    parts = [(f"新交办{d.batches}批{d.people}人次" if unit_view else f"到县访{d.batches}批{d.people}人次")
             + (f"（{by_channel}）" if by_channel else "")]
    beyond = "、".join(f"{word}{d.beyond[level][0]}批{d.beyond[level][1]}人" for level, word in LEVELS
                       if level in d.beyond)
    parts.append(f"越级访：{beyond}" if beyond else "无越级访")
    if d.meet_due:
        parts.append(f"当日见面率{d.met / d.meet_due:.0%}（{d.met}/{d.meet_due}）")
    if d.overdue:
        if unit_view:
            shown = "、".join(no for no, _ in d.overdue[:3]) + ("等" if len(d.overdue) > 3 else "")
            parts.append(f"挂牌超期{len(d.overdue)}件（{shown}）")
        else:
            units = Counter(unit for _, unit in d.overdue)
            shown = "、".join(f"{_short(u)}{n}" for u, n in units.most_common(3)) + ("等" if len(units) > 3 else "")
            parts.append(f"挂牌超期{len(d.overdue)}件（{shown}）")
    else:
        parts.append("无挂牌超期")
    if d.plans:
        parts.append(f"七晚进行中{d.plans}件，今晚已开始{d.tonight_started}件")
    return parts


def _short(unit: str) -> str:
    """下汤镇人民政府 → 下汤镇, 县水利局 → 水利局, 鲁阳街道办事处 → 鲁阳街道."""
    for tail in ("人民政府", "办事处"):
        if unit.endswith(tail):
            return unit[: -len(tail)]
    return unit[1:] if unit.startswith("县") and len(unit) > 3 else unit


def fit(head: str, parts: list[str], tail: str, limit: int = LIMIT) -> str:
    """head + as many parts as fit + tail, within ``limit`` characters (parts in order of weight)."""
    text = head
    for part in parts:
        candidate = text + ("；" if text != head else "") + part
        if len(candidate) + len(tail) + 1 > limit:
            break
        text = candidate
    return text + "。" + tail


def county_text(d: Day, county_name: str, lead: list[str] | None = None) -> str:
    parts = _body(d, unit_view=False)
    if lead:
        parts.insert(0, "您包案" + "、".join(lead))
    return fit(f"【每日访情】{_head(d.day)}{county_name}：", parts, "回复“详情”查看要点")


def unit_text(d: Day, unit_name: str, lead: list[str] | None = None) -> str:
    parts = _body(d, unit_view=True)
    if lead:
        parts.insert(0, "您包案" + "、".join(lead))
    return fit(f"【每日访情·{_short(unit_name)}】{_head(d.day)}：", parts, "回复“详情”查看要点")


def lead_summary(s: Session, person: Person) -> list[str]:
    """A 包案 leader's open cases: how many, which are flagged."""
    rows = list(s.execute(select(Petition.tracking_no, Petition.overdue).where(
        Petition.lead_person_id == person.id, Petition.status.in_(OPEN), not_recused(person))))
    if not rows:
        return []
    flagged = [no for no, overdue in rows if overdue]
    return [f"{len(rows)}件" + (f"，超期{len(flagged)}件（{'、'.join(flagged[:2])}{'等' if len(flagged) > 2 else ''}）"
                                if flagged else "，均在期限内")]


@dataclass(frozen=True)
class Text:
    person_id: int
    phone: str
    body: str


def digests(s: Session, day: date, county_name: str) -> list[Text]:
    """The day's texts: each leader (county view), each unit head (their unit), and what each reads
    of the cases they own. Computed once per view, not per reader, except the per-reader parts."""
    people = list(s.scalars(select(Person).where(Person.active.is_(True), Person.role.in_(("leader", "head")))
                            .order_by(Person.id)))
    out: list[Text] = []
    county_day: Day | None = None
    unit_days: dict[int, Day] = {}
    names = dict(s.execute(select(Unit.id, Unit.name)).all())
    for person in people:
        lead = lead_summary(s, person)
        if person.role == "leader":
            if county_day is None:
                county_day = gather(s, day)
            d = county_day
            if _any_recused(s, person, d):
                d = gather(s, day, reader=person)
            out.append(Text(person.id, person.phone, county_text(d, county_name, lead)))
        elif person.unit_id is not None:
            if person.unit_id not in unit_days:
                unit_days[person.unit_id] = gather(s, day, person.unit_id, reader=person)
            out.append(Text(person.id, person.phone, unit_text(unit_days[person.unit_id], names[person.unit_id], lead)))
    return out


def _any_recused(s: Session, person: Person, d: Day) -> bool:
    """Whether any flagged case accuses this reader (then their list is gathered for them)."""
    from core.models import Recusal
    return bool(d.overdue) and s.scalar(select(func.count()).select_from(Recusal).where(
        Recusal.person_id == person.id)) > 0


def details(s: Session, day: date, person: Person, limit: int = 10) -> list[str]:
    """"详情": the day's petitions and the flagged cases, names masked, for this reader."""
    start, end = day_bounds(day)
    p = Petition
    where = [p.received_at >= start, p.received_at < end, not_recused(person)]
    flagged_where = [p.status.in_(OPEN), p.overdue.is_(True), not_recused(person)]
    if person.role == "head":
        where.append(p.unit_id == person.unit_id)
        flagged_where.append(p.unit_id == person.unit_id)
    rows = list(s.scalars(select(p).where(*where).order_by(p.people.desc(), p.id).limit(limit)))
    items = [f"{x.tracking_no} {mask_name(x.name)} {x.township.name if x.township else ''}"
             f"{'（' + str(x.people) + '人）' if x.people > 1 else ''}：{_gist(x.content)}" for x in rows]
    flagged = list(s.scalars(select(p).where(*flagged_where).order_by(p.due_next, p.id).limit(limit)))
    items += [f"超期 {x.tracking_no} {_short(x.unit.name) if x.unit else '未交办'} {mask_name(x.name)}：{_gist(x.content)}"
              for x in flagged]
    return items


def _gist(text: str, n: int = 16) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def register_escalation(s: Session, level: str, township, people: int, matter: str, day: date, now: datetime,
                        actor: str) -> Escalation:
    """越级访 registered by staff; the township's unit is named (for its monthly score)."""
    unit_id = None
    if township is not None:
        unit_id = s.scalar(select(Unit.id).where(Unit.township_id == township.id, Unit.active.is_(True)).limit(1))
    row = Escalation(level=level, occurred_on=day, people=people, township_id=township.id if township else None,
                     unit_id=unit_id, matter=matter, registered_at=now, actor=actor)
    s.add(row)
    s.flush()
    return row


def today(now: datetime) -> date:
    return local(now).date()

