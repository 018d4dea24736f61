"""What the scheduled jobs and the case's records say — the sweeps, 七晚's late evenings, 回访,
the media fetcher, the outbox's failures, the daily 访情 and the other scheduled texts, each with
its registered SMS template's words by purpose ({1} {2} … in order; their rules and docs:
core.words.templates) — and the lines a case's history and the 月考评 keep (批示, 延期, 预警 …).

A text with a template is a :class:`Said` whose values are the template's, in order: the caller
hands ``said.values`` (or ``said.params``) to the outbox, so the two come from the same values.
What a job answers the one who ran it (``xinfang sweep``, the scheduler's log) is a plain line.
This module imports nothing of the product's but the catalogue's :class:`Said`: the use cases
and jobs it serves import it, never the other way round."""
from __future__ import annotations

from core.phones import mask_phone
from core.words.said import Said


# core/cases/sweep.py
SWEEP = {
    "overdue": "超期：{1}未按期{2}，已挂牌督办，请即办理。",
    "overdue_many": "超期：{1}件未按期办理，已挂牌督办。回复“待办”查看全部。",
    "reminder": "提醒：{1}请于{2}。回复办理环节加编号即可。",
    "reminder_many": "提醒：{1}件期限将到。回复“待办”查看全部。",
}
MILESTONE_WORDS = {"assign": "交办", "accept": "受理", "meet": "见面", "reply": "答复", "finish": "办结", "review": "复查答复"}


def sweep_summary(looked_at: int, reminders: int, overdue: int) -> str:
    return f"巡检{looked_at}件：提醒{reminders}项，新超期{overdue}项"


def overdue_event(step: str, day: str) -> str:
    """The case's history: "受理超期（期限11月23日）"."""
    return f"{MILESTONE_WORDS[step]}超期（期限{day}）"


def overdue_note(tracking_no: str, step: str) -> str:
    """The unit's 月考评 line of a late step."""
    return f"{tracking_no}{MILESTONE_WORDS[step]}超期"


def due_steps(kind: str, by_day: dict[str, list[str]]) -> str:
    """A case's steps by their deadline, a template's value: "受理、见面（期限11月23日）" when
    overdue, "11月23日前受理、见面" in a reminder."""
    if kind == "overdue":
        return "，".join(f"{'、'.join(MILESTONE_WORDS[m] for m in steps)}（期限{day}）" for day, steps in by_day.items())
    return "，".join(f"{day}前{'、'.join(MILESTONE_WORDS[m] for m in steps)}" for day, steps in by_day.items())


def due_line(kind: str, tracking_no: str, steps: str) -> str:
    """One case of a text: "LS-… 未按期受理、见面（期限11月23日）"."""
    return f"{tracking_no} 未按期{steps}" if kind == "overdue" else f"{tracking_no} 请于{steps}"


def due_one(kind: str, tracking_no: str, steps: str, step: str) -> Said:
    """超期 or 提醒 of one case (its template: the number and its steps); ``step`` the first one,
    the command that answers it."""
    line = due_line(kind, tracking_no, steps)
    if kind == "overdue":
        return Said(f"【超期】{line}，已挂牌督办，请即办理。", kind, tracking_no, steps)
    return Said(f"【提醒】{line}。回复：{MILESTONE_WORDS[step]} {tracking_no}", kind, tracking_no, steps)


def due_many(kind: str, lines: list[str], limit: int) -> Said:
    """超期 or 提醒 of many cases: those that fit in ``limit`` characters, then how many in all
    (its template: how many; the list is 待办's)."""
    head = f"【超期】{len(lines)}件未按期办理，已挂牌督办：" if kind == "overdue" else f"【提醒】{len(lines)}件期限将到："
    tail = "。回复“待办”查看全部。"
    body, shown = head, 0
    for line in lines:
        candidate = body + ("；" if shown else "") + line
        if len(candidate) + len(tail) + 8 > limit:
            break
        body, shown = candidate, shown + 1
    more = f"等{len(lines)}件" if shown < len(lines) else ""
    return Said(body + more + tail, f"{kind}_many", str(len(lines)))


# core/evenings/sweep.py
EVENING = {"evening_late": "七晚：{1}今晚第{2}晚已过{3}仍未开始走访，请督促工作专班{4}前开始。"}


def evening_sweep_summary(plans: int, reminders: int, late: int, counted: int, missed: int, completed: int) -> str:
    return (f"七晚：{plans}个计划，当晚提醒{reminders}次，未按时开始{late}次，"
            f"计入{counted}晚，未计入{missed}晚，满七晚{completed}件")


def evening_completed(tracking_no: str, evenings: int) -> str:
    no = tracking_no
    return f"【七晚】{no}已连续{evenings}晚走访并计入。请报结果：化解 {no} [已签息访息诉协议] 或 未化解 {no} 理由"


