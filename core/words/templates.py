"""The texts a domestic SMS provider sends only through registered templates (issue 21,
docs/channels.md): for each purpose, the template's words as the county registers them with the
provider ({1}, {2} … in order) and its parameters, from the same values as the full sentence.

Tencent Cloud SMS (and China's carriers) allow no link and no phone number in a variable, no
【】 anywhere (the signature's brackets), and a variable only so long (the county's
``[county.sms] param_limit``: the account's, none when verified as an organisation — :func:`fit`;
6 for a verification code).
So where the full sentence carries what a template may not — the petitioner's number in a 交办,
a unit's free-text 答复 — the template says where to read it instead.

A purpose rendered here with its parameters is the full sentence Twilio and the console send
(tests/test_templates.py holds the two to each other), except where the template must differ,
which its entry says. The purposes not here yet are listed by :func:`missing`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from core.clock import hm, month_day
from core.directory.places import unit_short_name
from core.timelines import PROGRESS_DAYS
from core.words.evenings import duration_text
from core.words.jobs import MILESTONE_WORDS, THREAT_WORDS, TRIPS, planned
from core.words.jobs import DIGEST as DIGEST_TEMPLATES, EVENING as EVENING_TEMPLATES, FAILED_TEMPLATE
from core.words.jobs import MEDIA as MEDIA_TEMPLATES, SCHEDULE as SCHEDULE_TEMPLATES, SWEEP as SWEEP_TEMPLATES
from core.words.jobs import SUPERVISION as SUPERVISION_TEMPLATES
from core.text import spaced_numbers
from core.words import citizens as texts
from core.words.officials import NOTICES, distance, when

LINK = re.compile(r"https?://|www\.|\.(?:cn|com|net|org|gov)\b", re.I)
PHONE = re.compile(r"(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)|(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
NO_BRACKETS = "；模板正文不用【】（【】属于签名）"
SIGNED = "信访局的名称在签名中，不在正文中"
PARAM_MAX = 20          # a variable's longest value, unless the county says what it registered
CODE_MAX = 6            # a verification code: at most six digits


@dataclass(frozen=True)
class Template:
    text: str                                   # as registered: {1}, {2} … each once, in order
    # a notice's (ctx, p, **data) → the values, in order; None where the values are made with the
    # text (the codes, the sweep, the digest, the outbox, a reply: core.words.said.Said carries them)
    params: Callable[..., list[str] | dict] | None = None
    differs: str | None = None                  # why the template's words differ from the full sentence
    code: bool = False                          # a verification code template
    # the variables ({n}) whose values are the template's own few words, not the sentence's (a
    # number masked, what was done in brief): every other value is word for word in the sentence
    own_words: tuple[int, ...] = ()

    def render(self, values: list[str]) -> str:
        """The text as the provider sends it (a tracking number never runs into what follows, as
        in every text: core.text.spaced_numbers)."""
        out = self.text
        for i, v in enumerate(values, 1):
            out = out.replace(f"{{{i}}}", v)
        return spaced_numbers(out)


def _meet(ctx, p, unit, meet_by) -> list[str]:
    return [p.tracking_no, unit, texts.by(meet_by, ctx.now, "于")]


TEMPLATES: dict[str, Template] = {
    # to the petitioner
    "receipt": Template("您好！您的{1}已由县信访局登记，编号{2}，预计{3}前办结。回复“查询”加编号可查进度。谢谢！",
                        lambda ctx, p, how: [how, p.tracking_no, when(p.due_finish)],
                        differs="“查询 编号”不再重复编号（同一变量只出现一次）"),
    "case_accepted": Template("您好！您反映的事项{1}已由{2}受理，工作人员将{3}与您联系见面。谢谢！", _meet),
    "meet_check": Template("您好！关于事项{1}，今天工作人员是否已与您见面？回复1是 2否。",
                           lambda ctx, p: [p.tracking_no]),
    "case_replied": Template("您好！{1}已答复您反映的事项{2}。回复“查询”即可查看答复全文。",
                             lambda ctx, p, unit, text: [unit, p.tracking_no],
                             differs="单位的答复是自由文字：模板只说明在哪里查看"),
    "rating": Template("请对事项{1}的办理评价：回复1满意 2基本满意 3不满意。谢谢！", lambda ctx, p: [p.tracking_no]),
    "case_closed": Template("您好！您反映的事项{1}已办结。谢谢您的支持，再见！", lambda ctx, p: [p.tracking_no]),
    # to the units
    "case_assigned": Template("交办：信访事项{1}（{2}），请{3}受理并见面，{4}办结。信访人联系方式请在查询或工作台案卷中查看。"
                              "回复：受理 编号",
                              lambda ctx, p: [p.tracking_no, ctx.place_of(p), texts.by(p.due_accept, ctx.now),
                                              texts.by(p.due_finish, ctx.now)],
                              differs="短信模板不含信访人的号码、姓名和原话：只说明在哪里查看"),
    # the same 交办 where the county's policy sets no meeting (the 条例's own limits) or a later one (3-7-21)
    "case_assigned_accept": Template("交办：信访事项{1}（{2}），请{3}受理，{4}办结。信访人联系方式请在查询或工作台案卷中查看。"
                                     "回复：受理 编号",
                                     lambda ctx, p: [p.tracking_no, ctx.place_of(p), texts.by(p.due_accept, ctx.now),
                                                     texts.by(p.due_finish, ctx.now)],
                                     differs="同上；不设见面期限的县（依条例期限）"),
    "case_assigned_meet": Template("交办：信访事项{1}（{2}），请{3}受理，{4}见面，{5}办结。信访人联系方式请在查询或工作台案卷中查看。"
                                   "回复：受理 编号",
                                   lambda ctx, p: [p.tracking_no, ctx.place_of(p), texts.by(p.due_accept, ctx.now),
                                                   texts.by(p.due_meet, ctx.now), texts.by(p.due_finish, ctx.now)],
                                   differs="同上；见面期限晚于受理期限的县（3-7-21）"),
    "extension_approved": Template("信访局已批准{1}延期{2}日，请于{3}前办结。",
                                   lambda ctx, p, days: [p.tracking_no, str(days), when(p.due_finish)]),
    "taken_back": Template("信访局已收回事项{1}，贵单位无需继续办理。", lambda ctx, p: [p.tracking_no]),
    "case_urged": Template("信访局催办事项{1}：{2}期限{3}，请抓紧办理。",
                           lambda ctx, p, milestone, note: [p.tracking_no, MILESTONE_WORDS[milestone],
                                                            when(getattr(p, f"due_{milestone}"))],
                           differs=f"信访局的催办说明是自由文字：模板只说期限{NO_BRACKETS}"),
    "city_handed_down": Template("{1}信访局交办事项{2}，请按期交办、答复，结果将报市信访局。",
                                 lambda ctx, p, city: [city, p.tracking_no],
                                 differs=f"反映内容是自由文字：在工作台案卷中查看{NO_BRACKETS}"),
    "city_case_answered": Template("{1}已答复市交办事项{2}，答复内容请在工作台查看。",
                                   lambda ctx, p, county, unit: [county, p.tracking_no],
                                   differs=f"答复内容是自由文字：在工作台案卷中查看{NO_BRACKETS}"),
    "case_supervised": Template("{1}信访局挂牌督办事项{2}，请于{3}前办理答复，逾期将记入考评。",
                                lambda ctx, p, city, due, reason: [city, p.tracking_no, when(due)],
                                differs=f"督办理由是自由文字：在工作台案卷中查看{NO_BRACKETS}"),
    "reassigned_away": Template("信访局已将事项{1}改派{2}办理，贵单位无需继续办理。感谢配合！",
                                lambda ctx, p, unit: [p.tracking_no, unit]),
    "withdrawn": Template("信访人已撤回{1}，无需继续办理。谢谢！", lambda ctx, p: [p.tracking_no]),
    "instruction": Template("县领导批示：{1}批示{2}，请在工作台案卷中查看并抓紧办理，每{3}日报告进展：进展 编号 内容",
                            lambda ctx, p, title, leader, text: [f"{title or ''}{leader}", p.tracking_no,
                                                                 str(PROGRESS_DAYS)],
                            differs=f"领导的批示是自由文字：只说明在哪里查看{NO_BRACKETS}"),
    # to the petitioner, more
    "case_resolved": Template("您好！您反映的事项{1}经工作专班上门走访，已化解办结。感谢您的理解和支持！",
                              lambda ctx, p: [p.tracking_no]),
    "case_extended": Template("您好！您反映的事项{1}经批准延期{2}日，将于{3}前办结，延期理由请回复“查询”查看。感谢您的理解！",
                              lambda ctx, p, days, reason: [p.tracking_no, str(days), when(p.due_finish)],
                              differs="理由是自由文字：只说明在哪里查看"),
    "case_not_accepted": Template("您好！您反映的事项{1}，{2}经审查决定不予受理，理由请回复“查询”查看。如有异议，请联系县信访局。谢谢！",
                                  lambda ctx, p, unit, reason: [p.tracking_no, unit],
                                  differs="理由是自由文字：只说明在哪里查看"),
    # to the bureau's staff
    "no_contact": Template("{1}已交办{2}，但该单位没有登记联络人，请电话通知并补充名录。",
                           lambda ctx, p, unit: [p.tracking_no, unit]),
    "extension_request": Template("{1}申请{2}延期{3}日，理由请在工作台案卷中查看。同意请回复：批准延期 编号",
                                  lambda ctx, p, unit, days, reason: [unit, p.tracking_no, str(days)],
                                  differs="理由是自由文字：只说明在哪里查看"),
    "returned": Template("{1}退回{2}，理由请在工作台案卷中查看。请重新交办：交办 编号 单位",
                         lambda ctx, p, unit, reason: [unit, p.tracking_no],
                         differs="理由是自由文字：只说明在哪里查看"),
    "not_accepted": Template("不予受理：{1}对{2}不予受理，理由请在工作台案卷中查看。",
                             lambda ctx, p, unit, reason: [unit, p.tracking_no],
                             differs=f"理由是自由文字：只说明在哪里查看{NO_BRACKETS}"),
    "rated_unsatisfied": Template("回访：{1}信访人对答复不满意，请跟进核实（原因待其说明）。",
                                  lambda ctx, p: [p.tracking_no], differs=NO_BRACKETS.lstrip("；")),
    "meet_denied": Template("督办：{1}单位报已见面，信访人答复未见面，请核实。", lambda ctx, p: [p.tracking_no],
                            differs=NO_BRACKETS.lstrip("；")),
    "review_requested": Template("{1}信访人申请{2}，请于{3}前答复：复查答复 编号 内容",
                                 lambda ctx, p, level: [p.tracking_no, texts.REVIEW_WORDS[level], month_day(p.due_review)],
                                 differs=f"编号只出现一次（同一变量只出现一次）{NO_BRACKETS}"),
    # 七晚: the petitioner confirms each evening (the signature says who asks)
    "evening_check_start": Template("您好！工作专班报告今晚{1}已到您家走访（事项{2}）。工作专班是否已到您家？回复1是 2否",
                                    lambda ctx, p, started_at: [hm(started_at), p.tracking_no], differs=SIGNED),
    "evening_check_end": Template("您好！工作专班报告已于{1}结束今晚走访（事项{2}），历时{3}。是否属实？回复1是 2否",
                                  lambda ctx, p, started_at, ended_at, took: [hm(ended_at), p.tracking_no,
                                                                              duration_text(took)], differs=SIGNED),
    "evening_check_both": Template("您好！工作专班报告今晚{1}到{2}在您家走访（事项{3}）。是否属实？回复1是 2否",
                                   lambda ctx, p, started_at, ended_at, took: [hm(started_at), hm(ended_at),
                                                                               p.tracking_no], differs=SIGNED),
    "evening_denied": Template("七晚核实：{1}第{2}晚（{3}开始）信访人答复“否”。如有正当理由，请回复：确认 编号 第几晚 理由",
                               lambda ctx, p, number, started_at: [p.tracking_no, str(number), hm(started_at)],
                               differs=NO_BRACKETS.lstrip("；")),
    "evening_resolved": Template("七晚：{1}已化解，销号。谢谢各位！", lambda ctx, p, agreement: [p.tracking_no],
                                 differs=f"是否签订协议在案卷中{NO_BRACKETS}"),
    # to the bureau and the unit's head, at once
    "trip_warning": Template("预警：{1}（{2}，{3}人）信访人表示将{4}上访，请即联系、稳控化解。内容请在工作台案卷中查看。",
                             lambda ctx, p, level: [p.tracking_no, ctx.place_of(p, village=False), str(p.people or 1),
                                                    TRIPS.get(level, "赴县")],
                             differs=f"信访人的原话：只说明在哪里查看{NO_BRACKETS}"),
    "threat_warning": Template("预警：{1}（{2}，{3}人）信访人扬言{4}，请即联系、稳控化解，做好安全防范。原话请在工作台案卷中查看。",
                               lambda ctx, p, kind, said: [p.tracking_no, ctx.place_of(p, village=False),
                                                           str(p.people or 1), THREAT_WORDS[kind]],
                               differs=f"信访人的原话在案卷中{NO_BRACKETS}"),
    "repeat_joined": Template("重复反映：{1}信访人再次反映（{2}），请一并办理，无需另行受理。内容请在工作台案卷中查看。",
                              lambda ctx, p, original: [original, p.tracking_no],
                              differs=f"信访人的原话：只说明在哪里查看{NO_BRACKETS}"),
    "unsatisfied": Template("不满意：{1}信访人说明了不满意的原因，请在工作台案卷中查看。", lambda ctx, p, text: [p.tracking_no],
                            differs=f"信访人的原话：只说明在哪里查看{NO_BRACKETS}"),
    "progress": Template("批示进展：{1}（{2}）已报告进展，请在工作台案卷中查看。", lambda ctx, p, unit, text: [p.tracking_no, unit],
                         differs=f"单位报告的内容：只说明在哪里查看{NO_BRACKETS}"),
    "assign_needed": Template("新信访事项{1}（{2}）未找到责任单位，请交办：交办 编号 单位",
                              lambda ctx, p, named=None: [p.tracking_no, ctx.place_of(p, village=False)] if named is None
                              else {"t": "assign_needed_accusation", "v": [p.tracking_no, ctx.place_of(p, village=False)]},
                              differs="编号只出现一次（同一变量只出现一次）"),
    "review_answered": Template("您好！事项{1}的{2}意见已答复，请回复“查询”查看全文。",
                                lambda ctx, p, level, text: [p.tracking_no, texts.REVIEW_WORDS[level]],
                                differs="信访局的意见是自由文字：只说明在哪里查看"),
    # 七晚 to the unit, its members and the 包案 leader; 日排查's 预警; a deadline that may move
    "evening_selected": Template("七晚：{1}列入七晚工作法，由贵单位组成工作专班，请报备：报备 编号 首晚日期 成员。内容请在工作台案卷中查看。",
                                 lambda ctx, p, campaign=None, lead=None, first=None: [p.tracking_no],
                                 differs=f"信访人的姓名和原话：只说明在哪里查看{NO_BRACKETS}"),
    "evening_selected_lead": Template("七晚包案：{1}您好，{2}（{3}）列入七晚工作法，由您包案，报备和走访情况将告知您。",
                                      lambda ctx, p, lead, unit: [lead, p.tracking_no, unit],
                                      differs=f"信访人的原话：在案卷中{NO_BRACKETS}"),
    "evening_filed": Template("七晚报备：{1}由{2}报备，首晚{3}，成员{4}人。",
                              lambda ctx, p, first, names, unit: [p.tracking_no, unit, month_day(first),
                                                                  str(len(names.split("、")))],
                              differs=f"成员只报人数，姓名在案卷中{NO_BRACKETS}"),
    "evening_filed_members": Template("七晚报备：{1}（{2}）首晚{3}。到达后回复：开始 编号；离开时回复：结束 编号 纪要",
                                      lambda ctx, p, first, names, unit: [p.tracking_no, ctx.place_of(p),
                                                                          month_day(first)],
                                      differs=f"模板不含信访人姓名{NO_BRACKETS}"),
    "evening_unresolved": Template("七晚：{1}未化解，事项继续挂牌督办。理由请在工作台案卷中查看。",
                                   lambda ctx, p, reason: [p.tracking_no],
                                   differs=f"理由：只说明在哪里查看{NO_BRACKETS}"),
    "evening_far": Template("七晚核实：{1}第{2}晚开始时的定位与信访人住址相距约{3}，请核实。",
                            lambda ctx, p, number, far_m: [p.tracking_no, str(number), distance(far_m)],
                            differs=NO_BRACKETS.lstrip("；")),
    "check_warning": Template("预警：{1}日排查发现有人{2}上访，请即研判、稳控化解。详情请在工作台查看。",
                              lambda ctx, p, unit, village, people, matter, movement: [unit_short_name(unit),
                                                                                       planned(movement)],
                              differs=f"何人何事：在工作台查看{NO_BRACKETS}"),
    "deadline_provisional": Template("提示：{1}的期限涉及国家尚未公布放假安排的年份，暂按已知节假日计算，公布后请核对。",
                                     lambda ctx, p, basis: [p.tracking_no],
                                     differs=f"期限及其依据：在案卷中{NO_BRACKETS}"),
    # to leaders
    "lead_set": Template("包案：{1}您好，{2}（{3}）由您包案，期限{4}，超期将告知您。内容请在工作台案卷中查看。",
                         lambda ctx, p, lead, unit, due: [lead, p.tracking_no, unit, when(due)],
                         differs=f"信访人的原话是自由文字：只说明在哪里查看{NO_BRACKETS}"),
}

# the texts written outside the use cases' notices, with their templates
OWN: dict[str, Template] = {
    "console_code": Template("工作台登录验证码{1}，10分钟内有效。如非本人操作，请忽略。", code=True),
    "verify_phone": Template("您的验证码是{1}，请在微信中回复此验证码完成手机号验证。如非本人操作请忽略。",
                             code=True,
                             differs="签名由短信平台加上：正文不用【】"),
    "send_failed": Template(FAILED_TEMPLATE,
                            differs="模板正文不用【】；号码隐去中间四位，写明事项和原因"),
    "assign_needed_accusation": Template("检举控告：{1}（{2}）被反映对象已回避，请在工作台核定后交办。",
                                         differs=f"被反映对象：只在案卷中，从不写进短信{NO_BRACKETS}"),
    "follow_up": Template("您好！您反映的事项{1}已办结。为改进工作，请对办理情况评价：回复1满意 2基本满意 3不满意。谢谢！"),
    "bind_code": Template("您的微信绑定码：{1}，{2}天内有效。请在信访微信公众号发送：绑定 绑定码",
                          differs="验证码只出现一次（同一变量只出现一次）"),
}


# the sweep's alerts, written in core (core.cases.sweep): their words, their parameters made there
for _key, _words in SWEEP_TEMPLATES.items():
    OWN[_key] = Template(_words, differs="模板正文不用【】；各步骤合为一个变量")
# the daily 访情 (notifications.digest_text): its figures
for _key, _words in DIGEST_TEMPLATES.items():
    OWN[_key] = Template(_words, differs="当日数字；其余内容回复“详情”查看")
# the scheduled jobs' texts (notifications.schedule, core.evenings.sweep, notifications.media)
_WHY = {"check_missed": "变量容得下的乡镇名称，其余只报个数",
        "weekly_report": "只报数字；签名链接不能作变量：在工作台查看",
        "monthly_report": "只报数字；签名链接不能作变量：在工作台查看",
        "monthly_scores": "低于预警线的单位数；排名在工作台查看",
        "supervision_missed": "承办单位在工作台案卷中查看",
        "progress_due": "指令中的编号只出现一次（同一变量只出现一次）",
        "media_failed": "第一件事项和总件数"}
for _key, _words in {**SCHEDULE_TEMPLATES, **EVENING_TEMPLATES, **MEDIA_TEMPLATES, **SUPERVISION_TEMPLATES}.items():
    OWN[_key] = Template(_words, differs=_WHY[_key] + NO_BRACKETS if _key in _WHY else NO_BRACKETS.lstrip("；"),
                         own_words=(2,) if _key == "check_missed" else ())   # the townships cut short
# an official's answer to a command: what was done to which case (handlers.registry); any other
# answer — 帮助, 待办, a refusal, a format — says where to read it
OWN["official_done"] = Template("{1}：{2}。回复“待办”可查看您的待办事项。",
                                differs="指令的答复用几个字说明",
                                own_words=(2,))
OWN["official_help"] = Template("常用指令：受理 编号、见面 编号、答复 编号 内容、办结 编号、查询 编号、待办。完整用法请在信访工作台查看。",
                                differs="干部最常用的指令；完整列表在工作台查看")
OWN["official_todo"] = Template("您有待办事项{1}件，期限最近的是{2}（{3}）。回复“查询”加编号查看详情。",
                                differs="件数和期限最近的一件；列表在工作台查看")
OWN["official_other"] = Template("指令已收到。此项答复无法用短信发送，请在信访工作台或企业微信中查看，或致电县信访局。",
                                 differs="没有专用模板的答复：只说明在哪里查看")
# a citizen's 查询 (handlers.commands): where the case stands, how many and the latest, a number
# not theirs; the 答复 and the steps are free text — on WeChat, or the bureau's telephone
OWN["query_status"] = Template("您好！您反映的事项{1}目前{2}，办结期限{3}。答复全文和办理进展请关注县信访微信公众号查看，"
                               "或拨打县信访局电话咨询。",
                               differs="事项进展；答复和办理步骤是自由文字：只说明在哪里查看")
OWN["query_list"] = Template("您好！您反映的事项共{1}件，最近一件{2}目前{3}。回复“查询”加编号可查看该件进度。",
                             differs="件数和最近一件；列表是自由文字")
OWN["query_not_found"] = Template("未找到编号为{1}的反映，请核对编号。回复“查询”可查看您反映过的全部事项。",
                                  differs="文字相同（受理编号后都有空格）")
OWN["escalation_now"] = Template("越级访：{1}信访局登记{2}上访{3}人（{4}），今天休息日，请即研判、稳控化解。事由请向县信访局了解。",
                                 differs="事由是自由文字：只说明向谁了解" + NO_BRACKETS)
# 扬言: the calm answer to a petitioner who threatened (handlers.threats); the bureau's hotline is
# no variable (carriers refuse a number in one), so the template asks them to ring the bureau
OWN["threat_care"] = Template("您的心情我们理解，请您务必保重身体、冷静对待。您反映的问题我们已经记下，会依法依规尽快处理，"
                              "有急事请拨打县信访局电话，工作人员会尽快与您联系。",
                              differs="热线号码不能作变量：模板只请对方致电信访局")
OWN["threat_unfiled"] = Template("预警：有群众通过{1}扬言{2}，尚未形成事项（{3}），完整号码请在工作台首页“回电请求”中查看，请即联系、稳控化解。",
                                 differs="号码隐去中间四位，原话在工作台查看" + NO_BRACKETS,
                                 own_words=(3,))
OWN["call_back"] = Template("回电：有群众通过{1}要求人工联系（{2}），完整号码请在工作台首页“回电请求”中查看，请回电。",
                            differs="号码隐去中间四位：完整号码在工作台查看" + NO_BRACKETS, own_words=(2,))


# the conversation's own answers (purpose "reply"): a reply made by core.words.citizens is a
# core.words.said.Said that names its key here and carries its values; any other answer (words joined
# to others, a note before the reply) goes as REPLY_OTHER (where to go on)
ENDS = "回复“确认”提交，“返回”修改，“取消”放弃。"
CONVERSATION: dict[str, Template] = {
    "ask_name": Template("您好！请慢慢讲。请问您怎么称呼？（也可一次说明：姓名、乡镇、问题）"),
    "ask_name_plain": Template("请问您怎么称呼？（也可一次说明：姓名、乡镇、问题）"),
    "ask_place": Template("请问您反映的问题在哪个乡镇（街道）、哪个村（社区）？例如：{1}。"),
    "place_not_found": Template("没有找到这个地方，请回复乡镇（街道）名称，例如：{1}。"),
    # at a city's own account or number: a place outside every county of the city; the city's hotline
    # is no variable (carriers refuse a number in one)
    "place_not_in_city": Template("您好，您说的{1}不在本平台受理的{2}范围内。如是这些县的事项，请回复所在乡镇（街道）名称；"
                                  "其他地方的事项，可致电市信访局咨询，或向当地信访部门反映。谢谢！",
                                  differs="热线号码不能作变量：模板只请对方致电市信访局"),
    "choose_place": Template("请问是哪一个？请回复序号：{1}"),
    "ask_village": Template("好的，{1}。请问是哪个村（社区）？不清楚可回复“跳过”。"),
    "ask_content": Template("请简要说明您遇到的问题和诉求。"),
    # the answers to the questions put to a petitioner (见面, 评价, 七晚's checks), 撤回, 补充
    "met_yes": Template("已记录：{1}见面属实。谢谢您的确认！"),
    "met_no": Template("已记录：{1}未见面。我们已告知信访局督办，工作人员会尽快与您联系。"),
    "rated_unsatisfied_noted": Template("已记录：{1}评价“不满意”，信访局会跟进。请简要说明不满意的原因。",
                                       differs="复查期限在“查询”中"),
    "rated": Template("已记录：{1}评价“{2}”。谢谢您的评价！"),
    "why_noted": Template("已记录您的意见，信访局会督促责任单位。谢谢！"),
    "answer_met": Template("请回复1（已见面）或2（未见面）。"),
    "answer_visit": Template("请回复1（工作专班已到/已离开，属实）或2（不属实）。"),
    "visit_thanks": Template("感谢您的答复。"),
    "visit_confirmed": Template("感谢您的确认！"),
    "visit_denied": Template("感谢您的答复，已告知县信访局核实。"),
    "confirm_withdraw": Template("确定撤回 {1}吗？撤回后将不再办理。回复“确认撤回”撤回，回复“取消”保留。",
                                differs="事项内容是自由文字：在微信和“查询”中说明"),
    "withdraw_done": Template("{1}已撤回。如有需要可随时重新反映。再见！"),
    "answer_withdraw": Template("请回复“确认撤回”撤回该事项，或回复“取消”保留。"),
    "closed_case": Template("{1}目前{2}，不能再补充或撤回。如有新问题请回复“我要反映”。"),
    "supplement_added": Template("已将补充内容保存到 {1}，谢谢！工作人员会一并查看。"),
    "say_more": Template("请再具体说明一下您遇到的问题。"),
    "ask_matter": Template("请您具体说说是什么事：遇到了什么问题，想请政府帮着解决什么。"),
    # after filing, a question about the case (啥时候来人, 找谁, 多久能办): answered from it
    "case_ahead": Template("您反映的事项{1}由{2}办理，工作人员将{3}与您联系见面，{4}办结。回复“查询”加编号可查看进度。"),
    "case_ahead_met": Template("您反映的事项{1}由{2}办理，工作人员已与您见面，将{3}办结。回复“查询”加编号可查看进度。"),
    "supplement_how": Template("可以补充。请回复“补充 {1}”，再发送要补充的文字或照片。"),
    "withdraw_how": Template("可以撤回。如确定不再反映，请回复“撤回 {1}”，确认后该事项将不再办理。"),
    "case_ahead_unassigned": Template("您反映的事项{1}已登记，信访局正在确定责任单位，确定后工作人员会与您联系见面。"
                                      "回复“查询”加编号可查看进度。"),
    "summary": Template("请核对：{1}，{2}。问题已记下。" + ENDS,
                        differs="反映内容是自由文字：在微信和“查询”中复述，不进模板"),
    "added_to_draft": Template("已补充。" + ENDS),
    "confirm_or_add": Template("请回复“确认”提交，“返回”修改，“取消”放弃；如需补充，请直接发送文字或图片。"),
    "submitted": Template("您的反映已登记，编号{1}。我们会尽快交办并与您联系。回复“查询”加编号可查进度。谢谢！",
                          differs="“查询 编号”不再重复编号（同一变量只出现一次）"),
    # after hours or on a rest day the tracking number comes with the day the case is handed on
    # (texts.receipt_day_note): its own template, or a Tencent petitioner would get no number
    "submitted_later": Template("您的反映已登记，编号{1}。{2}，您的事项将从{3}起办理，工作人员将与您联系见面。回复“查询”加编号可查进度。谢谢！",
                                differs="“查询 编号”不再重复编号（同一变量只出现一次）"),
}
REPLY_OTHER = Template("您好！您的短信已收到并保存。此项答复无法用短信发送，请关注县信访微信公众号查看，或拨打县信访局电话咨询。",
                       differs="没有专用模板的答复：只说明下一步怎么办")


# every template the county registers with the provider, by key (as ``[county.sms.templates]``)
EVERY: dict[str, Template] = {**TEMPLATES, **OWN, **CONVERSATION, "reply_other": REPLY_OTHER}


# the city's own texts (issue 31): registered by the city's file, not a county's
CITY: dict[str, Template] = {
    "city_digest": Template("每日访情（{1}）：各县到县访{2}批{3}人次，越级访{4}批，挂牌督办{5}件，扬言预警{6}件。各县情况请在工作台查看。",
                            differs="只报全市合计；各县的数字在工作台查看" + NO_BRACKETS),
    "county_ranking": Template("县区排名：{1}年{2}月各县信访工作排名已出，{3}个县低于{4}分。排名和各县得分请在工作台查看。",
                               differs="低于通报线的县数；排名和得分在工作台查看" + NO_BRACKETS),
    "city_weekly_report": Template("每周访情分析（{1}）：各县到县访{2}批{3}人次，越级访{4}批。各县分析请在工作台查看。",
                                   differs="只报全市合计；各县的数字和分析在工作台查看" + NO_BRACKETS),
    "city_monthly_report": Template("月信访形势分析（{1}）：各县到县访{2}批{3}人次，越级访{4}批。各县分析请在工作台查看。",
                                    differs="只报全市合计；各县的数字和分析在工作台查看" + NO_BRACKETS),
}


def template_of(purpose: str) -> Template | None:
    return EVERY.get(purpose) or CITY.get(purpose)


def params_of(purpose: str, ctx, p, data: dict) -> list[str] | None:
    """The template's parameters of a notice, or None when its purpose has no template yet."""
    t = TEMPLATES.get(purpose)
    return t.params(ctx, p, **data) if t is not None else None


