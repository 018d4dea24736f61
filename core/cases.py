"""A case's life after registration: assign → accept → meet → reply → close, with 退回 and 延期.

Every function here checks that the step is allowed now, changes the petition, appends a
PetitionEvent, and recomputes the deadlines (core.timelines) — or raises :class:`CaseError`
with a sentence for the person who asked, changing nothing. No messages are sent from here:
the handlers decide who is told what.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import SHANGHAI
from core.models import County, Person, Petition, PetitionEvent, Unit
from core.timelines import (MILESTONES, STATUTORY_MAX_EXTENSION, CaseFacts, Deadlines, Policy,
                            return_allowed_until)
from core.workdays import WorkCalendar

OPEN = ("registered", "assigned", "accepted", "replied", "returned")
HANDLING = ("assigned", "accepted", "replied")
COMPLEXITY_WORDS = {"简单": "simple", "一般": "normal", "复杂": "complex"}
REMIND_BEFORE = timedelta(days=1)
SAME_DAY_REMIND_BEFORE_CUTOFF = timedelta(hours=2)


STATUS_LABELS = {
    "registered": "已登记，待交办",
    "assigned": "已交办责任单位",
    "accepted": "责任单位已受理",
    "replied": "已答复",
    "closed": "已办结",
    "withdrawn": "已撤回",
    "rejected": "不予受理",
    "returned": "已退回信访局，待重新交办",
}


class CaseError(Exception):
    """A step that is not allowed; the message is said to the person who asked."""


@dataclass(frozen=True)
class Rules:
    policy: Policy
    calendar: WorkCalendar

    @classmethod
    def for_county(cls, county: County) -> Rules:
        return cls(Policy.from_options(county.options), WorkCalendar.from_options(county.options))


def facts(p: Petition) -> CaseFacts:
    return CaseFacts(received_at=p.received_at, assigned_at=p.assigned_at, accepted_at=p.accepted_at,
                     complexity=p.complexity, extension_days=p.extension_days or 0)


def done(p: Petition) -> dict[str, bool]:
    return {"assign": p.assigned_at is not None, "accept": p.accepted_at is not None,
            "meet": p.met_at is not None, "reply": p.replied_at is not None, "finish": p.closed_at is not None}


def remind_at(milestone: str, due: datetime, rules: Rules) -> datetime:
    """When the unit is reminded of a deadline: 2 hours before the cut-off on a same-day deadline,
    else one day before."""
    if rules.policy.name == "same_day" and milestone in ("assign", "accept", "meet"):
        local = due.astimezone(SHANGHAI)
        cutoff = datetime.combine(local.date(), rules.policy.cutoff, SHANGHAI)
        return cutoff - SAME_DAY_REMIND_BEFORE_CUTOFF
    return due - REMIND_BEFORE


def recompute(p: Petition, rules: Rules) -> Deadlines:
    """Store every milestone's deadline on the case, and ``due_next``: the next moment the sweep
    has something to do for it (a reminder or a deadline; one already passed means "now")."""
    d = rules.policy.deadlines(facts(p), rules.calendar)
    p.due_assign, p.due_accept, p.due_meet, p.due_reply, p.due_finish = d.assign, d.accept, d.meet, d.reply, d.finish
    p.deadline_provisional = d.provisional
    p.due_next = next_check(p, rules)
    return d


def open_milestones(p: Petition) -> list[tuple[str, datetime]]:
    """The milestones still to do and their stored deadlines, in order. A case with the bureau
    (registered, returned) has only ``assign`` to do: the unit's deadlines start when it has it."""
    if p.status not in OPEN:
        return []
    state = done(p)
    with_bureau = p.status in ("registered", "returned")
    return [(m, due) for m in MILESTONES
            if (due := getattr(p, f"due_{m}")) is not None and not state[m] and (m == "assign" or not with_bureau)]


def next_due(p: Petition) -> datetime | None:
    """The nearest deadline still to meet."""
    return next((due for _, due in open_milestones(p)), None)


def next_check(p: Petition, rules: Rules, after: datetime | None = None) -> datetime | None:
    """The earliest reminder or deadline of an open milestone; with ``after``, the earliest one
    later than it (the sweep moves a case on to its next event)."""
    times = [t for m, due in open_milestones(p) for t in (remind_at(m, due, rules), due)]
    if after is not None:
        times = [t for t in times if t > after]
    return min(times) if times else None


