"""Every sentence said to officials — cadres, the bureau's staff, county leaders — in one place:
the notices a use case asks for (keyed by its purpose: core.usecases.Tell.what) and the replies
to the command's sender (keyed by the verb's name). Citizens' sentences are in handlers.texts.

SMS to officials may run to three UCS-2 segments (texts.SMS_CADRE_LIMIT): they need the details.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from core.clock import local, month_day
from core.instructions import PROGRESS_DAYS
from core.models import Petition
from core.text import gist
from handlers import texts


def when(dt: datetime | None) -> str:
    """A deadline as officials read it: "11月24日17:30"; "—" when there is none."""
    return month_day(dt) if dt is not None else "—"


COMPLEXITY_WORDS = {"simple": "简单", "normal": "一般", "complex": "复杂"}
PROVISIONAL_BASIS = {"county_list": "县里提供的节假日表", "weekdays": "周一至周五"}


# --- notices: (ctx, petition, **data) -> text, by purpose -------------------------------------------

def _assigned(ctx, p: Petition) -> str:
    contact = p.phone   # the petitioner's contact goes to the handling unit only
    body = (f"【交办】{p.tracking_no} {p.name} {contact or '无电话'} {ctx.place_of(p)}：{gist(p.content, 60)}。"
            f"请{when(p.due_accept)}前受理并见面，{when(p.due_finish)}前办结。回复：受理 {p.tracking_no}")
    return body[:texts.SMS_CADRE_LIMIT]


def _assign_needed(ctx, p: Petition, named: str | None = None) -> str:
    where = ctx.place_of(p, village=False)
    if named is not None:
        return (f"【检举控告】{p.tracking_no}（{where}）被反映对象：{named}，已回避。请核定后交办：交办 {p.tracking_no} 单位；"
                f"补充被反映对象：被反映 {p.tracking_no} 单位/人")
    return f"新信访事项{p.tracking_no}（{where}）未找到责任单位，请交办：交办 {p.tracking_no} 单位"


NOTICES: dict[str, Callable[..., str]] = {
    # to the petitioner (the citizen's sentences)
    "case_accepted": lambda ctx, p, unit, meet_by: texts.case_accepted(p.tracking_no, unit, when(meet_by)),
    "meet_check": lambda ctx, p: texts.ask_met(p.tracking_no),
    "case_replied": lambda ctx, p, unit, text: texts.case_replied(p.tracking_no, unit, text),
    "rating": lambda ctx, p: texts.ask_rating(p.tracking_no),
    "case_closed": lambda ctx, p: texts.case_closed(p.tracking_no),
    "case_extended": lambda ctx, p, days, reason: texts.case_extended(p.tracking_no, days, gist(reason, 30),
                                                                      when(p.due_finish)),
    "case_not_accepted": lambda ctx, p, unit, reason: texts.case_not_accepted(p.tracking_no, unit, gist(reason, 60)),
    "receipt": lambda ctx, p, how: texts.registered_receipt(p.tracking_no, how, when(p.due_finish)),
    "review_answered": lambda ctx, p, level, text: texts.review_answered(p.tracking_no, level, gist(text, 60)),
    # to units
    "case_assigned": _assigned,
    "extension_approved": lambda ctx, p, days: f"信访局已批准{p.tracking_no}延期{days}日，请于{when(p.due_finish)}前办结。",
    "taken_back": lambda ctx, p: f"信访局已收回事项{p.tracking_no}，贵单位无需继续办理。",
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
        f"【提示】{p.tracking_no}的期限（办结{when(p.due_finish)}）涉及国家尚未公布放假安排的年份，"
        f"暂按{PROVISIONAL_BASIS[basis]}计算，公布后请核对。"),
    "review_requested": lambda ctx, p, word: (
        f"【{word}】{p.tracking_no}信访人申请{word}，请于{month_day(p.due_review)}前答复：复查答复 {p.tracking_no} 内容"),
    "meet_denied": lambda ctx, p: f"【督办】{p.tracking_no}单位报已见面，信访人答复未见面，请核实。",
    "unsatisfied": lambda ctx, p, text: f"【不满意】{p.tracking_no}：{gist(text, 50)}",
    # to leaders
    "lead_set": lambda ctx, p, lead, unit, due: (
        f"【包案】{lead}您好，{p.tracking_no}（{unit}）由您包案：{gist(p.content, 40)}。期限{when(due)}，超期将告知您。"),
    "progress": lambda ctx, p, unit, text: f"【批示进展】{p.tracking_no}（{unit}）：{gist(text, 150)}",
}


# --- replies to the sender of a command: (petition, **done.data) -> text, by verb ---------------------

def _accepted(p: Petition) -> str:
    if p.due_meet:
        return (f"已受理{p.tracking_no}（{COMPLEXITY_WORDS.get(p.complexity or 'normal', '一般')}）。"
                f"请于{when(p.due_meet)}前与信访人见面，{when(p.due_finish)}前办结。见面后回复：见面 {p.tracking_no}")
    return f"已受理{p.tracking_no}，{when(p.due_finish)}前办结。"


def _recused(p: Petition, taken_back: bool, name: str, is_unit: bool) -> str:
    if taken_back:
        return f"已登记{p.tracking_no}被反映对象{name}，事项已从该单位收回。请重新交办：交办 {p.tracking_no} 单位"
    return f"已登记{p.tracking_no}被反映对象{name}，今后不会交办、告知或汇总给其{'单位' if is_unit else '本人'}。"


REPLIES: dict[str, Callable[..., str]] = {
    "accept": _accepted,
    "meet": lambda p: f"已登记{p.tracking_no}见面，将向信访人确认。答复时回复：答复 {p.tracking_no} 内容",
    "reply": lambda p: f"答复已转给信访人，并请其评价。办结后回复：办结 {p.tracking_no}",
    "close": lambda p: f"{p.tracking_no}已办结。谢谢！",
    "not_accept": lambda p, unit: f"已登记{p.tracking_no}不予受理，已告知信访人和信访局。",
    "extend": lambda p, days: f"延期申请已报信访局审批，批准前请按原期限（{when(p.due_finish)}）办理。",
    "approve": lambda p, days: f"已批准{p.tracking_no}延期{days}日，新期限{when(p.due_finish)}；已告知单位和信访人。",
    "send_back": lambda p, unit: f"已将{p.tracking_no}退回信访局重新交办。",
    "assign": lambda p, unit: f"已将{p.tracking_no}交办{unit}，受理期限{when(p.due_accept)}。",
    "recuse": _recused,
    "lead": lambda p, lead: f"已设{lead}为{p.tracking_no}的包案领导，并已告知。",
    "answer_review": lambda p, level: f"{'复查' if level == 'review' else '复核'}意见已转给信访人，{p.tracking_no}办结。",
    "progress": lambda p, next_due: f"进展已报县领导。请于{when(next_due)}前再报进展，直至办结。",
    "instruct": lambda p, where: f"批示已转{where}并记录；单位每{PROGRESS_DAYS}日报告进展，将转告您。",
}


# --- refusals and formats ------------------------------------------------------------------------

STAFF_ONLY = "该指令仅限信访局工作人员使用。"
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
