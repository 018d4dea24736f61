"""Every sentence said to officials — cadres, the bureau's staff, county leaders — in one place:
the notices a use case asks for (keyed by its purpose: core.acts.Tell.what) and the replies
to the command's sender (keyed by the verb's name). Citizens' sentences are in core.words.citizens.

SMS to officials may run to three UCS-2 segments (texts.SMS_CADRE_LIMIT): they need the details.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from core.clock import hm, local, month_day
from core.phones import MOBILE_IN_TEXT
from core.timelines import PROGRESS_DAYS
from core.words.evenings import duration_text
from core.words.jobs import CONTACT_ELSEWHERE, MILESTONE_WORDS, THREAT_WORDS, TRIPS, planned
from core.directory.places import unit_short_name
from core.store.models import Petition
from core.text import CHANNEL_LABELS, gist
from core.words.said import Said
from core.words import citizens as texts


def when(dt: datetime | None) -> str:
    """A deadline as officials read it: "11月24日17:30"; "—" when there is none."""
    return month_day(dt) if dt is not None else "—"



COMPLEXITY_WORDS = {"simple": "简单", "normal": "一般", "complex": "复杂"}
PROVISIONAL_BASIS = {"county_list": "县里提供的节假日表", "weekdays": "周一至周五"}


# --- notices: (ctx, petition, **data) -> text, by purpose -------------------------------------------

def _assigned(ctx, p: Petition) -> str:
    # the petitioner's number goes to the handling unit only, and only by a channel that may carry
    # it: by SMS the text says where to read it; by WeCom the outbox puts it in (core.outbound)
    return (f"【交办】{p.tracking_no} {p.name} {ctx.place_of(p)}：{gist(p.content, 50)}。{CONTACT_ELSEWHERE}"
            f"请{_steps_due(ctx, p)}，{texts.by(p.due_finish, ctx.now)}办结。"
            f"回复：受理 {p.tracking_no}")


def _steps_due(ctx, p: Petition) -> str:
    """What the unit must do first, by when, as the county's policy sets it: 当日工作法 "在今天内受理
    并见面"; 3-7-21 "于…前受理，于…前见面"; the 条例's own limits, no meeting due: "于…前受理"."""
    accept = texts.by(p.due_accept, ctx.now)
    if p.due_meet is None:
        return f"{accept}受理"
    if local(p.due_meet).date() == local(p.due_accept).date():
        return f"{accept}受理并见面"
    return f"{accept}受理，{texts.by(p.due_meet, ctx.now, '于')}见面"


def assigned_sentence(p: Petition) -> str | None:
    """The registered template of a 交办 under the county's policy (the text is :func:`_assigned`
    whichever): None for "受理并见面" the same day, else its variant."""
    if p.due_meet is None:
        return "case_assigned_accept"
    return None if local(p.due_meet).date() == local(p.due_accept).date() else "case_assigned_meet"


def _assign_needed(ctx, p: Petition, named: str | None = None) -> str:
    where = ctx.place_of(p, village=False)
    if named is not None:
        return (f"【检举控告】{p.tracking_no}（{where}）被反映对象：{named}，已回避。请核定后交办：交办 {p.tracking_no} 单位；"
                f"补充被反映对象：被反映 {p.tracking_no} 单位/人")
    return f"新信访事项{p.tracking_no}（{where}）未找到责任单位，请交办：交办 {p.tracking_no} 单位"


