"""批示 — a county leader's instruction on a case (DOMAIN.md: "leaders' instructions go to the
units; progress reported every 10 days"; seed 001).

A leader sends "批示 编号 内容" (reply to the daily text); the unit gets it and reports progress
with "进展 编号 内容" at least every ``PROGRESS_DAYS`` days — each report goes to the leader —
until the case is finished. A report not in by its day is asked for on each working morning.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.cases.lifecycle import CaseError, event
from core.status import OPEN
from core.store.models import Instruction, Person, Petition
from core.timelines import PROGRESS_DAYS
from core.words import jobs as words


def instruct(s: Session, p: Petition, leader: Person, text: str, now: datetime,
             inbound_id: int | None = None) -> Instruction:
    if p.status not in OPEN:
        raise CaseError("instruct_finished", no=p.tracking_no)
    if not text.strip():
        raise CaseError("instruct_empty", no=p.tracking_no)
    row = Instruction(petition_id=p.id, person_id=leader.id, text=text.strip()[:2000], at=now,
                      next_report_due=now + timedelta(days=PROGRESS_DAYS), reports=0, inbound_id=inbound_id)
    s.add(row)
    event(s, p, now, "instruction", f"leader:{leader.id}", words.instructed(leader.name, row.text[:500]), inbound_id)
    s.flush()
    return row


def open_for(s: Session, p: Petition) -> list[Instruction]:
    return list(s.scalars(select(Instruction).where(Instruction.petition_id == p.id, Instruction.closed_at.is_(None))
                          .order_by(Instruction.id)))


def report(s: Session, p: Petition, text: str, now: datetime, actor: str,
           inbound_id: int | None = None) -> list[Instruction]:
    """进展: recorded, and the next report due ``PROGRESS_DAYS`` days from now."""
    rows = open_for(s, p)
    if not rows:
        raise CaseError("no_instruction", no=p.tracking_no)
    if not text.strip():
        raise CaseError("progress_empty", no=p.tracking_no)
    for row in rows:
        row.last_report_at, row.reports = now, row.reports + 1
        row.next_report_due = now + timedelta(days=PROGRESS_DAYS)
    event(s, p, now, "progress", actor, text.strip()[:2000], inbound_id)
    return rows


def due(s: Session, now: datetime) -> list[tuple[Instruction, Petition]]:
    """Instructions whose progress report is due; those on finished cases are closed instead."""
    out = []
    for row, p in s.execute(select(Instruction, Petition).join(Petition, Petition.id == Instruction.petition_id)
                            .where(Instruction.closed_at.is_(None), Instruction.next_report_due <= now)
                            .order_by(Instruction.id)):
        if p.status not in OPEN:
            row.closed_at = now
            continue
        out.append((row, p))
    return out
