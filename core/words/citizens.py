"""Every sentence the bot says to a citizen, in one place (courteous: 十句文明用语).

Rules: short; always say what the person can do next; SMS versions fit two UCS-2 segments
(134 characters) — tests check every SMS reply of every conversation path against that.
"""
from __future__ import annotations

from core.text import SMS_THREE_SEGMENTS as SMS_CADRE_LIMIT  # noqa: E402,F401
from core.text import SMS_TWO_SEGMENTS as SMS_LIMIT  # noqa: E402,F401
from core.text import WECHAT_LIMIT_BYTES  # noqa: E402,F401
from core.text import CHANNEL_LABELS  # noqa: E402
from core.clock import local, month_day, with_weekday  # noqa: E402
from core.words.said import Said




def welcome(county: str, channel: str) -> str:
    if channel == "sms":
        return f"您好！这里是{county}信访局。反映问题请回复“我要反映”，查询进度请回复“查询”。"
    return (f"您好！欢迎关注{county}信访局。\n"
            "· 反映问题：回复“我要反映”，或直接说明您的姓名、所在乡镇和遇到的问题；\n"
            "· 查询进度：回复“查询”；\n"
            "· 使用帮助：回复“帮助”。\n"
            "您反映的问题我们会很快调查了解。")


def help_text(channel: str) -> str:
    if channel == "sms":
        return "您好！回复：我要反映｜查询｜查询 编号｜补充 编号 内容｜撤回 编号｜取消。谢谢！"
    return ("您好！可以回复：\n"
            "· 我要反映 —— 登记新的问题\n"
            "· 查询 —— 查看您反映过的事项\n"
            "· 查询 编号 —— 查看某一事项的进度\n"
            "· 补充 编号 内容 —— 补充文字或图片\n"
            "· 撤回 编号 —— 撤回某一事项\n"
            "· 取消 / 返回 —— 放弃或修改正在填写的内容")


def hotline_line(hotline: str, channel: str) -> str:
    return f"人工服务：{hotline}，或回复“人工”。" if channel == "sms" else f"\n· 人工 —— 请工作人员与您联系（电话：{hotline}）"


def reception_schedule(slots: list, contact: dict, channel: str) -> str:
    """接访: the next leaders' receptions (接访日程), or where and when the bureau receives."""
    if not slots:
        fixed = f"县领导接访：{contact['reception']}。" if contact.get("reception") else ""
        return "近期暂无公布的领导接访安排。" + fixed + (f"咨询电话：{contact['hotline']}。" if contact.get("hotline") else "")
    shown = slots[:4] if channel == "sms" else slots[:8]
    lines = [f"{with_weekday(x.day)} {x.starts}-{x.ends} {x.leader}，{x.place}" for x in shown]
    more = f"（另有{len(slots) - len(shown)}场，详询信访局）" if len(slots) > len(shown) else ""
    sep = "；" if channel == "sms" else "\n"
    return "近期领导接访安排：" + ("" if channel == "sms" else "\n") + sep.join(lines) + more + \
        "。来访请带好身份证件和相关材料。"


def reach_a_person(contact: dict, has_number: bool) -> str:
    """The bureau's people, for someone who wants one (from ``[county.contact]``)."""
    parts = []
    if contact.get("hotline"):
        parts.append(f"信访局电话：{contact['hotline']}" + (f"（{contact['hours']}）" if contact.get("hours") else ""))
    if contact.get("reception"):
        parts.append(f"县领导接访：{contact['reception']}")
    if contact.get("address"):
        parts.append(f"来访地址：{contact['address']}")
    head = "好的，已请工作人员与您电话联系。" if has_number else "好的，已告知工作人员。"
    tail = "" if has_number else "请留下您的手机号码，方便工作人员给您回电。"
    return head + "；".join(parts) + ("。" if parts else "") + tail