NOTICES: dict[str, Callable[..., str]] = {
    # to the petitioner (the citizen's sentences)
    "case_accepted": lambda ctx, p, unit, meet_by: texts.case_accepted(p.tracking_no, unit,
                                                                      texts.by(meet_by, ctx.now, "于")),
    "meet_check": lambda ctx, p: texts.ask_met(p.tracking_no),
    "case_replied": lambda ctx, p, unit, text: texts.case_replied(p.tracking_no, unit, text),
    "rating": lambda ctx, p: texts.ask_rating(p.tracking_no),
    "case_closed": lambda ctx, p: texts.case_closed(p.tracking_no),
    "case_resolved": lambda ctx, p: texts.case_resolved(p.tracking_no),
    "case_extended": lambda ctx, p, days, reason: texts.case_extended(p.tracking_no, days, gist(reason, 30),
                                                                      when(p.due_finish)),
    "case_not_accepted": lambda ctx, p, unit, reason: texts.case_not_accepted(p.tracking_no, unit, gist(reason, 60)),
    "receipt": lambda ctx, p, how: texts.registered_receipt(
        p.tracking_no, how, when(p.due_finish), "市信访局" if getattr(ctx.county, "kind", "") == "city" else "县信访局"),
    "review_answered": lambda ctx, p, level, text: texts.review_answered(p.tracking_no, level, gist(text, 60)),
    # to units
    "case_assigned": _assigned,
    "case_assigned_accept": _assigned,     # the same text: the variants are templates (core.words.templates)
    "case_assigned_meet": _assigned,
    "extension_approved": lambda ctx, p, days: f"信访局已批准{p.tracking_no}延期{days}日，请于{when(p.due_finish)}前办结。",
    "taken_back": lambda ctx, p: f"信访局已收回事项{p.tracking_no}，贵单位无需继续办理。",
    "case_urged": lambda ctx, p, milestone, note: (
        f"【催办】信访局催办事项{p.tracking_no}：{MILESTONE_WORDS[milestone]}期限{when(getattr(p, f'due_{milestone}'))}，"
        f"请抓紧办理。{gist(note, 60) + '。' if note else ''}"),
    "city_handed_down": lambda ctx, p, city: (
        f"【市交办】{city}信访局登记的事项{p.tracking_no}（{ctx.place_of(p)}）交本县办理：{gist(p.content, 40)}。"
        f"请按期交办、答复，结果将报{city}信访局。"),
    "city_case_answered": lambda ctx, p, county, unit: (
        f"【市交办件答复】{county}{unit}已答复市交办事项{p.tracking_no}：{gist(p.reply_text or '', 60)}。"),
    "case_supervised": lambda ctx, p, city, due, reason: (
        f"【挂牌督办】{city}信访局挂牌督办事项{p.tracking_no}：{gist(reason, 60)}。请于{when(due)}前办理答复，"
        "逾期将记入考评。"),
    "reassigned_away": lambda ctx, p, unit: f"信访局已将事项{p.tracking_no}改派{unit}办理，贵单位无需继续办理。感谢配合！",
    "withdrawn": lambda ctx, p: f"信访人已撤回{p.tracking_no}，无需继续办理。谢谢！",
    "instruction": lambda ctx, p, title, leader, text: (
        f"【县领导批示】{title}{leader}批示{p.tracking_no}：{gist(text, 80)}。请抓紧办理，"
        f"每{PROGRESS_DAYS}日报告进展：进展 {p.tracking_no} 内容"),
    # to the bureau's staff
    "assign_needed": _assign_needed,
    "no_contact": lambda ctx, p, unit: f"{p.tracking_no}已交办{unit}，但该单位没有登记联络人，请电话通知并补充名录。",
    "extension_request": lambda ctx, p, unit, days, reason: (
        f"{unit}申请{p.tracking_no}延期{days}日：{gist(reason, 40)}。同意请回复：批准延期 {p.tracking_no}"),
    "returned": lambda ctx, p, unit, reason: (
        f"{unit}退回{p.tracking_no}：{gist(reason, 40)}。请重新交办：交办 {p.tracking_no} 单位"),
    "not_accepted": lambda ctx, p, unit, reason: f"【不予受理】{unit}对{p.tracking_no}不予受理：{gist(reason, 40)}。",
    "deadline_provisional": lambda ctx, p, basis: (
        f"【提示】{p.tracking_no}的期限（"
        + (f"{texts.REVIEW_WORDS.get(p.review_level, '复查')}答复{when(p.due_review)}" if p.status == "reviewing"
           else f"办结{when(p.due_finish)}") + "）涉及国家尚未公布放假安排的年份，"
        f"暂按{PROVISIONAL_BASIS[basis]}计算，公布后请核对。"),
    "review_requested": lambda ctx, p, level: (
        f"【{texts.REVIEW_WORDS[level]}】{p.tracking_no}信访人申请{texts.REVIEW_WORDS[level]}，"
        f"请于{month_day(p.due_review)}前答复：复查答复 {p.tracking_no} 内容"),
    "repeat_joined": lambda ctx, p, original: (
        f"【重复反映】{original}信访人再次反映（{p.tracking_no}）：{gist(p.content, 50)}。请一并办理，无需另行受理。"),
    "trip_warning": lambda ctx, p, level: (
        f"【预警】{p.tracking_no}（{ctx.place_of(p, village=False)}，{p.people}人）信访人表示将"
        f"{TRIPS.get(level, '赴县')}上访：{gist(p.content, 40)}。请即联系、稳控化解。"),
    "threat_warning": lambda ctx, p, kind, said: (
        f"【预警】{p.tracking_no}（{ctx.place_of(p, village=False)}，{p.people or 1}人）信访人扬言{THREAT_WORDS[kind]}："
        f"“{gist(MOBILE_IN_TEXT.sub('', said), 40)}”。请即联系、稳控化解，做好安全防范。"),
    "check_warning": lambda ctx, p, unit, village, people, matter, movement: (
        f"【预警】{unit_short_name(unit)}日排查：{check_found(village, people, matter, 40)}"
        f"（{planned(movement)}上访）。请即研判、稳控化解。"),
    "rated_unsatisfied": lambda ctx, p: f"【回访】{p.tracking_no}信访人对答复不满意，请跟进核实（原因待其说明）。",
    "meet_denied": lambda ctx, p: f"【督办】{p.tracking_no}单位报已见面，信访人答复未见面，请核实。",
    "unsatisfied": lambda ctx, p, text: f"【不满意】{p.tracking_no}：{gist(text, 50)}",
    # to leaders
    "lead_set": lambda ctx, p, lead, unit, due: (
        f"【包案】{lead}您好，{p.tracking_no}（{unit}）由您包案：{gist(p.content, 40)}。期限{when(due)}，超期将告知您。"),
    "progress": lambda ctx, p, unit, text: f"【批示进展】{p.tracking_no}（{unit}）：{gist(text, 150)}",
}


