"""七晚工作法 — seven evening home visits for a backlog case (DOMAIN.md; seed 000, 鲁山县).

The bureau selects a case and names the unit and the 包案 leader (``select_case``); the unit
files the plan (报备): the task force's members and the first evening (``file_plan``). Then every
evening a member reports the start of the visit and its end, and the petitioner is asked to
confirm both. An evening counts when

1. the visit started inside the evening window (default 18:00–22:00; a start outside it is
   refused, so it changes nothing),
2. it lasted at least the minimum (default 3 hours; a visit after midnight belongs to the
   evening it started),
3. the petitioner confirmed the start and the end — or the bureau accepted why not (``excuse``).

Each evening is judged once (``settle``): an evening nobody started, when its window closes; a
visit, at the judging time the next day (default 12:00, so a late-night end can still be
confirmed in the morning). A missed evening is recorded for the unit's monthly score and, by the
county's rule, restarts the count (default) or lets it continue. Seven valid evenings in a run
complete the plan; 化解 (resolved, 销号) or 未化解 (not resolved) ends it, at any time.

Numbers are the county's (``[county.seven_evenings]`` in the county file, see ``EveningRules``).
No messages are sent from here: callers decide who is told (handlers.evenings, the sweep).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta

from sqlalchemy import Integer, cast, func, or_, select
from sqlalchemy.orm import Session

from core.cases.lifecycle import CaseError, barred, event, not_recused, recused_units
from core.clock import SHANGHAI, clock_time, hm, local, month_day
from core.acts import Act
from core.rules import ScoreRules
from core.status import DROPPED, OPEN, Status
from core.store.models import EveningPlan, EveningVisit, Person, Petition, PlanMember, ScoreEvent, Unit
from core.words import evenings as words
from core.words.evenings import duration_text

ACTIVE = ("selected", "filed", "completed")
UNJUDGED = ("open", "ended")


class EveningError(CaseError):
    """A 七晚 step that is not allowed: a code and its values, as core.cases.lifecycle.CaseError (the words:
    core.words.refusals); nothing changes."""


# --- the county's rules -------------------------------------------------------------------------

def _clock_time(text, key: str) -> time:
    try:
        return clock_time(text)
    except ValueError as exc:
        raise ValueError(f"seven_evenings.{key}: {exc}") from None


@dataclass(frozen=True)
class EveningRules:
    """``[county.seven_evenings]``: window = "18:00-22:00", min_hours = 3, remind_at = "17:30",
    late_start_at = "20:00", judge_at = "12:00" (the next day), evenings = 7,
    on_miss = "restart" | "continue", far_m = 500. The points for a missed evening and a resolved
    case come from the county's score table (``[county.scores]`` evening_missed / evening_resolved)."""

    window_start: time = time(18, 0)
    window_end: time = time(22, 0)
    min_minutes: int = 180
    remind_at: time = time(17, 30)
    late_start_at: time = time(20, 0)
    judge_at: time = time(12, 0)
    evenings: int = 7
    on_miss: str = "restart"
    far_m: int = 500
    missed_points: int = -2
    resolved_points: int = 5

    @classmethod
    def from_options(cls, options: dict | None) -> EveningRules:
        raw = dict((options or {}).get("seven_evenings") or {})
        known = {"window", "min_hours", "remind_at", "late_start_at", "judge_at", "evenings", "on_miss", "far_m"}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ValueError(f"seven_evenings: unknown setting {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        values: dict = {}
        if "window" in raw:
            parts = str(raw["window"]).replace("–", "-").split("-")
            if len(parts) != 2:
                raise ValueError(f"seven_evenings.window: like \"18:00-22:00\", got {raw['window']!r}")
            values["window_start"], values["window_end"] = (_clock_time(x.strip(), "window") for x in parts)
        for key in ("remind_at", "late_start_at", "judge_at"):
            if key in raw:
                values[key] = _clock_time(raw[key], key)
        if "min_hours" in raw:
            hours = raw["min_hours"]
            if not isinstance(hours, (int, float)) or not 0.5 <= hours <= 10:
                raise ValueError(f"seven_evenings.min_hours: hours between 0.5 and 10, got {hours!r}")
            values["min_minutes"] = round(hours * 60)
        for key, low, high in (("evenings", 1, 31), ("far_m", 50, 50_000)):
            if key in raw:
                if not isinstance(raw[key], int) or isinstance(raw[key], bool) or not low <= raw[key] <= high:
                    raise ValueError(f"seven_evenings.{key}: a whole number from {low} to {high}, got {raw[key]!r}")
                values[key] = raw[key]
        if "on_miss" in raw:
            if raw["on_miss"] not in ("restart", "continue"):
                raise ValueError(f"seven_evenings.on_miss: \"restart\" or \"continue\", got {raw['on_miss']!r}")
            values["on_miss"] = raw["on_miss"]
        scores = ScoreRules.from_options(options)
        values["missed_points"], values["resolved_points"] = scores.of("evening_missed"), scores.of("evening_resolved")
        rules = cls(**values)
        if not rules.window_start < rules.window_end:
            raise ValueError("seven_evenings.window: the start must come before the end, on the same day")
        if not rules.remind_at <= rules.window_start <= rules.late_start_at < rules.window_end:
            raise ValueError("seven_evenings: remind_at ≤ window start ≤ late_start_at < window end")
        if not rules.judge_at < rules.window_start:
            raise ValueError("seven_evenings.judge_at: must come before the next evening's window starts")
        return rules

    def describe(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    # --- moments of an evening ---------------------------------------------------------------

    def at(self, day: date, t: time) -> datetime:
        return datetime.combine(day, t, SHANGHAI)

    def opens(self, day: date) -> datetime:
        return self.at(day, self.window_start)

    def closes(self, day: date) -> datetime:
        return self.at(day, self.window_end)

    def judged_by(self, day: date) -> datetime:
        return self.at(day + timedelta(days=1), self.judge_at)

    def evening_of(self, now: datetime) -> date | None:
        """The evening a visit starting at ``now`` belongs to, or None outside the window."""
        t = local(now)
        return t.date() if self.window_start <= t.time() < self.window_end else None

    @property
    def window_text(self) -> str:
        return f"{self.window_start:%H:%M}–{self.window_end:%H:%M}"

    @property
    def min_text(self) -> str:
        return duration_text(timedelta(minutes=self.min_minutes))


def distance_m(a: dict | None, b: dict | None) -> float | None:
    """Metres between two WeChat locations ({"x": latitude, "y": longitude}), by haversine."""
    try:
        lat1, lng1, lat2, lng2 = (math.radians(float(v)) for v in (a["x"], a["y"], b["x"], b["y"]))
    except (TypeError, KeyError, ValueError):
        return None
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


# --- planning -----------------------------------------------------------------------------------

def active_plan(s: Session, p: Petition, lock: bool = False) -> EveningPlan | None:
    query = select(EveningPlan).where(EveningPlan.petition_id == p.id, EveningPlan.status.in_(ACTIVE))
    if lock:
        query = query.with_for_update()
    return s.scalars(query.order_by(EveningPlan.id.desc())).first()


def select_case(act: Act, p: Petition, unit: Unit, lead: Person | None, campaign: str | None = None,
                first_evening: date | None = None) -> EveningPlan:
    """The bureau picks a backlog case for 七晚 and names the unit (and the 包案 leader). The case
    is flagged (挂牌) until it is resolved."""
    s, now, actor, inbound_id = act.session, act.now, act.actor, act.inbound_id
    if p.status in DROPPED:
        raise EveningError("evening_dropped_case", no=p.tracking_no)
    current = active_plan(s, p)
    if current is not None:
        raise EveningError("evening_plan_exists", no=p.tracking_no, plan_status=current.status)
    if unit.id in recused_units(s, p):
        raise EveningError("evening_unit_accused", no=p.tracking_no, unit=unit.name)
    if lead is not None:
        if lead.role not in ("leader", "head"):
            raise EveningError("lead_not_leader", name=lead.name)
        if barred(s, p).bars(lead):   # accused, or the head of a unit it accuses
            raise EveningError("lead_accused", no=p.tracking_no, name=lead.name)
    plan = EveningPlan(petition_id=p.id, unit_id=unit.id, lead_person_id=lead.id if lead else None,
                       campaign=campaign, status="selected", selected_at=now, first_evening=first_evening,
                       actor=actor, in_a_row=0, evenings_done=0, evenings_missed=0, restarts=0, agreement=False)
    s.add(plan)
    if lead is not None:
        p.lead_person_id = lead.id
    p.overdue = True   # 挂牌 until 化解 (销号)
    p.under_evenings = True   # the plan is the handling; the caller recomputes the deadlines
    event(s, p, now, "evening_selected", actor, words.selected(unit.name, lead.name if lead else None, campaign),
          inbound_id)
    s.flush()
    return plan


@dataclass(frozen=True)
class MemberSpec:
    name: str
    phone: str
    person: Person | None = None
    label: str | None = None


def file_plan(act: Act, plan: EveningPlan, members: list[MemberSpec], first: date, rules: EveningRules) -> None:
    """报备: the task force and the first evening. Filed again before the first visit, it replaces
    the members (the old rows stay, inactive)."""
    s, now, actor, inbound_id = act.session, act.now, act.actor, act.inbound_id
    p = plan.petition
    if plan.status not in ("selected", "filed"):
        raise EveningError("evening_refile", no=p.tracking_no, plan_status=plan.status)
    started = s.scalar(select(func.count()).select_from(EveningVisit).where(EveningVisit.plan_id == plan.id))
    if started:
        raise EveningError("evening_refile_started", no=p.tracking_no)
    today = local(now).date()
    if first < today or (first == today and now >= rules.closes(today)):
        raise EveningError("evening_first_past", window=rules.window_text)
    if first > today + timedelta(days=60):
        raise EveningError("evening_first_far")
    if not members:
        raise EveningError("evening_no_members")
    accused = barred(s, p)
    for m in members:
        if m.person is not None and accused.bars(m.person):
            raise EveningError("evening_member_accused", no=p.tracking_no, name=m.person.name)
    for old in plan.members:
        old.active = False
    for m in members:
        s.add(PlanMember(plan_id=plan.id, person_id=m.person.id if m.person else None,
                         unit_id=m.person.unit_id if m.person else None, name=m.name[:32], phone=m.phone,
                         label=m.label, active=True, added_at=now))
    plan.status, plan.filed_at, plan.first_evening = "filed", now, first
    plan.chain_start, plan.settled_through, plan.in_a_row = first, first - timedelta(days=1), 0
    event(s, p, now, "evening_filed", actor, words.filed(month_day(rules.opens(first)), [m.name for m in members]),
          inbound_id)
    s.flush()
    s.expire(plan, ["members"])


def current_members(plan: EveningPlan) -> list[PlanMember]:
    return [m for m in plan.members if still_member(m)]


def still_member(m: PlanMember) -> bool:
    """Active on the plan and, for a person of the directory, still in the directory and the unit
    they were in when the plan was filed."""
    if not m.active:
        return False
    if m.person_id is None:
        return True
    return m.person is not None and m.person.active and m.person.unit_id == m.unit_id


def member_for(plan: EveningPlan, person: Person | None, phone: str | None) -> tuple[PlanMember | None, bool]:
    """The sender's membership of the plan, and whether they were a member who has since left."""
    left = False
    for m in plan.members:
        if not m.active:
            continue
        mine = (person is not None and m.person_id == person.id) or \
               (person is None and m.person_id is None and phone is not None and m.phone == phone)
        if mine:
            if still_member(m):
                return m, False
            left = True
    return None, left


# --- each evening -------------------------------------------------------------------------------

@dataclass
class Judged:
    """An evening judged by ``settle``: counted or missed (and why), with what followed."""

    plan: EveningPlan
    visit: EveningVisit
    number: int
    counted: bool
    restarted: bool = False
    completed: bool = False


def shortfalls(v: EveningVisit, rules: EveningRules) -> list[str]:
    """Why a visit does not (yet) count; empty when it does."""
    if v.started_at is None:
        return [words.NOT_STARTED]
    out = []
    if v.ended_at is None:
        out.append(words.NOT_ENDED)
    elif v.ended_at - v.started_at < timedelta(minutes=rules.min_minutes):
        out.append(words.too_short(v.ended_at - v.started_at, rules.min_text))
    if v.excuse is None:
        if v.petitioner_start is not True:
            out.append(words.not_confirmed("start", v.petitioner_start is False))
        if v.petitioner_end is not True:
            out.append(words.not_confirmed("end", v.petitioner_end is False))
    return out


def settle(s: Session, plan: EveningPlan, now: datetime, rules: EveningRules,
           visits: dict[date, EveningVisit] | None = None) -> list[Judged]:
    """Judge every evening of the plan whose time has come, in order: an evening with no start
    when its window closes, a visit at the judging time the next day. Idempotent; the caller
    holds the plan's row (or its petition's) locked."""
    if plan.status != "filed" or plan.settled_through is None:
        return []
    if visits is None:
        visits = {v.evening: v for v in s.scalars(select(EveningVisit).where(
            EveningVisit.plan_id == plan.id, EveningVisit.evening > plan.settled_through))}
    out: list[Judged] = []
    day = plan.settled_through + timedelta(days=1)
    while plan.status == "filed":
        v = visits.get(day)
        if v is None or v.started_at is None:
            if rules.closes(day) > now:
                break
            if v is None:
                v = EveningVisit(plan_id=plan.id, evening=day, status="missed")
                s.add(v)
            problems = [words.NOT_STARTED]
        else:
            if rules.judged_by(day) > now:
                break
            problems = shortfalls(v, rules)
        number = v.number = v.number or plan.in_a_row + 1   # 第N晚 of the run, kept on a missed evening too
        judged = Judged(plan, v, number, counted=not problems)
        v.status, v.reason, v.judged_at = ("counted" if not problems else "missed"), "；".join(problems) or None, now
        p = plan.petition
        if judged.counted:
            plan.in_a_row += 1
            plan.evenings_done += 1
            event(s, p, now, "evening_counted", "system", words.counted(number, month_day(rules.opens(day))))
            if plan.in_a_row >= rules.evenings:
                plan.status, judged.completed = "completed", True
                event(s, p, now, "evening_completed", "system", words.completed(rules.evenings))
        else:
            plan.evenings_missed += 1
            if rules.on_miss == "restart":
                judged.restarted = plan.in_a_row > 0
                plan.restarts += 1 if judged.restarted else 0
                plan.in_a_row, plan.chain_start = 0, day + timedelta(days=1)
            event(s, p, now, "evening_missed", "system", words.missed(month_day(rules.opens(day)), number, v.reason))
            if rules.missed_points:
                s.add(ScoreEvent(unit_id=plan.unit_id, petition_id=p.id, at=now, kind="evening_missed",
                                 points=rules.missed_points, note=words.missed_note(p.tracking_no, number)))
        plan.settled_through = day
        out.append(judged)
        day += timedelta(days=1)
    return out


def _plan_open_for_visits(plan: EveningPlan, rules: EveningRules) -> None:
    no = plan.petition.tracking_no
    if plan.status == "selected":
        raise EveningError("evening_not_filed", no=no)
    if plan.status == "completed":
        raise EveningError("evening_completed", no=no, evenings=rules.evenings)
    if plan.status != "filed":
        raise EveningError("evening_plan_state", no=no, plan_status=plan.status)


def visit_on(s: Session, plan: EveningPlan, day: date) -> EveningVisit | None:
    return s.scalars(select(EveningVisit).where(EveningVisit.plan_id == plan.id, EveningVisit.evening == day)).first()


def start(act: Act, plan: EveningPlan, member: PlanMember, rules: EveningRules,
          location: dict | None = None) -> EveningVisit:
    """开始: the task force has arrived. Call ``settle`` first (so the number is right)."""
    s, now, inbound_id = act.session, act.now, act.inbound_id
    _plan_open_for_visits(plan, rules)
    day = rules.evening_of(now)
    no = plan.petition.tracking_no
    if day is None:
        if local(now).time() < rules.window_start:
            raise EveningError("evening_too_early", no=no, window=rules.window_text)
        raise EveningError("evening_too_late", window=rules.window_text)
    if day < plan.first_evening:
        raise EveningError("evening_before_first", no=no, opens=rules.opens(plan.first_evening))
    existing = visit_on(s, plan, day)
    if existing is not None:
        raise EveningError("evening_started_already", no=no, at=existing.started_at, number=existing.number)
    v = EveningVisit(plan_id=plan.id, evening=day, number=plan.in_a_row + 1, status="open", started_at=now,
                     started_by=member.id)
    if location:   # (a JSON None would be stored as JSON null, not SQL NULL)
        v.location, v.distance_m = location, distance_m(location, plan.petition.location)
    s.add(v)
    event(s, plan.petition, now, "evening_started", f"member:{member.id}",
          words.started(v.number, member.name, v.distance_m), inbound_id)
    s.flush()
    return v


def open_visit(s: Session, plan: EveningPlan) -> EveningVisit | None:
    return s.scalars(select(EveningVisit).where(EveningVisit.plan_id == plan.id,
                                                EveningVisit.status.in_(UNJUDGED))
                     .order_by(EveningVisit.evening.desc())).first()


def end(act: Act, plan: EveningPlan, member: PlanMember, rules: EveningRules, summary: str | None = None) -> EveningVisit:
    """结束: the task force leaves. A member other than the one who started may end it (recorded).
    An end too early may be followed by a later one the same night, which replaces it."""
    s, now, inbound_id = act.session, act.now, act.inbound_id
    no = plan.petition.tracking_no
    if plan.status not in ("filed", "completed"):
        _plan_open_for_visits(plan, rules)
    v = open_visit(s, plan)
    if v is None:
        raise EveningError("evening_no_visit", no=no)
    if v.ended_at is not None and v.ended_at - v.started_at >= timedelta(minutes=rules.min_minutes):
        raise EveningError("evening_ended_already", no=no, number=v.number, at=v.ended_at, took=v.ended_at - v.started_at)
    again = v.ended_at is not None
    v.ended_at, v.ended_by, v.status = now, member.id, "ended"
    if summary:
        v.summary = summary[:2000]
    event(s, plan.petition, now, "evening_ended", f"member:{member.id}",
          words.ended(v.number, again, member.name, member.id != v.started_by, now - v.started_at,
                      (summary or "")[:200]), inbound_id)
    return v


def answer(act: Act, v: EveningVisit, phase: str, yes: bool) -> None:
    """The petitioner's answer to "工作专班是否已到您家" (phase start), "…是否已离开" (end), or
    both at once when the start was not answered before the end."""
    s, now, actor, inbound_id = act.session, act.now, act.actor, act.inbound_id
    if v.status not in UNJUDGED:
        raise EveningError("evening_check_closed")
    if phase in ("start", "both"):
        v.petitioner_start = yes
    if phase in ("end", "both"):
        v.petitioner_end = yes
    plan = s.get(EveningPlan, v.plan_id)
    event(s, plan.petition, now, "evening_confirmed" if yes else "evening_denied", actor,
          words.answered(v.number, phase, yes), inbound_id)


def excuse(act: Act, plan: EveningPlan, number: int, reason: str) -> EveningVisit:
    """确认 编号 第N晚 理由: the bureau accepts why the petitioner's confirmation is missing."""
    s, now, actor, inbound_id = act.session, act.now, act.actor, act.inbound_id
    no = plan.petition.tracking_no
    v = s.scalars(select(EveningVisit).where(EveningVisit.plan_id == plan.id, EveningVisit.number == number)
                  .order_by(EveningVisit.evening.desc())).first()
    if v is None or v.started_at is None:
        raise EveningError("evening_no_such_visit", no=no, number=number)
    if v.status not in UNJUDGED:
        raise EveningError("evening_judged", no=no, number=number, at=v.judged_at, counted=v.status == "counted")
    if not reason.strip():
        raise EveningError("evening_excuse_reason", no=no, number=number)
    v.excuse = reason.strip()[:500]
    event(s, plan.petition, now, "evening_excused", actor, words.excused(number, v.excuse), inbound_id)
    return v


# --- outcome ------------------------------------------------------------------------------------

def resolve(act: Act, plan: EveningPlan, rules: EveningRules, agreement: bool, note: str | None) -> None:
    """化解: the case is resolved and closed (销号; a signed 息访息诉协议 noted); the unit earns the
    bonus. A case closed before it was chosen (a backlog case) stays as it was."""
    s, now, actor, inbound_id = act.session, act.now, act.actor, act.inbound_id
    p = plan.petition
    if plan.status not in ACTIVE:
        raise EveningError("evening_plan_state", no=p.tracking_no, plan_status=plan.status)
    plan.status, plan.ended_at, plan.agreement, plan.outcome_note = "resolved", now, agreement, note
    p.overdue, p.under_evenings = False, False
    if p.status in OPEN:   # 化解 is the end of the matter: the case is closed (销号) with it
        p.status, p.closed_at, p.due_next = Status.CLOSED, now, None
    if rules.resolved_points:
        s.add(ScoreEvent(unit_id=plan.unit_id, petition_id=p.id, at=now, kind="evening_resolved",
                         points=rules.resolved_points, note=words.resolved_note(p.tracking_no)))
    event(s, p, now, "evening_resolved", actor, words.resolved(agreement, note), inbound_id)


def unresolved(act: Act, plan: EveningPlan, reason: str) -> None:
    """未化解: the plan ends; the case stays flagged (挂牌) and is held to the county's ordinary
    deadlines again."""
    s, now, actor, inbound_id = act.session, act.now, act.actor, act.inbound_id
    p = plan.petition
    if plan.status not in ACTIVE:
        raise EveningError("evening_plan_state", no=p.tracking_no, plan_status=plan.status)
    if not reason.strip():
        raise EveningError("evening_unresolved_reason", no=p.tracking_no)
    plan.status, plan.ended_at, plan.outcome_note = "unresolved", now, reason.strip()[:2000]
    p.under_evenings = False   # the county's ordinary targets apply again (the caller recomputes)
    event(s, p, now, "evening_unresolved", actor, reason.strip()[:500], inbound_id)


def started_by(s: Session, person: Person, since: datetime) -> tuple[EveningVisit, EveningPlan] | None:
    """The open visit ``person`` started most recently since a moment, with its plan."""
    return s.execute(select(EveningVisit, EveningPlan).join(PlanMember, PlanMember.id == EveningVisit.started_by)
                     .join(EveningPlan, EveningPlan.id == EveningVisit.plan_id)
                     .where(PlanMember.person_id == person.id, PlanMember.active.is_(True),
                            EveningVisit.status == "open", EveningVisit.started_at >= since)
                     .order_by(EveningVisit.started_at.desc())).first()


def under_way(s: Session, person: Person, limit: int = 300) -> list[EveningPlan]:
    """The plans under way a person may see (a unit head: their unit's), none that accuses them."""
    query = (select(EveningPlan).join(Petition, Petition.id == EveningPlan.petition_id)
             .where(EveningPlan.status.in_(ACTIVE), not_recused(person)).order_by(EveningPlan.id).limit(limit))
    if person.role == "head":
        query = query.where(EveningPlan.unit_id == person.unit_id)
    return list(s.scalars(query))


def visits_on(s: Session, plans: list[EveningPlan], day: date) -> dict[int, EveningVisit]:
    """Each plan's visit of ``day``, by plan id."""
    return {v.plan_id: v for v in s.scalars(select(EveningVisit).where(
        EveningVisit.plan_id.in_([p.id for p in plans]), EveningVisit.evening == day))}


def outside_member(s: Session, phone: str) -> bool:
    """Whether a task force has this number as a member outside the directory (五老人员 …)."""
    return s.scalar(select(PlanMember.id).where(PlanMember.phone == phone, PlanMember.person_id.is_(None),
                                                PlanMember.active.is_(True)).limit(1)) is not None


def tonight_text(plan: EveningPlan, v: EveningVisit | None, rules: EveningRules, now: datetime) -> str:
    """How a plan stands tonight, for the 七晚 list and 详情: "今晚第3晚19:02开始，已计入2晚". ``v`` is
    the visit of the evening of ``now``'s date; once the window has closed with no start, the
    evening is said to be lost, not still to come."""
    today = local(now).date()
    if plan.status == "selected":
        state, values = "selected", {}
    elif plan.status == "completed":
        state, values = "completed", {"evenings": rules.evenings}
    elif plan.first_evening is not None and today < plan.first_evening:
        state, values = "first", {"first": month_day(rules.opens(plan.first_evening))}
    elif v is None or v.started_at is None:
        if now >= rules.closes(today):
            state, values = "lost", {"closes": hm(rules.closes(today))}
        elif now < rules.opens(today):
            state, values = "to_come", {"number": plan.in_a_row + 1, "opens": hm(rules.opens(today))}
        else:
            state, values = "not_started", {"number": plan.in_a_row + 1, "closes": hm(rules.closes(today))}
    elif v.ended_at is None:
        state, values = "started", {"number": v.number, "at": hm(v.started_at)}
    else:
        state, values = "ended", {"number": v.number, "at": hm(v.started_at), "until": hm(v.ended_at)}
    return words.tonight(state, plan.in_a_row, **values)


# --- figures ------------------------------------------------------------------------------------

@dataclass
class Figures:
    """A campaign's (or all plans') figures: cases, evenings done and missed, resolved, 停访息诉率."""

    campaign: str | None
    cases: int = 0
    running: int = 0
    evenings_done: int = 0
    evenings_missed: int = 0
    restarts: int = 0
    resolved: int = 0
    agreements: int = 0
    unresolved: int = 0

    @property
    def rate(self) -> float | None:
        """停访息诉率: resolved cases of those selected (the seed: 56 of 60, 93.3%)."""
        return self.resolved / self.cases if self.cases else None



def figures(s: Session, campaign: str | None = None, start: datetime | None = None,
            end: datetime | None = None, rules: EveningRules | None = None) -> Figures:
    """The figures of every plan (``xinfang evenings report``), or of a period [start, end): the
    plans under way at some moment of it, the evenings judged on its days, the restarts they
    caused and the plans ended (化解/未化解) within it — every figure of that period only."""
    if start is None or end is None:
        return _all_time(s, campaign)
    plan = EveningPlan
    where = [plan.selected_at < end, or_(plan.ended_at.is_(None), plan.ended_at >= start)]
    if campaign:
        where.append(plan.campaign == campaign)
    out = Figures(campaign)
    for status, ended_at, agreement in s.execute(select(plan.status, plan.ended_at, plan.agreement).where(*where)):
        out.cases += 1
        if status in ("resolved", "unresolved") and ended_at is not None and ended_at < end:
            if status == "resolved":
                out.resolved += 1
                out.agreements += bool(agreement)
            else:
                out.unresolved += 1
        else:
            out.running += 1
    restarting = (rules or EveningRules()).on_miss == "restart"
    first, last = start.astimezone(SHANGHAI).date(), (end.astimezone(SHANGHAI) - timedelta(seconds=1)).date()
    visits = (select(EveningVisit.status, EveningVisit.number, func.count()).join(plan, plan.id == EveningVisit.plan_id)
              .where(EveningVisit.evening >= first, EveningVisit.evening <= last,
                     EveningVisit.status.in_(("counted", "missed"))))
    if campaign:
        visits = visits.where(plan.campaign == campaign)
    for status, number, n in s.execute(visits.group_by(EveningVisit.status, EveningVisit.number)):
        if status == "counted":
            out.evenings_done += n
        else:
            out.evenings_missed += n
            if restarting and (number or 1) > 1:   # a miss after valid evenings restarts the run
                out.restarts += n
    return out


def _all_time(s: Session, campaign: str | None) -> Figures:
    query = select(EveningPlan.status, func.count(), func.sum(EveningPlan.evenings_done),
                   func.sum(EveningPlan.evenings_missed), func.sum(EveningPlan.restarts),
                   func.sum(cast(EveningPlan.agreement, Integer)))
    if campaign:
        query = query.where(EveningPlan.campaign == campaign)
    out = Figures(campaign)
    for status, n, done, missed, restarts, agreements in s.execute(query.group_by(EveningPlan.status)):
        out.cases += n
        out.evenings_done += done or 0
        out.evenings_missed += missed or 0
        out.restarts += restarts or 0
        if status == "resolved":
            out.resolved, out.agreements = n, agreements or 0
        elif status == "unresolved":
            out.unresolved = n
        else:
            out.running += n
    return out