def evening_missed(tracking_no: str, day: str, number: int, reason: str, restart: bool, evenings: int,
                   in_a_row: int, points: int) -> str:
    """An evening not counted: why, whether the count starts again, the unit's points lost."""
    after = f"须从下一晚起重新连续走访{evenings}晚" if restart else f"继续走访，已计入{in_a_row}晚"
    lost = f"，单位扣{-points}分" if points else ""
    return f"【七晚】{tracking_no}{day}（第{number}晚）未计入：{reason}。{after}{lost}。"


def evening_remind(number: int, tracking_no: str, name: str, place: str, opens: str) -> str:
    return f"【七晚】今晚第{number}晚：{tracking_no} {name} {place}。请{opens}后到达，到后回复：开始 {tracking_no}"


def evening_late(tracking_no: str, number: int, late_at: str, closes: str) -> Said:
    return Said(f"【七晚】{tracking_no}今晚第{number}晚已过{late_at}仍未开始走访，请督促工作专班{closes}前开始。",
                "evening_late", tracking_no, str(number), late_at, closes)


# core/cases/followup.py
FOLLOW_UP_ASKED = "回访：再次请求评价"


def follow_up(tracking_no: str) -> Said:
    """回访: a closed case not rated is asked again (its template: the number)."""
    return Said(f"您好！您反映的事项{tracking_no}已办结。为改进工作，请对办理情况评价：回复1满意 2基本满意 3不满意。谢谢！",
                "follow_up", tracking_no)


def follow_up_summary(asked: int) -> str:
    return f"{FOLLOW_UP_ASKED}{asked}件"


# notifications/schedule.py
SCHEDULE = {
    "progress_due": "批示督办：{1}县领导批示的办理进展{2}（批示于{3}）。请回复：进展 编号 内容",
    "check_ask": "日排查：{1}今日{2}排查情况尚未报告，请回复：排查 无新情况；或 排查 村 人数 事由 [动向]",
    "check_missed": "日排查：{1}未按时报告：{2}，已记入月考评。",
    "monthly_scores": "月考评：{1}年{2}月考评结果已出，{3}个单位低于{4}分。排名和各单位得分请在工作台统计中查看。",
    "messages_failed": "未处理消息：有{1}条群众消息多次处理失败（最早{2}），内容已保存，请联系系统管理员查看。",
    "weekly_report": "每周访情分析（{1}）：到县访{2}批{3}人次，越级访{4}批。全文请在工作台“分析”中查看。",
    "monthly_report": "月信访形势分析（{1}）：到县访{2}批{3}人次，越级访{4}批。全文请在工作台“分析”中查看。",
}
NO_CHECK_TODAY = "日排查：今日不报"
ANALYSIS_WORDS = {"weekly": "周分析", "monthly": "月分析"}


def progress_due(tracking_no: str, late_days: int, instructed: str) -> Said:
    """批示督办: the unit's report on a leader's instruction is due today, or late."""
    due = f"已逾期{late_days}天" if late_days > 0 else "今日应报"
    return Said(f"【批示督办】{tracking_no}县领导批示的办理进展{due}（批示于{instructed}）。请回复：进展 {tracking_no} 内容",
                "progress_due", tracking_no, due, instructed)


def check_ask(township: str, round_: str) -> Said:
    """日排查: a township that has not reported for this round is asked."""
    return Said(f"【日排查】{township}今日{round_}排查情况尚未报告，请回复：排查 无新情况；或 排查 村 人数 事由 [动向]",
                "check_ask", township, round_)


def check_missed(month: int, day: int, round_: str, townships: list[str], room: int = 20) -> Said:
    """日排查: the townships that did not report for a round — the first eight, then how many;
    its template names as many as fit in a variable (``room`` characters)."""
    when = f"{month}月{day}日{round_}"
    shown = "、".join(townships[:8]) + (f"等{len(townships)}个" if len(townships) > 8 else "")
    return Said(f"【日排查】{when}未按时报告：{shown}，已记入月考评。", "check_missed", when, _few(townships, room))


def _few(names: list[str], room: int) -> str:
    for k in range(len(names), 0, -1):
        shown = "、".join(names[:k]) + (f"等{len(names)}个" if k < len(names) else "")
        if len(shown) <= room:
            return shown
    return f"{len(names)}个乡镇"


def messages_failed(count: int, first: str) -> Said:
    """Citizens' messages that failed on every try (one text each working morning)."""
    return Said(f"【未处理消息】有{count}条群众消息多次处理失败（最早{first}），内容已保存，请联系系统管理员查看。",
                "messages_failed", str(count), first)