# --- replies to the sender of a command: (petition, **done.data) -> text, by verb ---------------------

def _accepted(ctx, p: Petition) -> str:
    if p.due_meet:
        return (f"已受理{p.tracking_no}（{COMPLEXITY_WORDS.get(p.complexity or 'normal', '一般')}）。"
                f"请{texts.by(p.due_meet, ctx.now, '于')}与信访人见面，{texts.by(p.due_finish, ctx.now)}办结。"
                f"见面后回复：见面 {p.tracking_no}")
    return f"已受理{p.tracking_no}，{when(p.due_finish)}前办结。"


def _recused(ctx, p: Petition, taken_back: bool, name: str, is_unit: bool) -> str:
    if taken_back:
        return f"已登记{p.tracking_no}被反映对象{name}，事项已从该单位收回。请重新交办：交办 {p.tracking_no} 单位"
    return f"已登记{p.tracking_no}被反映对象{name}，今后不会交办、告知或汇总给其{'单位' if is_unit else '本人'}。"


REPLIES: dict[str, Callable[..., str]] = {
    "accept": _accepted,
    "meet": lambda ctx, p: f"已登记{p.tracking_no}见面，将向信访人确认。答复时回复：答复 {p.tracking_no} 内容",
    "reply": lambda ctx, p: f"答复已转给信访人，并请其评价。办结后回复：办结 {p.tracking_no}",
    "close": lambda ctx, p: f"{p.tracking_no}已办结。谢谢！",
    "not_accept": lambda ctx, p, unit: f"已登记{p.tracking_no}不予受理，已告知信访人和信访局。",
    "extend": lambda ctx, p, days: (
        f"延期申请已报信访局审批，批准前请按原期限（{when(p.due_finish)}）办理。" if p.due_finish and p.due_finish >= ctx.now
        else f"延期申请已报信访局审批。{p.tracking_no} 已超过原期限，请尽快办理。"),
    "approve": lambda ctx, p, days: f"已批准{p.tracking_no}延期{days}日，新期限{when(p.due_finish)}；已告知单位和信访人。",
    "send_back": lambda ctx, p, unit: f"已将{p.tracking_no}退回信访局重新交办。",
    "assign": lambda ctx, p, unit: f"已将{p.tracking_no}交办{unit}，受理期限{when(p.due_accept)}。",
    "supervise": lambda ctx, p, city, due: (f"已对{p.tracking_no}挂牌督办，期限{when(due)}；"
                                            "县信访局和承办单位负责人已收到督办通知。"),
    "urge": lambda ctx, p, unit: f"已向{unit}催办{p.tracking_no}（短信已发单位联络员和负责人）。",
    "reassign": lambda ctx, p, unit, was: (f"已将{p.tracking_no}由{was}改派{unit}，受理期限{when(p.due_accept)}；"
                                           "原单位已收到改派通知。"),
    "recuse": _recused,
    "lead": lambda ctx, p, lead: f"已设{lead}为{p.tracking_no}的包案领导，并已告知。",
    "answer_review": lambda ctx, p, level: f"{texts.REVIEW_WORDS[level]}意见已转给信访人，{p.tracking_no}办结。",
    "progress": lambda ctx, p, next_due: f"进展已报县领导。请于{when(next_due)}前再报进展，直至办结。",
    "instruct": lambda ctx, p, where: f"批示已转{where}并记录；单位每{PROGRESS_DAYS}日报告进展，将转告您。",
    "follow_up_call": lambda ctx, p, outcome: f"已记录{p.tracking_no}电话回访：{outcome}。",
    "note": lambda ctx, p: "备注已记录。",
}


