"""What the bureau's staff, cadres and leaders read in the web console (bot/console/) that the
console writes in Python: the flash messages, a form's refusals, the case file's deadline basis,
and the two texts it sends (the sign-in code, the WeChat binding code). The pages themselves are
the templates (bot/templates/console/); an action on a case answers with the SMS command's words
(core.words.officials.REPLIES), a refusal of core with core.words.refusals.

The texts sent are :class:`Said` values whose ``values`` are their registered templates'
parameters in order (core.words.templates.OWN: ``console_code``, ``bind_code``).
"""
from __future__ import annotations

from datetime import date, datetime

from core.clock import SHANGHAI
from core.words.jobs import MILESTONE_WORDS
from core.words.said import Said

# --- sign-in ----------------------------------------------------------------------------------------

LOGIN_FIRST = "请先登录。"
# why a session ended (core.workplace.signin.why_over), said on the sign-in page
SESSION_ENDED = {"idle": "登录已过期，请重新登录。", "expired": "登录已过期，请重新登录。",
                 "changed": "您的账号信息已变更，请重新登录。"}
# a code asked for too often, by the limit reached (core.workplace.signin): per number, per address, overall
TOO_OFTEN = {"number": "验证码请求过于频繁，请于{}后再试。", "address": "本网络请求验证码过于频繁，请于{}后再试。",
             "overall": "系统繁忙，请于{}后再试。"}
CODE_SENT = "如该号码已登记在名录中，验证码已发送，10分钟内有效。"   # the same whether known or not
BAD_PHONE = "请输入正确的手机号码。"
# the console's error pages (bot.console.errors): by HTTP status, a title and what to do
ERRORS = {
    400: ("请求有误", "页面收到的内容不完整或格式不对，请返回上一页核对后重试。"),
    403: ("无权查看", "您的账号无权查看或办理此项。如需权限，请联系本局管理员。"),
    404: ("没有找到", "没有这个页面或事项，请核对地址或编号。"),
    405: ("操作方式不对", "请从页面上的按钮或链接进行操作。"),
    413: ("内容过大", "提交的内容或文件过大，请删减后重试。"),
    429: ("操作过于频繁", "请稍后再试。"),
    500: ("系统暂时出错", "请稍后刷新重试；如仍不能使用，请联系本局管理员。已填写的内容请先另行保存。"),
    503: ("系统暂时不可用", "系统正在维护或繁忙，请稍后重试。"),
    "csrf": ("页面已过期", "页面打开时间过长或来源不明，请刷新页面后重新提交。"),
    # the city's people looking into a county, sending what is the county's own to write
    "looked_into": ("由县（市、区）信访局办理", "市信访局查看县（市、区）时，可以挂牌督办和登记交办（各县台账在各县概况页面导出）；"
                    "县里的文书、分析撰写、接访安排、批量办理和人员管理由县（市、区）信访局办理。"),
}
WRONG_CODE = "验证码不正确或已过期（每个验证码最多试5次）。"
SIGNED_OUT = "已退出。"


def too_often(limit: str, retry_at: datetime) -> str:
    return TOO_OFTEN[limit].format(f"{retry_at.astimezone(SHANGHAI):%m月%d日 %H:%M}")


def sign_in_code(county: str, code: str) -> Said:
    """The sign-in code's SMS (template ``console_code``: the code)."""
    return Said(f"【{county}信访局】工作台登录验证码{code}，10分钟内有效。如非本人操作，请忽略。", "console_code", code)


# --- what a request may ask ---------------------------------------------------------------------------

CHOOSE_UNIT = "请从列表中选择责任单位。"
DATE_FORMAT = "日期格式不对，请按“2026-11-23”填写。"


def search_too_long(words: int, chars: int) -> str:
    return f"查找内容过长：最多{words}个词、{chars}个字，请精简后再查。"


def date_range(first: date, last: date) -> str:
    return f"日期应在{first.year}年{first.month}月{first.day}日至{last.year}年{last.month}月{last.day}日之间。"


# --- the case file --------------------------------------------------------------------------------

# the basis of each deadline, by the county's policy (docs/cases.md has the whole table)
BASIS = {
    "same_day": {"assign": "当日工作法：当日交办（条例第二十二条：15日内）",
                 "accept": "当日工作法：交办当日受理（条例第二十三条：15日内）",
                 "meet": "当日工作法：交办当日见面",
                 "reply": "当日工作法：简单当日、一般7日、复杂一个月（条例第三十四条：60日内）",
                 "finish": "同上；延期不超过30日（条例第三十四条）"},
    "3-7-21": {"assign": "当日交办（条例第二十二条：15日内）", "accept": "交办当日受理（条例第二十三条）",
               "meet": "3日内见面", "reply": "7日内反馈", "finish": "21日内办结；延期不超过30日（条例第三十四条）"},
    "statutory": {"assign": "条例第二十二条：15日内", "accept": "条例第二十三条：15日内告知",
                  "meet": "—", "reply": "条例第三十四条：60日内", "finish": "条例第三十四条：60日内，延期不超过30日"},
}
HOURS_SHOWN = 48    # within this, a deadline shows the hours left