def event(s: Session, p: Petition, now: datetime, kind: str, actor: str, text: str | None = None,
          inbound_id: int | None = None) -> None:
    s.add(PetitionEvent(petition_id=p.id, at=now, kind=kind, actor=actor, text=text, inbound_id=inbound_id))
    p.updated_at = now


def default_unit(s: Session, p: Petition, county: County) -> Unit | None:
    """Where a new petition goes: a department when its text names a matter in the county's
    category table (``[[routes]] keywords = [...], unit = "code"``), else the township (属地)."""
    for route in (county.options or {}).get("routes", []):
        if any(k in p.content for k in route.get("keywords", [])):
            unit = s.scalars(select(Unit).where(Unit.code == route.get("unit"), Unit.active.is_(True))).first()
            if unit is not None:
                return unit
    return s.scalars(select(Unit).where(Unit.kind == "township", Unit.township_id == p.township_id,
                                        Unit.active.is_(True))).first()


def assign(s: Session, p: Petition, unit: Unit, rules: Rules, now: datetime, actor: str,
           inbound_id: int | None = None) -> None:
    if p.status not in ("registered", "returned"):
        raise CaseError(f"{p.tracking_no}目前{_label(p)}，不能再交办。")
    if unit.kind == "bureau":
        raise CaseError("请交办给责任单位（乡镇或县直部门）。")
    p.unit_id, p.assigned_at, p.status = unit.id, now, "assigned"
    p.accepted_at = p.met_at = None
    p.complexity = None
    event(s, p, now, "assigned", actor, unit.name, inbound_id)
    recompute(p, rules)


def accept(s: Session, p: Petition, rules: Rules, now: datetime, actor: str, complexity: str | None,
           inbound_id: int | None = None) -> None:
    if p.status != "assigned":
        raise CaseError(_out_of_order(p, "受理"))
    p.accepted_at, p.status, p.complexity = now, "accepted", complexity or "normal"
    event(s, p, now, "accepted", actor, p.complexity, inbound_id)
    recompute(p, rules)


def meet(s: Session, p: Petition, rules: Rules, now: datetime, actor: str, note: str,
         inbound_id: int | None = None) -> None:
    if p.status not in ("accepted", "replied"):
        raise CaseError(_out_of_order(p, "见面", "请先回复“受理 编号”。"))
    if p.met_at is not None:
        raise CaseError(f"{p.tracking_no}已于{_hm(p.met_at)}登记见面。")
    p.met_at = now
    event(s, p, now, "met", actor, note or None, inbound_id)
    recompute(p, rules)


def reply(s: Session, p: Petition, rules: Rules, now: datetime, actor: str, text: str,
          inbound_id: int | None = None) -> None:
    if p.status != "accepted":
        raise CaseError(_out_of_order(p, "答复", "请先回复“受理 编号”。"))
    if not text.strip():
        raise CaseError("请在编号后写上答复内容：答复 编号 内容")
    p.replied_at, p.reply_text, p.status = now, text.strip(), "replied"
    event(s, p, now, "replied", actor, text.strip(), inbound_id)
    recompute(p, rules)


def close(s: Session, p: Petition, rules: Rules, now: datetime, actor: str, inbound_id: int | None = None) -> None:
    if p.status != "replied":
        raise CaseError(_out_of_order(p, "办结", "请先回复“答复 编号 内容”。"))
    p.closed_at, p.status = now, "closed"
    p.overdue = False   # 销号
    event(s, p, now, "closed", actor, None, inbound_id)
    recompute(p, rules)


def send_back(s: Session, p: Petition, rules: Rules, now: datetime, actor: str, reason: str,
              inbound_id: int | None = None) -> None:
    """退回: the unit says the matter is not theirs, within 5 working days of receiving it."""
    if p.status not in ("assigned", "accepted"):
        raise CaseError(_out_of_order(p, "退回"))
    if not reason.strip():
        raise CaseError("请写明退回理由：退回 编号 理由")
    last = return_allowed_until(p.assigned_at, rules.calendar)
    if now.astimezone(SHANGHAI).date() > last.date:
        raise CaseError(f"{p.tracking_no}已超过5个工作日的退回期限（{last.date.month}月{last.date.day}日止），"
                        "请继续办理，或联系信访局。")
    unit_name = p.unit.name if p.unit else ""
    p.status, p.unit_id, p.assigned_at, p.accepted_at, p.met_at = "returned", None, None, None, None
    event(s, p, now, "returned", actor, f"{unit_name}：{reason.strip()}", inbound_id)
    recompute(p, rules)