# what each scheduled job answers the one who ran it (the scheduler's log, xinfang tick)
RAN = {
    "daily_digest": "每日访情：{sent}条",
    "city_digest": "全市每日访情：{sent}条",
    "county_ranking": "县区排名 {year}-{month:02d}：{sent}条",
    "monthly_scores": "月考评 {year}-{month:02d}：{sent}条",
    "failed_messages": "处理失败的消息：{count}条",
    "instruction_reminders": "批示进展：提醒{sent}条",
    "check_asks": "日排查{round}：催报{sent}条",
    "check_misses": "日排查{round}：未报{missed}个",
    "analysis": "{what} {period}：{sent}条",
    "not_in_use": "{what} {period}：系统尚未启用（此前没有任何信访件），不发送",
}
SCORES_WORDS = "月考评"


def ran(job: str, **values) -> str:
    """What a scheduled job did, in a line: ran("check_asks", round="第1次（09:00）", sent=3)."""
    return RAN[job].format(**values)


# the lines a case's history and the 月考评 keep, written by the use cases (core.cases.lifecycle,
# core.cases.usecases, core.cases.instructions, core.checks.daily)
TRIPS = {"county": "赴县", "city": "到市", "province": "赴省", "beijing": "进京"}   # where one says they will go
MOVEMENT_WORDS = {"county": "到县", "city": "到市", "province": "赴省", "beijing": "进京"}   # 日排查's 动向, in words


def planned(movement: str) -> str:
    """"拟赴省": where a reported group plans to go."""
    return "拟" + MOVEMENT_WORDS.get(movement, movement)


def instructed(leader: str, text: str) -> str:
    return f"{leader}批示：{text}"


def reassigned_event(was: str, unit: str) -> str:
    """改派 in the case's history: "由下汤镇人民政府改派尧山镇人民政府"."""
    return f"由{was}改派{unit}"


def extension_event(days: int, reason: str) -> str:
    """延期 asked or approved: "10日：需要现场勘验"."""
    return f"{days}日：{reason}"


def extension_note(tracking_no: str, days: int) -> str:
    return f"{tracking_no}申请延期{days}日"


def last_minute_note(tracking_no: str, due: str) -> str:
    return f"{tracking_no}临期答复（期限{due}）"


def returned_again_note(tracking_no: str) -> str:
    return f"{tracking_no}再次退回"


def repeated(tracking_no: str) -> str:
    """On the original case: the same matter raised again."""
    return f"同一事项再次反映：{tracking_no}"


def trip_warned(level: str, people: int, said: str = "") -> str:
    """预警 on a case: "预警：信访人表示将赴县上访（3人）：俺们明天去县里上访" (their own clause)."""
    return f"预警：信访人表示将{TRIPS.get(level, '赴县')}上访（{people}人）" + (f"：{said}" if said else "")


# 扬言 (core.cases.threats' kinds), as the 【预警】, the case's history and the daily 访情 name them
THREAT_WORDS = {"self_harm": "轻生", "violence": "暴力伤人", "blocking": "堵路堵门", "trip": "越级上访"}


def threat_warned(kind: str, said: str) -> str:
    """扬言 on a case: "预警：信访人扬言轻生：再不给俺就到县政府门口喝农药"."""
    return f"预警：信访人扬言{THREAT_WORDS.get(kind, kind)}：{said}"


def check_missed_note(month: int, day: int, round_no: int) -> str:
    """A township's 月考评 line of a 日排查 round it did not report."""
    return f"{month}月{day}日第{round_no}次日排查未报告"


# notifications/media.py
MEDIA = {"media_failed": "材料未保存：有{1}件群众发来的图片/语音/视频未能从微信取回（{2}），请联系信访人补发。"}
NO_CASE_YET = "尚未形成事项"


def media_failed(count: int, numbers: list[str]) -> Said:
    """Media WeChat no longer gives: how many, and the cases (the first five; its template: the
    first and how many)."""
    cases = f"（{'、'.join(numbers[:5])}{'等' if len(numbers) > 5 else ''}）" if numbers else f"（{NO_CASE_YET}）"
    which = f"{numbers[0]}等{len(numbers)}件" if len(numbers) > 1 else numbers[0] if numbers else NO_CASE_YET
    return Said(f"【材料未保存】有{count}件群众发来的图片/语音/视频未能从微信取回{cases}，请联系信访人补发。",
                "media_failed", str(count), which)


def media_summary(stored: int, retried: int, failed: int) -> str:
    return f"媒体：已保存{stored}件，待重试{retried}件，失败{failed}件"


# notifications/wechat.py: a template message's own lines around the notice (its keyword2)
WECHAT_NOTICE = {"first": "您好，您的信访事项有新的进展。", "remark": "如有疑问，请在公众号中回复“查询 编号”。"}


