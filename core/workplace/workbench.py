"""The console's read models (bot/console/): the 工作台 shelves, the search, the case file and
the audit trail — no Flask here (signing in: core.workplace.signin).

Scope and recusal hold in every function: the bureau's staff see every case but one that accuses
them; a unit's cadres and head their unit's; a county leader the cases they own (包案); nobody a
case that accuses them or their unit — not even that it exists (the same answer as an unknown
number).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import String, and_, cast, false, func, or_, select, text
from sqlalchemy.orm import Session

from core.cases.lifecycle import NOBODY, not_recused, open_milestones, recusals_of, recused_units
from core.directory.lookup import UNIT_ROLES
from core.status import OPEN, Status
from core.clock import SHANGHAI, day_start, month_day
from core.phones import InvalidPhone, normalize_phone
from core.outbound import RESENT_WHEN_THEY_WRITE
from core.reports.city import each_county
from core.reports.measures import escalations
from core.store import scope as tenancy
from core.store import words as store_words
from core.store.outbox import awaiting_resend
from core.store.models import (Attachment, AuditEvent, EveningPlan, EveningVisit, InboundMessage,
                               OutboundMessage,
                               Person, Petition, PetitionEvent, Recusal, Township, Unit, Village)
from core.text import CHANNEL_LABELS
from core.words import reach
from core.words.citizens import RATING_NAMES

PAGE = 50
WARNINGS_SHELF = "预警（扬言、越级）"
WARNED_SHOWN = timedelta(days=7)   # a case marked 扬言 stays on the 预警 shelf while open, and a week after
TO_MEET = text("petition.status = 'accepted' AND petition.met_at IS NULL "   # ix_petition_to_meet's predicate
               "AND petition.due_meet IS NOT NULL")
WAITING_EXTENSION = text("petition.pending_extension IS NOT NULL")   # ix_petition_extension's predicate
FOLLOW_UP = text("petition.status = 'closed' AND (petition.rating IS NULL OR petition.rating = 'unsatisfied')")
PLANS_UNDER_WAY = ("selected", "filed", "completed")   # a 七晚 plan not yet resolved or not
# ix_petition_unsatisfied_open's predicate, and a range on its first column: SQLite would rather
# take the status index (a fifth of the year) than scan a partial index whole (a few thousand)
UNSATISFIED_OPEN = text("petition.status = 'replied' AND petition.rating = 'unsatisfied' "
                        "AND petition.rated_at IS NOT NULL")
HAN = re.compile(r"[\u4e00-\u9fff]+")
# a status in the 台账's words (the same as core.words.citizens.STATUS_LABELS: core may not import it)
STATUS_WORDS = {"registered": "待交办", "assigned": "已交办", "accepted": "已受理", "replied": "已答复",
                "closed": "已办结", "withdrawn": "已撤回", "rejected": "不予受理", "returned": "已退回",
                "reviewing": "复查（复核）中", "joined": "已并案"}


# --- the audit trail (sign-in itself: core.workplace.signin) -----------------------------------------------

def audit(s: Session, person: Person | int | None, now: datetime, action: str, petition_id: int | None = None,
          detail: str | None = None, address: str | None = None, subject: Person | None = None) -> None:
    """Record what ``person`` (a Person, or a person's id) did or looked at."""
    s.add(AuditEvent(person_id=person if isinstance(person, int) or person is None else person.id, at=now, action=action, petition_id=petition_id,
                     detail=detail[:2000] if detail else None, address=(address or "")[:64] or None,
                     subject_id=subject.id if subject else None))


def admin_trail(s: Session, person: Person | None = None, limit: int = 30) -> list[AuditEvent]:
    """The administrators' changes to the directory (all, or those about one person), newest first."""
    query = select(AuditEvent).where(AuditEvent.subject_id.is_not(None))   # ix_audit_event_subject: few rows
    if person is not None:
        query = query.where(AuditEvent.subject_id == person.id)
    return list(s.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))