def threat_care(hotline: str | None) -> str:
    """扬言: the calm, caring answer to someone who threatens to harm themselves or others, to block
    a road or to go to Beijing — before whatever comes next (their petition goes on as usual)."""
    ring = f"有急事请拨打县信访局电话{hotline}" if hotline else "有急事请拨打县信访局电话"
    return Said(f"您的心情我们理解，请您务必保重身体、冷静对待。您反映的问题我们已经记下，会依法依规尽快处理，"
                f"{ring}，工作人员会尽快与您联系。", "threat_care")


def call_back_wanted(channel: str, number: str | None) -> str:
    how = CHANNEL_LABELS.get(channel, channel)
    return (f"【回电】有群众通过{how}要求人工联系，电话：{number}，请回电。" if number else
            f"【回电】有群众通过{how}要求人工联系，尚未留电话，请在公众号后台回复。")


def ask_name(channel: str, greeting: bool = True) -> str:
    prefix = "您好！请慢慢讲。" if greeting else ""
    key = "ask_name" if greeting else "ask_name_plain"
    if channel == "sms":
        return Said(prefix + "请问您怎么称呼？（也可一次说明：姓名、乡镇、问题）", key)
    return Said(prefix + "请问您怎么称呼？\n（也可以一次说完，例如：我是下汤镇的张三，小区水泵坏了三天没水）", key)


def ask_phone() -> str:
    return "请留下您的手机号码，方便工作人员与您联系。"


BAD_PHONE = "这个号码似乎不正确，请输入11位手机号码，例如 13812345678。"
# a WeChat petitioner who would rather not give a number: why we ask, and that they need not
PHONE_WHY = ("留个手机号，办理的工作人员好与您联系，号码只给办理您这件事的工作人员看。"
             "实在不方便留的，再回复“不留”，我们就通过微信回复您。")
PHONE_DECLINED = "好的，不留电话也可以，办理情况我们会通过微信回复您。"
BAD_NAME = "请告诉我们您的姓名或怎么称呼您，例如：张三、王师傅。"
SAY_MORE = Said("请再具体说明一下您遇到的问题。", "say_more")
STORY_NOTED = "您说的情况已记下。"
YOU_ARE_WELCOME = "不客气，这是我们应该做的。如需查看进度请回复“查询”，有新的问题请回复“我要反映”。"
NOTED = "好的，已记下。"
# the first words only announced a matter ("我要反映个事", "有个事想跟政府说说"): what it is
ASK_MATTER = Said("请您具体说说是什么事：遇到了什么问题，想请政府帮着解决什么。", "ask_matter")
ANSWER_AGAIN = "好的，请重新填写。"
CONFIRM_OR_MORE = "回复“确认”提交，或继续补充。"
CONFIRM_TO_SUBMIT = "回复“确认”提交。"


def case_ahead(no: str, unit: str | None, meet: str | None, finish: str) -> Said:
    """After filing, "啥时候有人来" / "找谁" / "多久能办": who handles the case and by when, from the
    case — ``meet`` and ``finish`` as :func:`by` says them with 于 (``meet`` None: they have met)."""
    if unit is None:
        return Said(f"您反映的事项{no}已登记，信访局正在确定责任单位，确定后工作人员会与您联系见面。回复“查询”加编号可查看进度。",
                    "case_ahead_unassigned", no)
    if meet is None:
        return Said(f"您反映的事项{no}由{unit}办理，工作人员已与您见面，将{finish}办结。回复“查询”加编号可查看进度。",
                    "case_ahead_met", no, unit, finish)
    return Said(f"您反映的事项{no}由{unit}办理，工作人员将{meet}与您联系见面，{finish}办结。回复“查询”加编号可查看进度。",
                "case_ahead", no, unit, meet, finish)


def withdraw_how(no: str) -> Said:
    """After filing, "能撤回不": how to withdraw the case (the 撤回 command itself asks to confirm)."""
    return Said(f"可以撤回。如确定不再反映，请回复“撤回 {no}”，确认后该事项将不再办理。", "withdraw_how", no)


