"""Staff of the bureau and cadres of the units: who they are, and the commands they send.

A sender is an official when their SMS number or bound WeChat OpenID belongs to an active person
of the county file; everyone else is a citizen. A WeChat OpenID is bound with a one-time code
printed by ``xinfang bind NAME`` and sent as "绑定 CODE".

Commands (aliases in ``VERBS``): 受理 编号 [简单|一般|复杂] · 见面 编号 [备注] · 答复 编号 内容 ·
办结 编号 · 延期 编号 天数 理由 · 退回 编号 理由 · 待办 · 帮助; staff also 交办 编号 单位 ·
批准延期 编号. A command from the wrong person, for an unknown case, or out of order gets a
clear reply and changes nothing (core.cases raises, the transaction writes nothing of it).
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core import audience, cases, instructions
from core.cases import CaseError
from core.clock import SHANGHAI, month_day
from core.digest import LEVEL_OF_WORD
from core.digest import details as digest_details
from core.digest import register_escalation as register_escalation_row
from core.models import BindCode, Person, Petition, PetitionEvent, Township, Unit
from core.phones import find_mobile
from core.text import gist
from core.tracking import next_tracking_no, split_tracking_no
from handlers import evenings, texts
from handlers.context import Context
from handlers.extract import most_similar

VERBS = {
    "受理": "accept", "接收": "accept",
    "见面": "meet", "已见面": "meet",
    "答复": "reply", "回复": "reply",
    "办结": "close", "结案": "close",
    "延期": "extend",
    "批准延期": "approve", "同意延期": "approve",
    "退回": "send_back",
    "交办": "assign", "转办": "assign",
    "待办": "todo", "我的待办": "todo",
    "帮助": "help", "?": "help", "？": "help",
    "下一页": "next", "更多": "next",
    "登记": "register",
    "被反映": "recuse", "回避": "recuse",
    "包案": "lead",
    "复查答复": "answer_review", "复核答复": "answer_review",
    "详情": "details",
    "批示": "instruct",
    "进展": "progress", "进展报告": "progress",
    **{word: "evening:" + verb for word, verb in evenings.VERBS.items()},   # 七晚工作法
}
STAFF_ONLY = {"assign", "approve", "register", "recuse", "lead", "answer_review"}
VERB_RE = re.compile("^(" + "|".join(re.escape(v) for v in sorted(VERBS, key=len, reverse=True)) + r")\s*(.*)$", re.S)
BIND_RE = re.compile(r"^\s*绑定\s*([A-Za-z0-9]{6,12})\s*$")
BIND_TTL = timedelta(days=3)
SMS_CADRE_LIMIT = 201   # three UCS-2 segments for notices to cadres (they need the details)

HELP = ("可用指令：受理 编号 [简单/一般/复杂]｜见面 编号 [备注]｜答复 编号 内容｜办结 编号｜"
        "延期 编号 天数 理由｜退回 编号 理由｜进展 编号 内容（批示事项）｜待办｜七晚：报备 编号 首晚 成员…｜开始 编号｜结束 编号 [纪要]")
STAFF_HELP = HELP + ("｜登记 走访/来信 乡镇 姓名 电话 人数 内容｜登记 到市/赴省/进京 [乡镇] 人数 事由｜交办 编号 单位｜被反映 编号 单位/人｜"
                     "包案 编号 领导｜批准延期 编号｜复查答复 编号 内容｜七晚 编号 单位 包案领导｜"
                     "确认 编号 第N晚 理由｜化解/未化解 编号")
LEADER_HELP = ("可用指令：详情（今日访情要点）｜批示 编号 内容｜七晚（查看七晚进行情况）｜化解 编号｜未化解 编号 理由。"
               "每日访情将按时发送。")


# --- who is writing ---------------------------------------------------------------------------

def identify(ctx: Context) -> Person | None:
    """The directory's person writing, or None for a citizen (most messages): the conversation's
    lock has read who it is (handlers.context.lock_conversation); the ORM only for officials."""
    person_id = ctx.conv.official_id
    return ctx.session.get(Person, person_id) if person_id is not None else None


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.upper().encode()).hexdigest()


def new_bind_code(session: Session, person: Person, now: datetime) -> str:
    """A one-time code for ``person`` to send from WeChat ("绑定 CODE"), valid 3 days."""
    code = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8))
    session.add(BindCode(person_id=person.id, code_hash=_code_hash(code), created_at=now, expires_at=now + BIND_TTL))
    return code


def try_bind(ctx: Context, text: str) -> str | None:
    """"绑定 CODE" from WeChat: the reply, or None when the text is not a bind command."""
    m = BIND_RE.match(text)
    if not m:
        return None
    if ctx.channel != "wechat":
        return "绑定只用于微信：请在县信访局公众号中发送“绑定 验证码”。"
    row = ctx.session.scalars(select(BindCode).where(BindCode.code_hash == _code_hash(m.group(1)))).first()
    if row is None or row.used_at is not None or row.expires_at < ctx.now:
        return "验证码无效或已过期，请向信访局重新获取。"
    person = ctx.session.get(Person, row.person_id)
    taken = ctx.session.scalars(select(Person).where(Person.openid == ctx.msg.sender, Person.id != person.id)).first()
    if taken is not None:
        return "这个微信号已绑定其他人员，请联系信访局。"
    person.openid, row.used_at = ctx.msg.sender, ctx.now
    return f"{person.name}您好，微信已绑定。" + (STAFF_HELP if person.role == "staff" else HELP)


# --- commands -----------------------------------------------------------------------------------

def handle(ctx: Context, person: Person, text: str) -> str:
    m = VERB_RE.match(text.strip())
    verb, word, rest = (VERBS[m.group(1)], m.group(1), m.group(2)) if m else (None, "", "")
    if verb is None or verb == "help":
        return _help(person)
    if verb == "next":
        return ctx.next_page()
    if verb.startswith("evening:"):
        return evenings.handle(ctx, person, verb.removeprefix("evening:"), word, rest)
    if verb == "details":
        return details(ctx, person)
    if verb == "instruct":
        return do_instruct(ctx, person, word, rest)
    if person.role == "leader":
        return LEADER_HELP
    if verb == "todo":
        return todo(ctx, person)
    if verb in STAFF_ONLY and person.role != "staff":
        return "该指令仅限信访局工作人员使用。"
    if verb == "register":
        return register(ctx, person, rest)
    number, after = split_tracking_no(rest)
    after = after.strip(" ：:，,")
    if number is None:
        return f"请写上事项编号，例如：{word} {ctx.county.prefix}-{ctx.now.astimezone(SHANGHAI):%Y%m%d}-0001"
    p = ctx.session.scalars(select(Petition).where(Petition.tracking_no == number).with_for_update()).first()
    if p is None or not cases.may_act(ctx.session, person, p):
        return f"没有找到您单位的事项{number}，请核对编号。" if person.role != "staff" else \
            f"没有找到事项{number}，或该事项涉及您本人（回避），请核对编号。"
    actor = f"{person.role}:{person.id}"
    try:
        was_provisional = p.deadline_provisional
        reply = _ACTIONS[verb](ctx, person, p, ctx.rules, actor, after)
    except CaseError as exc:
        return str(exc)
    warn_if_provisional(ctx, p, was_provisional)
    return reply


def warn_if_provisional(ctx: Context, p: Petition, was: bool) -> None:
    """A deadline that now rests on a year whose holidays are not yet published is computed on the
    county's list (or Monday–Friday); the bureau is told once, so it can check it later."""
    if not p.deadline_provisional or was:
        return
    basis = "县里提供的节假日表" if ctx.rules.calendar.holidays else "周一至周五"
    cases.event(ctx.session, p, ctx.now, "deadline_provisional", "system", basis)
    tell_staff(ctx, p, f"【提示】{p.tracking_no}的期限（办结{_when(p.due_finish)}）涉及国家尚未公布放假安排的年份，"
                       f"暂按{basis}计算，公布后请核对。", "deadline_provisional")