# --- 七晚工作法 ----------------------------------------------------------------------------------

def schedule(rules, first) -> str:
    """"11月24日起连续7晚，每晚18:00-22:00间开始、不少于3小时"."""
    return (f"{month_day(rules.opens(first))}起连续{rules.evenings}晚，每晚{rules.window_text}间开始、"
            f"不少于{rules.min_text}")


def distance(metres: float) -> str:
    return f"{metres / 1000:.1f}公里" if metres >= 1000 else f"{metres:.0f}米"


def _selected(ctx, p: Petition, campaign=None, lead=None, first=None) -> str:
    when_first = f" {month_day(first)}" if first else " 首晚日期"
    return (f"【七晚】{p.tracking_no}（{p.name}，{gist(p.content, 30)}）列入七晚工作法"
            + (f"（{campaign}）" if campaign else "") + "，由贵单位组成工作专班"
            + (f"，{lead}包案" if lead else "") + f"。请报备：报备 {p.tracking_no}{when_first} 成员…")


def _bureau(ctx) -> str:
    return f"【{ctx.county.name}信访局】您好！"


EVENING_NOTICES: dict[str, Callable[..., str]] = {
    "evening_selected": _selected,
    "evening_selected_lead": lambda ctx, p, lead, unit: (
        f"【七晚包案】{lead}您好，{p.tracking_no}（{unit}）列入七晚工作法，由您包案：{gist(p.content, 40)}。"
        "报备和走访情况将告知您。"),
    "evening_filed_members": lambda ctx, p, first, names, unit: (
        f"【七晚报备】{p.tracking_no}（{p.name}，{ctx.place_of(p)}）：{schedule(ctx.evening_rules, first)}。"
        f"成员：{names}。到达后回复：开始 {p.tracking_no}；离开时回复：结束 {p.tracking_no} 纪要"),
    "evening_filed": lambda ctx, p, first, names, unit: (
        f"【七晚报备】{p.tracking_no}由{unit}报备：{schedule(ctx.evening_rules, first)}。成员：{names}。"),
    "evening_far": lambda ctx, p, number, far_m: (
        f"【七晚核实】{p.tracking_no}第{number}晚开始时的定位与信访人住址相距约{distance(far_m)}，请核实。"),
    "evening_check_start": lambda ctx, p, started_at: (
        f"{_bureau(ctx)}工作专班报告今晚{hm(started_at)}已到您家走访（事项{p.tracking_no}）。工作专班是否已到您家？回复1是 2否"),
    "evening_check_both": lambda ctx, p, started_at, ended_at, took: (
        f"{_bureau(ctx)}工作专班报告今晚{hm(started_at)}到{hm(ended_at)}在您家走访（事项{p.tracking_no}）。"
        "是否属实？回复1是 2否"),
    "evening_check_end": lambda ctx, p, started_at, ended_at, took: (
        f"{_bureau(ctx)}工作专班报告已于{hm(ended_at)}结束今晚走访（事项{p.tracking_no}），"
        f"历时{duration_text(took)}。是否属实？回复1是 2否"),
    "evening_denied": lambda ctx, p, number, started_at: (
        f"【七晚核实】{p.tracking_no}第{number}晚（{hm(started_at)}开始）信访人答复“否”。"
        f"如有正当理由，请回复：确认 {p.tracking_no} 第{number}晚 理由"),
    "evening_resolved": lambda ctx, p, agreement: (
        f"【七晚】{p.tracking_no}已化解，销号" + ("（已签息访息诉协议）" if agreement else "") + "。谢谢各位！"),
    "evening_unresolved": lambda ctx, p, reason: f"【七晚】{p.tracking_no}未化解：{gist(reason, 40)}。事项继续挂牌督办。",
}
NOTICES.update(EVENING_NOTICES)


