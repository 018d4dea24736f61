"""The deadline sweep: reminders before a deadline, alerts and score deductions after one.

Called every few minutes by the scheduler (notifications issue) and by hand with
``xinfang sweep --now ISO``. It looks only at cases whose ``due_next`` has come (an indexed
column), so its time grows with the number due, not the number open; each case it touches gets
``due_next`` moved on to its next reminder or deadline.

- Before a deadline (``core.cases.lifecycle.remind_at``: 2 hours before the cut-off for a same-day
  deadline, one day before others) the unit's liaison cadres are reminded (the bureau's staff for
  交办 and 复查/复核 answers, which are theirs).
- When a deadline passes with the milestone not done, the case is marked overdue (挂牌), the
  unit head, the case's 包案 leader and the bureau's staff are alerted, and a deduction is
  recorded for the unit's monthly score (``score_event``). 办结 clears the mark (销号).
- Each reminder and alert is a row of ``reminder`` under a unique key (case, milestone, kind,
  deadline), inserted before anything is sent: two sweeps at once cannot both send it.
- One sweep sends each person at most one reminder text and one overdue text, listing their
  cases (a unit head with twelve late cases gets one SMS, not twelve). Nobody is told of a case
  that accuses them (recusal).

The work is done in a fixed number of statements per batch (select, claim, insert events, score
events and messages, update the cases), not per case: see bench/cases.py.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core import status

from core.cases import lifecycle as cases
from core.cases.audience import BUREAU_MILESTONES, Directory
from core.rules import Rules
from core.text import SMS_THREE_SEGMENTS
from core.clock import month_day
from core.store.db import upsert
from core.store.models import OutboundMessage, Petition, PetitionEvent, Reminder, ScoreEvent
from core.words import jobs as words

BATCH = 1000
SMS_LIMIT = SMS_THREE_SEGMENTS


@dataclass
class SweepReport:
    looked_at: int = 0
    reminders: int = 0
    overdue: int = 0
    messages: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return words.sweep_summary(self.looked_at, self.reminders, self.overdue)


def sweep(session: Session, now: datetime, rules: Rules, limit: int = 100_000) -> SweepReport:
    report = SweepReport()
    query = (select(Petition).where(Petition.due_next <= now, Petition.status.in_(status.OPEN))
             .order_by(Petition.due_next, Petition.id).limit(min(limit, BATCH)).with_for_update(skip_locked=True))
    directory = Directory(session)
    seen: set[int] = set()
    while report.looked_at < limit:
        rows = [p for p in session.scalars(query) if p.id not in seen]
        if not rows:
            break
        seen.update(p.id for p in rows)
        _batch(session, rows, now, rules, directory, report)
        session.flush()
        if len(rows) < BATCH:
            break
    return report


def _batch(s: Session, rows: list[Petition], now: datetime, rules: Rules, directory: Directory,
           report: SweepReport) -> None:
    report.looked_at += len(rows)
    wanted = []
    for p in rows:
        for m, due in cases.open_milestones(p):   # the deadlines stored on the case
            if due <= now:
                wanted.append((p, m, "overdue", due))
            elif cases.remind_at(m, due, rules) <= now:
                wanted.append((p, m, "remind", due))
    claimed = claim_reminders(s, wanted, now)
    directory.load_recusals(sorted({p.id for p, *_ in wanted if p.accusation}))   # only accusations have any
    events, scores = [], []
    lines: dict[tuple[int, str], list[tuple[Petition, str, str]]] = defaultdict(list)
    for p, m, kind, due in wanted:
        if (p.id, m, kind) not in claimed:
            continue
        if kind == "overdue":
            report.overdue += 1
            p.overdue = True
            p.updated_at = now
            events.append({"county_id": p.county_id, "petition_id": p.id, "at": now, "kind": "overdue", "actor": "sweep",
                           "text": words.overdue_event(m, month_day(due))})
            points = rules.scores.of(f"late_{m}")     # 月考评: the county's rule table (core.reports.scores)
            if p.unit_id and points and m not in BUREAU_MILESTONES:
                scores.append({"county_id": p.county_id, "unit_id": p.unit_id, "petition_id": p.id, "at": now,
                               "kind": f"late_{m}",
                               "points": points, "note": words.overdue_note(p.tracking_no, m)})
            for pid in directory.alerted(p):
                lines[(pid, "overdue")].append((p, m, due))
        else:
            report.reminders += 1
            for pid in directory.reminded(p, m):
                lines[(pid, "reminder")].append((p, m, due))
    if events:
        s.execute(insert(PetitionEvent), events)
    if scores:
        s.execute(insert(ScoreEvent), scores)
    report.messages += OutboundMessage.enqueue_many(
        s, [(directory.phone[pid], body, kind, case_id, params)
            for (pid, kind), items in lines.items() for body, case_id, params in [_text(kind, items)]], now)
    for p in rows:
        p.due_next = cases.next_check(p, rules, after=now)


def _case_steps(kind: str, items: list[tuple[Petition, str, datetime]]) -> list[tuple[Petition, str, str]]:
    """One entry per case (not per step), its steps together by deadline ("受理、见面（期限11月23日）",
    a template's value), with its first step."""
    by_case: dict[int, tuple[Petition, list[tuple[str, datetime]]]] = {}
    for p, m, due in items:
        by_case.setdefault(p.id, (p, []))[1].append((m, due))
    out = []
    for p, steps in by_case.values():
        by_day: dict[str, list[str]] = {}
        for m, due in steps:
            by_day.setdefault(month_day(due), []).append(m)
        out.append((p, steps[0][0], words.due_steps(kind, by_day)))
    return out


def _text(kind: str, items: list[tuple[Petition, str, datetime]]) -> tuple[str, int | None, dict]:
    """One text per person and kind: the cases (件, each once with its steps) that fit in three
    segments, then how many in all (core.words.jobs); and its template's parameters."""
    cases_ = _case_steps(kind, items)
    if len(cases_) == 1:
        p, m, steps = cases_[0]
        said = words.due_one(kind, p.tracking_no, steps, m)
        return said, p.id, said.params
    said = words.due_many(kind, [words.due_line(kind, p.tracking_no, steps) for p, _, steps in cases_], SMS_LIMIT)
    return said, None, said.params


def claim_reminders(s: Session, wanted: list[tuple], now: datetime) -> set[tuple[int, str, str]]:
    """Insert the reminder rows in one statement; those inserted (not already there) are ours."""
    if not wanted:
        return set()
    table = Reminder.__table__
    got: set[tuple[int, str, str]] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i:i + 500]
        stmt = (upsert(s, table).values([{"petition_id": p.id, "milestone": m, "kind": kind, "due_at": due, "at": now}
                                         for p, m, kind, due in chunk])
                .on_conflict_do_nothing(index_elements=["petition_id", "milestone", "kind", "due_at"])
                .returning(table.c.petition_id, table.c.milestone, table.c.kind))
        got.update(tuple(r) for r in s.connection().execute(stmt))
    return got