def _help(person: Person) -> str:
    return {"staff": STAFF_HELP, "leader": LEADER_HELP}.get(person.role, HELP)


def do_accept(ctx, person, p, rules, actor, rest):
    complexity = cases.COMPLEXITY_WORDS.get(rest.strip()[:2]) if rest.strip() else None
    if rest.strip() and complexity is None:
        return "复杂程度请写 简单、一般 或 复杂，例如：受理 编号 复杂"
    cases.accept(ctx.session, p, rules, ctx.now, actor, complexity, ctx.msg.inbound_id)
    unit = p.unit.name if p.unit else "责任单位"
    meet_by = _when(p.due_meet or p.due_accept)
    tell_petitioner(ctx, p, texts.case_accepted(p.tracking_no, unit, meet_by), "case_accepted")
    return (f"已受理{p.tracking_no}（{_complexity_word(p.complexity)}）。请于{_when(p.due_meet)}前与信访人见面，"
            f"{_when(p.due_finish)}前办结。见面后回复：见面 {p.tracking_no}") if p.due_meet else \
        f"已受理{p.tracking_no}，{_when(p.due_finish)}前办结。"


def do_meet(ctx, person, p, rules, actor, rest):
    cases.meet(ctx.session, p, rules, ctx.now, actor, rest, ctx.msg.inbound_id)
    tell_petitioner(ctx, p, texts.ask_met(p.tracking_no), "meet_check", ask={"kind": "met", "petition_id": p.id})
    return f"已登记{p.tracking_no}见面，将向信访人确认。答复时回复：答复 {p.tracking_no} 内容"