# notifications/digest_text.py
DIGEST = {
    "daily_digest": "每日访情：{1}到县访{2}批{3}人次，越级访{4}批，挂牌督办{5}件，预警{6}件。回复“详情”查看要点。",
    "daily_digest_unit": "每日访情（{1}）：{2}新交办{3}批{4}人次，挂牌督办{5}件，预警{6}件。回复“详情”查看要点。",
}


# notifications/outbox.py
FAILED_TEMPLATE = "发送失败：发往{1}的短信或消息（事项{2}）无法送达：{3}。请电话联系或核对号码。"


def failed_to(to: str, wecom: bool) -> str:
    """Who a failed message was for, as staff read it: a number masked, or the start of an OpenID."""
    return mask_phone(to) if to.startswith("+") else f"{'企业微信' if wecom else '微信'}用户{to[:6]}"


def failed_notice(to: str, who: str, tracking_no: str | None, reason: str) -> Said:
    """【发送失败】 to the bureau's staff: whom it was for, the case, why; values = FAILED_TEMPLATE's."""
    about = f"（事项{tracking_no}）" if tracking_no else ""
    where = f"发往{who}的短信" if to.startswith("+") else f"发往{who}…的消息"
    return Said(f"【发送失败】{where}{about}无法送达：{reason}。请电话联系或核对号码。", "failed",
                who, tracking_no or "无", reason)


# why a message failed, in words staff act on (a provider's code, WeChat's and WeCom's refusals)
SMS_REASONS = (("21211", "号码无效"), ("21614", "不是手机号码"), ("21610", "对方已退订"),
               ("30003", "对方手机无法接通"), ("30005", "号码不存在"), ("30006", "号码无法接收短信"),
               ("30007", "被运营商拦截"))
WECHAT_REASONS = {"43004": "对方已取消关注", "40003": "用户标识无效"}
WECHAT_REFUSED, WECHAT_WINDOW_CLOSED = "微信拒收", "超过48小时且未配置模板消息"
WECOM_REFUSED, WECOM_INVALID_USER = "企业微信拒收", "企业微信拒收（不在应用可见范围或账号有误）"
GAVE_UP, CARRIER_REFUSED = "多次重试仍失败", "运营商拒收"

# A 交办 carries the petitioner's number only where the channel allows it (issue 21): by SMS it
# says where to read it; sent by WeCom, the outbox puts the number in its place
CONTACT_ELSEWHERE = "信访人联系方式请在查询或工作台案卷中查看。"


def with_contact(body: str, phone: str | None) -> str:
    """The text as a channel that may carry the petitioner's number sends it."""
    return body.replace(CONTACT_ELSEWHERE, f"信访人电话：{phone or '未留电话'}。", 1)


def delivery_summary(claimed: int, sent: int, retry: int, failed: int, taken_over: int) -> str:
    """What a delivery run did, as the worker's log and ``xinfang send`` print it."""
    return (f"发送：取出{claimed}条，已发送{sent}条，待重试{retry}条，失败{failed}条"
            + (f"，接手中断的发送{taken_over}条" if taken_over else ""))


def redelivered(pending: int, handled: int) -> str:
    """What ``xinfang redeliver`` (and its job) did with the messages left unhandled."""
    return f"重新处理待处理消息{pending}条，完成{handled}条"


# 督办 by the city (core.cases.supervision): the case's history, the 月考评 line, the missed 督办's text
SUPERVISION = {
    "supervision_missed": "督办逾期：{1}信访局督办的事项{2}已过督办期限{3}仍未答复，已记入考评，请即督促办理。",
}


def supervised_event(city: str, due: str, reason: str) -> str:
    """The case's history: "平顶山市信访局挂牌督办，期限12月15日：群众反映多次未见面"."""
    return f"{city}信访局挂牌督办，期限{due}：{reason}"


def supervision_missed_event(city: str, due: str) -> str:
    return f"{city}信访局督办逾期（期限{due}）"


def supervision_missed_note(tracking_no: str, city: str) -> str:
    """The unit's 月考评 line."""
    return f"{tracking_no}{city}督办逾期"


def supervision_missed(city: str, tracking_no: str, unit: str, due: str) -> Said:
    """To the county's leaders, its bureau and the unit head: a 督办 of the city not met."""
    return Said(f"【督办逾期】{city}信访局督办的事项{tracking_no}（{unit or '未交办'}）已过督办期限{due}仍未答复，"
                "已记入月考评，请即督促办理。", "supervision_missed", city, tracking_no, due)


def handed_down_event(city: str) -> str:
    """The case's history: the city's bureau registered it and handed it down to the county."""
    return f"{city}信访局登记，交本县办理（市交办件，答复结果报{city}信访局）"