def supplement_how(no: str) -> Said:
    """After filing, "俺还能再补充点材料不": how to add to the case."""
    return Said(f"可以补充。请回复“补充 {no}”，再发送要补充的文字或照片。", "supplement_how", no)


def heard_note(words: str) -> str:
    """What the petitioner said while filing that was not the matter (an announcement, who typed,
    how long it has waited): a note on the case for staff."""
    return f"信访人另说：{words}"


def village_as_written(village: str) -> str:
    """A village not on the county's list, after the story as the petitioner wrote it."""
    return f"\n（村/社区：{village}）"


def registered_as(repeat_of: str | None) -> str:
    """How a petition filed by a citizen was registered: first, or a repeat of an earlier one."""
    return "初信初访" if repeat_of is None else f"重复访，关联 {repeat_of}"


def ask_place(examples: list[str]) -> str:
    ex = "、".join(examples[:3])
    return Said(f"请问您反映的问题在哪个乡镇（街道）、哪个村（社区）？例如：{ex}。", "ask_place", ex)


def place_not_found(examples: list[str]) -> str:
    ex = "、".join(examples[:4])
    return Said(f"没有找到这个地方，请回复乡镇（街道）名称，例如：{ex}。", "place_not_found", ex)


def place_not_in_city(place: str | None, counties: list[str], hotline: str | None) -> str:
    """At the city's own account or number: the place named is in none of the city's counties
    (or no place of theirs was found) — said so, the counties named, and where else to turn."""
    said = (place or "这个地方")[:10]
    names = "、".join(counties)
    ring = hotline or "12345"
    return Said(f"您好，您说的{said}不在本平台受理的{names}范围内。如是这些县的事项，请回复所在乡镇（街道）名称；"
                f"其他地方的事项，可拨打市信访局电话{ring}咨询，或向当地信访部门反映。谢谢！",
                "place_not_in_city", said, names)


def choose_county(place: str, counties: list[str], labels: list[str]) -> str:
    """At the city's own account: the place named is in two (or more) of the city's counties —
    which county's (the choices as choose_place's, the note before it)."""
    return choose_place(labels).after(f"{'、'.join(counties)}都有{place}，")


def choose_place(labels: list[str]) -> str:
    items = " ".join(f"{i}.{label}" for i, label in enumerate(labels, 1))
    return Said(f"请问是哪一个？请回复序号：{items}", "choose_place", items)


def ask_village(township: str) -> str:
    return Said(f"好的，{township}。请问是哪个村（社区）？不清楚可回复“跳过”。", "ask_village", township)


def ask_content(channel: str) -> str:
    if channel == "sms":
        return Said("请简要说明您遇到的问题和诉求。", "ask_content")
    return Said("请说明您遇到的问题和诉求，也可以发送图片。", "ask_content")


NO_CODE_PENDING = "没有需要验证的手机号。"
DRAFT_NOT_SUBMITTED = "您正在填写的反映还没有提交。"
FINISH_DRAFT_FIRST = "您正在填写新的反映，请先提交或回复“取消”，再{what}。"
VOICE_KEPT_UNRECOGNISED = "语音已收到并保存，但暂时无法识别，请再用文字简单说明，谢谢。"
TOO_LONG = "内容过长（每条不超过{limit}字），请分几条发送，谢谢。"
RATE_LIMITED = "您的消息已收到并保存。您发送得有些频繁，请稍后再试，谢谢。"
SORRY = "抱歉，系统暂时出了点问题，您的消息已保存，我们会尽快处理。请稍后再试。"
CANCELLED = "好的，已取消本次填写。如需反映问题，请回复“我要反映”。再见！"
NOTHING_TO_CANCEL = "当前没有正在填写的内容。回复“我要反映”登记问题，回复“帮助”查看用法。"
NOTHING_TO_GO_BACK = "已经是第一步了。"
ASK_CORRECTION = "请补充或更正您的问题（您之前说的也会保留，一并转给工作人员）。"