def problems(purpose: str, values: list[str], param_max: int | None = PARAM_MAX) -> list[str]:
    """What a provider would refuse in these values (empty: none); ``param_max`` None: an account
    with no variable length (``[county.sms] param_limit = "none"``)."""
    t = template_of(purpose)
    out = []
    if t is None:
        return [f"{purpose}: no template"]
    wanted = len(re.findall(r"\{\d+\}", t.text))
    if len(values) != wanted:
        out.append(f"{purpose}: {len(values)} values for {wanted} variables")
    for i, v in enumerate(values, 1):
        if not v:
            out.append(f"{purpose} {{{i}}}: empty")
        if t.code and not (v.isdigit() and len(v) <= CODE_MAX):
            out.append(f"{purpose} {{{i}}}: a code of at most {CODE_MAX} digits, got {len(v)} characters")
        elif param_max is not None and len(v) > param_max:
            out.append(f"{purpose} {{{i}}}: {len(v)} characters, over {param_max}")
        if LINK.search(v):
            out.append(f"{purpose} {{{i}}}: a link")
        if PHONE.search(v):
            out.append(f"{purpose} {{{i}}}: a phone number")
        if "【" in v or "】" in v:
            out.append(f"{purpose} {{{i}}}: 【】")
    if "【" in t.text or "】" in t.text:
        out.append(f"{purpose}: 【】 in the template's words")
    if re.search(r"\}\{", t.text):
        out.append(f"{purpose}: two variables side by side")
    return out