def far_note(far_m: float | None) -> str:
    return f"定位与信访人住址相距约{distance(far_m)}，已报信访局核实。" if far_m is not None else ""


def _started(ctx, p: Petition, visit, far_m=None) -> str:
    rules = ctx.evening_rules
    note = far_note(far_m)
    return (f"{p.tracking_no}第{visit.number}晚开始（{hm(visit.started_at)}），已请信访人确认。"
            f"满{rules.min_text}后回复：结束 {p.tracking_no} 纪要" + ("。" + note if note else ""))


def _ended(ctx, p: Petition, visit, took, short, by_other) -> str:
    rules, no, v = ctx.evening_rules, p.tracking_no, visit
    if short:
        return (f"{no}第{v.number}晚：已{duration_text(took)}，不足{rules.min_text}本晚不计入。"
                f"如仍在信访人家中，满{rules.min_text}后请再回复：结束 {no}")
    by = "（已记录由您报结束）" if by_other else ""
    missing = "；信访人尚未确认到达" if v.petitioner_start is not True and v.excuse is None else ""
    judged = rules.judged_by(v.evening)       # the day after the evening, at judge_at
    when_judged = "今天" if local(judged).date() == local(ctx.now).date() else "明天"
    return (f"{no}第{v.number}晚结束（{hm(v.ended_at)}），历时{duration_text(took)}{by}。已请信访人确认{missing}，"
            f"{when_judged}{rules.judge_at:%H:%M}判定是否计入。")


REPLIES.update({
    "select": lambda ctx, p, unit, lead, plan: (
        f"已将{p.tracking_no}列入七晚，交{unit}组成工作专班" + (f"，{lead}包案" if lead else "") + "；已通知单位报备。"),
    "file": lambda ctx, p, first, count: (
        f"已报备{p.tracking_no}七晚：{schedule(ctx.evening_rules, first)}，成员{count}人；已通知成员、信访局和包案领导。"),
    "start": _started,
    "end": _ended,
    "locate": lambda ctx, p, visit, far_m=None: f"已记录{p.tracking_no}第{visit.number}晚的定位。" + far_note(far_m),
    "excuse": lambda ctx, p, visit, left: (
        f"已确认{p.tracking_no}第{visit.number}晚：{gist(visit.excuse, 30)}。"
        + (f"尚缺：{'；'.join(left)}。" if left else "满足计入条件。")),
    "resolve": lambda ctx, p, agreement, unit, points: (
        f"已登记{p.tracking_no}化解，销号" + (f"；{unit}加{points}分" if points else "") + "。"),
    "unresolved": lambda ctx, p: f"已登记{p.tracking_no}未化解，事项继续挂牌。",
})