def ask_what_to_edit(channel: str) -> str:
    if channel == "sms":
        return "请问要修改哪一项？回复：1姓名 2地点 3问题；回复“确认”直接提交。"
    return "请问要修改哪一项？回复：1姓名 2电话 3地点 4问题；回复“确认”直接提交。"
IMAGE_SAVED = "图片已收到（共{n}张）。"
VIDEO_SAVED = "视频已收到并保存。"
LOCATION_SAVED = "位置已收到：{label}。"


def media_when_idle(kind: str = "image") -> str:
    what = {"image": "图片", "video": "视频"}.get(kind, "材料")
    return f"{what}已收到并保存。如需为已提交的事项补充材料，请先回复“补充 编号”；反映新问题请回复“我要反映”。"


def location_when_idle() -> str:
    return "位置已收到，将用于您接下来反映的问题。请回复“我要反映”开始。"


def other_message(channel: str) -> str:
    return "您好！目前只能接收文字、图片、语音、视频和位置。" + ("回复“帮助”查看用法。" if channel == "wechat" else "")


def draft_expired(started: str) -> str:
    return f"您{started}开始填写的反映超过24小时未提交，已自动关闭。"


def summary(channel: str, name: str, phone: str | None, verified: bool, place: str, content: str,
            images: int, has_location: bool) -> str:
    if channel == "sms":
        head = f"请核对：{name}，{place}。问题："
        tail = "。回复“确认”提交，“返回”修改，“取消”放弃。"
        room = SMS_LIMIT - len(head) - len(tail)
        body = content if len(content) <= room else content[: room - 1] + "…"
        return Said(head + body + tail, "summary", name, place)
    lines = ["请核对您的反映：", f"姓名：{name}"]
    if phone:
        lines.append(f"电话：{phone}" + ("" if verified else "（待短信验证）"))
    lines.append(f"地点：{place}")
    lines.append(f"问题：{content[:600]}{'…' if len(content) > 600 else ''}")
    if images:
        lines.append(f"图片：{images}张")
    if has_location:
        lines.append("位置：已附")
    lines.append("回复“确认”提交，“返回”修改上一项，“取消”放弃；也可继续补充文字或图片。")
    return "\n".join(lines)


def confirm_or_add() -> str:
    """At the summary, a word that adds nothing ("跳过", "好的", "谢谢"): nothing is added to the story."""
    return Said("请回复“确认”提交，“返回”修改，“取消”放弃；如需补充，请直接发送文字或图片。", "confirm_or_add")


def added_to_draft() -> str:
    return Said("已补充。回复“确认”提交，“返回”修改，“取消”放弃。", "added_to_draft")


def submitted(tracking_no: str, channel: str, unverified_phone: bool, later: tuple[str, str] | None = None) -> Said:
    """The tracking number; ``later``: why and from which day the case is handled, when that is
    not today (:func:`receipt_day_note`) — its unit may have it already (即时交办), but its time
    counts from then."""
    note = f"{later[0]}，您的事项将从{later[1]}起办理，工作人员将与您联系见面。" if later else ""
    key, values = ("submitted_later", (tracking_no, *later)) if later else ("submitted", (tracking_no,))
    if channel == "sms":
        return Said(f"您的反映已登记，编号{tracking_no}。{note or '我们会尽快交办并与您联系。'}"
                    f"回复“查询 {tracking_no}”可查进度。谢谢！", key, *values)
    text = (f"谢谢！您的反映已登记，受理编号：{tracking_no}。\n"
            "您反映的问题我们会很快调查了解，尽快交办责任单位，工作人员将与您联系。\n"
            f"回复“查询 {tracking_no}”可查看进度，回复“补充 {tracking_no}”可补充材料。")
    if unverified_phone:
        text += "\n您留的手机号尚未验证，收到短信验证码后请直接回复验证码。"
    return Said(text + note, key, *values)


