"""The documents a bureau prints from a case (core/cases/documents.py), in words: the 受理告知书 and
不予受理告知书 (信访工作条例 第二十三条), the 交办单 a unit receives (第二十二条), the 答复意见书
(第三十一条第六项、第三十二条, with the right to 复查 of 第三十五条), the 复查意见书 and 复核意见书
(第三十五条、第三十六条); the refusals when a case's state does not allow one; the lines the case's
history and audit keep of a document issued."""
from __future__ import annotations

from datetime import date, datetime

from core.clock import SHANGHAI
from core.words.citizens import REVIEW_WORDS

# kind → title (the order the case file lists them in)
TITLES = {
    "acceptance": "受理告知书",
    "non_acceptance": "不予受理告知书",
    "assignment": "交办单",
    "reply": "答复意见书",
    "review": "复查意见书",
    "re_review": "复核意见书",
}
# kind → the short word of its number (鲁山信受告〔2026〕1122-0007号)
NUMBER_WORDS = {"acceptance": "受告", "non_acceptance": "不受告", "assignment": "交", "reply": "答",
                "review": "复查", "re_review": "复核"}
# kind → the articles of the 信访工作条例 it rests on
BASIS = {
    "acceptance": "《信访工作条例》第二十三条、第三十四条",
    "non_acceptance": "《信访工作条例》第二十三条、第三十一条",
    "assignment": "《信访工作条例》第二十二条、第二十三条、第三十四条",
    "reply": "《信访工作条例》第三十一条第六项、第三十二条、第三十四条、第三十五条",
    "review": "《信访工作条例》第三十五条、第三十六条",
    "re_review": "《信访工作条例》第三十六条",
}
# kind → why a case cannot have it yet
NOT_YET = {
    "acceptance": "尚未受理",
    "non_acceptance": "未作出不予受理决定",
    "assignment": "尚未交办责任单位",
    "reply": "尚未答复",
    "review": "尚无复查意见",
    "re_review": "尚无复核意见",
}

BUREAU = "信访局"               # a county file without its bureau among the units
COUNTY_ENDINGS = "县市区旗"     # 鲁山县 → 鲁山, a document number's prefix
HISTORY = "出具文书"          # the case's history (经过) and the audit trail: a document issued
SECTION = "文书"
NONE_YET = "本事项目前暂无可出具的文书。"
DOWNLOAD_NOTE = "下载为Word文档（.docx），可修改后加盖公章打印。"
SEAL = "（盖章）"
BASIS_LABEL = "依据："
NUMBER_LABEL = "受理编号："
MATTER_LABEL = "反映事项："
DEADLINES_LABEL = "办理期限"
COPY = "本单一式两份，一份交责任单位，一份信访局存档。"


def day(t: datetime | date | None) -> str:
    """A date as a document writes it: 2026年11月23日."""
    if t is None:
        return "—"
    d = t.astimezone(SHANGHAI).date() if isinstance(t, datetime) else t
    return f"{d.year}年{d.month}月{d.day}日"


def day_time(t: datetime) -> str:
    """A deadline as the 交办单 writes it: 2026年11月23日17:30."""
    return f"{day(t)}{t.astimezone(SHANGHAI):%H:%M}"


def number(county_short: str, kind: str, year: str, serial: str) -> str:
    return f"{county_short}信{NUMBER_WORDS[kind]}〔{year}〕{serial}号"


def issued(title: str, no: str) -> str:
    """The history's line of a document issued (after the event's word 出具文书)."""
    return f"{title}（{no}）"


def not_yet(no: str, kind: str) -> str:
    return f"{no}{NOT_YET[kind]}，暂不能出具{TITLES[kind]}。"


def unknown_kind(name: str) -> str:
    return f"没有“{name}”这种文书。可出具：{'、'.join(TITLES.values())}。"


def no_case(no: str) -> str:
    return f"没有找到事项{no}。"


def written(path) -> str:
    return f"已写入 {path}"


REFUSALS = {
    "document_not_yet": not_yet,
}


# --- the texts themselves ---------------------------------------------------------------------------

def addressed(name: str) -> str:
    return f"{name}："


