"""A domain error in words: every refusal core raises (core.cases.lifecycle.CaseError, core.evenings.visits.EveningError,
core.directory.admin.DirectoryError)
is a code and its values; here each code becomes the sentence said to the person who asked."""
from __future__ import annotations

from typing import Callable

from core.clock import hm, month_day, month_day_time
from core.words.evenings import duration_text
from core.words import citizens as texts
from core.words import documents
from core.words.console import NOT_YOURS
from core.words.officials import LEADERS_ONLY, not_found

# a 七晚 plan's state in words
PLAN_WORDS = {"selected": "待报备", "filed": "走访中", "completed": "已满七晚，待定化解",
                "resolved": "已化解", "unresolved": "未化解"}
STEP_WORDS = {"assign": "再交办", "accept": "受理", "meet": "见面", "reply": "答复", "close": "办结",
              "send_back": "退回", "not_accept": "不予受理", "extend": "延期",
              "reassign": "改派", "urge": "催办"}
STEP_HINTS = {"meet": "请先回复“受理 编号”。", "reply": "请先回复“受理 编号”。", "close": "请先回复“答复 编号 内容”。"}


# a step asked for again once done: say so, and what comes next (not "不能受理 … 请先回复…")
DONE_ALREADY = {
    "accept": ({"accepted", "replied", "closed", "reviewing"}, "已受理"),
    "reply": ({"replied", "closed", "reviewing"}, "已答复"),
    "close": ({"closed"}, "已办结"),
}
NEXT = {"accepted": "下一步：见面 {no}，或 答复 {no} 内容", "replied": "落实后请回复：办结 {no}",
        "closed": "无需再办。", "reviewing": "复查（复核）由信访局办理中。"}


def _not_now(no: str, status: str, step: str) -> str:
    done = DONE_ALREADY.get(step)
    if done is not None and status in done[0]:
        return f"{no} {done[1]}，无需重复{STEP_WORDS[step]}。{NEXT.get(status, '').format(no=no)}".rstrip()
    return f"{no}目前{texts.status_label(status)}，不能{STEP_WORDS[step]}。{STEP_HINTS.get(step, '')}".rstrip()


CASE: dict[str, Callable[..., str]] = {
    "not_now": _not_now,
    # who may take an action on which case (core.actions)
    "not_found": not_found,
    "not_yours": lambda: NOT_YOURS,
    "leaders_only": lambda: LEADERS_ONLY,
    "assign_to_bureau": lambda: "请交办给责任单位（乡镇或县直部门）。",
    "reassign_accepted": lambda no, unit: (f"{no}已由{unit}受理，不能改派。如确需调整，请由该单位退回后重新交办，"
                                           "或与该单位协商。"),
    "supervise_city_only": lambda: "挂牌督办由市信访局对县里的事项作出；县信访局请用“催办”。",
    "supervise_not_open": lambda no, status: f"{no}目前{texts.status_label(status)}，无需督办。",
    "supervise_reason": lambda: "请写明督办理由。",
    "supervise_reason_long": lambda most: f"督办理由请控制在{most}字以内。",
    "supervise_days": lambda most: f"督办期限请填1至{most}个工作日。",
    "supervise_due_past": lambda due: f"督办期限{month_day(due)}已过，请另定期限。",
    "supervised_already": lambda no, due: f"{no}已在督办中（期限{month_day(due)}），请勿重复督办。",
    "urged_today": lambda no: f"{no}今天已催办过，单位已收到催办短信；如情况紧急，请电话联系。",
    "reassign_same": lambda no, unit: f"{no}已在{unit}办理，请选择另一个单位改派。",
    "assign_accused": lambda no, unit: f"{no}反映的是{unit}，依《信访工作条例》第三十条不能交办该单位，请另选单位。",
    "met_already": lambda no, at: f"{no}已于{month_day_time(at)}登记见面。",
    "reply_empty": lambda: "请在编号后写上答复内容：答复 编号 内容",
    "send_back_reason": lambda: "请写明退回理由：退回 编号 理由",
    "send_back_late": lambda no, last: f"{no}已超过5个工作日的退回期限（{month_day(last)}止），请继续办理，或联系信访局。",
    "not_accept_reason": lambda: "请写明不予受理的理由：不予受理 编号 理由",
    "extend_format": lambda: "格式：延期 编号 天数 理由，例如：延期 LS-20261123-0001 15 需现场勘查",
    "extended_once": lambda no: f"{no}已延期一次，依《信访工作条例》第三十四条不能再次延期。",
    "extension_pending": lambda no, days: f"{no}的延期申请（{days}日）正在等待信访局批准，请勿重复申请。",
    "extend_too_long": lambda most: f"延期天数请填写1至{most}之间的整数，延期不能超过{most}日（《信访工作条例》第三十四条）。",
    "no_extension_asked": lambda no: f"{no}没有待批准的延期申请。",
    "review_under_way": lambda no, level, due: f"{no}的{texts.REVIEW_WORDS[level]}正在办理，将于{month_day_time(due)}前答复您。",
    "re_reviewed": lambda no: f"{no}已经复核。依《信访工作条例》第三十六条，同一事实和理由不再受理。",
    "review_before_reply": lambda no, status: f"{no}目前{texts.status_label(status)}，收到答复后才能申请复查。",
    "review_first": lambda no: f"{no}请先申请复查：申请复查 {no}",
    "re_review_next": lambda no: f"{no}已复查，如不服请申请复核：申请复核 {no}",
    "review_late": lambda no, level, until: (f"{no}申请{texts.REVIEW_WORDS[level]}的期限（{month_day(until)}）已过。"
                                             "如有新的事实和理由，请重新反映。"),
    "no_review": lambda no: f"{no}没有正在办理的复查或复核。",
    "review_answer_empty": lambda: "请写上意见：复查答复 编号 内容",
    "lead_not_leader": lambda name: f"{name}不是县领导，包案领导请写县领导姓名。",
    "lead_accused": lambda no, name: f"{no}反映的涉及{name}，不能由其包案。",
    "recused_already": lambda no, name: f"{no}已登记被反映对象{name}。",
    "instruct_finished": lambda no: f"{no}已办结（或撤回），如需重新办理请联系信访局。",
    "instruct_empty": lambda no: f"请写上批示内容：批示 {no} 内容",
    "no_instruction": lambda no: f"{no}没有需要报告进展的批示。",
    "progress_empty": lambda no: f"请写上进展：进展 {no} 内容",
    "follow_up_outcome": lambda: "请选择回访结果。",
    "complexity_unknown": lambda: "请选择复杂程度：简单、一般或复杂。",
    "follow_up_unanswered": lambda no: f"{no}尚未答复，答复后再回访。",
    "follow_up_rated": lambda no, rating: f"信访人已对{no}评价“{rating}”，电话回访不改动其本人的评价；可记录“已解释沟通”。",
}