def ask_repeat(tracking_no: str, date: str, gist: str) -> str:
    return (f"您在{date}反映的事项（{tracking_no}：{gist}）正在办理中。"
            "这次反映的是否为同一事项？回复1是，2否。")


def ask_repeat_answered(tracking_no: str, date: str, gist: str, replied: str | None, review_by: str | None) -> str:
    head = f"您在{date}反映的事项（{tracking_no}：{gist}）" + (f"已于{replied}答复。" if replied else "已答复。")
    if review_by:
        return head + f"如对答复不满意，回复1申请复查（{review_by}前）；如是新的情况，回复2作为新事项登记。"
    return head + "这次反映的是否为同一事项？回复1是，2否。"


def repeat_linked(tracking_no: str, original: str, channel: str) -> str:
    if channel == "sms":
        return f"已登记为同一事项的补充反映，编号{tracking_no}，与{original}一并办理。谢谢！"
    return (f"谢谢！本次反映已登记（编号：{tracking_no}），作为同一事项与 {original} 关联，一并办理。\n"
            f"回复“查询 {original}”可查看进度。")


ANSWER_1_OR_2 = "请回复1或2：1 是同一事项，2 是新的事项。"


def code_sent(masked: str) -> str:
    return f"已向{masked}发送短信验证码，收到后请直接回复验证码（不影响提交）。"


def code_ok(masked: str) -> str:
    return f"手机号{masked}验证成功，谢谢！"


CODE_WRONG = "验证码不正确，请核对短信后重新回复。"
CODE_LIMIT_TODAY = "今天这个号码的验证次数已用完，请明天再试。您的反映不受影响，可以照常提交。"


def code_wait(seconds: int) -> str:
    return f"验证码刚刚发出，请{seconds}秒后再回复“验证”重新获取。您的反映不受影响，可以照常提交。"
CODE_EXPIRED = "验证码已失效。如需重新验证，请回复“验证”。"


def verification_sms(county: str, code: str) -> str:
    return f"【{county}信访局】您的验证码是{code}，请在微信中回复此验证码完成手机号验证。如非本人操作请忽略。"


NOT_FOUND = "未找到编号为 {no} 的反映，请核对编号。回复“查询”可查看您反映过的全部事项。"
NONE_YET = "您还没有反映过问题。如需反映，请回复“我要反映”。"
NEED_NUMBER = "请在指令后写上受理编号，例如：{example}。回复“查询”可查看您的编号。"


def list_header(total: int) -> str:
    return f"您反映的事项共{total}件："


def list_item(i: int, tracking_no: str, status: str, date: str, gist: str) -> str:
    return f"{i}. {tracking_no} {date} {status} {gist}"


def more_pages(remaining: int) -> str:
    return f"（还有{remaining}页，回复“下一页”继续）"


NO_MORE_PAGES = "没有更多内容了。回复“帮助”查看用法。"


def detail(tracking_no: str, status: str, received: str, place: str, gist: str, history: list[str],
           answer: str | None = None, images: int = 0, finish_by: str | None = None) -> str:
    lines = [f"编号：{tracking_no}", f"状态：{status}", f"登记：{received}", f"地点：{place}", f"问题：{gist}"]
    if answer:
        lines.append(f"答复：{answer}")
    if history:
        lines.append("进展：" + "；".join(history))
    if images:
        lines.append(f"图片：{images}张")
    if finish_by:
        lines.append(f"办结期限：{finish_by}")
    return "\n".join(lines)


def supplement_prompt(tracking_no: str) -> str:
    return f"请发送要补充到 {tracking_no} 的文字或图片，发送完毕回复“完成”。"


def supplement_saved(tracking_no: str) -> str:
    return f"已补充到 {tracking_no}。可继续发送，或回复“完成”。"


def supplement_done(tracking_no: str) -> str:
    return f"补充材料已保存到 {tracking_no}，谢谢！"