def do_reply(ctx, person, p, rules, actor, rest):
    cases.reply(ctx.session, p, rules, ctx.now, actor, rest, ctx.msg.inbound_id)
    unit = p.unit.name if p.unit else "责任单位"
    tell_petitioner(ctx, p, texts.case_replied(p.tracking_no, unit, p.reply_text), "case_replied")
    tell_petitioner(ctx, p, texts.ask_rating(p.tracking_no), "rating", ask={"kind": "rate", "petition_id": p.id})
    return f"答复已转给信访人，并请其评价。办结后回复：办结 {p.tracking_no}"


def do_close(ctx, person, p, rules, actor, rest):
    cases.close(ctx.session, p, rules, ctx.now, actor, ctx.msg.inbound_id)
    tell_petitioner(ctx, p, texts.case_closed(p.tracking_no), "case_closed")
    return f"{p.tracking_no}已办结。谢谢！"


def do_extend(ctx, person, p, rules, actor, rest):
    m = re.match(r"^\s*(\d{1,3})\s*(?:天|日)?\s*(.*)$", rest, re.S)
    if not m:
        return "格式：延期 编号 天数 理由，例如：延期 LS-20261123-0001 15 需现场勘查"
    cases.request_extension(ctx.session, p, rules, ctx.now, actor, int(m.group(1)), m.group(2), ctx.msg.inbound_id)
    tell_staff(ctx, p, f"{p.unit.name if p.unit else ''}申请{p.tracking_no}延期{m.group(1)}日："
                       f"{gist(m.group(2), 40)}。同意请回复：批准延期 {p.tracking_no}", "extension_request")
    return f"延期申请已报信访局审批，批准前请按原期限（{_when(p.due_finish)}）办理。"


def do_approve(ctx, person, p, rules, actor, rest):
    ask = cases.approve_extension(ctx.session, p, rules, ctx.now, actor, ctx.msg.inbound_id)
    until = _when(p.due_finish)
    tell_petitioner(ctx, p, texts.case_extended(p.tracking_no, ask["days"], gist(ask["reason"], 30), until),
                    "case_extended")
    tell_unit(ctx, p, f"信访局已批准{p.tracking_no}延期{ask['days']}日，请于{until}前办结。", "extension_approved")
    return f"已批准{p.tracking_no}延期{ask['days']}日，新期限{until}；已告知单位和信访人。"


def do_send_back(ctx, person, p, rules, actor, rest):
    unit = p.unit.name if p.unit else ""
    cases.send_back(ctx.session, p, rules, ctx.now, actor, rest, ctx.msg.inbound_id)
    tell_staff(ctx, p, f"{unit}退回{p.tracking_no}：{gist(rest, 40)}。请重新交办：交办 {p.tracking_no} 单位", "returned")
    return f"已将{p.tracking_no}退回信访局重新交办。"


def do_assign(ctx, person, p, rules, actor, rest):
    unit = find_unit(ctx.session, rest)
    if unit is None:
        return f"没有找到单位“{rest.strip()}”，请写单位全称或代码。"
    cases.assign(ctx.session, p, unit, rules, ctx.now, actor, ctx.msg.inbound_id)
    notify_unit(ctx, p, unit.name)
    return f"已将{p.tracking_no}交办{unit.name}，受理期限{_when(p.due_accept)}。"


