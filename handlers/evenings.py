"""七晚工作法 by message: the commands of the bureau, the task force and the petitioner's answers.

Staff:   七晚 编号 单位 [包案领导]   — select a case (the unit is asked to file the plan)
         七晚                         — the plans under way and tonight's visits
         确认 编号 第N晚 理由          — accept why the petitioner did not confirm
Unit:    报备 编号 首晚 成员…          — the task force (directory names, or name+phone for 五老人员
                                        and village secretaries: 张老汉13912345678五老) and first evening
Members: 开始 编号 (a WeChat location just before or after is checked against the home)
         结束 编号 [纪要]
Outcome: 化解 编号 [已签息访息诉协议] · 未化解 编号 理由 (staff, the unit head or the 包案 leader)

The petitioner is asked by SMS (WeChat when no phone is known) at each start and end:
"工作专班是否已到您家？回复1是 2否". Rules and judging: core.evenings.visits.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy.orm import Session

from core.evenings import visits as ev
from core.cases.audience import Directory
from core.cases.lifecycle import lock_by_id
from core.clock import local
from core.directory.lookup import find_person, find_unit, person_by_phone
from core.evenings.sweep import judged_notices
from core.evenings.visits import EveningError, EveningRules, MemberSpec, active_plan, member_for, settle
from core.store.models import EveningPlan, EveningVisit, Person, Petition
from core.phones import find_mobile
from core.evenings import usecases
from handlers import notify
from core.words import citizens as texts
from core.words import officials as T
from handlers.context import Context
from handlers.registry import COMMANDS, MEMBER, OFFICIALS, act, citizen_act, route

LOCATION_TTL = timedelta(minutes=30)
MEMBER_VERBS = ("开始", "结束")   # the words a task-force member outside the directory may send
DIRECTORY = OFFICIALS            # 七晚 commands of the directory's people (roles are checked by each)
EVERYONE = OFFICIALS | {MEMBER}


def on_plan(step):
    """A command on a case's 七晚 plan: the plan (locked), with the evenings the sweep has not
    judged yet judged first (and their notices sent); then ``step(ctx, person, plan, rest)``."""
    def run(ctx: Context, person: Person | None, p: Petition, rest: str):
        plan = active_plan(ctx.session, p, lock=True)
        if plan is None:
            return T.no_plan(p.tracking_no)
        judged = settle(ctx.session, plan, ctx.now, ctx.evening_rules)
        if judged:
            for to, body, purpose, pid in judged_notices(judged, ctx.evening_rules, _directory(ctx, p)):
                ctx.queue_sms(to, body, purpose, pid)
        return step(ctx, person, plan, rest)
    run.__doc__ = step.__doc__
    return run


def _directory(ctx: Context, p: Petition) -> Directory:
    d = Directory(ctx.session)
    if p.accusation:
        d.load_recusals([p.id])
    return d


def _member(ctx: Context, person: Person | None, plan: EveningPlan):
    """The task-force member reporting, or the reply saying why they cannot."""
    no = plan.petition.tracking_no
    if plan.status == "selected":
        return None, T.plan_not_filed(no)
    member, left = member_for(plan, person, ctx.msg.sender if person is None else None)
    if member is None:
        return None, T.not_a_member(no, left)
    return member, None


def _may_decide(person: Person, plan: EveningPlan) -> bool:
    return person.role == "staff" or person.id == plan.lead_person_id or \
        (person.role == "head" and person.unit_id == plan.unit_id)


# --- staff select, the unit files ---------------------------------------------------------------

def _tonight(ctx: Context, person: Person | None, rest: str) -> str:
    return tonight(ctx, person, ctx.evening_rules)


@COMMANDS.verb("select", "七晚", roles=DIRECTORY, case="optional", scope="any", run_alone=_tonight,
               help=(("staff", 80, "七晚 编号 单位 包案领导"), ("leader", 30, T.HELP_TONIGHT)))
def _select(ctx: Context, person: Person | None, p: Petition, after: str):
    if person is None or person.role != "staff":
        return T.STAFF_ONLY
    words = after.split()
    if not words:
        return T.select_format(p.tracking_no)
    unit = find_unit(ctx.session, words[0])
    if unit is None:
        return T.unit_not_found(words[0])
    lead = None
    if len(words) > 1:
        lead = find_person(ctx.session, words[1], roles=("leader", "head"))
        if lead is None:
            return T.leader_not_found(words[1])
    return usecases.select(act(ctx, person), p, unit, lead)


def parse_evening(text: str, today: date) -> date | None:
    """"11月24日", "11-24", "2026-11-24", "今晚", "明晚"/"明天"; a month-day in the past is next year's."""
    t = text.strip()
    if t in ("今晚", "今天"):
        return today
    if t in ("明晚", "明天"):
        return today + timedelta(days=1)
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", t)
    try:
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = re.fullmatch(r"(\d{1,2})[-/.月](\d{1,2})[日号]?", t)
        if m:
            d = date(today.year, int(m.group(1)), int(m.group(2)))
            return d if d >= today - timedelta(days=180) else date(today.year + 1, d.month, d.day)
    except ValueError:
        return None
    return None