def supplement_added(tracking_no: str) -> str:
    return Said(f"已将补充内容保存到 {tracking_no}，谢谢！工作人员会一并查看。", "supplement_added", tracking_no)


def closed_case(tracking_no: str, status: str) -> str:
    return Said(f"{tracking_no} 目前{status}，不能再补充或撤回。如有新问题请回复“我要反映”。", "closed_case",
                tracking_no, status)


def confirm_withdraw(tracking_no: str, gist: str) -> str:
    return Said(f"确定撤回 {tracking_no}（{gist}）吗？撤回后将不再办理。回复“确认撤回”撤回，回复“取消”保留。",
                "confirm_withdraw", tracking_no)


def withdrawn(tracking_no: str) -> str:
    return Said(f"{tracking_no} 已撤回。如有需要可随时重新反映。再见！", "withdraw_done", tracking_no)


WITHDRAW_KEPT = "好的，已保留该事项，我们继续办理。"
ANSWER_WITHDRAW = Said("请回复“确认撤回”撤回该事项，或回复“取消”保留。", "answer_withdraw")


# --- a case on its way (issue 3): what the citizen is told ------------------------------------

def receipt_day_note(day, today, workday: bool = True) -> tuple[str, str] | None:
    """Said with the tracking number when the petition counts from a later day (after the cut-off
    or on a non-working day: a Sunday is a day off, not "past working hours"): why, and the day."""
    if day == today:
        return None
    return ("今天已过工作时间" if workday else "今天是休息日"), with_weekday(day)


def by(deadline, now, lead: str = "") -> str:
    """A deadline as a person is told it, never a day already past: "于12月7日前" (``lead`` 于),
    "在今天（12月1日）内", or "尽快（已超过期限）"."""
    if deadline is None:
        return "尽快"
    if deadline < now:
        return "尽快（已超过期限）"
    if local(deadline).date() == local(now).date():
        return f"在今天（{month_day(now)}）内"
    return f"{lead}{month_day(deadline)}前"


def case_accepted(no: str, unit: str, meet: str) -> str:
    """``meet``: when, as :func:`by` says it."""
    return f"您好！您反映的事项{no}已由{unit}受理，工作人员将{meet}与您联系见面。谢谢！"


def ask_met(no: str) -> str:
    return f"您好！关于事项{no}，今天工作人员是否已与您见面？回复1是 2否。"


def case_replied(no: str, unit: str, text: str) -> str:
    return f"您好！{unit}对您反映的事项{no}答复如下：{text}"


def ask_rating(no: str) -> str:
    return f"请对事项{no}的办理评价：回复1满意 2基本满意 3不满意。谢谢！"


def case_extended(no: str, days: int, reason: str, until: str) -> str:
    return f"您好！您反映的事项{no}因{reason}，经批准延期{days}日，将于{until}前办结。感谢您的理解！"


def case_closed(no: str) -> str:
    return f"您好！您反映的事项{no}已办结。谢谢您的支持，再见！"


def case_resolved(no: str) -> str:
    return f"您好！您反映的事项{no}经工作专班上门走访，已化解办结。感谢您的理解和支持！"


MET_THANKS = "谢谢您的确认！"
RATING_NAMES = {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}
# what may come of the bureau's telephone call (电话回访): a rating said on the telephone, or else
CALL_OUTCOME_NAMES = {**RATING_NAMES, "no_answer": "未接通", "declined": "不愿评价", "explained": "已解释沟通"}


def rate_too_early(no: str) -> str:
    return f"{no}尚未答复，答复后即可评价。回复“查询 {no}”可查看进度。"


def met_recorded(no: str, met: bool) -> str:
    if met:
        return Said(f"已记录：{no} 见面属实。谢谢您的确认！", "met_yes", no)
    return Said(f"已记录：{no} 未见面。我们已告知信访局督办，工作人员会尽快与您联系。", "met_no", no)


def rated(no: str, rating: str) -> str:
    return Said(f"已记录：{no} 评价“{RATING_NAMES[rating]}”。谢谢您的评价！", "rated", no, RATING_NAMES[rating])


