"""What a use case says must be told, written to the outbox: the audience resolved by
core.audience, the sentence by handlers.texts_officials.NOTICES, in the handling transaction."""
from __future__ import annotations

from core import audience
from core.models import Petition
from core.usecases.base import PETITIONER, PHONES, STAFF, UNIT, Done, Tell
from handlers.context import Context
from handlers.texts_officials import NOTICES


def deliver(ctx: Context, done: Done) -> None:
    for t in done.tells:
        tell(ctx, done.petition, t)


def tell(ctx: Context, p: Petition, t: Tell) -> None:
    body = NOTICES[t.what](ctx, p, **t.data)
    if t.to == PETITIONER:
        channel, to = audience.petitioner(p)
        if to:
            ctx.queue(channel, to, body, t.what, p.id)
            if t.ask is not None:
                ctx.ask(channel, to, t.ask)
        return
    if t.to == STAFF:
        phones = audience.staff(ctx.reader, p)
    elif t.to == UNIT:
        phones = audience.unit(ctx.reader, p) if t.phones is None else t.phones
    elif t.to == PHONES:
        phones = t.phones or ()
    else:
        raise ValueError(f"unknown audience {t.to!r}")
    for phone in phones:
        ctx.queue_sms(phone, body, t.what, p.id)
