"""扬言 in a citizen's message (core.threats), whatever it answers: the case it is about is marked
and the bureau and the unit's head are warned at once (core.usecases.cases.warn); during an
intake it waits for the filing (handlers.intake screens all that was said). The person gets a
calm, caring answer with the bureau's hotline before whatever comes next — their petition goes
on as usual.
"""
from __future__ import annotations

from datetime import timedelta

from core import threats
from core.status import OPEN, Status
from core.store.models import Petition
from core.usecases import cases as usecases
from core.words import citizens as texts
from handlers import notify
from handlers.commands import contact_of
from handlers.context import Context
from handlers.registry import citizen_act

RECENT = timedelta(days=90)   # an answered or closed case a threat may still be about


def hear(ctx: Context, text: str, reply: str) -> str:
    """``reply`` to ``text``, after the caring words when ``text`` threatens (and the warning done)."""
    threat = threats.heard(text)
    if threat is None:
        return reply
    p = about(ctx)
    if p is not None and p.threat_at != ctx.now:   # (not the petition this message filed: marked then)
        notify.deliver(ctx, usecases.warn(citizen_act(ctx), p, threat))
    care = texts.threat_care(contact_of(ctx.county.options).get("hotline"))
    if ctx.channel == "sms":   # its own text (two would not fit one), as its template where one is needed
        ctx.queue_sms(ctx.msg.sender, care, purpose="threat_care", params=[])
        return reply
    return care + "\n" + reply if reply else care


def about(ctx: Context) -> Petition | None:
    """The case a threat is about: the one this message went to (a 补充, a 复查); else the sender's
    latest open case (or one answered or closed lately); None in an intake with none — the new
    petition is marked when it is filed."""
    if ctx.petition_id is not None:
        return ctx.session.get(Petition, ctx.petition_id)
    for p in ctx.own_petitions():
        if p.status in OPEN or p.status == Status.JOINED:
            return p
        if p.status in (Status.CLOSED, Status.REPLIED) and ctx.now - (p.closed_at or p.updated_at) < RECENT:
            return p
    return None