_MEMBER_RE = re.compile(r"^(?P<name>[^\d+]{1,16}?)(?P<phone>\+?86)?(?P<digits>1\d{10})(?P<label>.*)$")


def parse_members(s: Session, words: list[str]) -> tuple[list[MemberSpec], str | None]:
    """Members: a name of the directory, or name+phone[+label] for people outside it."""
    out: list[MemberSpec] = []
    for word in words:
        m = _MEMBER_RE.match(word)
        if m:
            phone = find_mobile(m.group("digits"))
            if phone is None:
                return [], T.member_bad_phone(word)
            label = m.group("label").strip("（）()") or None
            known = person_by_phone(s, phone)
            out.append(MemberSpec(known.name if known else m.group("name"), phone, known, label[:16] if label else None))
            continue
        who = find_person(s, word)
        if who is None:
            return [], T.member_unknown(word)
        out.append(MemberSpec(who.name, who.phone, who, None))
    seen: set[str] = set()
    unique = [m for m in out if not (m.phone in seen or seen.add(m.phone))]
    return unique, None


@COMMANDS.verb("file", "报备", roles=DIRECTORY, case="required", scope="any",
               help=(("cadre", 90, T.HELP_FILE_PLAN),))
@on_plan
def _file(ctx: Context, person: Person | None, plan: EveningPlan, after: str):
    no = plan.petition.tracking_no
    if person is None or not (person.role == "staff" or (person.unit_id == plan.unit_id and
                                                          person.role in ("liaison", "cadre", "head"))):
        return T.filed_by(no, plan.unit.name)
    words = re.split(r"[\s、，,；;]+", after.strip())
    words = [w for w in words if w]
    if len(words) < (1 if plan.first_evening else 2):
        return T.FILE_FORMAT.format(no=no)
    today = local(ctx.now).date()
    first = parse_evening(words[0].removeprefix("首晚"), today)
    if first is None and plan.first_evening is not None and not re.match(r"^(首晚)?\d", words[0]):
        first, words = plan.first_evening, ["", *words]   # the campaign set the first evening
    if first is None:
        return T.first_evening_unclear(words[0], no)
    members, problem = parse_members(ctx.session, words[1:])
    if problem:
        return problem
    return usecases.file(act(ctx, person), plan, members, first, ctx.evening_rules)


# --- each evening -------------------------------------------------------------------------------

def _pending_location(ctx: Context) -> dict | None:
    got = ctx.data().get("evening_location")
    if not got:
        return None
    ctx.put(evening_location=None)
    at = got.get("at")
    if at is None or ctx.now.timestamp() - at > LOCATION_TTL.total_seconds():
        return None
    return got.get("location")


@COMMANDS.verb("start", "开始", roles=EVERYONE, case="required", scope="any", help=(("cadre", 91, "开始 编号"),))
@on_plan
def _start(ctx: Context, person: Person | None, plan: EveningPlan, rest: str):
    member, refused = _member(ctx, person, plan)
    if member is None:
        return refused
    return usecases.start(act(ctx, person), plan, member, ctx.evening_rules, _pending_location(ctx))


@COMMANDS.verb("end", "结束", roles=EVERYONE, case="required", scope="any", help=(("cadre", 92, "结束 编号 [纪要]"),))
@on_plan
def _end(ctx: Context, person: Person | None, plan: EveningPlan, summary: str):
    member, refused = _member(ctx, person, plan)
    if member is None:
        return refused
    return usecases.end(act(ctx, person), plan, member, ctx.evening_rules, summary)


