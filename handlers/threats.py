"""扬言 in a citizen's message (core.cases.threats), whatever it answers: the case it is about is marked
and the bureau and the unit's head are warned at once (core.cases.usecases.warn); during an
intake it waits for the filing (handlers.intake screens all that was said). The person gets a
calm, caring answer with the bureau's hotline before whatever comes next — their petition goes
on as usual.
"""
from __future__ import annotations

from datetime import timedelta

from core.cases import audience, threats
from core.clock import local
from core.phones import MOBILE_IN_TEXT, mask_phone
from core.words import officials as T
from core.status import OPEN, Status
from core.store.models import Petition
from core.cases import usecases
from core.words import citizens as texts
from handlers import notify
from handlers.commands import contact_of, number_to_ring
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
    elif p is None and ctx.petition_id is None and threat.kind != "trip":   # (a trip waits for its case)
        tell_unfiled(ctx, threat)
    care = texts.threat_care(contact_of(ctx.county.options).get("hotline"))
    if ctx.channel == "sms":   # its own text (two would not fit one), as its template where one is needed
        ctx.queue_sms(ctx.msg.sender, care, purpose="threat_care", params=[])
        return reply
    return care + "\n" + reply if reply else care


def tell_unfiled(ctx: Context, threat: threats.Heard) -> None:
    """A threat from someone with no case (an intake under way, or the threat alone, which may never
    be filed): the bureau's staff are told at once — with the number to ring, kept on the 工作台's
    回电请求 shelf — once a day for each kind (a graver kind told again); the case, if filed, is
    warned of as any."""
    day = local(ctx.now).date().isoformat()
    told = ctx.data().get("threat_told") or {}
    if told.get("day") == day and not threats.graver(threat.kind, told.get("kind")):
        return
    if ctx.city is not None:   # at the city's own entrance: the county of the place said, else the city's bureau
        ctx.enter(ctx.city_places.county_of.get(ctx.draft().get("township_id")))
    number = number_to_ring(ctx)
    said = T.threat_unfiled(ctx.channel, number, threat.kind, MOBILE_IN_TEXT.sub("", threat.said),
                            mask_phone(number) if number else "")
    for to in audience.staff(ctx.session):
        ctx.queue_sms(to, said, purpose="threat_unfiled", params=list(said.values))
    ctx.put(threat_told={"day": day, "kind": threat.kind})


def about(ctx: Context) -> Petition | None:
    """The case a threat is about: the one this message went to (a 补充, a 复查); else the sender's
    latest open case (or one answered or closed lately); None in an intake with none — the new
    petition is marked when it is filed."""
    if ctx.petition_id is not None:
        return ctx.case(ctx.petition_id)
    for p in ctx.own_petitions():
        if p.status in OPEN or p.status == Status.JOINED or \
                p.status in (Status.CLOSED, Status.REPLIED) and ctx.now - (p.closed_at or p.updated_at) < RECENT:
            ctx.enter(p.county_id)   # at the city's own entrance: warned in the case's county
            return p
    return None
