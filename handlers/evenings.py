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
"工作专班是否已到您家？回复1是 2否". Rules and judging: core.evenings.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audience
from core.audience import Directory
from core.directory import find_person, find_unit
from core.clock import local, month_day
from core.evening_sweep import judged_notices
from core.evenings import (EveningError, EveningRules, MemberSpec, active_plan, current_members, duration_text,
                           file_plan, hm, member_for, settle)
from core import evenings as ev
from core.models import EveningPlan, EveningVisit, Person, Petition, PlanMember
from core.phones import find_mobile
from core.text import gist
from handlers.context import Context
from handlers.registry import COMMANDS, MEMBER, OFFICIALS, Verb, route

LOCATION_TTL = timedelta(minutes=30)
FILE_FORMAT = "格式：报备 编号 首晚日期 成员…，例如：报备 {no} 11月24日 李建国 王海燕 张老汉13912345678五老"
MEMBER_VERBS = ("开始", "结束")   # the words a task-force member outside the directory may send
EVERYONE = OFFICIALS | {MEMBER}


def rules_of(ctx: Context) -> EveningRules:
    return EveningRules.from_options(ctx.county.options)


def _actor(ctx: Context, person: Person | None) -> str:
    return f"{person.role}:{person.id}" if person else f"member:{ctx.msg.sender[-4:]}"


def _on_plan(step):
    """A command on a case's 七晚 plan: the plan (locked), with the evenings the sweep has not
    judged yet judged first; then ``step(ctx, person, plan, rules, rest)``."""
    def run(ctx: Context, person: Person | None, p: Petition, rest: str) -> str:
        rules = rules_of(ctx)
        plan = active_plan(ctx.session, p, lock=True)
        if plan is None:
            return f"事项{p.tracking_no}没有七晚工作计划。"
        judged = settle(ctx.session, plan, ctx.now, rules)
        if judged:
            _tell(ctx, judged_notices(judged, rules, _directory(ctx, p)))
        return step(ctx, person, plan, rules, rest)
    run.__doc__ = step.__doc__
    return run


def _visit(step):
    def run(ctx, person, plan, rules, rest):
        no = plan.petition.tracking_no
        if plan.status == "selected":
            return f"{no}的七晚工作计划尚未报备，请先报备：报备 {no} 首晚日期 成员…"
        member, left = member_for(plan, person, ctx.msg.sender if person is None else None)
        if member is None:
            return (f"您已不在{no}的工作专班名单中（已调离），请由其他成员报告。" if left
                    else f"您不是{no}七晚工作专班成员，无法报告走访。")
        return step(ctx, plan, member, rules, rest)
    return run


def _tonight(ctx: Context, person: Person | None, rest: str) -> str:
    return tonight(ctx, person, rules_of(ctx))


def _selected(ctx: Context, person: Person | None, p: Petition, rest: str) -> str:
    return _select(ctx, person, p, rules_of(ctx), rest)


COMMANDS.add(Verb("select", ("七晚",), _selected, EVERYONE - {MEMBER}, case="optional", scope="any",
                  run_alone=_tonight,
                  help=(("staff", 80, "七晚 编号 单位 包案领导"), ("leader", 30, "七晚（查看七晚进行情况）"))))
COMMANDS.add(Verb("file", ("报备",), _on_plan(lambda ctx, person, plan, rules, rest:
                                              _file(ctx, person, plan, rules, rest, _actor(ctx, person))),
                  EVERYONE - {MEMBER}, case="required", scope="any",
                  help=(("cadre", 90, "七晚：报备 编号 首晚 成员…"),)))
COMMANDS.add(Verb("start", ("开始",), _on_plan(_visit(lambda ctx, plan, member, rules, rest:
                                                     _start(ctx, plan, member, rules))),
                  EVERYONE, case="required", scope="any", help=(("cadre", 91, "开始 编号"),)))
COMMANDS.add(Verb("end", ("结束",), _on_plan(_visit(lambda ctx, plan, member, rules, rest:
                                                   _end(ctx, plan, member, rules, rest))),
                  EVERYONE, case="required", scope="any", help=(("cadre", 92, "结束 编号 [纪要]"),)))


def _excused(ctx, person, plan, rules, rest):
    if person is None or person.role != "staff":
        return "该指令仅限信访局工作人员使用。"
    return _excuse(ctx, plan, rules, rest, _actor(ctx, person))