def location(ctx: Context, person: Person) -> str:
    """A WeChat location from a member: attached to the visit they started in the last half hour,
    else kept for their next 开始."""
    row = ev.started_by(ctx.session, person, ctx.now - LOCATION_TTL)
    if row is None or row[0].location:
        ctx.put(evening_location={"location": ctx.msg.location, "at": ctx.now.timestamp()})
        return T.LOCATION_KEPT
    v, plan = row
    done = usecases.locate(act(ctx, person), plan, v, ctx.msg.location, ctx.evening_rules)
    notify.deliver(ctx, done)
    return T.REPLIES["locate"](ctx, done.petition, **done.data)


def answer(ctx: Context, ask: dict, word: str, yes: bool) -> str:
    """The petitioner's 1/2 to an evening check."""
    s = ctx.session
    ctx.put(ask=None)
    # the case's row first, as every command on it does, then the visit: one order, no deadlock
    p = lock_by_id(s, ask.get("petition_id"))
    v = s.get(EveningVisit, ask.get("visit_id")) if p is not None else None
    if v is None:
        return texts.VISIT_ANSWER_THANKS
    plan = s.get(EveningPlan, v.plan_id)
    try:
        done = usecases.answer(citizen_act(ctx), plan, v, ask.get("phase", "start"), yes)
    except EveningError:
        return texts.visit_answer_closed(p.tracking_no)
    notify.deliver(ctx, done)
    return texts.VISIT_CONFIRMED if yes else texts.VISIT_DENIED


@COMMANDS.verb("excuse", "确认", roles=DIRECTORY, case="required", scope="any",
               help=(("staff", 90, "确认 编号 第N晚 理由"),))
@on_plan
def _excuse(ctx: Context, person: Person | None, plan: EveningPlan, after: str):
    if person is None or person.role != "staff":
        return T.STAFF_ONLY
    no = plan.petition.tracking_no
    m = re.match(r"^第?\s*(\d{1,2})\s*晚?\s*(.*)$", after, re.S)
    if not m:
        return T.excuse_format(no)
    return usecases.excuse(act(ctx, person), plan, int(m.group(1)), m.group(2), ctx.evening_rules)


def _decides(person: Person | None, plan: EveningPlan) -> str | None:
    if person is None or not _may_decide(person, plan):
        return T.DECIDE_WHO
    return None


@COMMANDS.verb("resolve", "化解", roles=DIRECTORY, case="required", scope="any",
               help=(("staff", 100, "化解/未化解 编号"), ("leader", 40, "化解 编号")))
@on_plan
def _resolve(ctx: Context, person: Person | None, plan: EveningPlan, after: str):
    return _decides(person, plan) or usecases.resolve(act(ctx, person), plan, ctx.evening_rules, after)


@COMMANDS.verb("unresolved", "未化解", roles=DIRECTORY, case="required", scope="any",
               help=(("leader", 50, "未化解 编号 理由"),))
@on_plan
def _unresolved(ctx: Context, person: Person | None, plan: EveningPlan, after: str):
    return _decides(person, plan) or usecases.unresolved(act(ctx, person), plan, after)


# --- what is under way --------------------------------------------------------------------------

def tonight(ctx: Context, person: Person | None, rules: EveningRules) -> str:
    """七晚 alone: the plans under way, tonight's visit of each, evenings counted so far."""
    if person is None or person.role not in ("staff", "leader", "head"):
        return T.STAFF_AND_LEADERS_ONLY
    plans = ev.under_way(ctx.session, person)
    if not plans:
        return T.NO_EVENINGS
    today = local(ctx.now).date()
    visits = ev.visits_on(ctx.session, plans, today)
    items = []
    for i, plan in enumerate(plans, 1):
        items.append(f"{i}. {plan.petition.tracking_no} {plan.unit.name} "
                     f"{ev.tonight_text(plan, visits.get(plan.id), rules, ctx.now)}")
    return ctx.paginate([T.evenings_head(len(plans))], items)


def external_member(ctx: Context, text: str) -> str | None:
    """开始/结束 from a task-force member outside the directory (五老人员, a village secretary), known
    by the SMS number filed in the plan; None when the sender is not one."""
    if ctx.channel != "sms" or not text.startswith(MEMBER_VERBS):
        return None
    if not ev.outside_member(ctx.session, ctx.msg.sender):
        return None
    return route(ctx, None, text)
