"""七晚's records in words: the lines a 七晚 step writes in the case's history and the unit's
月考评 (core.evenings.visits, core.evenings.usecases), why an evening does not count, and how a plan
stands tonight (the 七晚 list, 详情, the daily 访情). The texts told to people about 七晚 are the
officials' and citizens' (core.words.officials, core.words.citizens); the sweep's are in
core.words.jobs. Imports nothing of the product's: core.evenings.visits imports it.
"""
from __future__ import annotations

from datetime import timedelta


def duration_text(d: timedelta) -> str:
    """"3小时", "2小时30分", "45分钟"."""
    minutes = int(d.total_seconds() // 60)
    h, m = divmod(minutes, 60)
    return f"{h}小时{m}分" if h and m else (f"{h}小时" if h else f"{m}分钟")


# --- the case's history -------------------------------------------------------------------------

def selected(unit: str, lead: str | None, campaign: str | None) -> str:
    return f"七晚：{unit}" + (f"，包案{lead}" if lead else "") + (f"，{campaign}" if campaign else "")


def filed(first: str, members: list[str]) -> str:
    return f"七晚报备：首晚{first}，成员" + "、".join(members)


def counted(number: int, day: str) -> str:
    return f"第{number}晚计入（{day}）"


def completed(evenings: int) -> str:
    return f"已连续{evenings}晚走访"


def missed(day: str, number: int, reason: str) -> str:
    return f"{day}第{number}晚未计入：{reason}"


def missed_note(tracking_no: str, number: int) -> str:
    """The unit's 月考评 line of a missed evening."""
    return f"{tracking_no}七晚第{number}晚未计入"


def started(number: int, member: str, far_m: float | None) -> str:
    return f"第{number}晚开始：{member}" + (f"，定位相距{far_m:.0f}米" if far_m is not None else "")


def located(number: int, far_m: float | None) -> str:
    return f"第{number}晚定位" + (f"，相距{far_m:.0f}米" if far_m is not None else "")


def ended(number: int, again: bool, member: str, someone_else: bool, took: timedelta, summary: str | None) -> str:
    """结束: by whom (another member than the one who started it), how long, the 纪要."""
    by = "（非开始人）" if someone_else else ""
    return (f"第{number}晚{'再次报' if again else ''}结束：{member}{by}，历时{duration_text(took)}"
            + (f"；纪要：{summary}" if summary else ""))


PHASES = {"start": "到达", "end": "离开", "both": "到达和离开"}


def answered(number: int, phase: str, yes: bool) -> str:
    """The petitioner's answer to 七晚's check: "第2晚到达：是"."""
    return f"第{number}晚{PHASES.get(phase, PHASES['both'])}：{'是' if yes else '否'}"


def excused(number: int, reason: str) -> str:
    return f"第{number}晚：{reason}"


def resolved(agreement: bool, note: str | None) -> str:
    return "化解，销号" + ("，已签息访息诉协议" if agreement else "") + (f"：{note}" if note else "")


def resolved_note(tracking_no: str) -> str:
    """The unit's 月考评 line of a case resolved by 七晚."""
    return f"{tracking_no}七晚化解"


# --- why an evening does not count (core.evenings.visits.shortfalls; "；" between them) ------------------

NOT_STARTED = "未开始走访"
NOT_ENDED = "未报结束"


def too_short(took: timedelta, least: str) -> str:
    return f"仅{duration_text(took)}，不足{least}"


def not_confirmed(phase: str, denied: bool) -> str:
    """The petitioner said no, or has not answered, to the start or the end."""
    if phase == "start":
        return "信访人答复未到" if denied else "信访人未确认到达"
    return "信访人答复未走访" if denied else "信访人未确认离开"


# --- how a plan stands tonight (core.evenings.visits.tonight_text) ---------------------------------------

TONIGHT = {
    "selected": lambda: "待报备",
    "completed": lambda evenings: f"已满{evenings}晚，待报结果",
    "first": lambda first: f"首晚{first}",
    "lost": lambda closes: f"今晚未开始走访（{closes}已过），不计入",
    "to_come": lambda number, opens: f"今晚第{number}晚{opens}起可开始",
    "not_started": lambda number, closes: f"今晚第{number}晚未开始（{closes}前须开始）",
    "started": lambda number, at: f"今晚第{number}晚{at}开始",
    "ended": lambda number, at, until: f"今晚第{number}晚{at}–{until}",
}


def tonight(state: str, in_a_row: int, **values) -> str:
    """"今晚第3晚19:02开始，已计入2晚"."""
    return f"{TONIGHT[state](**values)}，已计入{in_a_row}晚"