def _decided(verb):
    def step(ctx, person, plan, rules, rest):
        if person is None or not _may_decide(person, plan):
            return "化解/未化解由信访局、包案领导或责任单位主要负责人报告。"
        return _outcome(ctx, verb, plan, rules, rest, _actor(ctx, person))
    return step


COMMANDS.add(Verb("excuse", ("确认",), _on_plan(_excused), EVERYONE - {MEMBER}, case="required", scope="any",
                  help=(("staff", 90, "确认 编号 第N晚 理由"),)))
COMMANDS.add(Verb("resolve", ("化解",), _on_plan(_decided("resolve")), EVERYONE - {MEMBER}, case="required",
                  scope="any", help=(("staff", 100, "化解/未化解 编号"), ("leader", 40, "化解 编号"))))
COMMANDS.add(Verb("unresolved", ("未化解",), _on_plan(_decided("unresolved")), EVERYONE - {MEMBER}, case="required",
                  scope="any", help=(("leader", 50, "未化解 编号 理由"),)))


def _directory(ctx: Context, p: Petition) -> Directory:
    d = Directory(ctx.session)
    if p.accusation:
        d.load_recusals([p.id])
    return d


def _tell(ctx: Context, notices) -> None:
    for to, body, purpose, pid in notices:
        ctx.queue_sms(to, body, purpose, pid)


def _may_decide(person: Person, plan: EveningPlan) -> bool:
    return person.role == "staff" or person.id == plan.lead_person_id or \
        (person.role == "head" and person.unit_id == plan.unit_id)


# --- staff select, the unit files ---------------------------------------------------------------

def _select(ctx: Context, person: Person | None, p: Petition, rules: EveningRules, after: str) -> str:
    if person is None or person.role != "staff":
        return "该指令仅限信访局工作人员使用。"
    words = after.split()
    if not words:
        return f"格式：七晚 {p.tracking_no} 单位 包案领导，例如：七晚 {p.tracking_no} 下汤镇人民政府 陈国栋"
    unit = find_unit(ctx.session, words[0])
    if unit is None:
        return f"没有找到单位“{words[0]}”，请写单位全称或代码。"
    lead = None
    if len(words) > 1:
        lead = find_person(ctx.session, words[1], roles=("leader", "head"))
        if lead is None:
            return f"没有找到县领导“{words[1]}”，请写包案领导姓名。"
    plan = ev.select_case(ctx.session, p, unit, lead, ctx.now, f"staff:{person.id}", inbound_id=ctx.msg.inbound_id)
    _tell(ctx, selection_notices(ctx.session, plan, lead))
    return f"已将{p.tracking_no}列入七晚，交{unit.name}组成工作专班" + (f"，{lead.name}包案" if lead else "") + \
        "；已通知单位报备。"


def selection_notices(s: Session, plan: EveningPlan, lead: Person | None) -> list:
    """The plan's unit is asked to file the plan (whoever handled the case before); the 包案
    leader is told."""
    p, unit = plan.petition, plan.unit
    first = f" {plan.first_evening.month}月{plan.first_evening.day}日" if plan.first_evening else " 首晚日期"
    body = (f"【七晚】{p.tracking_no}（{p.name}，{gist(p.content, 30)}）列入七晚工作法"
            + (f"（{plan.campaign}）" if plan.campaign else "") + "，由贵单位组成工作专班"
            + (f"，{lead.name}包案" if lead else "") + f"。请报备：报备 {p.tracking_no}{first} 成员…")
    out = [(to, body, "evening_selected", p.id) for to in audience.unit(s, p, plan.unit_id)]
    if lead is not None:
        out.append((lead.phone, f"【七晚包案】{lead.name}您好，{p.tracking_no}（{unit.name}）列入七晚工作法，由您包案："
                                f"{gist(p.content, 40)}。报备和走访情况将告知您。", "evening_selected", p.id))
    return out


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
                return [], f"“{word}”中的电话不是有效的手机号码。"
            label = m.group("label").strip("（）()") or None
            known = s.scalars(select(Person).where(Person.phone == phone, Person.active.is_(True))).first()
            out.append(MemberSpec(known.name if known else m.group("name"), phone, known, label[:16] if label else None))
            continue
        who = find_person(s, word)
        if who is None:
            return [], f"成员“{word}”不在名录中（或重名）。名录外人员请写姓名加手机号，例如：张老汉13912345678五老"
        out.append(MemberSpec(who.name, who.phone, who, None))
    seen: set[str] = set()
    unique = [m for m in out if not (m.phone in seen or seen.add(m.phone))]
    return unique, None