# --- scope ----------------------------------------------------------------------------------------

def accused(s: Session, person: Person) -> bool:
    """Whether any petition accuses this person or their unit (nearly nobody)."""
    return s.scalar(select(Recusal.id).where(
        or_(Recusal.person_id == person.id, Recusal.unit_id == person.unit_id) if person.unit_id is not None
        else Recusal.person_id == person.id).limit(1)) is not None


def counts_hidden_from(s: Session, person: Person) -> Person | None:
    """The reader whose figures must leave out what accuses them (measure, month_scores,
    analyse: ``hidden_from``), or None for nearly everyone — whose figures need no filter."""
    return person if accused(s, person) else None


def scope(s: Session, person: Person, by_unit_index: bool = True, is_accused: bool | None = None) -> list:
    """The conditions on Petition for what ``person`` may see at all. The recusal filter is left
    out for a person no petition accuses (nearly everyone: a correlated lookup per row saved);
    ``is_accused``, when the caller has asked :func:`accused` already. ``by_unit_index=False``: a
    unit's condition the planner will not take an index for, where another condition is the
    selective one (SQLite's statistics do not know that few cases are flagged, say, and would
    walk the unit's year instead)."""
    where = [not_recused(person)] if (accused(s, person) if is_accused is None else is_accused) else []
    if person.role == "staff" or looking_into(s, person):
        return where
    if person.role in UNIT_ROLES:
        unit = Petition.unit_id if by_unit_index else func.coalesce(Petition.unit_id, 0)
        return where + [unit == person.unit_id]
    if person.role == "leader":
        return where + [Petition.lead_person_id == person.id]   # their 包案 cases
    return [false()]   # an administrator who is nobody of the file: no case at all


def looking_into(s: Session, person: Person) -> bool:
    """Whether ``person`` is the city's, reading one of its counties in ``s`` (bound to it: the
    console's drill-down, bot.console.common.services). The city's staff and leaders (市领导) read
    a county as its bureau does — every case but one that accuses them; what they may do there is
    the city's actions' (core.actions: 督办, the city's staff's). A city's unit (市住建局) reads its
    own unit's cases, which no county has."""
    county = tenancy.county_of(s)
    return (person.role in ("staff", "leader") and county is not None and person.county_id is not None
            and county != person.county_id)


def may_see(s: Session, person: Person, p: Petition) -> bool:
    if p.accusation and recusals_of(s, [p.id]).get(p.id, NOBODY).bars(person):   # only an accusation has any
        return False
    if person.role == "staff" or looking_into(s, person):
        return True
    if person.role in UNIT_ROLES:
        return p.unit_id is not None and p.unit_id == person.unit_id
    return person.role == "leader" and p.lead_person_id == person.id


# --- 工作台 ---------------------------------------------------------------------------------------

@dataclass
class Shelf:
    key: str
    title: str
    count: int
    rows: list = field(default_factory=list)     # Petition, or (title, detail) for what is not a case


def _cases(s: Session, person: Person, key: str, title: str, where: list, order, limit: int,
           is_accused: bool) -> Shelf:
    conds = scope(s, person, by_unit_index=False, is_accused=is_accused) + where
    count = s.scalar(select(func.count()).select_from(Petition).where(*conds)) or 0
    rows = list(s.scalars(select(Petition).where(*conds).order_by(*order).limit(limit))) if count else []
    return Shelf(key, title, count, rows)


@dataclass(frozen=True)
class CaseShelf:
    """A shelf of cases: who sees it, which cases (its conditions at ``now``) in which order. The
    工作台 shows its first rows and count; the count links to the whole list (search's ``shelf``)."""

    key: str
    title: str
    where: Callable[[datetime], list]
    order: Callable[[], tuple]
    staff_only: bool = False


def _by_due(*columns) -> Callable[[], tuple]:
    return lambda: tuple(x for c in columns for x in (c.is_(None), c)) + (Petition.id,)


