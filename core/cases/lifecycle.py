"""A case's life after registration: assign → accept → meet → reply → close, with 退回 and 延期.

Every function here checks that the step is allowed now, changes the petition, appends a
PetitionEvent, and recomputes the deadlines (core.timelines) — or raises :class:`CaseError`
with a sentence for the person who asked, changing nothing. No messages are sent from here:
the handlers decide who is told what.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from core.cases.accusations import not_recused  # noqa: F401  (the lists' filter, here with the rest of recusal)
from core.clock import SHANGHAI, day_start
from core.facts import mark_repeated
from core.store.models import (County, Person, Petition, PetitionEvent, Recusal, ScoreEvent, Unit, insert_all,
                               insert_new)
from core.acts import Act
from core.rules import LAST_MINUTE_SHARE, Rules
from core.status import HANDLING, OPEN, WITH_BUREAU, Status, after, may
from core.timelines import (MILESTONES, STATUTORY_MAX_EXTENSION, CaseFacts, Deadlines, Policy, end_of,
                            return_allowed_until)
from core.words import jobs as words

COMPLEXITY_WORDS = {"简单": "simple", "一般": "normal", "复杂": "complex"}
REMIND_BEFORE = timedelta(days=1)
STATUTORY = Policy(name="statutory")   # the 信访工作条例's own periods
SAME_DAY_REMIND_BEFORE_CUTOFF = timedelta(hours=2)


REVIEW_DAYS = 30          # ask within 30 days of the reply; answered within 30 days (条例 Art. 35, 36)


class CaseError(Exception):
    """A step that is not allowed, changing nothing. ``code`` says why and ``params`` hold what its
    sentence needs (the petition's number, its status …); the words are the front end's
    (core.words.refusals), said to the person who asked."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code, params)
        self.code, self.params = code, params

    def __str__(self) -> str:
        return f"{self.code} {self.params}"




def case_facts(p: Petition) -> CaseFacts:
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
    d = rules.policy.deadlines(case_facts(p), rules.calendar)
    if p.under_evenings and rules.policy.name != "statutory":
        # under 七晚 the seven evenings are the handling: the county's short 答复/办结 targets give
        # way to the 信访工作条例's (Art. 34: 60 days from acceptance, an approved extension added)
        law = STATUTORY.deadlines(case_facts(p), rules.calendar)
        d = dataclasses.replace(d, reply=law.reply, finish=law.finish, provisional=d.provisional or law.provisional)
    p.due_assign, p.due_accept, p.due_meet, p.due_reply, p.due_finish = d.assign, d.accept, d.meet, d.reply, d.finish
    p.deadline_provisional = d.provisional
    p.due_next = next_check(p, rules)
    return d


def open_milestones(p: Petition) -> list[tuple[str, datetime]]:
    """The milestones still to do and their stored deadlines, in order. A case with the bureau
    (registered, returned) has only ``assign`` to do: the unit's deadlines start when it has it."""
    if p.status not in OPEN:
        return []
    if p.status == Status.REVIEWING:
        return [("review", p.due_review)] if p.due_review is not None else []
    state = done(p)
    with_bureau = p.status in WITH_BUREAU
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


def route_for(p: Petition, county: County) -> dict | None:
    """The first entry of the county's category table (``[[county.routes]] category = "…",
    keywords = [...], unit = "code"``) whose keywords the petition's text contains. A keyword
    with "…" allows a few words between its parts, as people write: "欠…工资" fits 欠了我们三个月工资."""
    for route in (county.options or {}).get("routes", []):
        if any(_keyword(k).search(p.content) for k in route.get("keywords", [])):
            return route
    return None


@lru_cache(maxsize=512)
def _keyword(keyword: str) -> re.Pattern:
    return re.compile(".{0,8}?".join(re.escape(part) for part in keyword.split("…") if part))


def default_unit(s: Session | Connection, p: Petition, county: County):
    """Where a new petition goes: the department of its category when the county's table names
    one, else the township (属地) — never a unit the petition accuses. A row with the unit's
    columns (id, code, name, kind, …), read on a session or a Core connection."""
    barred = recused_units(s, p)
    route = route_for(p, county)
    if route is not None and route.get("unit"):
        unit = s.execute(_UNIT_BY_CODE, {"code": route["unit"], "county": county.id}).first()
        if unit is not None and unit.id not in barred:
            return unit
    unit = s.execute(_TOWNSHIP_UNIT, {"township_id": p.township_id}).first()
    return unit if unit is not None and unit.id not in barred else None


# a unit's code is its county's (0035: two counties may both have a "zrzyj"): the case's county's
_UNIT_BY_CODE = select(*Unit.__table__.c).where(Unit.county_id == bindparam("county"), Unit.code == bindparam("code"),
                                                Unit.active.is_(True)).limit(1)
_TOWNSHIP_UNIT = select(*Unit.__table__.c).where(Unit.kind == "township", Unit.township_id == bindparam("township_id"),
                                                 Unit.active.is_(True)).limit(1)


class NewCase:
    """A new petition decided in full before it is stored: the rules that open a case (assign,
    recompute) run on the unsaved petition, and the events they add wait here — this stands in
    for the session they add to. :meth:`store` then writes the petition and its events with two
    Core statements: every submission takes this path (bench/inbound.py), and the unit of work
    would cost more than the rest of the message."""

    def __init__(self, p: Petition) -> None:
        self.petition = p
        self.events: list[PetitionEvent] = []

    def add(self, event_: PetitionEvent) -> None:
        self.events.append(event_)

    def store(self, conn: Connection) -> int:
        pid = insert_new(conn, self.petition)
        for e in self.events:
            e.petition_id, e.county_id = pid, self.petition.county_id   # the case's county (None: the only one)
        insert_all(conn, self.events)
        return pid


def may_now(p: Petition, step: str) -> None:
    """Refuse a step its status does not allow now ("not_now": the citizen's and cadre's words say
    what the case is waiting for)."""
    if not may(step, p.status):
        raise CaseError("not_now", no=p.tracking_no, status=p.status, step=step)

def assign(act: Act, p: Petition, unit: Unit) -> None:
    s, rules, now, actor, inbound_id = act.session, act.rules, act.now, act.actor, act.inbound_id
    may_now(p, "assign")
    _hand_to(s, p, unit, now)
    p.status = after("assign", p.status)
    event(s, p, now, "assigned", actor, unit.name, inbound_id)
    recompute(p, rules)


def reassign(act: Act, p: Petition, unit: Unit) -> Unit:
    """改派: the bureau moves a case its unit has not accepted yet to another unit — no 退回 by
    the unit, no blame on it; the new unit's time runs from now, as on a first 交办. Returns the
    unit it was with."""
    s, rules, now, actor, inbound_id = act.session, act.rules, act.now, act.actor, act.inbound_id
    if p.status in (Status.ACCEPTED, Status.REPLIED) and p.unit is not None:
        raise CaseError("reassign_accepted", no=p.tracking_no, unit=p.unit.name)
    may_now(p, "reassign")
    was = p.unit
    if was is not None and unit.id == was.id:
        raise CaseError("reassign_same", no=p.tracking_no, unit=unit.name)
    _hand_to(s, p, unit, now)
    p.unit = unit
    event(s, p, now, "reassigned", actor, words.reassigned_event(was.name if was else "", unit.name), inbound_id)
    recompute(p, rules)
    return was


def urge(act: Act, p: Petition, note: str) -> str:
    """催办: the bureau presses the unit on its next deadline — once a day a case (a second press
    the same day is refused: the unit has the first). Returns the milestone it is pressed on."""
    s, now, actor, inbound_id = act.session, act.now, act.actor, act.inbound_id
    may_now(p, "urge")
    today = day_start(now.astimezone(SHANGHAI).date())
    if s.scalar(select(PetitionEvent.id).where(PetitionEvent.petition_id == p.id, PetitionEvent.kind == "urged",
                                               PetitionEvent.at >= today).limit(1)) is not None:
        raise CaseError("urged_today", no=p.tracking_no)
    milestone = next((m for m, _ in open_milestones(p)), "finish")
    event(s, p, now, "urged", actor, note or None, inbound_id)
    return milestone


def _hand_to(s: Session, p: Petition, unit: Unit, now: datetime) -> None:
    """The case goes to ``unit`` (never the bureau, never a unit it accuses), its time from now."""
    if unit.kind == "bureau":
        raise CaseError("assign_to_bureau")
    if unit.id in recused_units(s, p):
        raise CaseError("assign_accused", no=p.tracking_no, unit=unit.name)
    p.unit_id, p.assigned_at = unit.id, now
    p.accepted_at = p.met_at = None
    p.complexity = None


def accept(act: Act, p: Petition, complexity: str | None) -> None:
    s, rules, now, actor, inbound_id = act.session, act.rules, act.now, act.actor, act.inbound_id
    may_now(p, "accept")
    p.accepted_at, p.status, p.complexity = now, after("accept", p.status), complexity or "normal"
    event(s, p, now, "accepted", actor, p.complexity, inbound_id)
    recompute(p, rules)


def meet(act: Act, p: Petition, note: str) -> None:
    s, rules, now, actor, inbound_id = act.session, act.rules, act.now, act.actor, act.inbound_id
    may_now(p, "meet")
    if p.met_at is not None:
        raise CaseError("met_already", no=p.tracking_no, at=p.met_at)
    p.met_at = now
    event(s, p, now, "met", actor, note or None, inbound_id)
    recompute(p, rules)


def reply(act: Act, p: Petition, text: str) -> None:
    s, rules, now, actor, inbound_id = act.session, act.rules, act.now, act.actor, act.inbound_id
    may_now(p, "reply")
    if not text.strip():
        raise CaseError("reply_empty")
    due, since = p.due_reply, p.accepted_at or p.assigned_at
    p.replied_at, p.reply_text, p.status = now, text.strip(), after("reply", p.status)
    event(s, p, now, "replied", actor, text.strip(), inbound_id)
    if due is not None and since is not None and now <= due and due - now <= (due - since) * LAST_MINUTE_SHARE:
        signal(s, p, now, rules, "last_minute", words.last_minute_note(p.tracking_no, f"{due.astimezone(SHANGHAI):%m-%d %H:%M}"))
    recompute(p, rules)


def close(act: Act, p: Petition) -> None:
    s, rules, now, actor, inbound_id = act.session, act.rules, act.now, act.actor, act.inbound_id
    may_now(p, "close")
    p.closed_at, p.status = now, after("close", p.status)
    p.overdue = False   # 销号
    event(s, p, now, "closed", actor, None, inbound_id)
    recompute(p, rules)


def send_back(act: Act, p: Petition, reason: str) -> None:
    """退回: the unit says the matter is not theirs, within 5 working days of receiving it."""
    s, rules, now, actor, inbound_id = act.session, act.rules, act.now, act.actor, act.inbound_id
    may_now(p, "send_back")
    if not reason.strip():
        raise CaseError("send_back_reason")
    last = return_allowed_until(p.assigned_at, rules.calendar)
    if now.astimezone(SHANGHAI).date() > last.date:
        raise CaseError("send_back_late", no=p.tracking_no, last=last.date)
    unit_name = p.unit.name if p.unit else ""
    if p.unit_id and s.scalar(select(PetitionEvent.id).where(
            PetitionEvent.petition_id == p.id, PetitionEvent.kind == "returned",
            PetitionEvent.text.startswith(f"{unit_name}：", autoescape=True)).limit(1)) is not None:
        signal(s, p, now, rules, "repeat_return", words.returned_again_note(p.tracking_no))
    p.status, p.unit_id, p.assigned_at, p.accepted_at, p.met_at = after("send_back", p.status), None, None, None, None
    event(s, p, now, "returned", actor, f"{unit_name}：{reason.strip()}", inbound_id)
    recompute(p, rules)


def not_accept(act: Act, p: Petition, reason: str) -> None:
    """不予受理 (信访工作条例 Art. 23, 32): a case not yet accepted is not accepted, with the reason
    the petitioner is told; nothing more is due on it."""
    s, rules, now, actor, inbound_id = act.session, act.rules, act.now, act.actor, act.inbound_id
    may_now(p, "not_accept")
    if not reason.strip():
        raise CaseError("not_accept_reason")
    unit_name = p.unit.name if p.unit else "信访局"
    p.status, p.overdue = after("not_accept", p.status), False
    event(s, p, now, "not_accepted", actor, f"{unit_name}：{reason.strip()}", inbound_id)
    recompute(p, rules)


def request_extension(act: Act, p: Petition, days: int, reason: str) -> None:
    s, rules, now, actor, inbound_id = act.session, act.rules, act.now, act.actor, act.inbound_id
    may_now(p, "extend")
    check_extension(days, reason)
    if p.extension_days:
        raise CaseError("extended_once", no=p.tracking_no)
    if p.pending_extension:   # one request waits: the bureau is not asked twice
        raise CaseError("extension_pending", no=p.tracking_no, days=p.pending_extension.get("days"))
    p.pending_extension = {"days": days, "reason": reason.strip(), "by": actor, "at": now.isoformat()}
    event(s, p, now, "extension_requested", actor, words.extension_event(days, reason.strip()), inbound_id)
    signal(s, p, now, rules, "extension", words.extension_note(p.tracking_no, days))


def check_extension(days: int, reason: str) -> None:
    """延期's own rule: 1 to the 条例's 30 days (Art. 34), with a reason (core.actions.Extension)."""
    if days <= 0 or not reason.strip():
        raise CaseError("extend_format")
    if days > STATUTORY_MAX_EXTENSION:
        raise CaseError("extend_too_long", most=STATUTORY_MAX_EXTENSION)


def signal(s: Session, p: Petition, now: datetime, rules: Rules, kind: str, note: str) -> None:
    """A way of playing the clock (core.reports.scores.GAMING), recorded for the unit's 月考评 even when the
    county's table gives it no points, so the monthly analysis can count it."""
    if p.unit_id:
        s.add(ScoreEvent(unit_id=p.unit_id, petition_id=p.id, at=now, kind=kind,
                         points=rules.scores.of(kind), note=note))


def approve_extension(act: Act, p: Petition) -> dict:
    s, rules, now, actor, inbound_id = act.session, act.rules, act.now, act.actor, act.inbound_id
    ask = p.pending_extension
    if not ask:
        raise CaseError("no_extension_asked", no=p.tracking_no)
    before = p.due_finish
    p.extension_days, p.pending_extension = ask["days"], None
    event(s, p, now, "extension_approved", actor, words.extension_event(ask["days"], ask["reason"]), inbound_id)
    recompute(p, rules)
    assert before is None or p.due_finish >= before
    return ask


def withdraw(act: Act, p: Petition) -> None:
    """撤回 by the petitioner: nothing more is due."""
    s, now, actor, inbound_id = act.session, act.now, act.actor, act.inbound_id
    p.status, p.due_next = Status.WITHDRAWN, None
    event(s, p, now, "withdrawn", actor, None, inbound_id)


def link_repeat(act: Act, p: Petition, original: Petition) -> None:
    """``p`` raises again the matter of the open ``original`` (重复访): linked, not counted twice,
    and the original no longer counts as resolved at once."""
    s, now, actor, inbound_id = act.session, act.now, act.actor, act.inbound_id
    p.repeat_of_id = original.id
    mark_repeated(original)
    event(s, original, now, "repeat_linked", actor, words.repeated(p.tracking_no), inbound_id)


# --- 复查 / 复核 ----------------------------------------------------------------------------------

def review_window(p: Petition, rules: Rules) -> tuple[str, datetime] | None:
    """Which review the petitioner may ask for now and until when: 复查 within 30 days of the
    reply (Art. 35), then 复核 within 30 days of the 复查 answer (Art. 36); after 复核, none."""
    if not may("request_review", p.status):
        return None
    if p.review_level is None and p.replied_at is not None:
        start, level = p.replied_at, "review"
    elif p.review_level == "review" and p.review_answered_at is not None:
        start, level = p.review_answered_at, "re_review"
    else:
        return None
    last = rules.calendar.add_days(start.astimezone(SHANGHAI).date(), REVIEW_DAYS)
    return level, end_of(last.date)


def request_review(act: Act, p: Petition, level: str) -> None:
    """申请复查 / 申请复核: the bureau answers within 30 days (calendar days, a holiday end moves on)."""
    s, rules, now, actor, inbound_id = act.session, act.rules, act.now, act.actor, act.inbound_id
    if p.status == Status.REVIEWING:
        raise CaseError("review_under_way", no=p.tracking_no, level=p.review_level, due=p.due_review)
    if p.review_level == "re_review":
        raise CaseError("re_reviewed", no=p.tracking_no)
    window = review_window(p, rules)
    if window is None:
        raise CaseError("review_before_reply", no=p.tracking_no, status=p.status)
    allowed, until = window
    if allowed != level:
        raise CaseError("review_first" if level == "re_review" else "re_review_next", no=p.tracking_no)
    if now > until:
        raise CaseError("review_late", no=p.tracking_no, level=level, until=until)
    p.status, p.review_level, p.review_requested_at, p.review_answered_at = after("request_review", p.status), level, now, None
    due = rules.calendar.add_days(now.astimezone(SHANGHAI).date(), REVIEW_DAYS)
    p.due_review = end_of(due.date)
    if due.provisional:   # the answer is due in a year whose holidays are not published yet
        p.deadline_provisional = True
    event(s, p, now, f"{level}_requested", actor, None, inbound_id)
    p.due_next = next_check(p, rules)


def answer_review(act: Act, p: Petition, text: str) -> None:
    s, rules, now, actor, inbound_id = act.session, act.rules, act.now, act.actor, act.inbound_id
    if not may("answer_review", p.status):
        raise CaseError("no_review", no=p.tracking_no)
    if not text.strip():
        raise CaseError("review_answer_empty")
    p.status, p.review_answered_at = after("answer_review", p.status), now
    p.closed_at = p.closed_at or now
    p.overdue = False
    event(s, p, now, f"{p.review_level}_answered", actor, text.strip(), inbound_id)
    p.due_next = next_check(p, rules)


# --- 包案 and recusal (被反映) --------------------------------------------------------------------

def set_lead(act: Act, p: Petition, lead: Person) -> None:
    """包案: a county leader owns the case and gets its alerts — never one the case accuses, nor
    the head of a unit it accuses."""
    s, now, actor, inbound_id = act.session, act.now, act.actor, act.inbound_id
    if lead.role not in ("leader", "head"):
        raise CaseError("lead_not_leader", name=lead.name)
    if barred(s, p).bars(lead):
        raise CaseError("lead_accused", no=p.tracking_no, name=lead.name)
    p.lead_person_id = lead.id
    event(s, p, now, "lead_set", actor, lead.name, inbound_id)


@dataclass
class Recused:
    """What a 被反映 did: the petitions of the matter (``p`` first), the units and people now
    barred from them (a named head's unit with the head), and those taken back to the bureau."""

    matter: list[Petition]
    units: list[Unit]
    people: list[Person]
    taken_back: list[Petition]


def recuse(s: Session, p: Petition, now: datetime, actor: str, unit: Unit | None = None,
           person: Person | None = None, inbound_id: int | None = None) -> Recused:
    """Record that the petition accuses ``unit`` or ``person`` — and with it every petition of the
    same matter (:func:`matter_of`: the one it repeats, the repeats joined or linked to it), since
    a repeat carries the accusation's words too. Naming a unit's head bars the unit too. A 包案
    leader it accuses, or the head of a unit it accuses, no longer leads it; a petition with an
    accused unit is taken back to the bureau for reassignment."""
    if (unit is None) == (person is None):
        raise ValueError("recuse a unit or a person")
    if unit is not None and unit.id in recused_units(s, p) or person is not None and person.id in recused_people(s, p):
        raise CaseError("recused_already", no=p.tracking_no, name=(unit or person).name)
    marks = [(unit, person)]
    if person is not None and person.role == "head" and person.unit_id is not None:
        marks.append((s.get(Unit, person.unit_id), None))   # the unit its named head answers for
    done = Recused([p, *matter_of(s, p)], [u for u, _ in marks if u is not None],
                   [x for _, x in marks if x is not None], [])
    for q in done.matter:
        for u, x in marks:
            if u is not None and u.id in recused_units(s, q) or x is not None and x.id in recused_people(s, q):
                continue
            if _recuse_one(s, q, now, actor, u, x, inbound_id if q is p else None,
                           None if q is p else f"（随{p.tracking_no}）") and q not in done.taken_back:
                done.taken_back.append(q)
        s.flush()
    return done


def _recuse_one(s: Session, p: Petition, now: datetime, actor: str, unit: Unit | None, person: Person | None,
                inbound_id: int | None, why: str | None) -> bool:
    s.add(Recusal(petition_id=p.id, unit_id=unit.id if unit else None, person_id=person.id if person else None,
                  at=now, actor=actor))
    p.accusation = True
    event(s, p, now, "recused", actor, (unit or person).name + (why or ""), inbound_id)
    lead = s.get(Person, p.lead_person_id) if p.lead_person_id else None
    if lead is not None and (person is not None and lead.id == person.id or unit is not None and lead.unit_id == unit.id):
        p.lead_person_id = None
    if unit is not None and p.unit_id == unit.id and may("take_back", p.status):
        p.status, p.unit_id, p.assigned_at, p.accepted_at, p.met_at = after("take_back", p.status), None, None, None, None
        p.complexity = None
        event(s, p, now, "taken_back", actor, unit.name, inbound_id)
        return True
    return False


def matter_of(s: Session, p: Petition) -> list[Petition]:
    """The other petitions of ``p``'s matter: up the chain of repeats to the first, then every
    repeat joined (并案) or linked (重复访) to any of them — a few rows at most."""
    root, seen = p, {p.id}
    while root.repeat_of_id is not None and root.repeat_of_id not in seen:
        seen.add(root.repeat_of_id)
        root = s.get(Petition, root.repeat_of_id)
    out, frontier, seen = {root.id: root}, [root.id], {root.id}
    while frontier:
        rows = list(s.scalars(select(Petition).where(Petition.repeat_of_id.in_(frontier))))
        frontier = [q.id for q in rows if q.id not in seen]
        seen.update(frontier)
        out.update((q.id, q) for q in rows)
    return [q for pid, q in sorted(out.items()) if pid != p.id]


def inherit_recusals(s: Session, p: Petition, original: Petition, now: datetime) -> bool:
    """A repeat joined or linked to ``original`` carries whom the original accuses (recusal is a
    property of the matter, not of one row). True when there was any. ``p`` must be stored."""
    rows = _recusals(s, original)
    have = set(_recusals(s, p))
    for unit_id, person_id in rows:
        if (unit_id, person_id) not in have:
            s.add(Recusal(petition_id=p.id, unit_id=unit_id, person_id=person_id, at=now, actor="system"))
    if rows:
        p.accusation = True
        s.flush()
    return bool(rows)


def _recusals(s: Session, p: Petition) -> list[tuple[int | None, int | None]]:
    """(unit id, person id) of each recusal. Only an accusation has any (``recuse`` marks it), so
    the ordinary case costs no query."""
    if p.id is None or not p.accusation:
        return []
    return list(s.execute(select(Recusal.unit_id, Recusal.person_id).where(Recusal.petition_id == p.id)))


@dataclass
class Barred:
    """Whom one petition accuses: units and people."""

    units: set[int] = field(default_factory=set)
    people: set[int] = field(default_factory=set)

    def bars(self, person: Person) -> bool:
        return person.id in self.people or (person.unit_id is not None and person.unit_id in self.units)


NOBODY = Barred()


def recusals_of(s: Session, petition_ids) -> dict[int, Barred]:
    """Whom each of many petitions accuses, in one statement (lists and digests for many readers)."""
    out: dict[int, Barred] = {}
    ids = list(petition_ids)
    if not ids:
        return out
    for pid, unit_id, person_id in s.execute(select(Recusal.petition_id, Recusal.unit_id, Recusal.person_id)
                                             .where(Recusal.petition_id.in_(ids))):
        b = out.setdefault(pid, Barred())
        if unit_id is not None:
            b.units.add(unit_id)
        if person_id is not None:
            b.people.add(person_id)
    return out


def barred(s: Session, p: Petition) -> Barred:
    """Whom one petition accuses."""
    out = Barred()
    for unit_id, person_id in _recusals(s, p):
        if unit_id is not None:
            out.units.add(unit_id)
        if person_id is not None:
            out.people.add(person_id)
    return out


def recused_names(s: Session, p: Petition) -> list[str]:
    """The names of the units and people ``p`` accuses, units first (for the bureau's notice)."""
    b = barred(s, p)
    units = s.scalars(select(Unit.name).where(Unit.id.in_(b.units)).order_by(Unit.id)) if b.units else []
    people = s.scalars(select(Person.name).where(Person.id.in_(b.people)).order_by(Person.id)) if b.people else []
    return [*units, *people]


def recused_units(s: Session, p: Petition) -> set[int]:
    return {unit_id for unit_id, _ in _recusals(s, p) if unit_id is not None}


def recused_people(s: Session, p: Petition) -> set[int]:
    return {person_id for _, person_id in _recusals(s, p) if person_id is not None}


def todo(s: Session, person: Person, limit: int = 200) -> list[Petition]:
    """待办: the open cases a person has to act on, nearest deadline first — the bureau's staff
    every open one, a unit's cadres their unit's being handled; never one that accuses them."""
    query = select(Petition).where(Petition.status.in_(HANDLING if person.role != "staff" else OPEN))
    if person.role != "staff":
        query = query.where(Petition.unit_id == person.unit_id)
    query = query.where(not_recused(person))
    return list(s.scalars(query.order_by(Petition.due_next.is_(None), Petition.due_next, Petition.id).limit(limit)))


def lock_by_number(s: Session, tracking_no: str) -> Petition | None:
    """The petition with this tracking number, its row locked for the rest of the transaction."""
    return s.scalars(select(Petition).where(Petition.tracking_no == tracking_no).with_for_update()).first()


def lock_by_id(s: Session, petition_id: int | None) -> Petition | None:
    """The petition ``petition_id``, its row locked for the rest of the transaction."""
    if petition_id is None:
        return None
    return s.scalars(select(Petition).where(Petition.id == petition_id).with_for_update()).first()


def may_act(s: Session, person: Person, p: Petition) -> bool:
    """Staff act on any case; a unit's cadres on their unit's cases only; nobody on a case that
    accuses them."""
    if person.id in recused_people(s, p):
        return False
    if person.role == "staff":
        return True
    return person.role in ("liaison", "cadre", "head") and p.unit_id is not None and p.unit_id == person.unit_id