def deadline_note(step: str, due: datetime, now: datetime) -> str:
    """A case's next deadline on the 工作台 and its lists: the step, the day and time, and the hours
    left when they are few — or that it has passed."""
    when = f"{due.astimezone(SHANGHAI):%m-%d %H:%M}"
    left = (due - now).total_seconds() / 3600
    if left <= 0:
        return f"{MILESTONE_WORDS[step]}已超期（{when}）"
    if left < HOURS_SHOWN:
        return f"{MILESTONE_WORDS[step]}期限 {when}（{'剩' + str(int(left)) + '小时' if left >= 1 else '不足1小时'}）"
    return f"{MILESTONE_WORDS[step]}期限 {when}"


UNDER_EVENINGS = "七晚工作法进行中：按条例第三十四条60日内"   # a case under 七晚: its reply and finish
ACCUSED_FIELD = "被反映的单位或人员"                          # the 被反映 step's field


# --- 登记 -----------------------------------------------------------------------------------------

NAME_NEEDED = "请填写信访人姓名（匿名请写“匿名”）。"
CONTENT_NEEDED = "请填写反映的问题。"
CITY_PLACE_NEEDED = "请填写信访人住址（县、乡镇、村，2至60字），如：宝丰县杨庄镇马街村。"   # the city's own case
ACCUSED_LATER = "（可不填，登记后在案卷中“被反映”补充）"   # after "not found" of one accused


# --- an action on the case ------------------------------------------------------------------------

NOT_YOURS = "您无权对此事项进行该操作。"

# the case actions' buttons and fields (core.actions: the catalogue's labels)
ACTIONS = {
    "assign": "交办 / 改派", "assign_unit": "交办单位",
    "reassign": "改派", "reassign_unit": "改派单位",
    "urge": "催办", "urge_note": "催办说明（可不填）",
    "supervise": "挂牌督办", "supervise_days": "督办期限（工作日）", "supervise_reason": "督办理由",
    "lead": "包案", "lead_person": "包案领导",
    "select": "列入七晚", "select_unit": "七晚专班单位", "select_lead": "七晚包案领导",
    "accept": "受理", "accept_complexity": "复杂程度（不选即为一般）",
    "not_accept": "不予受理", "not_accept_reason": "不予受理理由",
    "meet": "见面", "meet_note": "见面情况（可不填）",
    "extend": "申请延期", "extend_days": "延期天数", "extend_reason": "延期理由",
    "approve": "批准延期",
    "send_back": "退回", "send_back_reason": "退回理由",
    "reply": "答复", "reply_text": "答复内容",
    "close": "办结",
    "recuse": "被反映",
    "note": "备注", "note_text": "备注内容",
    "instruct": "批示", "instruct_text": "批示内容",
    "follow_up_call": "记录电话回访", "call_outcome": "回访结果", "call_note": "回访情况（可不填）",
}


BULK_CHOOSE_CASES = "请先勾选事项，再选择批量操作。"
BULK_WORDS = {"route": "交办（改派）", "urge": "催办"}


def bulk_too_many(most: int) -> str:
    return f"一次最多批量处理{most}件，请分批操作。"


def bulk_done(what: str, done: list[str], refused: list[tuple[str, str]]) -> str:
    """What a bulk action did: the cases done, and each one refused with why."""
    said = f"已{BULK_WORDS[what]}{len(done)}件：{'、'.join(done)}。" if done else f"未能{BULK_WORDS[what]}任何事项。"
    if refused:
        said += f"未办理{len(refused)}件：" + "；".join(f"{no}（{why.rstrip('。')}）" for no, why in refused) + "。"
    return said


def fill_in(field: str) -> str:
    """A form's field left empty, by its label ("答复内容")."""
    return f"请填写{field}。"


def choose(field: str) -> str:
    """A form's list left at 请选择, by its label ("包案领导")."""
    return f"请选择{field}。"


# the case file's actions, in sections (core.actions.Action.group), in this order
GROUPS = {"handle": "办理", "transfer": "转交", "oversee": "监督", "record": "记录"}
ACTIONS_HEADING = "可进行的操作"
PLEASE_CHOOSE = "请选择"                   # every list's first, empty choice: nothing chosen by a stray click
PLEASE_CHOOSE_OR_NONE = "请选择（可不设）"  # a list that may be left empty
CANCEL = "取消"


def confirm_button(label: str) -> str:
    """The button that sends a destructive action once asked ("确认退回")."""
    return f"确认{label}"


# what a destructive action asks before it is sent: the case and what will happen
CONFIRM = {
    "not_accept": "确定对{no}不予受理吗？该事项将就此终结，信访人将收到不予受理告知及所填理由。",
    "send_back": "确定将{no}退回县信访局吗？退回后{unit}不再办理此事项，由信访局重新交办。",
    "reassign": "确定将{no}由{unit}改派其他单位吗？{unit}将收到改派通知，不再办理此事项。",
    "recuse": ("确定登记{no}的被反映单位或人员吗？被反映的单位或人员将不能查看和办理此事项（同一事项的重复件一并回避），"
               "被反映单位正在办理的将收回信访局重新交办。"),
}