EVENING: dict[str, Callable[..., str]] = {
    "evening_dropped_case": lambda no: f"{no}已撤回或不予受理，不能列入七晚。",
    "evening_plan_exists": lambda no, plan_status: f"{no}已有七晚工作计划（{PLAN_WORDS[plan_status]}）。",
    "evening_unit_accused": lambda no, unit: f"{no}反映的涉及{unit}，不能由其组织七晚走访。",
    "evening_refile": lambda no, plan_status: f"{no}的七晚工作{PLAN_WORDS[plan_status]}，不能重新报备。",
    "evening_refile_started": lambda no: f"{no}已开始走访，不能重新报备。",
    "evening_first_past": lambda window: f"首晚不能早于今晚（{window}之前报备），请写以后的日期。",
    "evening_first_far": lambda: "首晚请安排在60天以内。",
    "evening_no_members": lambda: "请写上工作专班成员。",
    "evening_member_accused": lambda no, name: f"{no}反映的涉及{name}，其不能参加工作专班。",
    "evening_not_filed": lambda no: f"{no}的七晚工作计划尚未报备，请先报备：报备 {no} 首晚日期 成员…",
    "evening_completed": lambda no, evenings: f"{no}已连续走访{evenings}晚。请回复：化解 {no} 或 未化解 {no} 理由",
    "evening_plan_state": lambda no, plan_status: f"{no}的七晚工作{PLAN_WORDS[plan_status]}。",
    "evening_too_early": lambda no, window: f"还未到晚间走访时段（{window}），到达信访人家中后再回复：开始 {no}",
    "evening_too_late": lambda window: f"今晚走访时段（{window}）已过，本晚不能再开始。",
    "evening_before_first": lambda no, opens: f"{no}报备的首晚是{month_day(opens)}，届时再回复：开始 {no}",
    "evening_started_already": lambda no, at, number: (f"{no}今晚的走访已于{hm(at)}开始（第{number}晚），"
                                                       f"结束时回复：结束 {no} 纪要"),
    "evening_no_visit": lambda no: f"{no}没有进行中的走访。到达后请先回复：开始 {no}",
    "evening_ended_already": lambda no, number, at, took: f"{no}第{number}晚已于{hm(at)}结束（历时{duration_text(took)}）。",
    "evening_check_closed": lambda: "这一晚的确认已截止。",
    "evening_no_such_visit": lambda no, number: f"{no}没有第{number}晚的走访记录。",
    "evening_judged": lambda no, number, at, counted: (f"{no}第{number}晚已于{month_day(at)}{hm(at)}判定"
                                                       f"{'计入' if counted else '未计入'}，不能再确认。"),
    "evening_excuse_reason": lambda no, number: f"请写明理由：确认 {no} 第{number}晚 理由",
    "evening_unresolved_reason": lambda no: f"请写明未化解的理由：未化解 {no} 理由",
}


DIRECTORY: dict[str, Callable[..., str]] = {
    "name_needed": lambda: "请填写姓名。",
    "bad_phone": lambda phone: f"“{phone}”不是有效的手机号码。",
    "bad_role": lambda: "请选择身份（信访局、联络员、干部、主要负责人、县领导）。",
    "unit_needed": lambda: "联络员、干部和主要负责人须属于一个单位，请选择单位。",
    "unit_inactive": lambda unit: f"{unit}已停用，请选择其他单位。",
    "phone_taken": lambda phone, name, active: (f"号码{phone}已登记为{name}" + ("" if active else "（已停用，可在其页面启用）")
                                                + "，一个号码只能对应一人。"),
    "bad_wecom": lambda wecom: f"“{wecom}”不是企业微信账号（字母、数字和 _ - . @，至多64个）。",
    "wecom_taken": lambda wecom, name: f"企业微信账号{wecom}已登记为{name}，一个账号只能对应一人。",
    "not_yourself": lambda: "不能停用自己，或取消自己的管理权限。",
    "own_rights": lambda: "不能修改自己的身份、单位或手机号码（这会改变您能查看的事项），请由另一位管理员修改。",
    "last_admin": lambda: "这是最后一位管理员，请先设置另一位管理员。",
    "inactive": lambda name: f"{name}已停用，请先启用。",
}


SENTENCES = {**CASE, **EVENING, **DIRECTORY, **documents.REFUSALS}


def say(error: Exception) -> str:
    """The sentence for a refusal raised by core (a CaseError or an EveningError)."""
    return SENTENCES[error.code](**error.params)