def rated_unsatisfied(no: str, review_by) -> str:
    review = (f"如对答复有异议，可在{month_day(review_by)}前回复“申请复查 {no}”。" if review_by is not None else "")
    return Said(f"已记录：{no} 评价“不满意”，信访局会跟进。请简要说明不满意的原因。" + review,
                "rated_unsatisfied_noted", no)
MET_NO = "抱歉！我们已告知信访局督办，工作人员会尽快与您联系。"
RATED = "谢谢您的评价！"
ASK_WHY_UNSATISFIED = ("抱歉没能让您满意。请简要说明不满意的原因；如对答复有异议，可在收到答复之日起30日内"
                       "回复“申请复查 {no}”。")
WHY_NOTED = Said("已记录您的意见，信访局会督促责任单位。谢谢！", "why_noted")
ANSWER_MET = Said("请回复1（已见面）或2（未见面）。", "answer_met")
ANSWER_VISIT = Said("请回复1（工作专班已到/已离开，属实）或2（不属实）。", "answer_visit")
VISIT_ANSWER_THANKS = Said("感谢您的答复。", "visit_thanks")
VISIT_CONFIRMED = Said("感谢您的确认！", "visit_confirmed")
VISIT_DENIED = Said("感谢您的答复，已告知县信访局核实。", "visit_denied")


def visit_answer_closed(no: str) -> str:
    return f"感谢您的答复。{no}这一晚的确认已截止，如有情况请联系县信访局。"


ANSWER_RATING = "请回复1满意、2基本满意或3不满意。"


def registered_receipt(no: str, how: str, finish_by: str, bureau: str = "县信访局") -> str:
    """SMS to a petitioner whose visit (走访) or letter (来信) the bureau registered (``bureau``:
    市信访局 for the city's own cases)."""
    return (f"您好！您的{how}已由{bureau}登记，编号{no}，预计{finish_by}前办结。"
            f"回复“查询 {no}”可查进度。谢谢！")


def review_opened(no: str, word: str, until: str) -> str:
    return f"您好！已收到您对事项{no}的{word}申请，我们将于{until}前书面答复您。谢谢！"


def review_answered(no: str, level: str, text: str) -> str:
    if level == "review":
        return (f"您好！事项{no}的复查意见：{text}。如仍不服，可在30日内回复“申请复核 {no}”。")
    return f"您好！事项{no}的复核意见：{text}。本事项已复核终结。谢谢！"


def case_not_accepted(no: str, unit: str, reason: str) -> str:
    return (f"您好！您反映的事项{no}，{unit}经审查决定不予受理，理由：{reason}。"
            f"如有异议，请联系县信访局。谢谢！")


# a petition's history as the petitioner sees it (查询 编号): the events shown, in their words
HISTORY_LABELS = {"registered": "登记", "supplement": "补充材料", "withdrawn": "撤回", "repeat_linked": "再次反映",
                  "phone_verified": "手机号已验证", "accepted": "受理", "met": "见面", "replied": "答复",
                  "closed": "办结", "evening_resolved": "化解办结", "extension_approved": "延期", "returned": "重新交办中", "not_accepted": "不予受理"}


def history_label(kind: str, text: str | None) -> str | None:
    if kind == "assigned":
        return f"交办{text or ''}"
    return HISTORY_LABELS.get(kind)


# a petition's status in words (the same for citizens and officials)
STATUS_LABELS = {
    "registered": "已登记，待交办",
    "assigned": "已交办责任单位",
    "accepted": "责任单位已受理",
    "replied": "已答复",
    "closed": "已办结",
    "withdrawn": "已撤回",
    "rejected": "不予受理",
    "returned": "已退回信访局，待重新交办",
    "reviewing": "复查（复核）办理中",
    "joined": "已并入原事项一并办理",
}
REVIEW_WORDS = {"review": "复查", "re_review": "复核"}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)
