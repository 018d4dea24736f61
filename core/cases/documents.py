"""The written notices the 信访工作条例 asks for, built from a case (issue 32, 4): 受理告知书 /
不予受理告知书 (Art. 23), the 交办单 a unit receives (Art. 22), the 答复意见书 (Art. 31(6), 32, with
the right to 复查 of Art. 35), the 复查意见书 and 复核意见书 (Art. 35, 36) — each as a
:class:`Document` (its county, number, addressee, paragraphs, legal basis and date) that
notifications/documents.py writes as a Word file. The words are core.words.documents'.

A document exists only once its step has happened (no 答复意见书 before the answer): else
``CaseError("document_not_yet")``. Its number is the case's own (鲁山信受告〔2026〕1122-0007号: the
tracking number's year, day and serial), so printing it again gives the same number; its date is
the step's, not the printing's. Who may have one is who may open the case (core.workplace.workbench.find_case:
never a person or unit the case accuses); :func:`issue` records each one in the case's history.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.cases.lifecycle import CaseError, event
from core.phones import mask_phone, redact
from core.directory.lookup import current_county
from core.store.models import Person, Petition, PetitionEvent, Unit
from core.text import CHANNEL_LABELS
from core.words import documents as W

KINDS = tuple(W.TITLES)
EVENT = "document"                       # the history's event kind (and the audit's action)
NUMBERED = re.compile(r"^[A-Z]+-(\d{4})(\d{4}-\d+)$")   # LS-20261122-0007 → 2026, 1122-0007


@dataclass(frozen=True)
class Document:
    kind: str
    title: str
    number: str
    county: str                  # 鲁山县
    issuer: str                  # who signs it: the unit, or the bureau
    addressee: str               # the petitioner, or (交办单) the unit
    paragraphs: list[str]
    basis: str                   # 《信访工作条例》第…条
    dated: datetime              # the step's moment
    tracking_no: str
    rows: list[tuple[str, str]] = field(default_factory=list)        # a table: the 交办单's facts
    deadlines: list[tuple[str, str]] = field(default_factory=list)   # the 交办单's deadlines


def kind_named(name: str) -> str | None:
    """The kind a title (受理告知书) or a kind's own name (acceptance) names, else None."""
    name = name.strip()
    return name if name in W.TITLES else next((k for k, t in W.TITLES.items() if t == name), None)


def _last(events: list[PetitionEvent], kind: str) -> PetitionEvent | None:
    return next((e for e in reversed(events) if e.kind == kind), None)


def _allowed(p: Petition, events: list[PetitionEvent], kind: str) -> bool:
    if kind == "acceptance":
        return p.accepted_at is not None and p.unit_id is not None
    if kind == "non_acceptance":
        return p.status == "rejected" and _last(events, "not_accepted") is not None
    if kind == "assignment":
        return p.assigned_at is not None and p.unit_id is not None
    if kind == "reply":
        return p.replied_at is not None and bool(p.reply_text) and _last(events, "replied") is not None
    return _last(events, f"{kind}_answered") is not None      # review, re_review


def available(p: Petition, events: list[PetitionEvent]) -> list[str]:
    """The kinds of document this case's state allows now, in the case file's order."""
    return [k for k in KINDS if _allowed(p, events, k)]


def _events(s: Session, p: Petition) -> list[PetitionEvent]:
    return list(s.scalars(select(PetitionEvent).where(PetitionEvent.petition_id == p.id)
                          .order_by(PetitionEvent.at, PetitionEvent.id)))


def _unit_of(s: Session, actor: str) -> Unit | None:
    """The unit of the person an event's actor names ("liaison:12"), if any."""
    _, _, rest = actor.partition(":")
    person = s.get(Person, int(rest)) if rest.isdigit() else None
    return s.get(Unit, person.unit_id) if person is not None and person.unit_id is not None else None


def _short(county: str) -> str:
    """鲁山县 → 鲁山 (a document number's prefix)."""
    return county[:-1] if len(county) > 2 and county[-1] in W.COUNTY_ENDINGS else county