def _file(ctx: Context, person: Person | None, plan: EveningPlan, rules: EveningRules, after: str, actor: str) -> str:
    no = plan.petition.tracking_no
    if person is None or not (person.role == "staff" or (person.unit_id == plan.unit_id and
                                                          person.role in ("liaison", "cadre", "head"))):
        return f"{no}的七晚报备由{plan.unit.name}或信访局提交。"
    words = re.split(r"[\s、，,；;]+", after.strip())
    words = [w for w in words if w]
    if len(words) < (1 if plan.first_evening else 2):
        return FILE_FORMAT.format(no=no)
    today = local(ctx.now).date()
    first = parse_evening(words[0].removeprefix("首晚"), today)
    if first is None and plan.first_evening is not None and not re.match(r"^(首晚)?\d", words[0]):
        first, words = plan.first_evening, ["", *words]   # the campaign set the first evening
    if first is None:
        return f"首晚日期“{words[0]}”看不懂，请写如 11月24日 或 明晚。" + FILE_FORMAT.format(no=no)
    members, problem = parse_members(ctx.session, words[1:])
    if problem:
        return problem
    file_plan(ctx.session, plan, members, first, ctx.now, rules, actor, ctx.msg.inbound_id)
    p = plan.petition
    names = "、".join(m.name for m in members)
    schedule = (f"{month_day(rules.opens(first))}起连续{rules.evenings}晚，每晚{rules.window_text}间开始、"
                f"不少于{rules.min_text}")
    to_members = (f"【七晚报备】{no}（{p.name}，{ctx.place_of(p)}）：{schedule}。成员：{names}。"
                  f"到达后回复：开始 {no}；离开时回复：结束 {no} 纪要")
    for m in members:
        ctx.queue_sms(m.phone, to_members, "evening_filed", p.id)
    to_officials = f"【七晚报备】{no}由{plan.unit.name}报备：{schedule}。成员：{names}。"
    told = {m.phone for m in members}
    for to in audience.plan_officials(ctx.session, plan):
        if to not in told and to != ctx.msg.sender:
            ctx.queue_sms(to, to_officials, "evening_filed", p.id)
    return f"已报备{no}七晚：{schedule}，成员{len(members)}人；已通知成员、信访局和包案领导。"


# --- each evening -------------------------------------------------------------------------------

def _pending_location(ctx: Context) -> dict | None:
    got = ctx.data().get("evening_location")
    if not got:
        return None
    ctx.set_state(ctx.conv.state, evening_location=None)
    at = got.get("at")
    if at is None or ctx.now.timestamp() - at > LOCATION_TTL.total_seconds():
        return None
    return got.get("location")


def _far_note(ctx: Context, plan: EveningPlan, v: EveningVisit, rules: EveningRules) -> str:
    if v.distance_m is None or v.distance_m <= rules.far_m:
        return ""
    no = plan.petition.tracking_no
    far = f"{v.distance_m / 1000:.1f}公里" if v.distance_m >= 1000 else f"{v.distance_m:.0f}米"
    for to in audience.plan_officials(ctx.session, plan):
        ctx.queue_sms(to, f"【七晚核实】{no}第{v.number}晚开始时的定位与信访人住址相距约{far}，请核实。", "evening_far",
                      plan.petition_id)
    return f"定位与信访人住址相距约{far}，已报信访局核实。"


def _start(ctx: Context, plan: EveningPlan, member: PlanMember, rules: EveningRules) -> str:
    location = _pending_location(ctx)
    v = ev.start(ctx.session, plan, member, ctx.now, rules, location, ctx.msg.inbound_id)
    no = plan.petition.tracking_no
    _ask_petitioner(ctx, plan, v, "start",
                    f"【{ctx.county.name}信访局】您好！工作专班报告今晚{hm(v.started_at)}已到您家走访（事项{no}）。"
                    f"工作专班是否已到您家？回复1是 2否")
    return (f"{no}第{v.number}晚开始（{hm(v.started_at)}），已请信访人确认。满{rules.min_text}后回复：结束 {no} 纪要"
            + ("。" + note if (note := _far_note(ctx, plan, v, rules)) else ""))