def _today(now: datetime) -> datetime:
    return day_start(now.astimezone(SHANGHAI).date())


P = Petition
CASE_SHELVES: dict[str, CaseShelf] = {sh.key: sh for sh in (
    CaseShelf("unassigned", "待交办", lambda now: [P.status.in_((Status.REGISTERED,)), P.accusation.is_(False)],
              lambda: (P.received_at, P.id), staff_only=True),
    CaseShelf("accusations", "检举控告待核定", lambda now: [P.status == Status.REGISTERED, P.accusation.is_(True)],
              lambda: (P.received_at, P.id), staff_only=True),
    # routed to a unit today and not yet accepted: what a clerk checks before the day's cut-off
    CaseShelf("today", "今日新件（已交办待受理）",
              lambda now: [P.status == Status.ASSIGNED, P.assigned_at >= _today(now)], _by_due(P.due_accept)),
    CaseShelf("to_accept", "待受理", lambda now: [P.status == Status.ASSIGNED], _by_due(P.due_accept)),
    # accepted and the meeting not yet held (once answered, a meeting missed is the score's, not a task)
    CaseShelf("to_meet", "待见面", lambda now: [TO_MEET], lambda: (P.due_meet, P.id)),
    CaseShelf("overdue", "挂牌 / 超期", lambda now: [P.status.in_(OPEN), P.overdue.is_(True)], _by_due(P.due_next)),
    CaseShelf("due_soon", "即将到期（24小时内）",   # a deadline passed is 挂牌's, not this
              lambda now: [P.due_next > now, P.due_next <= now + timedelta(hours=24), P.status.in_(OPEN),
                           P.overdue.is_(False)], _by_due(P.due_next)),
    CaseShelf("returned", "退回待改派", lambda now: [P.status == Status.RETURNED], lambda: (P.updated_at, P.id),
              staff_only=True),
    CaseShelf("extensions", "延期待批", lambda now: [WAITING_EXTENSION], _by_due(P.due_next)),
    CaseShelf("reviews", "复查 / 复核", lambda now: [P.status == Status.REVIEWING], _by_due(P.due_next)),
)}
# 预警: the cases marked 扬言 (core.cases.threats) — while they are open, and for a week after the last
WARNINGS = CaseShelf("warnings", WARNINGS_SHELF,
                     lambda now: [P.threat_at.is_not(None), P.status != Status.JOINED,   # a repeat: on its case's row
                                  or_(P.status.in_(OPEN), P.threat_at >= now - WARNED_SHOWN)],
                     lambda: (P.threat_at.desc(), P.id))
CASE_SHELVES[WARNINGS.key] = WARNINGS


def shelf_of(person: Person, key: str | None) -> CaseShelf | None:
    """The case shelf of this key that this person has (None: no such shelf for them)."""
    sh = CASE_SHELVES.get(key or "")
    return sh if sh is not None and (person.role == "staff" or not sh.staff_only) else None


def _shelf(s: Session, person: Person, sh: CaseShelf, now: datetime, limit: int, is_accused: bool) -> Shelf:
    return _cases(s, person, sh.key, sh.title, sh.where(now), sh.order(), limit, is_accused)


def next_deadline(p: Petition) -> tuple[str, datetime] | None:
    """The case's nearest deadline still to meet, with its milestone — what the 工作台 shows (not
    ``due_next``, the sweep's next reminder)."""
    return next(iter(open_milestones(p)), None)