def _full(county: str, name: str) -> str:
    """A body's name as a document heads it, with the county's: 下汤镇人民政府 → 鲁山县下汤镇人民政府,
    县水利局 → 鲁山县水利局 (鲁山县信访局 as it is)."""
    if not county or name.startswith(county):
        return name
    return county + (name[1:] if name.startswith(county[-1]) else name)


def _number(county: str, kind: str, tracking_no: str) -> str:
    m = NUMBERED.match(tracking_no)
    year, serial = (m.group(1), m.group(2)) if m else ("", tracking_no)
    return W.number(_short(county), kind, year, serial)


def build(s: Session, p: Petition, kind: str) -> Document:
    """The document ``kind`` of case ``p`` as its state has it now; CaseError when the state does
    not allow it yet (the caller has checked that the reader may open the case)."""
    events = _events(s, p)
    if kind not in W.TITLES or not _allowed(p, events, kind):
        raise CaseError("document_not_yet", no=p.tracking_no, kind=kind)
    county = current_county(s)
    county_name, contact = county.name, (county.options or {}).get("contact") or {}
    bureau = _full(county_name, s.scalar(select(Unit.name).where(Unit.kind == "bureau").order_by(Unit.id).limit(1))
                   or W.BUREAU)
    unit = _full(county_name, p.unit.name) if p.unit else bureau
    channel = CHANNEL_LABELS.get(p.channel, p.channel)
    matter = redact(p.content)
    made = dict(kind=kind, title=W.TITLES[kind], number=_number(county_name, kind, p.tracking_no),
                county=county_name, basis=W.BASIS[kind], tracking_no=p.tracking_no)
    if kind == "acceptance":
        return Document(**made, issuer=unit, addressee=p.name, dated=p.accepted_at, paragraphs=[
            *W.acceptance(p.received_at, channel, p.tracking_no, matter, unit, p.accepted_at,
                          p.due_reply or p.due_finish, contact.get("hotline"))])
    if kind == "non_acceptance":
        decided = _last(events, "not_accepted")
        by, _, reason = (decided.text or "").partition("：")
        by = _full(county_name, by) if by and reason else bureau
        return Document(**made, issuer=by, addressee=p.name, dated=decided.at, paragraphs=[
            *W.non_acceptance(p.received_at, channel, p.tracking_no, matter, by, reason or decided.text or "",
                              contact.get("hotline"), contact.get("address"))])
    if kind == "reply":   # the unit that answered (the case may have moved since: 收回, 改派)
        by = _unit_of(s, _last(events, "replied").actor)
        by = _full(county_name, by.name) if by is not None else unit
        return Document(**made, issuer=by, addressee=p.name, dated=p.replied_at, paragraphs=W.reply(
            p.received_at, p.tracking_no, by, redact(p.reply_text), p.replied_at, W.government(county_name)))
    if kind in ("review", "re_review"):
        answered, asked = _last(events, f"{kind}_answered"), _last(events, f"{kind}_requested")
        return Document(**made, issuer=bureau, addressee=p.name, dated=answered.at, paragraphs=W.review(
            kind, p.tracking_no, asked.at if asked else None, redact(answered.text or ""), answered.at))
    township = p.township.name if p.township else ""
    rows = list(zip(W.ASSIGNMENT_ROWS, (
        p.tracking_no, p.name + (W.PEOPLE.format(n=p.people) if p.people > 1 else ""), W.day(p.received_at),
        channel, township, p.category or W.NOT_SET,
        mask_phone(p.phone) + W.PHONE_NOTE if p.phone else W.NOT_SET)))
    rows.append((W.MATTER_LABEL.rstrip("："), matter))
    deadlines = list(zip(W.DEADLINE_ROWS, (W.day_time(d) if d else W.NOT_SET
                                             for d in (p.due_accept, p.due_meet, p.due_reply, p.due_finish))))
    return Document(**made, issuer=bureau, addressee=unit, dated=p.assigned_at,
                    paragraphs=[W.assignment_intro(unit, p.tracking_no)], rows=rows, deadlines=deadlines)


def issue(s: Session, p: Petition, kind: str, now: datetime, actor: str) -> Document:
    """:func:`build`, and the case's history records who issued which document when."""
    doc = build(s, p, kind)
    event(s, p, now, EVENT, actor, W.issued(doc.title, doc.number))
    return doc