def acceptance(received: datetime, channel: str, no: str, matter: str, unit: str, accepted: datetime,
               answer_by: datetime | None, hotline: str | None) -> list[str]:
    out = [f"您于{day(received)}以{channel}形式反映的信访事项（受理编号：{no}）收悉。经审查，该事项属于"
           f"{unit}职权范围，已于{day(accepted)}依法受理。", MATTER_LABEL + matter,
           "我们将依照规定调查核实、依法处理，自受理之日起60日内办结；情况复杂的，经批准可适当延长办理期限，"
           "但延长期限不超过30日，并告知您延期理由。"]
    if answer_by is not None:
        out.append(f"按本县办理期限，将于{day(answer_by)}前答复您。")
    out.append(f"办理期间，您可回复“查询 {no}”了解办理进展" + (f"，或拨打{hotline}咨询。" if hotline else "。"))
    out.append("特此告知。")
    return out


def non_acceptance(received: datetime, channel: str, no: str, matter: str, unit: str, reason: str,
                   hotline: str | None, address: str | None) -> list[str]:
    out = [f"您于{day(received)}以{channel}形式反映的信访事项（受理编号：{no}）收悉。", MATTER_LABEL + matter,
           f"经审查，{unit}决定不予受理，理由如下：{reason.rstrip('。')}。",
           "依照《信访工作条例》第二十三条、第三十一条，不属于本机关、单位职权范围的事项，请您向有权处理的机关、单位提出；"
           "应当通过诉讼、仲裁、行政复议等法定途径解决的，请依照有关法律、法规规定的程序提出。"]
    if hotline or address:
        out.append("如对去向有疑问，可" + "，或".join(x for x in (hotline and f"拨打{hotline}咨询",
                                                               address and f"到{address}咨询") if x) + "。")
    out.append("特此告知。")
    return out


def reply(received: datetime, no: str, unit: str, answer: str, replied: datetime, superior: str) -> list[str]:
    return [f"您于{day(received)}反映的信访事项（受理编号：{no}），{unit}已依法受理并调查核实，现答复如下：",
            answer,
            f"以上答复于{day(replied)}作出。如您对本处理意见不服，可以自收到本意见书之日起30日内，"
            f"向{superior}请求复查（《信访工作条例》第三十五条）。",
            "特此答复。"]


def government(county: str) -> str:
    """Where an answer's 复查 is asked (the superior of a township's government or a county department)."""
    return f"{county}人民政府"


def review(level: str, no: str, requested: datetime | None, answer: str, answered: datetime) -> list[str]:
    """A 复查意见书's (level "review") or 复核意见书's ("re_review") text."""
    level_word = REVIEW_WORDS[level]
    asked = f"于{day(requested)}" if requested else ""
    out = [f"您{asked}就信访事项（受理编号：{no}）的处理意见提出{level_word}请求，经{level_word}，意见如下：",
           answer,
           f"以上{level_word}意见于{day(answered)}作出。"]
    if level == "re_review":
        out.append("依照《信访工作条例》第三十六条，您对复核意见不服，仍以同一事实和理由提出投诉请求的，"
                   "各级党委和政府信访部门和其他机关、单位不再受理。")
    else:
        out.append("如您对本复查意见不服，可以自收到本意见书之日起30日内，向复查机关的上一级机关请求复核"
                   "（《信访工作条例》第三十六条）。")
    out.append("特此答复。")
    return out


def assignment_intro(unit: str, no: str) -> str:
    return (f"{unit}：现将受理编号{no}的信访事项交由你单位办理。请依照《信访工作条例》第二十三条，"
            "自收到之日起15日内书面告知信访人接收情况以及处理途径和程序；不属于你单位职权范围的，"
            "请于5个工作日内提出异议并详细说明理由。请在下列期限内办理并反馈结果。")


ASSIGNMENT_ROWS = ("受理编号", "信访人", "收到时间", "渠道", "乡镇（街道）", "类别", "联系电话")
DEADLINE_ROWS = ("受理", "见面", "答复", "办结")
PEOPLE = "（{n}人）"
PHONE_NOTE = "（完整号码请在案卷中查看）"
NOT_SET = "—"