def shelves(s: Session, person: Person, now: datetime, limit: int = 10) -> list[Shelf]:
    """The lists of the 工作台 with their counts, for this person (the bureau's staff: all of them)."""
    p = Petition
    me = accused(s, person)   # asked once for all the shelves
    out = [_shelf(s, person, sh, now, limit, me) for sh in CASE_SHELVES.values()
           if sh is not WARNINGS and shelf_of(person, sh.key)]
    staff = person.role == "staff"
    plans = select(EveningPlan, p).join(p, p.id == EveningPlan.petition_id).where(
        EveningPlan.status.in_(PLANS_UNDER_WAY), *scope(s, person, by_unit_index=False, is_accused=me))
    plan_rows = list(s.execute(plans.order_by(EveningPlan.id).limit(limit)))
    out.append(Shelf("evenings", "七晚", s.scalar(select(func.count()).select_from(plans.subquery())) or 0,
                     [x for _, x in plan_rows]))
    open_half, closed_half = follow_up_halves(now)   # two statements: an OR of the two walks the year
    unsatisfied = _cases(s, person, "follow_up", "回访（未评价、不满意）", open_half, (p.rated_at.desc(), p.id), limit, me)
    closed = _cases(s, person, "follow_up", "", closed_half, (p.closed_at.desc(), p.id), limit, me)
    out.append(Shelf("follow_up", unsatisfied.title, unsatisfied.count + closed.count,
                     (unsatisfied.rows + closed.rows)[:limit]))
    out.append(_shelf(s, person, WARNINGS, now, limit, me))
    if staff:
        failed = s.scalar(select(func.count()).select_from(OutboundMessage).where(OutboundMessage.status == "failed")) or 0
        rows = [(m.purpose, _failure(m)) for m in s.scalars(select(OutboundMessage).where(
            OutboundMessage.status == "failed").order_by(OutboundMessage.id.desc()).limit(limit))]
        out.append(Shelf("failed_texts", "发送失败", failed, rows))
        lost = s.scalar(select(func.count()).select_from(Attachment).where(Attachment.fetch_status == "failed")) or 0
        rows = [(a.kind, a.fetch_error or "") for a in s.scalars(select(Attachment).where(
            Attachment.fetch_status == "failed").order_by(Attachment.id.desc()).limit(limit))]
        out.append(Shelf("media", "媒体未保存", lost, rows))
        # who asked for a person in the last two days (人工), or threatened before filing anything
        # (扬言, handlers.threats): the number they asked to be called on
        # — a text under a template-only provider cannot carry it, and says to look here
        asked = select(OutboundMessage).where(OutboundMessage.purpose.in_(("call_back", "threat_unfiled")),
                                              OutboundMessage.to == person.phone,
                                              OutboundMessage.created_at >= now - timedelta(days=2))
        rows = [(month_day(m.created_at), m.body) for m in s.scalars(asked.order_by(OutboundMessage.id.desc()).limit(limit))]
        if rows:
            out.append(Shelf("call_back", "回电请求（近两日）", len(rows), rows))
    return out


def _failure(m: OutboundMessage) -> str:
    """Why a text failed and, for a notice to a citizen, whether it goes again when they write."""
    if m.purpose not in RESENT_WHEN_THEY_WRITE:
        return m.error or ""
    return f"{m.error or ''} · {reach.resend_note(awaiting_resend(m.purpose, m.resent_at))}"


# --- 七晚 ----------------------------------------------------------------------------------------

def evening_plans(s: Session, person: Person, limit: int = 50) -> list[tuple[EveningPlan, Petition, list]]:
    """The 七晚 plans under way this person may see, each with its evenings so far (started,
    ended, confirmed by the petitioner, counted or not and why), in one statement for the visits."""
    rows = list(s.execute(select(EveningPlan, Petition).join(Petition, Petition.id == EveningPlan.petition_id)
                          .where(EveningPlan.status.in_(PLANS_UNDER_WAY),
                                 *scope(s, person, by_unit_index=False))
                          .order_by(EveningPlan.id).limit(limit)))
    visits: dict[int, list[EveningVisit]] = {}
    if rows:
        for v in s.scalars(select(EveningVisit).where(EveningVisit.plan_id.in_([plan.id for plan, _ in rows]))
                           .order_by(EveningVisit.evening)):
            visits.setdefault(v.plan_id, []).append(v)
    return [(plan, p, visits.get(plan.id, [])) for plan, p in rows]


