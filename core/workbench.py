"""The console's read models (bot/console.py): the 工作台 shelves, the search, the case file, the
one-time sign-in codes and the audit trail — no Flask here.

Scope and recusal hold in every function: the bureau's staff see every case but one that accuses
them; a unit's cadres and head their unit's; a county leader the cases they own (包案); nobody a
case that accuses them or their unit — not even that it exists (the same answer as an unknown
number).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from core.cases import not_recused, recused_people, recused_units
from core.status import OPEN, Status
from core.clock import SHANGHAI
from core.store.models import (Attachment, AuditEvent, ConsoleCode, EveningPlan, InboundMessage, OutboundMessage,
                               Person, Petition, PetitionEvent, Township, Unit, Village)
from core.text import CHANNEL_LABELS

CONSOLE_ROLES = ("staff", "liaison", "cadre", "head", "leader")
UNIT_ROLES = ("liaison", "cadre", "head")
CODE_VALID = timedelta(minutes=10)
CODE_EVERY = timedelta(minutes=1)      # at most one code a minute …
CODES_A_DAY = 5                        # … and five a day per person
TRIES = 5                              # wrong answers to one code before it is void
PAGE = 50
# a status in the 台账's words (the same as handlers.texts.STATUS_LABELS: core may not import it)
STATUS_WORDS = {"registered": "待交办", "assigned": "已交办", "accepted": "已受理", "replied": "已答复",
                "closed": "已办结", "withdrawn": "已撤回", "rejected": "不予受理", "returned": "已退回",
                "reviewing": "复查（复核）中", "joined": "已并案"}


# --- sign-in --------------------------------------------------------------------------------------

def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@dataclass(frozen=True)
class CodeAsked:
    person: Person | None         # None: the number is nobody of the directory (told the same as the others)
    code: str | None = None       # to send; None when refused
    retry_at: datetime | None = None


def ask_code(s: Session, phone: str, now: datetime) -> CodeAsked:
    """A one-time code for the person with this number, within the limits (one a minute, five a
    day); the caller sends it by SMS and says the same to everyone, known or not."""
    person = s.scalars(select(Person).where(Person.phone == phone, Person.active.is_(True),
                                            Person.role.in_(CONSOLE_ROLES))).first()
    if person is None:
        return CodeAsked(None)
    sent = list(s.scalars(select(ConsoleCode.sent_at).where(ConsoleCode.person_id == person.id,
                                                            ConsoleCode.sent_at > now - timedelta(days=1))
                          .order_by(ConsoleCode.sent_at)))
    if sent and sent[-1] > now - CODE_EVERY:
        return CodeAsked(person, retry_at=sent[-1] + CODE_EVERY)
    if len(sent) >= CODES_A_DAY:
        return CodeAsked(person, retry_at=sent[-CODES_A_DAY] + timedelta(days=1))
    code = f"{secrets.randbelow(1_000_000):06d}"
    s.add(ConsoleCode(person_id=person.id, code_hash=_hash(code), sent_at=now, attempts=0))
    s.flush()
    return CodeAsked(person, code)


def check_code(s: Session, phone: str, code: str, now: datetime) -> Person | None:
    """The person signing in, when ``code`` is their latest unused code, sent within 10 minutes and
    tried fewer than five times; a wrong answer counts against the code."""
    person = s.scalars(select(Person).where(Person.phone == phone, Person.active.is_(True),
                                            Person.role.in_(CONSOLE_ROLES))).first()
    if person is None:
        return None
    row = s.scalars(select(ConsoleCode).where(ConsoleCode.person_id == person.id, ConsoleCode.used_at.is_(None))
                    .order_by(ConsoleCode.sent_at.desc()).limit(1).with_for_update()).first()
    if row is None or row.sent_at < now - CODE_VALID or row.attempts >= TRIES:
        return None
    if not hmac.compare_digest(row.code_hash, _hash(code.strip())):
        row.attempts += 1
        return None
    row.used_at = now
    return person


def audit(s: Session, person: Person | None, now: datetime, action: str, petition_id: int | None = None,
          detail: str | None = None, address: str | None = None) -> None:
    s.add(AuditEvent(person_id=person.id if person else None, at=now, action=action, petition_id=petition_id,
                     detail=detail[:2000] if detail else None, address=(address or "")[:64] or None))


# --- scope ----------------------------------------------------------------------------------------

def scope(person: Person) -> list:
    """The conditions on Petition for what ``person`` may see at all."""
    where = [not_recused(person)]
    if person.role == "staff":
        return where
    if person.role in UNIT_ROLES:
        return where + [Petition.unit_id == person.unit_id]
    return where + [Petition.lead_person_id == person.id]   # a leader: their 包案 cases


def may_see(s: Session, person: Person, p: Petition) -> bool:
    if person.id in recused_people(s, p) or (person.unit_id is not None and person.unit_id in recused_units(s, p)):
        return False
    if person.role == "staff":
        return True
    if person.role in UNIT_ROLES:
        return p.unit_id is not None and p.unit_id == person.unit_id
    return p.lead_person_id == person.id


# --- 工作台 ---------------------------------------------------------------------------------------

@dataclass
class Shelf:
    key: str
    title: str
    count: int
    rows: list = field(default_factory=list)     # Petition, or (title, detail) for what is not a case


def _cases(s: Session, person: Person, key: str, title: str, where: list, order, limit: int) -> Shelf:
    conds = scope(person) + where
    count = s.scalar(select(func.count()).select_from(Petition).where(*conds)) or 0
    rows = list(s.scalars(select(Petition).where(*conds).order_by(*order).limit(limit))) if count else []
    return Shelf(key, title, count, rows)


def shelves(s: Session, person: Person, now: datetime, limit: int = 10) -> list[Shelf]:
    """The lists of the 工作台 with their counts, for this person (the bureau's staff: all of them)."""
    p = Petition
    due = (p.due_next.is_(None), p.due_next, p.id)
    staff = person.role == "staff"
    out = []
    if staff:
        out.append(_cases(s, person, "unassigned", "待交办", [p.status.in_((Status.REGISTERED,)),
                                                           p.accusation.is_(False)], (p.received_at, p.id), limit))
        out.append(_cases(s, person, "accusations", "检举控告待核定",
                          [p.status == Status.REGISTERED, p.accusation.is_(True)], (p.received_at, p.id), limit))
    out.append(_cases(s, person, "overdue", "挂牌 / 超期", [p.status.in_(OPEN), p.overdue.is_(True)], due, limit))
    out.append(_cases(s, person, "due_soon", "即将到期（24小时内）",
                      [p.status.in_(OPEN), p.overdue.is_(False), p.due_next <= now + timedelta(hours=24)], due, limit))
    if staff:
        out.append(_cases(s, person, "returned", "退回待改派", [p.status == Status.RETURNED], (p.updated_at, p.id), limit))
    out.append(_cases(s, person, "extensions", "延期待批",
                      [p.pending_extension.is_not(None), cast(p.pending_extension, String) != "null"], due, limit))
    out.append(_cases(s, person, "reviews", "复查 / 复核", [p.status == Status.REVIEWING], due, limit))
    plans = select(EveningPlan, p).join(p, p.id == EveningPlan.petition_id).where(
        EveningPlan.status.in_(("selected", "filed", "completed")), *scope(person))
    plan_rows = list(s.execute(plans.order_by(EveningPlan.id).limit(limit)))
    out.append(Shelf("evenings", "七晚", s.scalar(select(func.count()).select_from(plans.subquery())) or 0,
                     [x for _, x in plan_rows]))
    out.append(_cases(s, person, "follow_up", "回访（未评价、不满意）",
                      [p.status == Status.CLOSED, p.closed_at >= now - timedelta(days=30),
                       or_(p.rating.is_(None), p.rating == "unsatisfied")], (p.closed_at.desc(), p.id), limit))
    warned = select(PetitionEvent.petition_id).where(PetitionEvent.kind == "warning",
                                                     PetitionEvent.at >= now - timedelta(days=7))
    out.append(_cases(s, person, "warnings", "预警（集体访、扬言越级）", [p.id.in_(warned)], (p.received_at.desc(),), limit))
    if staff:
        failed = s.scalar(select(func.count()).select_from(OutboundMessage).where(OutboundMessage.status == "failed")) or 0
        rows = [(m.purpose, m.error or "") for m in s.scalars(select(OutboundMessage).where(
            OutboundMessage.status == "failed").order_by(OutboundMessage.id.desc()).limit(limit))]
        out.append(Shelf("failed_texts", "发送失败", failed, rows))
        lost = s.scalar(select(func.count()).select_from(Attachment).where(Attachment.fetch_status == "failed")) or 0
        rows = [(a.kind, a.fetch_error or "") for a in s.scalars(select(Attachment).where(
            Attachment.fetch_status == "failed").order_by(Attachment.id.desc()).limit(limit))]
        out.append(Shelf("media", "媒体未保存", lost, rows))
    return out


# --- 事项检索 -------------------------------------------------------------------------------------

@dataclass
class Found:
    rows: list[Petition]
    total: int
    page: int
    pages: int


def search(s: Session, person: Person, q: str = "", unit_id: int | None = None, status: str | None = None,
           page: int = 1) -> Found:
    """By tracking number, phone, name or words of the text; filters by unit and status; 50 a page."""
    p = Petition
    conds = scope(person)
    q = q.strip()
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        terms = [p.tracking_no == q.upper(), p.name == q, p.content.contains(q, autoescape=True)]
        if len(digits) >= 7:
            terms.append(p.phone.contains(digits[-11:], autoescape=True))
        conds.append(or_(*terms))
    if unit_id:
        conds.append(p.unit_id == unit_id)
    if status:
        conds.append(p.status == status)
    total = s.scalar(select(func.count()).select_from(p).where(*conds)) or 0
    pages = max(1, -(-total // PAGE))
    page = min(max(1, page), pages)
    rows = list(s.scalars(select(p).where(*conds).order_by(p.received_at.desc(), p.id.desc())
                          .offset((page - 1) * PAGE).limit(PAGE)))
    return Found(rows, total, page, pages)


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


def case_file(s: Session, person: Person, tracking_no: str) -> CaseFile | None:
    p = s.scalars(select(Petition).where(Petition.tracking_no == tracking_no.strip().upper())).first()
    if p is None or not may_see(s, person, p):
        return None
    events = list(s.scalars(select(PetitionEvent).where(PetitionEvent.petition_id == p.id)
                            .order_by(PetitionEvent.at, PetitionEvent.id)))
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

RATING_WORDS = {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}


def ledger(s: Session, person: Person, start: datetime, end: datetime, batch: int = 2000):
    """The 台账 rows of the petitions received in [start, end) this person may see, in order,
    read ``batch`` at a time (an export of a year holds one batch in memory, not the year)."""
    p = Petition
    units = dict(s.execute(select(Unit.id, Unit.name)).all())
    places = dict(s.execute(select(Township.id, Township.name)).all())
    villages = dict(s.execute(select(Village.id, Village.name)).all())
    query = (select(p.tracking_no, p.channel, p.township_id, p.village_id, p.unit_id, p.category, p.people,
                    p.received_at, p.assigned_at, p.accepted_at, p.met_at, p.replied_at, p.closed_at, p.status,
                    p.rating)
             .where(p.received_at >= start, p.received_at < end, *scope(person)).order_by(p.received_at, p.id))

    def when(t):
        return t.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if t else ""
    for r in s.execute(query.execution_options(yield_per=batch)):
        yield (r.tracking_no, CHANNEL_LABELS.get(r.channel, r.channel), places.get(r.township_id, ""),
               villages.get(r.village_id, ""), units.get(r.unit_id, "未交办"), r.category or "", r.people,
               when(r.received_at), when(r.assigned_at), when(r.accepted_at), when(r.met_at), when(r.replied_at),
               when(r.closed_at), STATUS_WORDS.get(r.status, r.status), RATING_WORDS.get(r.rating, ""))