# what a command did, in a few words: its answer by a template-only SMS provider (official_done)
DONE_WORDS = {
    "accept": "已受理，请按期见面", "meet": "已登记见面", "reply": "答复已转给信访人", "close": "已办结",
    "not_accept": "已登记不予受理", "extend": "延期申请已报信访局", "approve": "已批准延期", "send_back": "已退回信访局",
    "assign": "已交办", "reassign": "已改派", "urge": "已催办", "supervise": "已挂牌督办", "recuse": "已登记被反映对象", "lead": "已设包案领导", "answer_review": "意见已转给信访人",
    "progress": "进展已报县领导", "instruct": "批示已转责任单位", "follow_up_call": "已记录电话回访",
    "select": "已列入七晚", "file": "七晚已报备", "start": "已记录开始走访", "end": "已记录结束走访",
    "locate": "已记录定位", "excuse": "已确认理由", "resolve": "已登记化解", "unresolved": "已登记未化解",
    "look": "联系方式等请在工作台案卷中查看",
}


def commands_help(lines: list[str], leader: bool = False) -> str:
    """帮助: the commands a role may send (from their declarations, handlers.registry)."""
    return "可用指令：" + "｜".join(lines) + ("。每日访情将按时发送。" if leader else "")


# --- refusals and formats ------------------------------------------------------------------------

STAFF_ONLY = "该指令仅限信访局工作人员使用。"
# help lines of commands whose use needs a word of explanation (the others are their syntax)
HELP_TONIGHT = "七晚（查看七晚进行情况）"
HELP_FILE_PLAN = "七晚：报备 编号 首晚 成员…"
LEADERS_ONLY = "批示由县领导发出。"


def need_number(word: str, prefix: str, now: datetime) -> str:
    return f"请写上事项编号，例如：{word} {example_no(prefix, now)}"


def example_no(prefix: str, now: datetime) -> str:
    return f"{prefix}-{local(now):%Y%m%d}-0001"


def not_found(number: str, role: str | None, scope: str) -> str:
    """The case is unknown — or not this person's to see (another unit's, or one that accuses
    them): the same words, so nobody learns that it exists."""
    if scope == "unit":
        return f"没有找到您单位的事项{number}，请核对编号。" if role != "staff" else \
            f"没有找到事项{number}，或该事项涉及您本人（回避），请核对编号。"
    return f"没有找到事项{number}，请核对编号。"


COMPLEXITY_FORMAT = "复杂程度请写 简单、一般 或 复杂，例如：受理 编号 复杂"
EXTEND_FORMAT = "格式：延期 编号 天数 理由，例如：延期 LS-20261123-0001 15 需现场勘查"
NOT_ACCEPT_FORMAT = "请写明不予受理的理由：不予受理 编号 理由"


# --- what an official wrote could not be understood, or is not theirs to do -----------------------

def unit_not_found(name: str) -> str:
    return f"没有找到单位“{name}”，请写单位全称或代码。"


def leader_not_found(name: str, no: str | None = None) -> str:
    return f"没有找到县领导“{name}”，请写包案领导姓名" + (f"：包案 {no} 姓名" if no else "。")


def unit_or_person_not_found(name: str) -> str:
    return f"没有找到单位或人员“{name}”，请写单位全称、代码或人员姓名。"


def township_not_found(name: str, full: bool = True) -> str:
    return f"没有找到乡镇（街道）“{name}”" + ("，请写全称，例如：下汤镇 或 下汤镇林楼村。" if full else "。")


def recuse_format(no: str) -> str:
    return f"请写上被反映的单位或人员：被反映 {no} 单位/姓名"


def instruct_format(example_no: str) -> str:
    return f"格式：批示 编号 内容，例如：批示 {example_no} 请尽快解决"


WECOM_UNKNOWN = "您好！您的企业微信账号未登记在县信访局的名录中，暂不能在此办理信访事项。请联系县信访局核对名录。"
WECOM_TEXT_ONLY = "企业微信中请发送文字命令（回复“帮助”查看）或位置；照片和材料请在工作台案卷中上传。"
BIND_WECHAT_ONLY = "绑定只用于微信：请在县信访局公众号中发送“绑定 验证码”。"
BIND_CODE_INVALID = "验证码无效或已过期，请向信访局重新获取。"
BIND_TAKEN = "这个微信号已绑定其他人员，请联系信访局。"


