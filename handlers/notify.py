"""What a use case says must be told, written to the outbox: the audience resolved by
core.cases.audience, the sentence by core.words.officials.NOTICES, in the caller's transaction —
a message's (handlers.context.Context) or, for the CLI and the console, an :class:`Outbox`."""
from __future__ import annotations


from sqlalchemy.orm import Session

from core.cases import audience
from core.store.models import County, Petition
from core.directory.places import Gazetteer
from core.acts import CHECK, PETITIONER, PHONES, STAFF, UNIT, Done, Tell
from handlers.context import Context, Writer
from core.words.templates import params_of
from core.words.officials import NOTICES


def deliver(ctx: Context, done: Done) -> None:
    for t in done.tells:
        tell(ctx, done.petition, t)


def tell(ctx: Context, p: Petition | None, t: Tell) -> None:
    body = NOTICES[t.sentence or t.what](ctx, p, **t.data)
    params = params_of(t.sentence or t.what, ctx, p, t.data)   # for a provider that sends templates only
    if t.sentence and isinstance(params, list):   # the purpose's variant: its own template
        params = {"t": t.sentence, "v": params}
    if t.to in (PETITIONER, CHECK):
        channel, to = audience.petitioner(p) if t.to == PETITIONER else audience.petitioner_check(p)
        if to:
            ctx.queue(channel, to, body, t.what, p.id, params)   # a WeChat notice may go by SMS (outbox)
            if t.ask is not None:   # on their conversation at the entrance they came by (the city's own account)
                ctx.ask(channel, to, {**t.ask, "entrance": p.entrance_id} if p.entrance_id else t.ask)
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
        ctx.queue_sms(phone, body, t.what, p.id if p is not None else None, params)


class Outbox(Writer):
    """What :func:`deliver` writes through when no message is being handled (the CLI, the
    console): the outbox rows on ``session``, the county's names for places."""

    def __init__(self, session: Session, county: County, gazetteer: Gazetteer, now) -> None:
        self.session, self.county, self.gazetteer, self.now = session, county, gazetteer, now
        self.outbox_ids: list[int] = []
        self.asks: list[tuple[str, str, dict]] = []   # recorded after the commit (handlers.asks.record)

    @property
    def writes_to(self) -> Session:
        return self.session

    reader = writes_to