def _end(ctx: Context, plan: EveningPlan, member: PlanMember, rules: EveningRules, summary: str) -> str:
    v = ev.end(ctx.session, plan, member, ctx.now, rules, summary or None, ctx.msg.inbound_id)
    no = plan.petition.tracking_no
    took = v.ended_at - v.started_at
    if took < timedelta(minutes=rules.min_minutes):
        return (f"{no}第{v.number}晚：已{duration_text(took)}，不足{rules.min_text}本晚不计入。"
                f"如仍在信访人家中，满{rules.min_text}后请再回复：结束 {no}")
    both = v.petitioner_start is None
    ask = (f"【{ctx.county.name}信访局】您好！工作专班报告今晚{hm(v.started_at)}到{hm(v.ended_at)}在您家走访（事项{no}）。"
           f"是否属实？回复1是 2否") if both else \
        (f"【{ctx.county.name}信访局】您好！工作专班报告已于{hm(v.ended_at)}结束今晚走访（事项{no}），"
         f"历时{duration_text(took)}。是否属实？回复1是 2否")
    _ask_petitioner(ctx, plan, v, "both" if both else "end", ask)
    by = "" if member.id == v.started_by else "（已记录由您报结束）"
    missing = "；信访人尚未确认到达" if v.petitioner_start is not True and v.excuse is None else ""
    return (f"{no}第{v.number}晚结束（{hm(v.ended_at)}），历时{duration_text(took)}{by}。已请信访人确认{missing}，"
            f"明天{rules.judge_at:%H:%M}判定是否计入。")


def _ask_petitioner(ctx: Context, plan: EveningPlan, v: EveningVisit, phase: str, body: str) -> None:
    """By SMS to a phone the petitioner has proven (or the only one there is), else WeChat: the
    check must reach the petitioner, not whoever a number written down belongs to."""
    p = plan.petition
    channel, to = audience.petitioner_check(p)
    if not to:
        return
    ctx.queue(channel, to, body, "evening_check", p.id)
    ctx.ask(channel, to, {"kind": "visit", "visit_id": v.id, "phase": phase, "petition_id": p.id})


def location(ctx: Context, person: Person) -> str:
    """A WeChat location from a member: attached to the visit they started in the last half hour,
    else kept for their next 开始."""
    s = ctx.session
    row = s.execute(select(EveningVisit, EveningPlan).join(PlanMember, PlanMember.id == EveningVisit.started_by)
                    .join(EveningPlan, EveningPlan.id == EveningVisit.plan_id)
                    .where(PlanMember.person_id == person.id, PlanMember.active.is_(True),
                           EveningVisit.status == "open", EveningVisit.started_at >= ctx.now - LOCATION_TTL)
                    .order_by(EveningVisit.started_at.desc())).first()
    if row is None or row[0].location:
        ctx.set_state(ctx.conv.state, evening_location={"location": ctx.msg.location, "at": ctx.now.timestamp()})
        return "已收到定位，将用于您接下来30分钟内报告的“开始 编号”。"
    v, plan = row
    v.location = ctx.msg.location
    v.distance_m = ev.distance_m(ctx.msg.location, plan.petition.location)
    ev.event(s, plan.petition, ctx.now, "evening_located", f"{person.role}:{person.id}",
             f"第{v.number}晚定位" + (f"，相距{v.distance_m:.0f}米" if v.distance_m is not None else ""),
             ctx.msg.inbound_id)
    note = _far_note(ctx, plan, v, rules_of(ctx))
    return f"已记录{plan.petition.tracking_no}第{v.number}晚的定位。" + note


def answer(ctx: Context, ask: dict, word: str, yes: bool) -> str:
    """The petitioner's 1/2 to an evening check."""
    s = ctx.session
    ctx.set_state("idle", ask=None)
    # the case's row first, as every command on it does, then the visit: one order, no deadlock
    p = s.scalars(select(Petition).where(Petition.id == ask.get("petition_id")).with_for_update()).first()
    v = s.get(EveningVisit, ask.get("visit_id")) if p is not None else None
    if v is None:
        return "感谢您的答复。"
    plan = s.get(EveningPlan, v.plan_id)
    no = p.tracking_no
    try:
        ev.answer(s, v, ask.get("phase", "start"), yes, ctx.now, f"{ctx.channel}:citizen", ctx.msg.inbound_id)
    except EveningError:
        return f"感谢您的答复。{no}这一晚的确认已截止，如有情况请联系县信访局。"
    if yes:
        return "感谢您的确认！"
    for to in audience.plan_officials(ctx.session, plan):
        ctx.queue_sms(to, f"【七晚核实】{no}第{v.number}晚（{hm(v.started_at)}开始）信访人答复“否”。"
                          f"如有正当理由，请回复：确认 {no} 第{v.number}晚 理由", "evening_denied", plan.petition_id)
    return "感谢您的答复，已告知县信访局核实。"