def bound(name: str, help_text: str) -> str:
    return f"{name}您好，微信已绑定。" + help_text


# 登记: petitions received in person (走访) or by letter (来信), and 越级访
REGISTER_FORMAT = "格式：登记 走访/来信/来电 乡镇 姓名 电话(无则写“无”) 人数 内容，例如：登记 走访 下汤镇 张三 13812345678 1 小区停水三天"
REGISTER_KIND = "登记类型请写“走访”“来信”或“来电”。" + REGISTER_FORMAT
REGISTER_PEOPLE = "人数请写数字，例如 1 或 12。" + REGISTER_FORMAT
ESCALATION_FORMAT = "格式：登记 到市/赴省/进京 [乡镇] 人数 事由，例如：登记 进京 下汤镇 3 拆迁补偿"
KIND_WORDS = {"visit": "走访", "letter": "来信", "phone": "电话访"}


def register_bad_phone(text: str) -> str:
    return f"电话“{text}”不是有效的手机号码；没有电话请写“无”。"


def registered_event(kind: str, people: int, first: bool) -> str:
    """The text of the petition's "registered" event."""
    return (f"{KIND_WORDS[kind]}登记" + (f"，集体访{people}人" if people > 1 else "")
            + ("，初信初访" if first else "，重复访"))


def registered(p: Petition, kind: str, unit_name: str | None) -> str:
    extra = "（集体访）" if p.people and p.people > 1 else ""
    extra += "（检举控告类，请核定被反映对象后交办）" if p.accusation and p.unit_id is None else ""
    if unit_name is None:
        return f"已登记{KIND_WORDS[kind]}{extra}：{p.tracking_no}，待交办。"
    return f"已登记{KIND_WORDS[kind]}{extra}：{p.tracking_no}，{unit_name}，受理期限{when(p.due_accept)}。"


CHECK_FORMAT = ("日排查请这样报告：排查 无新情况；或 排查 村 人数 事由 [动向]，"
                "如：排查 上坪村 3 征地补偿款未到位 扬言去省里上访")
CHECK_NOT_IN_USE = "本县未实行日排查日报告制度，无需报告。如有信访苗头，请直接电话报告县信访局。"
CHECK_TOWNSHIPS_ONLY = "日排查由各乡镇（街道）报告；县直单位和信访局无需报告。"


def check_found(village: str | None, people: int | None, matter: str | None, most: int) -> str:
    """"上坪村3人，征地补偿款…": what a 日排查 report found."""
    where = f"{village or ''}{str(people) + '人' if people else ''}"
    return where + ("，" if where else "") + gist(matter or "", most)


def check_recorded(unit: str, day, round_label: str, nothing_new: bool, village: str | None,
                   people: int | None, matter: str | None, movement: str | None) -> str:
    head = f"已收到{unit_short_name(unit)}{day.month}月{day.day}日{round_label}日排查报告："
    if nothing_new:
        return head + "无新情况。谢谢！"
    found = check_found(village, people, matter, 30)
    if movement:
        return head + f"{found}（{planned(movement)}上访），已报信访局和主要负责人研判。请做好稳控，有新动向随时报告。"
    return head + f"{found}。请做好化解，有新动向随时报告。"


def escalation_registered(word: str, people: int, township: str | None, matter: str, told: int = 0) -> str:
    """The bureau's answer to 登记 到市/赴省/进京; ``told``: registered on a rest day, how many
    leaders and heads were told at once (the next working day's 访情 counts it too)."""
    head = f"已登记{word}{people}人（{township or '未注明乡镇'}）：{gist(matter, 20)}。"
    if told:
        return head + f"今天休息日，已即时告知县领导和乡镇负责人{told}人，并计入下一个工作日的访情。"
    return head + "将计入今日访情。"