# --- 回访 -----------------------------------------------------------------------------------------

@dataclass
class FollowUp:
    petition: Petition
    asked_again: bool              # the second request to rate has gone (core.cases.followup)
    reason: str | None             # why they are not satisfied, in their words
    calls: list[PetitionEvent]     # the bureau's telephone calls so far, newest first


def follow_up_halves(now: datetime, days: int = 30) -> tuple[list, list]:
    """回访's two halves, each one partial index's predicate (written as its literal, so SQLite
    takes it): answered, rated 不满意 and not closed; closed in the last ``days``, unrated or 不满意."""
    return [UNSATISFIED_OPEN], [FOLLOW_UP, Petition.closed_at >= now - timedelta(days=days)]


def follow_ups(s: Session, person: Person, now: datetime, days: int = 30, limit: int = 100) -> list[FollowUp]:
    """The 回访 shelf whole: answered cases rated 不满意 the unit has not closed, then those closed
    in the last ``days`` not rated or rated 不满意 (不满意 first) — each half read through its own
    partial index, written as its literal — each with what they said and the calls made, in one
    more statement for all the rows' events."""
    p = Petition
    where = scope(s, person)
    open_half, closed_half = follow_up_halves(now, days)
    rows = list(s.scalars(select(p).where(*open_half, *where).order_by(p.rated_at.desc(), p.id).limit(limit)))
    rows += list(s.scalars(select(p).where(*closed_half, *where)
                           .order_by((p.rating == "unsatisfied").desc(), p.closed_at.desc(), p.id)
                           .limit(limit - len(rows))))
    events: dict[int, list[PetitionEvent]] = {}
    if rows:
        for e in s.scalars(select(PetitionEvent).where(
                PetitionEvent.petition_id.in_([x.id for x in rows]),
                PetitionEvent.kind.in_(("follow_up", "follow_up_call", "rating_reason")))
                .order_by(PetitionEvent.at.desc(), PetitionEvent.id.desc())):
            events.setdefault(e.petition_id, []).append(e)
    out = []
    for x in rows:
        mine = events.get(x.id, [])
        reason = next((e.text for e in mine if e.kind == "rating_reason"), None)
        out.append(FollowUp(x, any(e.kind == "follow_up" for e in mine), reason,
                            [e for e in mine if e.kind == "follow_up_call"]))
    return out


# --- 事项检索 -------------------------------------------------------------------------------------

@dataclass
class Found:
    rows: list[Petition]
    total: int
    page: int
    pages: int
    more: bool = False        # more than COUNT_UP_TO found (a search by words): "1000件以上"


TRACKING_NO = re.compile(r"^[A-Za-z]{1,6}-\d[\d-]{3,}$")
COUNT_UP_TO = 1000   # a search by words counts this far ("1000+"): the count must not scan the year


@dataclass(frozen=True)
class Filters:
    """What the 事项检索 narrows by besides ``q``: each None is "all"; dates are county days, both
    ends included."""

    unit_id: int | None = None
    status: str | None = None
    channel: str | None = None
    category: str | None = None
    since: date | None = None
    until: date | None = None
    shelf: str | None = None        # a shelf of the 工作台 (CASE_SHELVES), in its own order


