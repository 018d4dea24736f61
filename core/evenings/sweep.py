"""The evening sweep of 七晚 plans, and who is told what when an evening is judged.

Run with the deadline sweep (``xinfang sweep``; the scheduler of the notifications issue runs it
every few minutes). For every filed plan it

- judges the evenings whose time has come (``core.evenings.visits.settle``): a missed evening tells the
  task force, the unit head, the 包案 leader and the bureau, and says whether the count restarts;
  seven valid evenings ask them for the outcome (化解 / 未化解);
- before tonight's window (default 17:30) reminds the task force's members;
- when nobody has started by the late-start time (default 20:00) tells the unit head.

Each reminder is claimed under the ``reminder`` table's unique key (case, "evening", kind, the
evening's start), each judged evening is a row under ``uq_evening_visit_once``: two sweeps at
once send nothing twice. The plans are read in one statement with their members and open
visits in two more; the work per plan is in memory (see bench/evenings.py).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager, selectinload

from core.clock import local, month_day
from core.evenings.visits import UNJUDGED, EveningRules, Judged, current_members, settle
from core.store.models import EveningPlan, EveningVisit, OutboundMessage, Petition, PlanMember
from core.cases.audience import Directory
from core.cases.sweep import claim_reminders
from core.words import jobs as words

Notice = tuple[str, str, str, int]   # (phone, body, purpose, petition id)


@dataclass
class EveningSweepReport:
    plans: int = 0
    reminders: int = 0
    late: int = 0
    counted: int = 0
    missed: int = 0
    completed: int = 0
    messages: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return words.evening_sweep_summary(self.plans, self.reminders, self.late, self.counted, self.missed,
                                           self.completed)


def _officials(plan: EveningPlan, directory: Directory) -> list[str]:
    """The plan unit's head(s), the plan's 包案 leader and the bureau's staff — none the case accuses."""
    return [directory.phone[i] for i in directory.alerted(plan.petition, plan)]


def _members(plan: EveningPlan) -> list[str]:
    return [m.phone for m in current_members(plan)]


def judged_notices(judged: list[Judged], rules: EveningRules, directory: Directory) -> list[Notice]:
    out: list[Notice] = []
    for j in judged:
        plan, no = j.plan, j.plan.petition.tracking_no
        day = month_day(rules.opens(j.visit.evening))
        if j.completed:
            body = words.evening_completed(no, rules.evenings)
            out += [(to, body, "evening_completed", plan.petition_id)
                    for to in dict.fromkeys(_members(plan) + _officials(plan, directory))]
        elif not j.counted:
            body = words.evening_missed(no, day, j.number, j.visit.reason, rules.on_miss == "restart", rules.evenings,
                                        plan.in_a_row, rules.missed_points)
            out += [(to, body, "evening_missed", plan.petition_id)
                    for to in dict.fromkeys(_members(plan) + _officials(plan, directory))]
    return out


def sweep_evenings(s: Session, now: datetime, rules: EveningRules) -> EveningSweepReport:
    report = EveningSweepReport()
    # the plan and its case are locked together, skipping any a command holds: a command locks the
    # case first, then the plan, so neither can wait for the other
    plans = list(s.scalars(select(EveningPlan).join(Petition, Petition.id == EveningPlan.petition_id)
                           .where(EveningPlan.status == "filed").order_by(EveningPlan.id)
                           .options(contains_eager(EveningPlan.petition),
                                    selectinload(EveningPlan.members).selectinload(PlanMember.person))
                           .with_for_update(of=[EveningPlan, Petition], skip_locked=True)))
    report.plans = len(plans)
    if not plans:
        return report
    visits: dict[int, dict] = defaultdict(dict)
    for v in s.scalars(select(EveningVisit).where(EveningVisit.plan_id.in_([p.id for p in plans]),
                                                  EveningVisit.status.in_(UNJUDGED))):
        visits[v.plan_id][v.evening] = v
    directory = Directory(s)
    directory.load_recusals(sorted(p.petition_id for p in plans if p.petition.accusation))
    notices: list[Notice] = []
    wanted = []
    today = local(now).date()
    for plan in plans:
        judged = settle(s, plan, now, rules, visits[plan.id])
        report.counted += sum(j.counted for j in judged)
        report.missed += sum(not j.counted for j in judged)
        report.completed += sum(j.completed for j in judged)
        notices += judged_notices(judged, rules, directory)
        if plan.status != "filed" or today < plan.first_evening or now >= rules.closes(today) \
                or today in visits[plan.id]:
            continue
        if now >= rules.at(today, rules.remind_at):
            wanted.append((plan.petition, "evening", "remind", rules.opens(today), plan))
        if now >= rules.at(today, rules.late_start_at):
            wanted.append((plan.petition, "evening", "late", rules.opens(today), plan))
    claimed = claim_reminders(s, [w[:4] for w in wanted], now)
    for p, _, kind, _, plan in wanted:
        if (p.id, "evening", kind) not in claimed:
            continue
        n = plan.in_a_row + 1
        place = (p.township.name if p.township else "") + (p.village.name if p.village else "")
        if kind == "remind":
            report.reminders += 1
            body = words.evening_remind(n, p.tracking_no, p.name, place, f"{rules.window_start:%H:%M}")
            notices += [(to, body, "evening_remind", p.id) for to in _members(plan)]
        else:
            said = words.evening_late(p.tracking_no, n, f"{rules.late_start_at:%H:%M}", f"{rules.window_end:%H:%M}")
            # the unit's head, the 包案 leader and the bureau (none the case accuses): a unit
            # without a head still has someone told; a late start nobody was told of is not counted
            told = [(directory.phone[i], said, "evening_late", p.id, list(said.values))
                    for i in directory.alerted(p, plan)]
            if told:
                report.late += 1
                notices += told
    report.messages += OutboundMessage.enqueue_many(s, notices, now)
    s.flush()
    return report