def threat_unfiled(channel: str, number: str | None, kind: str, said: str, masked: str) -> Said:
    """扬言 from someone who has filed nothing yet (an intake under way, or only the threat): the
    bureau's staff are told at once, with the number to ring (a call-back request on the 工作台);
    values = its template's (the number masked)."""
    how, what = CHANNEL_LABELS.get(channel, channel), THREAT_WORDS.get(kind, kind)
    reach = f"电话：{number}，请即联系。" if number else "尚未留电话，请在公众号后台回复、稳控化解。"
    return Said(f"【预警】有群众通过{how}扬言{what}：“{gist(said, 40)}”。尚未形成事项，{reach}", "threat_unfiled",
                how, what, masked if number else "未留电话")


def escalation_now(day: str, word: str, people: int, township: str | None, matter: str) -> Said:
    """越级访 registered on a rest day, to the county's leaders and the township's head at once
    (no daily 访情 goes out that day); values = its template's."""
    where = township or "未注明乡镇"
    return Said(f"【越级访】{day}信访局登记{word}上访{people}人（{where}）：{gist(matter, 40)}。今天休息日，请即研判、稳控化解。",
                "escalation_now", day, word, str(people), where)


# 详情 and 待办
NO_DETAILS = "今日暂无新的信访事项，也没有挂牌超期的事项。"
DETAILS_HEAD = "今日访情要点："
NOTHING_PENDING = "目前没有待办事项。"


def todo_head(n: int) -> str:
    return f"待办{n}件（期限近者在前）："


def case_card(ctx, p: Petition, due: datetime | None) -> str:
    """查询 编号 from the case's unit or the bureau: who, how to reach them, where, what, by when."""
    status = texts.STATUS_LABELS.get(p.status, p.status) + ("，已超期" if p.overdue else "")
    return (f"{p.tracking_no}（{status}）信访人：{p.name or '未留姓名'} {p.phone or '未留电话'}，"
            f"{ctx.place_of(p)}，{p.people}人。内容：{gist(p.content, 300)}。"
            f"下一期限：{when(due)}。")


def todo_item(i: int, p: Petition, due: datetime | None) -> str:
    return (f"{i}. {p.tracking_no} {texts.STATUS_LABELS.get(p.status, p.status)}"
            f"{' 已超期' if p.overdue else ''} 期限{when(due)} {gist(p.content, 10)}")


# 七晚
FILE_FORMAT = "格式：报备 编号 首晚日期 成员…，例如：报备 {no} 11月24日 李建国 王海燕 张老汉13912345678五老"
LOCATION_KEPT = "已收到定位，将用于您接下来30分钟内报告的“开始 编号”。"
DECIDE_WHO = "化解/未化解由信访局、包案领导或责任单位主要负责人报告。"
STAFF_AND_LEADERS_ONLY = "该指令仅限信访局工作人员和领导使用。"
NO_EVENINGS = "目前没有进行中的七晚工作。"


def no_plan(no: str) -> str:
    return f"事项{no}没有七晚工作计划。"


def plan_not_filed(no: str) -> str:
    return f"{no}的七晚工作计划尚未报备，请先报备：报备 {no} 首晚日期 成员…"


def not_a_member(no: str, left: bool) -> str:
    return (f"您已不在{no}的工作专班名单中（已调离），请由其他成员报告。" if left
            else f"您不是{no}七晚工作专班成员，无法报告走访。")


def select_format(no: str) -> str:
    return f"格式：七晚 {no} 单位 包案领导，例如：七晚 {no} 下汤镇人民政府 陈国栋"


def member_bad_phone(word: str) -> str:
    return f"“{word}”中的电话不是有效的手机号码。"


def member_unknown(word: str) -> str:
    return f"成员“{word}”不在名录中（或重名）。名录外人员请写姓名加手机号，例如：张老汉13912345678五老"


def filed_by(no: str, unit: str) -> str:
    return f"{no}的七晚报备由{unit}或信访局提交。"


def first_evening_unclear(word: str, no: str) -> str:
    return f"首晚日期“{word}”看不懂，请写如 11月24日 或 明晚。" + FILE_FORMAT.format(no=no)


def excuse_format(no: str) -> str:
    return f"格式：确认 {no} 第几晚 理由，例如：确认 {no} 第3晚 信访人手机没电，已电话核实"


def evenings_head(n: int) -> str:
    return f"七晚进行中{n}件："