def fit(value: str, limit: int | None) -> str | None:
    """A value cut to the account's variable length (``[county.sms] param_limit``) so that it still
    says something true: as it is where it fits; else without its closing （…）; else a list (、 or
    spaces between) down to the whole items that fit, "等" after where there is room; else words
    with no figure in them, to limit − 1 characters and "…". None where only a cut that changes
    what it says would fit — a tracking number, a date, a count: such a text is refused, never
    sent wrong."""
    if limit is None or len(value) <= limit:
        return value
    plain = re.sub(r"（[^（）]*）$", "", value)
    if plain and len(plain) <= limit:
        return plain
    for sep, more in (("、", "等"), (" ", "")):
        items, kept = value.split(sep), []
        while len(items) > len(kept) + 1 and len(sep.join(items[:len(kept) + 1])) <= limit:
            kept = items[:len(kept) + 1]
        if kept:
            return sep.join(kept) + (more if len(sep.join(kept) + more) <= limit else "")
    return value[:limit - 1] + "…" if not re.search(r"\d", value) else None


# texts written outside the use cases' notices (scheduled jobs, the media fetcher, 人工), each
# with its template (a late answer, late_reply, goes as its conversation template, as a reply does)
OTHER_PURPOSES = ("progress_due", "evening_late", "check_ask", "check_missed",
                  "weekly_report", "monthly_report", "monthly_scores", "supervision_missed",
                  "messages_failed", "media_failed", "call_back")