def _excuse(ctx: Context, plan: EveningPlan, rules: EveningRules, after: str, actor: str) -> str:
    no = plan.petition.tracking_no
    m = re.match(r"^第?\s*(\d{1,2})\s*晚?\s*(.*)$", after, re.S)
    if not m:
        return f"格式：确认 {no} 第N晚 理由，例如：确认 {no} 第3晚 信访人手机没电，已电话核实"
    v = ev.excuse(ctx.session, plan, int(m.group(1)), m.group(2), ctx.now, actor, ctx.msg.inbound_id)
    left = ev.shortfalls(v, rules)
    return f"已确认{no}第{v.number}晚：{gist(v.excuse, 30)}。" + (f"尚缺：{'；'.join(left)}。" if left else "满足计入条件。")


def _outcome(ctx: Context, verb: str, plan: EveningPlan, rules: EveningRules, after: str, actor: str) -> str:
    p = plan.petition
    if verb == "resolve":
        agreement = "协议" in after
        ev.resolve(ctx.session, plan, ctx.now, rules, actor, agreement, after or None, ctx.msg.inbound_id)
        body = f"【七晚】{p.tracking_no}已化解，销号" + ("（已签息访息诉协议）" if agreement else "") + "。谢谢各位！"
        reply = f"已登记{p.tracking_no}化解，销号" + (f"；{plan.unit.name}加{rules.resolved_points}分" if rules.resolved_points else "") + "。"
    else:
        ev.unresolved(ctx.session, plan, ctx.now, actor, after, ctx.msg.inbound_id)
        body = f"【七晚】{p.tracking_no}未化解：{gist(after, 40)}。事项继续挂牌督办。"
        reply = f"已登记{p.tracking_no}未化解，事项继续挂牌。"
    everyone = [m.phone for m in current_members(plan)] + audience.unit(ctx.session, p, plan.unit_id) \
        + audience.plan_officials(ctx.session, plan)
    for to in dict.fromkeys(everyone):
        if to != ctx.msg.sender:
            ctx.queue_sms(to, body, "evening_outcome", p.id)
    return reply


# --- what is under way --------------------------------------------------------------------------

def tonight(ctx: Context, person: Person | None, rules: EveningRules) -> str:
    """七晚 alone: the plans under way, tonight's visit of each, evenings counted so far."""
    from core.cases import not_recused

    if person is None or person.role not in ("staff", "leader", "head"):
        return "该指令仅限信访局工作人员和领导使用。"
    s = ctx.session
    query = (select(EveningPlan).join(Petition, Petition.id == EveningPlan.petition_id)
             .where(EveningPlan.status.in_(ev.ACTIVE), not_recused(person)).order_by(EveningPlan.id).limit(300))
    if person.role == "head":
        query = query.where(EveningPlan.unit_id == person.unit_id)
    plans = list(s.scalars(query))
    if not plans:
        return "目前没有进行中的七晚工作。"
    today = local(ctx.now).date()
    visits = {v.plan_id: v for v in s.scalars(select(EveningVisit).where(
        EveningVisit.plan_id.in_([p.id for p in plans]), EveningVisit.evening == today))}
    items = []
    for i, plan in enumerate(plans, 1):
        items.append(f"{i}. {plan.petition.tracking_no} {plan.unit.name} "
                     f"{ev.tonight_text(plan, visits.get(plan.id), rules, today)}")
    return ctx.paginate([f"七晚进行中{len(plans)}件："], items)


def external_member(ctx: Context, text: str) -> str | None:
    """开始/结束 from a task-force member outside the directory (五老人员, a village secretary), known
    by the SMS number filed in the plan; None when the sender is not one."""
    if ctx.channel != "sms" or not text.startswith(MEMBER_VERBS):
        return None
    known = ctx.session.scalar(select(PlanMember.id).where(PlanMember.phone == ctx.msg.sender,
                                                           PlanMember.person_id.is_(None),
                                                           PlanMember.active.is_(True)).limit(1))
    if known is None:
        return None
    return route(ctx, None, text)
