"""The citizen's answers to questions the bureau asked them outside a conversation.

When a cadre reports a meeting, the petitioner is asked "今天工作人员是否已与您见面？回复1是 2否";
when a reply is sent, to rate it "1 满意 / 2 基本满意 / 3 不满意". The question is kept on the
petitioner's conversation (``data["ask"]``); an answer is taken only when no intake is under way
(a "1" while choosing a township means the township). Rating never reopens a case: 不满意 asks
why and points to 复查 (review, within 30 days of the reply).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from core.store.models import Petition
from core.usecases import citizens as usecases
from handlers import evenings, notify, texts
from handlers.registry import CITIZEN, citizen_act
from core.store.conversations import lock_conversation, save_conversation
from handlers.context import Context


def record(conn: Connection, asks: list[tuple[str, str, dict]], now: datetime) -> None:
    """Put the questions of a committed transaction on their recipients' conversations (a newer
    question replaces an older one). Locked in one order, so two recorders cannot deadlock."""
    for channel, to, ask in sorted(asks, key=lambda a: (a[0], a[1])):
        conv = lock_conversation(conn, channel, to, now)
        conv.data = {**(conv.data or {}), "ask": ask}
        save_conversation(conn, conv)

YES = {"1", "是", "是的", "见了", "已见面", "见面了"}
NO = {"2", "否", "没有", "没见", "未见面", "没见面"}
VISIT_YES = {"到了", "已到", "来了", "属实"}
RATINGS = {"1": "satisfied", "满意": "satisfied", "2": "basic", "基本满意": "basic",
           "3": "unsatisfied", "不满意": "unsatisfied"}


def answer(ctx: Context, text: str) -> str | None:
    data = ctx.data()
    if ctx.conv.state == "rate_why":
        if CITIZEN.parse(text) is not None:   # a command, not the reason: leave the question
            ctx.set_state("idle", why_for=None)
            return None
        return _why(ctx, data, text)
    ask = data.get("ask")
    if not ask:
        return None
    word = text.strip().rstrip("。.!！")
    if ask.get("kind") == "visit":   # 七晚: "工作专班是否已到您家？"
        if word in YES or word in NO or word in VISIT_YES:
            return evenings.answer(ctx, ask, word, word not in NO)
        return texts.ANSWER_VISIT if word.isdigit() and len(word) == 1 else None
    p = ctx.session.get(Petition, ask.get("petition_id"))
    if p is None:
        ctx.set_state("idle", ask=None)
        return None
    if ask.get("kind") == "met":
        if word in YES or word in NO:
            met = word in YES
            notify.deliver(ctx, usecases.confirm_meeting(citizen_act(ctx), p, met))
            ctx.set_state("idle", ask=None)
            return texts.MET_THANKS if met else texts.MET_NO
        return texts.ANSWER_MET if word.isdigit() and len(word) == 1 else None
    if ask.get("kind") == "rate":
        rating = RATINGS.get(word)
        if rating is None:
            return texts.ANSWER_RATING if word.isdigit() and len(word) == 1 else None
        usecases.rate(citizen_act(ctx), p, rating)
        if rating == "unsatisfied":
            ctx.set_state("rate_why", ask=None, why_for=p.id)
            return texts.ASK_WHY_UNSATISFIED.format(no=p.tracking_no)
        ctx.set_state("idle", ask=None)
        return texts.RATED
    return None


def _why(ctx: Context, data: dict, text: str) -> str:
    p = ctx.session.get(Petition, data.get("why_for"))
    ctx.set_state("idle", why_for=None)
    if p is not None:
        notify.deliver(ctx, usecases.rating_reason(citizen_act(ctx), p, text))
    return texts.WHY_NOTED
