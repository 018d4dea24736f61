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

from core.words.said import Said


# core/sweep.py
SWEEP = {
    "overdue": "超期：{1}未按期{2}，已挂牌督办，请即办理。",
    "overdue_many": "超期：{1}件未按期办理，已挂牌督办。回复“待办”查看全部。",
    "reminder": "提醒：{1}请于{2}。回复办理环节加编号即可。",
    "reminder_many": "提醒：{1}件期限将到。回复“待办”查看全部。",
}


# core/evening_sweep.py
EVENING = {"evening_late": "七晚：{1}今晚第{2}晚已过{3}仍未开始走访，请督促工作专班{4}前开始。"}


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


# the lines a case's history and the 月考评 keep, written by the use cases (core.cases,
# core.usecases.cases, core.instructions, core.checks)
TRIPS = {"county": "赴县", "city": "到市", "province": "赴省", "beijing": "进京"}   # where one says they will go
MOVEMENT_WORDS = {"county": "到县", "city": "到市", "province": "赴省", "beijing": "进京"}   # 日排查's 动向, in words


def planned(movement: str) -> str:
    """"拟赴省": where a reported group plans to go."""
    return "拟" + MOVEMENT_WORDS.get(movement, movement)


def instructed(leader: str, text: str) -> str:
    return f"{leader}批示：{text}"


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


def trip_warned(level: str, people: int) -> str:
    """预警 on a new case: "预警：信访人表示将赴县上访（3人）"."""
    return f"预警：信访人表示将{TRIPS.get(level, '赴县')}上访（{people}人）"


def check_missed_note(month: int, day: int, round_no: int) -> str:
    """A township's 月考评 line of a 日排查 round it did not report."""
    return f"{month}月{day}日第{round_no}次日排查未报告"


# notifications/media.py
MEDIA = {"media_failed": "材料未保存：有{1}件群众发来的图片/语音/视频未能从微信取回（{2}），请联系信访人补发。"}


# notifications/digest_text.py
DIGEST = {
    "daily_digest": "每日访情：{1}到县访{2}批{3}人次，越级访{4}批，挂牌督办{5}件，预警{6}件。回复“详情”查看要点。",
    "daily_digest_unit": "每日访情（{1}）：{2}新交办{3}批{4}人次，挂牌督办{5}件，预警{6}件。回复“详情”查看要点。",
}


# notifications/outbox.py
FAILED_TEMPLATE = "发送失败：发往{1}的短信或消息（事项{2}）无法送达：{3}。请电话联系或核对号码。"