def unregistered(ids: dict) -> tuple[list[str], list[str]]:
    """Against a county's ``[county.sms.templates]``: the keys it has no id for (those texts would
    fail), and the ids it gives for no template of ours (a typo, a purpose renamed)."""
    return sorted(k for k in EVERY if not ids.get(k)), sorted(k for k in ids if k not in EVERY and k not in CITY)


def missing() -> list[str]:
    """Every purpose a text may have that has no template yet (docs/channels.md lists them)."""
    return sorted((set(NOTICES) | set(OTHER_PURPOSES)) - set(TEMPLATES) - set(OWN))


def write_docs(path: str = "docs/channels.md") -> None:
    """docs/channels.md's list of templates and of the purposes without one, from the code."""
    from pathlib import Path   # Imports inside functions: only when the docs are rewritten

    doc = Path(path).read_text(encoding="utf-8")
    rows = ["| purpose | words to register ({1} {2} … in order) | why it differs from the full text |", "|---|---|---|"]
    rows += [f"| `{k}` | {t.text} | {t.differs or ''} |" for k, t in {**EVERY, **CITY}.items()]
    doc = re.sub(r"(<!-- templates: python3 -m core.words.templates -->\n).*?(<!-- /templates -->)",
                 lambda m: m.group(1) + "\n".join(rows) + "\n" + m.group(2), doc, flags=re.S)
    doc = re.sub(r"(<!-- missing -->).*?(<!-- /missing -->)", lambda m: m.group(1) + "、".join(missing()) + m.group(2),
                 doc, flags=re.S)
    Path(path).write_text(doc, encoding="utf-8")


if __name__ == "__main__":
    write_docs()