def confirm(name: str, no: str, unit: str) -> str:
    return CONFIRM[name].format(no=no, unit=unit)


# --- 统计 and the 台账 ------------------------------------------------------------------------------

EXPORT_REFUSED = {   # exports.Refused's codes and values
    "running": "您有一份台账正在生成，请等它完成后再导出。",
    "per_day": "您今天已导出{limit}次台账，已达每日上限，请明天再试。",
    "busy": "后台正在生成的台账较多（同时最多{limit}份），请几分钟后再试。",
    "counties": "只有市信访局可以导出各县台账，且只能选本市所辖的县（市、区）。",
}
QUEUE_AWAY = "后台任务暂不可用，请稍后点击“重新生成”。"


def stats_too_long(days: int, last: date) -> str:
    return f"统计期间最长{days}天，已显示截至{last}的{days}天；更长期间请分段查看，或导出台账。"


def export_refused(code: str, values: dict) -> str:
    return EXPORT_REFUSED[code].format(**values)


def export_moved(fmt: str) -> str:
    """The old download address: the 台账 is built in the background now (``fmt``: "Excel")."""
    return f"台账改为后台生成：请点击“生成台账”（{fmt}），生成后在进度页面下载。"


def export_expired(days: int) -> str:
    return f"该台账文件已超过保留期限（{days}天）被删除，请重新生成。"


# the audit trail's lines of an export (shown to the bureau)
def export_asked(first: date, last: date, fmt: str, counties: list[str] | None = None) -> str:
    return f"{first}–{last}（{fmt}，后台）" + (f"：{'、'.join(counties)}" if counties else "")


def export_downloaded(first: date, last: date, rows: int, fmt: str) -> str:
    return f"{first}–{last}：{rows}行（{fmt}）"


# --- 分析 and 接访 ----------------------------------------------------------------------------------

NOTES_SAVED = "已保存，领导打开分析链接即可看到。"
RECEPTION_CANCELLED = "已取消该场接访。"
RECEPTION_NOT_FOUND = "没有找到该场接访。"
RECEPTION_ERRORS = {"reception_hours": "时间请写成 9:00-12:00，结束须晚于开始。", "reception_past": "日期已过。",
                    "reception_far": "只能安排120天以内的接访。", "reception_leader": "请选择接访的领导。",
                    "reception_place": "请填写接访地点。"}
RECEPTION_FORMAT = "请按格式填写：日期、时间（如 9:00-12:00）、领导、地点。"


def reception_published(day: date, starts, ends, leader: str, place: str) -> str:
    return f"已发布：{day.month}月{day.day}日 {starts}-{ends} {leader}，{place}。群众回复“接访”即可查看。"


# --- 管理: the directory ----------------------------------------------------------------------------

SAVED = "已保存。"
UNCHANGED = "没有改动。"


def person_added(name: str) -> str:
    return f"已新增{name}。如需绑定微信，可在其页面发送绑定码。"


def person_active(name: str, active: bool) -> str:
    return f"已{'启用' if active else '停用'}{name}。" + ("" if active else "其不再收到交办和提醒，也不能登录工作台。")


def person_admin(name: str, granted: bool) -> str:
    return f"已{'设' if granted else '取消'}{name}为管理员。"


def person_unbound(name: str, was_bound: bool) -> str:
    return f"已解除{name}的微信绑定。" if was_bound else f"{name}未绑定微信。"


def person_handed_back(name: str) -> str:
    return f"{name}交还县名录文件维护：下次载入文件（xinfang init）时按文件更新。"


def bind_code(county: str, code: str, days: int) -> Said:
    """The WeChat binding code's SMS (template ``bind_code``: the code, the days it holds)."""
    return Said(f"【{county}信访局】您的微信绑定码：{code}，{days}天内有效。请在{county}信访微信公众号发送：绑定 {code}",
                "bind_code", code, str(days))


def bind_code_sent(name: str, masked_phone: str, days: int) -> str:
    return f"绑定码已发送到{name}的手机（{masked_phone}），{days}天内有效。"


# a case's history: the events the petitioner's answers and 七晚's checks record (bot.console's
# EVENT_WORDS has the rest; a kind with no word here was shown as its code — "rated", "meet_confirmed")
EVENTS = {"meet_confirmed": "信访人确认已见面", "meet_denied": "信访人答复未见面", "rated": "信访人评价",
          "rating_reason": "不满意原因", "image": "图片", "deadline_provisional": "期限待核对",
          "evening_started": "七晚开始", "evening_ended": "七晚结束", "evening_located": "七晚定位",
          "evening_confirmed": "七晚信访人确认", "evening_denied": "七晚信访人否认"}