def request_extension(s: Session, p: Petition, rules: Rules, now: datetime, actor: str, days: int,
                      reason: str, inbound_id: int | None = None) -> None:
    if p.status != "accepted":
        raise CaseError(_out_of_order(p, "延期"))
    if days <= 0 or not reason.strip():
        raise CaseError("格式：延期 编号 天数 理由，例如：延期 LS-20261123-0001 15 需现场勘查")
    if p.extension_days:
        raise CaseError(f"{p.tracking_no}已延期一次，依《信访工作条例》第三十四条不能再次延期。")
    if days > STATUTORY_MAX_EXTENSION:
        raise CaseError(f"延期不能超过{STATUTORY_MAX_EXTENSION}日（《信访工作条例》第三十四条）。")
    p.pending_extension = {"days": days, "reason": reason.strip(), "by": actor, "at": now.isoformat()}
    event(s, p, now, "extension_requested", actor, f"{days}日：{reason.strip()}", inbound_id)


def approve_extension(s: Session, p: Petition, rules: Rules, now: datetime, actor: str,
                      inbound_id: int | None = None) -> dict:
    ask = p.pending_extension
    if not ask:
        raise CaseError(f"{p.tracking_no}没有待批准的延期申请。")
    before = p.due_finish
    p.extension_days, p.pending_extension = ask["days"], None
    event(s, p, now, "extension_approved", actor, f"{ask['days']}日：{ask['reason']}", inbound_id)
    recompute(p, rules)
    assert before is None or p.due_finish >= before
    return ask


def withdraw(s: Session, p: Petition, now: datetime, actor: str, inbound_id: int | None = None) -> None:
    """撤回 by the petitioner: nothing more is due."""
    p.status, p.due_next = "withdrawn", None
    event(s, p, now, "withdrawn", actor, None, inbound_id)


# --- whom a case concerns -----------------------------------------------------------------------

def staff_phones(s: Session) -> list[str]:
    """The bureau's staff: told of cases to assign, send-backs, extensions and complaints."""
    return list(s.scalars(select(Person.phone).where(Person.role == "staff", Person.active.is_(True))))


def unit_contacts(s: Session, unit_id: int | None) -> list[str]:
    """Who in a unit gets its cases: the liaison cadres, else the head and cadres."""
    if unit_id is None:
        return []
    active = select(Person.phone).where(Person.unit_id == unit_id, Person.active.is_(True))
    return (list(s.scalars(active.where(Person.role == "liaison")))
            or list(s.scalars(active.where(Person.role.in_(("head", "cadre"))))))


def accountable(s: Session, p: Petition) -> list[str]:
    """Who answers for a missed deadline: the unit head (一把手) and the case's 包案 leader."""
    phones = []
    if p.unit_id is not None:
        phones += list(s.scalars(select(Person.phone).where(Person.unit_id == p.unit_id, Person.active.is_(True),
                                                            Person.role == "head")))
    lead = s.get(Person, p.lead_person_id) if p.lead_person_id is not None else None
    if lead is not None and lead.active:
        phones.append(lead.phone)
    return phones


def _label(p: Petition) -> str:
    return STATUS_LABELS.get(p.status, p.status)


def _out_of_order(p: Petition, step: str, hint: str = "") -> str:
    return f"{p.tracking_no}目前{_label(p)}，不能{step}。{hint}".rstrip()


def _hm(dt: datetime) -> str:
    local = dt.astimezone(SHANGHAI)
    return f"{local.month}月{local.day}日{local:%H:%M}"


def may_act(person: Person, p: Petition) -> bool:
    """Staff act on any case; a unit's cadres on their unit's cases only."""
    if person.role == "staff":
        return True
    return person.role in ("liaison", "cadre", "head") and p.unit_id is not None and p.unit_id == person.unit_id


