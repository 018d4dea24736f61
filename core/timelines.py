"""Timelines: a case's history in, the deadline of each milestone out.

Milestones: ``assign`` (交办, by the bureau), ``accept`` (受理, by the unit), ``meet`` (见面),
``reply`` (答复) and ``finish`` (办结). A deadline is the end (23:59:59, county time) of its due
day. Rules are pure functions of :class:`CaseFacts`, a :class:`Policy` and a
:class:`~core.workdays.WorkCalendar`; they are recomputed on every change of a case.

Policies (chosen per county: ``[timelines] policy = "same_day" | "3-7-21" | "statutory"``):

``same_day`` (当日工作法, 鲁山县)
    The *day of receipt* is the receipt date if it is a working day and the petition came by the
    cut-off (default 17:30), else the next working day; the receipt tells the citizen which day.
    Assign on that day; accept and meet on the day of assignment (counted the same way); finish
    (and reply) the same day for a simple matter, else 7 calendar days after acceptance, one month
    for a complex one (to the same day of the next month, its last day when it has none: Civil
    Code Art. 202). Complexity is set by the unit on acceptance (default: 一般, 7 days).
``3-7-21`` (兴国县)
    Assign and accept as ``same_day``; meet within 3 days of receipt, reply within 7, finish
    within 21 (calendar days).
``statutory`` (信访工作条例)
    Assign within 15 days of receipt (Art. 22); accept (written notice) within 15 days of
    assignment (Art. 23); finish and reply within 60 days of acceptance (Art. 34); no meeting
    deadline.

Always, whatever the policy (the statutory outer bounds; a policy may be stricter, never looser):
assign ≤ receipt + 15 days; accept ≤ assignment + 15 days; finish ≤ acceptance + 60 days + the
extension, and an extension is at most 30 days, granted once (Art. 34). Before acceptance the
finish deadline counts from the acceptance deadline. Calendar-day periods ending on a non-working
day move to the next working day (core.workdays).

Reassignment (退回 then 交办 again) restarts accept, meet, reply and finish from the new
assignment; the assign deadline stays bound to the receipt. An extension of N days moves finish
(and, where the reply is the finish, the reply) N days later than it would be without it (never
earlier); under 3-7-21 the 7-day feedback is a separate promise and stays (Art. 34 lengthens the
handling period only).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from core.clock import SHANGHAI, clock_time
from core.workdays import Day, WorkCalendar

MILESTONES = ("assign", "accept", "meet", "reply", "finish")
COMPLEXITY_DAYS = {"simple": 0, "normal": 7, "complex": 30}   # complex: one month, counted as months (add_months)
STATUTORY_ASSIGN_DAYS = 15
STATUTORY_ACCEPT_DAYS = 15
STATUTORY_FINISH_DAYS = 60
STATUTORY_MAX_EXTENSION = 30
RETURN_WORKDAYS = 5   # 退回 allowed within 5 working days of receipt by the unit (Art. 23)
PROGRESS_DAYS = 10    # a unit reports its progress on a leader's 批示 this often (core.cases.instructions)
POLICIES = ("same_day", "3-7-21", "statutory")


@dataclass(frozen=True)
class CaseFacts:
    received_at: datetime
    assigned_at: datetime | None = None
    accepted_at: datetime | None = None
    complexity: str | None = None      # simple | normal | complex
    extension_days: int = 0


@dataclass(frozen=True)
class Deadlines:
    assign: datetime
    accept: datetime
    meet: datetime | None
    reply: datetime
    finish: datetime
    receipt_day: date          # "the day of receipt" under the policy (after the cut-off: the next working day)
    provisional: bool          # some date rests on an assumed calendar (a year not yet published)

    def get(self, milestone: str) -> datetime | None:
        return getattr(self, milestone)


@dataclass(frozen=True)
class Policy:
    name: str = "same_day"
    cutoff: time = time(17, 30)

    @classmethod
    def from_options(cls, options: dict | None) -> Policy:
        t = (options or {}).get("timelines") or {}
        name = t.get("policy", "same_day")
        if name not in POLICIES:
            raise ValueError(f"unknown timelines policy {name!r} (one of {', '.join(POLICIES)})")
        return cls(name=name, cutoff=clock_time(t.get("cutoff", "17:30")))

    def receipt_day(self, at: datetime, cal: WorkCalendar) -> Day:
        local = at.astimezone(SHANGHAI)
        late = local.time() > self.cutoff
        return cal.next_workday(local.date(), include=not late)

    def deadlines(self, f: CaseFacts, cal: WorkCalendar) -> Deadlines:
        received = f.received_at.astimezone(SHANGHAI).date()
        r_day = self.receipt_day(f.received_at, cal)
        a_day = self.receipt_day(f.assigned_at, cal) if f.assigned_at else r_day
        assigned = f.assigned_at.astimezone(SHANGHAI).date() if f.assigned_at else received

        if self.name == "statutory":
            assign = cal.add_days(received, STATUTORY_ASSIGN_DAYS)
            accept = cal.add_days(assigned, STATUTORY_ACCEPT_DAYS)
            meet = None
        else:
            assign, accept = r_day, a_day
            meet = a_day if self.name == "same_day" else cal.add_days(received, 3)

        accepted = f.accepted_at.astimezone(SHANGHAI).date() if f.accepted_at else accept.date
        ext = max(0, min(f.extension_days, STATUTORY_MAX_EXTENSION))
        if self.name == "same_day" and f.complexity == "complex":
            finish = cal.add_months(accepted, 1, then_days=ext)    # 一个月 (seed 000), as the Civil Code counts months
            reply = finish
        elif self.name == "same_day":
            n = COMPLEXITY_DAYS.get(f.complexity or "normal", 7) + ext
            finish = cal.add_days(accepted, n) if n else (self.receipt_day(f.accepted_at, cal) if f.accepted_at else accept)
            reply = finish
        elif self.name == "3-7-21":
            reply = cal.add_days(received, 7)     # the 7-day feedback is its own promise: an extension lengthens handling only
            finish = cal.add_days(received, 21 + ext)
        else:
            finish = cal.add_days(accepted, STATUTORY_FINISH_DAYS + ext)
            reply = finish

        # the statutory outer bounds
        assign = _earliest(assign, cal.add_days(received, STATUTORY_ASSIGN_DAYS))
        accept = _earliest(accept, cal.add_days(assigned, STATUTORY_ACCEPT_DAYS))
        finish = _earliest(finish, cal.add_days(accepted, STATUTORY_FINISH_DAYS + ext))
        reply = _earliest(reply, finish)
        if meet is not None:
            meet = _earliest(meet, finish)
        chosen = [assign, accept, reply, finish] + ([meet] if meet else [])
        return Deadlines(assign=end_of(assign.date), accept=end_of(accept.date),
                         meet=end_of(meet.date) if meet else None, reply=end_of(reply.date),
                         finish=end_of(finish.date), receipt_day=r_day.date,
                         provisional=any(d.provisional for d in chosen + [r_day]))


def _earliest(a: Day, b: Day) -> Day:
    return a if a.date <= b.date else b


def end_of(d: date) -> datetime:
    return datetime.combine(d, time(23, 59, 59), SHANGHAI)


def return_allowed_until(assigned_at: datetime, cal: WorkCalendar) -> Day:
    """The last day a unit may send a case back (退回): 5 working days after it received it."""
    return cal.add_workdays(assigned_at.astimezone(SHANGHAI).date(), RETURN_WORKDAYS)