def do_recuse(ctx, person, p, rules, actor, rest):
    """被反映 编号 单位|人: the petition accuses this unit or person; it is never assigned, shown or
    digested to them. A case with the accused unit is taken back for reassignment."""
    name = rest.strip()
    if not name:
        return f"请写上被反映的单位或人员：被反映 {p.tracking_no} 单位/姓名"
    found = find_unit(ctx.session, name)
    who = None if found is not None else find_person(ctx.session, name)
    if found is None and who is None:
        return f"没有找到单位或人员“{name}”，请写单位全称、代码或人员姓名。"
    told = audience.unit(ctx.session, p)   # before the case leaves the unit
    taken_back = cases.recuse(ctx.session, p, ctx.now, actor, unit=found, person=who, inbound_id=ctx.msg.inbound_id)
    if taken_back:
        for phone in told:
            ctx.queue_sms(phone, f"信访局已收回事项{p.tracking_no}，贵单位无需继续办理。", "taken_back", p.id)
        return (f"已登记{p.tracking_no}被反映对象{found.name}，事项已从该单位收回。"
                f"请重新交办：交办 {p.tracking_no} 单位")
    return f"已登记{p.tracking_no}被反映对象{(found or who).name}，今后不会交办、告知或汇总给其{'单位' if found else '本人'}。"


def do_lead(ctx, person, p, rules, actor, rest):
    lead = find_person(ctx.session, rest.strip())
    if lead is None:
        return f"没有找到县领导“{rest.strip()}”，请写包案领导姓名：包案 {p.tracking_no} 姓名"
    cases.set_lead(ctx.session, p, lead, ctx.now, actor, ctx.msg.inbound_id)
    unit = p.unit.name if p.unit else "待交办"
    ctx.queue_sms(lead.phone, f"【包案】{lead.name}您好，{p.tracking_no}（{unit}）由您包案：{gist(p.content, 40)}。"
                              f"期限{_when(cases.next_due(p))}，超期将告知您。", "lead_set", p.id)
    return f"已设{lead.name}为{p.tracking_no}的包案领导，并已告知。"


def do_answer_review(ctx, person, p, rules, actor, rest):
    level = p.review_level
    cases.answer_review(ctx.session, p, rules, ctx.now, actor, rest, ctx.msg.inbound_id)
    tell_petitioner(ctx, p, texts.review_answered(p.tracking_no, level, gist(rest.strip(), 60)), "review_answered")
    return f"{cases.REVIEW_WORDS[level]}意见已转给信访人，{p.tracking_no}办结。"


def do_progress(ctx, person, p, rules, actor, rest):
    """进展 编号 内容: the unit's progress on a case a leader instructed on, forwarded to the leader."""
    rows = instructions.report(ctx.session, p, rest, ctx.now, actor, ctx.msg.inbound_id)
    unit = p.unit.name if p.unit else "信访局"
    leaders = {r.person_id for r in rows}
    for leader in ctx.session.scalars(select(Person).where(Person.id.in_(leaders), Person.active.is_(True))):
        ctx.queue_sms(leader.phone, f"【批示进展】{p.tracking_no}（{unit}）：{gist(rest.strip(), 150)}", "progress", p.id)
    return f"进展已报县领导。请于{_when(rows[0].next_report_due)}前再报进展，直至办结。"


def do_instruct(ctx: Context, person: Person, word: str, rest: str) -> str:
    """批示 编号 内容 (a county leader): recorded, forwarded to the unit handling the case (and the
    bureau); the unit reports progress every 10 days."""
    if person.role != "leader":
        return "批示由县领导发出。"
    number, after = split_tracking_no(rest)
    if number is None:
        return f"格式：批示 编号 内容，例如：批示 {ctx.county.prefix}-{ctx.now.astimezone(SHANGHAI):%Y%m%d}-0001 请尽快解决"
    p = ctx.session.scalars(select(Petition).where(Petition.tracking_no == number).with_for_update()).first()
    if p is None or person.id in cases.recused_people(ctx.session, p) or \
            (person.unit_id is not None and person.unit_id in cases.recused_units(ctx.session, p)):
        return f"没有找到事项{number}，请核对编号。"
    try:
        row = instructions.instruct(ctx.session, p, person, after.strip(" ：:，,"), ctx.now, ctx.msg.inbound_id)
    except CaseError as exc:
        return str(exc)
    title = person.title or "县领导"
    body = (f"【县领导批示】{title}{person.name}批示{p.tracking_no}：{gist(row.text, 80)}。请抓紧办理，"
            f"每{instructions.PROGRESS_DAYS}日报告进展：进展 {p.tracking_no} 内容")
    tell_unit(ctx, p, body, "instruction")
    tell_staff(ctx, p, body, "instruction")
    where = p.unit.name if p.unit else "信访局（待交办）"
    return f"批示已转{where}并记录；单位每{instructions.PROGRESS_DAYS}日报告进展，将转告您。"


