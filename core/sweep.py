"""The deadline sweep: reminders before a deadline, alerts and score deductions after one.

Called every few minutes by the scheduler (notifications issue) and by hand with
``xinfang sweep --now ISO``. It looks only at cases whose ``due_next`` has come (an indexed
column), so its time grows with the number due, not the number open; each case it touches gets
``due_next`` moved on to its next reminder or deadline.

- Before a deadline (``core.cases.remind_at``: 2 hours before the cut-off for a same-day
  deadline, one day before others) the unit's liaison cadres are reminded.
- When a deadline passes with the milestone not done, the case is marked overdue (挂牌), the
  unit head, the case's 包案 leader and the bureau's staff are alerted, and a deduction is
  recorded for the unit's monthly score (``score_event``). 办结 clears the mark (销号).
- Each reminder and alert is a row of ``reminder`` under a unique key (case, milestone, kind,
  deadline), inserted before anything is sent: two sweeps at once cannot both send it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import cases
from core.cases import Rules
from core.clock import month_day
from core.db import upsert
from core.models import OutboundMessage, Petition, Reminder, ScoreEvent

LABELS = {"assign": "交办", "accept": "受理", "meet": "见面", "reply": "答复", "finish": "办结"}
DEDUCTIONS = {"assign": 0, "accept": -2, "meet": -2, "reply": -2, "finish": -3}   # 月考评, per miss
BATCH = 500


@dataclass
class SweepReport:
    looked_at: int = 0
    reminders: int = 0
    overdue: int = 0
    messages: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return f"looked at {self.looked_at} cases: {self.reminders} reminders, {self.overdue} newly overdue"


def sweep(session: Session, now: datetime, rules: Rules, limit: int = 100_000) -> SweepReport:
    report = SweepReport()
    rows = session.scalars(select(Petition).where(Petition.due_next <= now, Petition.status.in_(cases.OPEN))
                           .order_by(Petition.due_next).limit(limit).with_for_update(skip_locked=True))
    staff = cases.staff_phones(session)
    for p in rows:
        report.looked_at += 1
        _one(session, p, now, rules, staff, report)
    return report


def _one(s: Session, p: Petition, now: datetime, rules: Rules, staff: list[str], report: SweepReport) -> None:
    for m, due in cases.open_milestones(p):   # the deadlines stored on the case
        if due <= now:
            if _claim(s, p, m, "overdue", due, now):
                report.overdue += 1
                p.overdue = True
                cases.event(s, p, now, "overdue", "sweep", f"{LABELS[m]}超期（期限{month_day(due)}）")
                if p.unit_id and DEDUCTIONS[m]:
                    s.add(ScoreEvent(unit_id=p.unit_id, petition_id=p.id, at=now, kind=f"late_{m}",
                                     points=DEDUCTIONS[m], note=f"{p.tracking_no}{LABELS[m]}超期"))
                text = f"【超期】{p.tracking_no}未按期{LABELS[m]}（期限{month_day(due)}），已挂牌督办，请即办理。"
                for phone in cases.accountable(s, p) + staff:
                    report.messages.append(OutboundMessage.enqueue(s, "sms", phone, text, "overdue", now, p.id))
        elif cases.remind_at(m, due, rules) <= now:
            if _claim(s, p, m, "remind", due, now):
                report.reminders += 1
                text = f"【提醒】{p.tracking_no}请于{month_day(due)}前{LABELS[m]}。回复：{LABELS[m]} {p.tracking_no}"
                for phone in (cases.unit_contacts(s, p.unit_id) if m != "assign" else staff):
                    report.messages.append(OutboundMessage.enqueue(s, "sms", phone, text, "reminder", now, p.id))
    p.due_next = cases.next_check(p, rules, after=now)


def _claim(s: Session, p: Petition, milestone: str, kind: str, due: datetime, now: datetime) -> bool:
    table = Reminder.__table__
    got = s.connection().execute(upsert(s, table).values(
        petition_id=p.id, milestone=milestone, kind=kind, due_at=due, at=now)
        .on_conflict_do_nothing(index_elements=["petition_id", "milestone", "kind", "due_at"])
        .returning(table.c.id)).scalar()
    return got is not None
