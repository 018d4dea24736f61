"""The registered SMS templates' words of the texts the scheduled jobs write — the sweeps, 七晚's
late evenings, the media fetcher, the outbox's failures, the daily 访情 and the other scheduled
texts — by purpose, {1} {2} … in order (their rules and docs: handlers.templates)."""


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


# notifications/media.py
MEDIA = {"media_failed": "材料未保存：有{1}件群众发来的图片/语音/视频未能从微信取回（{2}），请联系信访人补发。"}


# notifications/digest_text.py
DIGEST = {
    "daily_digest": "每日访情：{1}到县访{2}批{3}人次，越级访{4}批，挂牌督办{5}件，预警{6}件。回复“详情”查看要点。",
    "daily_digest_unit": "每日访情（{1}）：{2}新交办{3}批{4}人次，挂牌督办{5}件，预警{6}件。回复“详情”查看要点。",
}


# notifications/outbox.py
FAILED_TEMPLATE = "发送失败：发往{1}的短信或消息（事项{2}）无法送达：{3}。请电话联系或核对号码。"