_ACTIONS = {"accept": do_accept, "meet": do_meet, "reply": do_reply, "close": do_close, "extend": do_extend,
            "approve": do_approve, "send_back": do_send_back, "assign": do_assign, "recuse": do_recuse,
            "lead": do_lead, "answer_review": do_answer_review, "progress": do_progress}


# --- 登记: petitions received in person (走访) or by letter (来信) -----------------------------------

REGISTER_KINDS = {"走访": "visit", "来访": "visit", "来信": "letter"}
REGISTER_FORMAT = "格式：登记 走访/来信 乡镇 姓名 电话(无则写“无”) 人数 内容，例如：登记 走访 下汤镇 张三 13812345678 1 小区停水三天"


def register(ctx: Context, person: Person, rest: str) -> str:
    """Staff register a petition received at the bureau; it then follows the path of any other
    (assignment, deadlines, receipt to the petitioner by SMS). A phone given in person is taken
    as the petitioner's; a phone written in a letter is not trusted until it texts us (004)."""
    if rest.split(maxsplit=1)[:1] and rest.split(maxsplit=1)[0] in LEVEL_OF_WORD:
        return register_escalation(ctx, person, rest)
    parts = rest.split(maxsplit=5)
    if len(parts) < 6:
        return REGISTER_FORMAT
    kind_word, place, name, phone_text, people_text, content = parts
    kind = REGISTER_KINDS.get(kind_word)
    if kind is None:
        return f"登记类型请写“走访”或“来信”。{REGISTER_FORMAT}"
    found = ctx.gazetteer.match(place).unique
    if found is None:
        return f"没有找到乡镇（街道）“{place}”，请写全称，例如：下汤镇 或 下汤镇林楼村。"
    phone = None
    if phone_text not in ("无", "-", "没有"):
        phone = find_mobile(phone_text)
        if phone is None:
            return f"电话“{phone_text}”不是有效的手机号码；没有电话请写“无”。"
    if not people_text.isdigit() or not 1 <= int(people_text) <= 10_000:
        return f"人数请写数字，例如 1 或 12。{REGISTER_FORMAT}"
    people = int(people_text)
    s = ctx.session
    p = Petition(tracking_no=next_tracking_no(s, ctx.county.prefix, ctx.now), channel=kind, phone=phone,
                 phone_verified=phone is not None and kind == "visit", name=name[:32], township_id=found.township_id,
                 content=content.strip(), status="registered", received_at=ctx.now, updated_at=ctx.now,
                 people=people, village_id=found.village_id)
    original = _repeat_of(s, p)
    word = "走访" if kind == "visit" else "来信"
    registered = (f"{word}登记" + (f"，集体访{people}人" if people > 1 else "")
                  + ("，初信初访" if original is None else "，重复访"))
    p, unit = file_new_petition(ctx, p, f"staff:{person.id}", registered, original)
    if phone:
        tell_petitioner(ctx, p, texts.registered_receipt(p.tracking_no, word, _when(p.due_finish)), "receipt")
    extra = "（集体访）" if people > 1 else ""
    extra += "（检举控告类，请核定被反映对象后交办）" if p.accusation and p.unit_id is None else ""
    if unit is None:
        return f"已登记{word}{extra}：{p.tracking_no}，待交办。"
    return f"已登记{word}{extra}：{p.tracking_no}，{unit.name}，受理期限{_when(p.due_accept)}。"


ESCALATION_FORMAT = "格式：登记 到市/赴省/进京 [乡镇] 人数 事由，例如：登记 进京 下汤镇 3 拆迁补偿"