def search(s: Session, person: Person, q: str = "", unit_id: int | None = None, status: str | None = None,
           page: int = 1, filters: Filters | None = None, now: datetime | None = None) -> Found:
    """By tracking number, phone, name or words of the text — what ``q`` looks like decides, so a
    number or a phone is one index lookup, never a scan; filters by unit, status, channel,
    category and the days received; 50 a page."""
    f = filters or Filters(unit_id=unit_id, status=status)
    p = Petition
    conds = scope(s, person)
    q = q.strip()
    words = False
    if q:
        digits = re.sub(r"[\s-]", "", q)
        if TRACKING_NO.match(q):
            conds.append(p.tracking_no == q.upper())
        elif digits.lstrip("+").isdigit() and len(digits.lstrip("+")) >= 7:
            try:
                conds.append(p.phone == normalize_phone(digits))
            except InvalidPhone:
                conds.append(p.phone.endswith(digits[-11:], autoescape=True))
        else:   # words of the text (through the bigram index), each of them; or a name
            conds += [store_words.says(s, w, or_named=2 <= len(w) <= 4 and bool(HAN.fullmatch(w))) for w in q.split()]
            words = True
    if f.unit_id:
        conds.append(p.unit_id == f.unit_id)
    if f.status:
        conds.append(p.status == f.status)
    if f.channel:
        conds.append(p.channel == f.channel)
    if f.category:
        conds.append(p.category.is_(None) if f.category == "其他" else p.category == f.category)
    if f.since:
        conds.append(p.received_at >= day_start(f.since))
    if f.until:
        conds.append(p.received_at < day_start(f.until + timedelta(days=1)))
    order = (p.received_at.desc(), p.id.desc())
    if f.shelf and (sh := shelf_of(person, f.shelf)) and now is not None:
        conds += sh.where(now)
        order = sh.order()
    counted = select(p.id).where(*conds)
    if words:
        counted = counted.limit(COUNT_UP_TO + 1)
    total = s.scalar(select(func.count()).select_from(counted.subquery())) or 0
    pages = max(1, -(-total // PAGE))
    page = min(max(1, page), pages)
    rows = list(s.scalars(select(p).where(*conds).order_by(*order)
                          .offset((page - 1) * PAGE).limit(PAGE)))
    return Found(rows, total, page, pages, more=words and total > COUNT_UP_TO)


# --- 案卷 -----------------------------------------------------------------------------------------

@dataclass
class CaseFile:
    petition: Petition
    events: list[PetitionEvent]
    messages: list[InboundMessage]        # the petitioner's own, as they came
    texts: list[OutboundMessage]          # every text we sent about the case, with its state
    media: list[Attachment]
    audit: list[AuditEvent]               # who looked and did what (shown to the bureau)
    units: list[Unit]                     # where staff may assign it (not an accused unit)


def find_case(s: Session, person: Person, tracking_no: str, lock: bool = False) -> Petition | None:
    """The case with this number if this person may see it — else None, as for a number unknown."""
    query = select(Petition).where(Petition.tracking_no == tracking_no.strip().upper())
    p = s.scalars(query.with_for_update() if lock else query).first()
    return p if p is not None and may_see(s, person, p) else None


def events_of(s: Session, p: Petition) -> list[PetitionEvent]:
    return list(s.scalars(select(PetitionEvent).where(PetitionEvent.petition_id == p.id)
                          .order_by(PetitionEvent.at, PetitionEvent.id)))


def case_file(s: Session, person: Person, tracking_no: str) -> CaseFile | None:
    p = find_case(s, person, tracking_no)
    if p is None:
        return None
    events = events_of(s, p)
    messages = list(s.scalars(select(InboundMessage).where(InboundMessage.petition_id == p.id)
                              .order_by(InboundMessage.received_at, InboundMessage.id)))
    texts = list(s.scalars(select(OutboundMessage).where(OutboundMessage.petition_id == p.id)
                           .order_by(OutboundMessage.created_at, OutboundMessage.id)))
    media = list(s.scalars(select(Attachment).where(Attachment.petition_id == p.id).order_by(Attachment.at)))
    trail = list(s.scalars(select(AuditEvent).where(AuditEvent.petition_id == p.id)
                           .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(50))) \
        if person.role == "staff" else []
    barred = recused_units(s, p)
    units = list(s.scalars(select(Unit).where(Unit.active.is_(True), Unit.kind != "bureau",
                                              and_(Unit.id.not_in(barred)) if barred else True).order_by(Unit.id)))
    return CaseFile(p, events, messages, texts, media, trail, units)


# --- 台账 ------------------------------------------------------------------------------------------

LEDGER_COLUMNS = ("编号", "渠道", "乡镇（街道）", "村（社区）", "责任单位", "类别", "人数", "收到", "交办", "受理",
                  "见面", "答复", "办结", "状态", "评价")


def ledger(s: Session, person: Person, start: datetime, end: datetime, batch: int = 2000):
    """The 台账 rows of the petitions received in [start, end) this person may see, in order,
    read ``batch`` at a time (an export of a year holds one batch in memory, not the year)."""
    p = Petition
    units = dict(s.execute(select(Unit.id, Unit.name)).all())
    places = dict(s.execute(select(Township.id, Township.name)).all())
    villages = dict(s.execute(select(Village.id, Village.name)).all())
    stamps = [cast(c, String) for c in (p.received_at, p.assigned_at, p.accepted_at, p.met_at, p.replied_at,
                                        p.closed_at)]   # as text: six typed datetimes a row cost 3× the read
    query = (select(p.tracking_no, p.channel, p.township_id, p.village_id, p.unit_id, p.category, p.people,
                    *stamps, p.status, p.rating)
             .where(p.received_at >= start, p.received_at < end, *scope(s, person)).order_by(p.received_at, p.id))
    for r in s.execute(query.execution_options(yield_per=batch)):
        yield (r[0], CHANNEL_LABELS.get(r[1], r[1]), places.get(r[2], ""), villages.get(r[3], ""),
               units.get(r[4], "未交办"), r[5] or "", r[6], *(_local(v) for v in r[7:13]),
               STATUS_WORDS.get(r[13], r[13]), RATING_NAMES.get(r[14], ""))


def ledger_count(s: Session, person: Person, start: datetime, end: datetime) -> int:
    """How many rows the 台账 of [start, end) has for this person (an export's progress)."""
    return s.scalar(select(func.count()).select_from(Petition).where(
        Petition.received_at >= start, Petition.received_at < end, *scope(s, person))) or 0


def _local(stored: str | None) -> str:
    """A stored time (text: SQLite's naive UTC, PostgreSQL's with its offset) in county time."""
    if not stored:
        return ""
    t = datetime.fromisoformat(stored)
    return (t if t.tzinfo else t.replace(tzinfo=timezone.utc)).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


# --- the city over its counties (issue 31, 5; docs/city.md) ----------------------------------------

ROLL_UP_SHELVES = ("unassigned", "to_accept", "to_meet", "overdue", "due_soon", "warnings")


@dataclass
class CountyRow:
    """A county's line of the city's roll-up: its bureau's shelves' counts, and 越级访 this week."""

    county_id: int
    name: str
    prefix: str
    counts: dict[str, int]
    beyond_week: int          # 越级访 批次 registered for this week's days (Monday on)


def roll_up(s: Session, city_id: int, now: datetime) -> list[CountyRow]:
    """Each county of the city as its own bureau's 工作台 counts it (the shelves' conditions, every
    case of the county: the bureau's view), read in ``s`` bound to that county in turn — and to
    what it was bound to again after."""
    today = now.astimezone(SHANGHAI).date()
    monday = today - timedelta(days=today.weekday())
    rows = []
    for county in each_county(s, city_id):
        counts = {key: s.scalar(select(func.count()).select_from(Petition).where(*CASE_SHELVES[key].where(now))) or 0
                  for key in ROLL_UP_SHELVES}
        beyond = escalations(s, monday, today)
        rows.append(CountyRow(county.id, county.name, county.prefix, counts, sum(b for b, _ in beyond.values())))
    return rows


def roll_up_total(rows: list[CountyRow]) -> CountyRow:
    """The city's line: the sum of its counties'."""
    return CountyRow(0, "", "", {key: sum(r.counts[key] for r in rows) for key in ROLL_UP_SHELVES},
                     sum(r.beyond_week for r in rows))