def register_escalation(ctx: Context, person: Person, rest: str) -> str:
    """越级访 learned of by the bureau (到市/赴省/进京): counted in the daily 访情 and named to the
    township's unit."""
    word, _, after = rest.strip().partition(" ")
    tokens = after.split(maxsplit=1)
    township = None
    if tokens and not tokens[0].isdigit():
        found = ctx.gazetteer.match(tokens[0]).unique
        if found is None:
            return f"没有找到乡镇（街道）“{tokens[0]}”。{ESCALATION_FORMAT}"
        township = ctx.session.get(Township, found.township_id)
        tokens = tokens[1].split(maxsplit=1) if len(tokens) > 1 else []
    if len(tokens) < 2 or not tokens[0].isdigit() or not 1 <= int(tokens[0]) <= 10_000:
        return ESCALATION_FORMAT
    people, matter = int(tokens[0]), tokens[1].strip()
    level = LEVEL_OF_WORD[word]
    register_escalation_row(ctx.session, level, township, people, matter[:2000], ctx.now.astimezone(SHANGHAI).date(),
                            ctx.now, f"staff:{person.id}", ctx.rules.scores.of(f"escalation_{level}"))
    where = township.name if township else "未注明乡镇"
    return f"已登记{word}{people}人（{where}）：{gist(matter, 20)}。将计入今日访情。"


def details(ctx: Context, person: Person) -> str:
    """"详情" from a leader or a unit head: today's petitions and the flagged cases, names masked."""
    if person.role not in ("leader", "head", "staff"):
        return _help(person)
    items = digest_details(ctx.session, ctx.now.astimezone(SHANGHAI).date(), person)
    if not items:
        return "今日暂无新的信访事项，也没有挂牌超期的事项。"
    return ctx.paginate(["今日访情要点："], [f"{i}. {x}" for i, x in enumerate(items, 1)])


def _repeat_of(s: Session, p: Petition) -> Petition | None:
    """A registered petition repeats an open one of the same phone and township on a similar matter."""
    if not p.phone:
        return None
    return most_similar(s.scalars(select(Petition).where(
        Petition.phone == p.phone, Petition.township_id == p.township_id,
        Petition.status.in_(cases.OPEN)).limit(20)), p.content)


def todo(ctx: Context, person: Person) -> str:
    query = select(Petition).where(Petition.status.in_(cases.HANDLING if person.role != "staff" else cases.OPEN))
    if person.role != "staff":
        query = query.where(Petition.unit_id == person.unit_id)
    query = query.where(cases.not_recused(person))
    rows = list(ctx.session.scalars(query.order_by(Petition.due_next.is_(None), Petition.due_next, Petition.id)
                                    .limit(200)))
    if not rows:
        return "目前没有待办事项。"
    items = [f"{i}. {p.tracking_no} {texts.STATUS_LABELS.get(p.status, p.status)}"
             f"{' 已超期' if p.overdue else ''} 期限{_when(cases.next_due(p))} {gist(p.content, 10)}"
             for i, p in enumerate(rows, 1)]
    return ctx.paginate([f"待办{len(rows)}件（期限近者在前）："], items)


# --- after intake: the new case goes to its unit ------------------------------------------------

def file_new_petition(ctx: Context, p: Petition, actor: str, registered: str,
                      repeat_of: Petition | None = None) -> tuple[Petition, Any]:
    """Store a new petition and route it at once (即时交办): to its default unit, whose cadres are
    told; with no unit for it, the bureau's staff are told to assign it by hand. An accusation
    (检举/揭发/控告) is never assigned automatically: the units and people of the directory it
    names are recused, and staff decide where it goes.

    ``p`` comes unsaved. Its category, unit and deadlines are decided first, and it is written once
    with its events (core.cases.NewCase). Returns the petition to go on with (the stored row, for
    an accusation) and the unit it went to, or None."""
    new = cases.NewCase(p)
    new.add(PetitionEvent(at=ctx.now, kind="registered", actor=actor, text=registered, inbound_id=ctx.msg.inbound_id))
    if repeat_of is not None:
        cases.link_repeat(ctx.session, p, repeat_of, ctx.now, actor, ctx.msg.inbound_id)
    route = cases.route_for(p, ctx.county)
    p.category = route.get("category") if route else None
    accusation = cases.is_accusation(p.content)
    unit = None if accusation else cases.default_unit(ctx.conn, p, ctx.county)
    if unit is not None:
        cases.assign(new, p, unit, ctx.rules, ctx.now, "system", ctx.msg.inbound_id)
    else:
        cases.recompute(p, ctx.rules)
    ctx.petition_id = new.store(ctx.conn)
    if accusation:
        p = ctx.session.get(Petition, p.id)
        p.accusation = True
        units, people = cases.accused_in(ctx.session, p.content)
        for u in units:
            cases.recuse(ctx.session, p, ctx.now, "system", unit=u, inbound_id=ctx.msg.inbound_id)
        for x in people:
            cases.recuse(ctx.session, p, ctx.now, "system", person=x, inbound_id=ctx.msg.inbound_id)
        cases.recompute(p, ctx.rules)
        named = "、".join([u.name for u in units] + [x.name for x in people]) or "未识别"
        tell_staff(ctx, p, f"【检举控告】{p.tracking_no}（{ctx.place_of(p, village=False)}）"
                           f"被反映对象：{named}，已回避。请核定后交办：交办 {p.tracking_no} 单位；"
                           f"补充被反映对象：被反映 {p.tracking_no} 单位/人", "assign_needed")
        return p, None
    if unit is None:
        tell_staff(ctx, p, f"新信访事项{p.tracking_no}（{ctx.place_of(p, village=False)}）"
                           f"未找到责任单位，请交办：交办 {p.tracking_no} 单位", "assign_needed")
        return p, None
    notify_unit(ctx, p, unit.name)
    warn_if_provisional(ctx, p, False)
    return p, unit


def notify_unit(ctx: Context, p: Petition, unit_name: str) -> None:
    contact = p.phone   # the petitioner's contact goes to the handling unit only
    body = (f"【交办】{p.tracking_no} {p.name} {contact or '无电话'} {ctx.place_of(p)}：{gist(p.content, 60)}。"
            f"请{_when(p.due_accept)}前受理并见面，{_when(p.due_finish)}前办结。回复：受理 {p.tracking_no}")
    contacts = audience.unit(ctx.conn, p)
    if not contacts:   # a unit with nobody in the directory: the bureau must know
        tell_staff(ctx, p, f"{p.tracking_no}已交办{unit_name}，但该单位没有登记联络人，请电话通知并补充名录。",
                   "no_contact")
    tell_unit(ctx, p, body[:SMS_CADRE_LIMIT], "case_assigned", contacts)


def tell_unit(ctx: Context, p: Petition, body: str, purpose: str, contacts: list[str] | None = None) -> None:
    for phone in audience.unit(ctx.session, p) if contacts is None else contacts:
        ctx.queue_sms(phone, body, purpose, p.id)


def tell_staff(ctx: Context, p: Petition, body: str, purpose: str) -> None:
    for phone in audience.staff(ctx.session, p):
        ctx.queue_sms(phone, body, purpose, p.id)


def tell_petitioner(ctx: Context, p: Petition, body: str, purpose: str, ask: dict | None = None) -> None:
    """A message to the petitioner on the channel they used; with ``ask``, their next "1"/"2"/"3"
    answers it (kept on their conversation)."""
    channel, to = audience.petitioner(p)
    if not to:
        return
    ctx.queue(channel, to, body, purpose, p.id)
    if ask is not None:
        ctx.ask(channel, to, ask)


def find_unit(session: Session, text: str) -> Unit | None:
    name = text.strip()
    if not name:
        return None
    units = list(session.scalars(select(Unit).where(Unit.active.is_(True), or_(
        Unit.code == name, Unit.name == name, Unit.name.contains(name)))))
    exact = [u for u in units if u.code == name or u.name == name]
    if exact:
        return exact[0]
    return units[0] if len(units) == 1 else None


def find_person(session: Session, name: str, roles: tuple[str, ...] | None = None) -> Person | None:
    """An active person of the directory by exact name (or phone); None when unknown or ambiguous."""
    if not name:
        return None
    query = select(Person).where(Person.active.is_(True), or_(Person.name == name, Person.phone == name))
    if roles:
        query = query.where(Person.role.in_(roles))
    found = list(session.scalars(query.limit(2)))
    return found[0] if len(found) == 1 else None


def _when(dt: datetime | None) -> str:
    return month_day(dt) if dt is not None else "—"


def _complexity_word(c: str | None) -> str:
    return {"simple": "简单", "normal": "一般", "complex": "复杂"}.get(c or "normal", "一般")
