"""The one entry point: an :class:`Inbound` in, an :class:`Outcome` out.

Order of questions for every message: an event? over the sender's rate limit? a stale draft to
close? then by kind (voice, image, location, text), answered by what the sender's state accepts
in the conversation's table (handlers.conversation): the citizen's commands, an answer to a
question put to them, a step of the intake …
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy.engine import Connection

from core.words.said import params_of
from core.store import media
from core.store import outbox as outbox_rows
from core.store.models import County
from core.directory.places import Gazetteer
from core.settings import Settings
from handlers import conversation, evenings, officials, threats
from core.words import citizens as texts
from core.words import officials as T
from handlers import checks  # noqa: F401  (declares 排查 on the registry)
from core.store.conversations import lock_conversation
from handlers.context import Context
from handlers.message import Inbound, Outcome
from handlers.registry import CITIZEN
from handlers.states import INTAKE

OFFICIAL_OTHER = {"t": "official_other", "v": []}
REPLY_OTHER = {"t": "reply_other", "v": []}     # a citizen's answer with no template of its own


MEDIA_KINDS = ("image", "voice", "video")


def handle(conn: Connection, msg: Inbound, settings: Settings, gazetteer: Gazetteer, county: County,
           before: Callable | None = None) -> Outcome:
    """Handle one message in the caller's write transaction (``conn``); ``before(msg, session)``
    is a test hook run first. The caller writes the conversation back (``Outcome.conversation``:
    handlers.context.save_conversation), with its own record of the message."""
    conv = lock_conversation(conn, msg.channel, msg.sender, msg.received_at, county.id)   # the entrance's county
    ctx = Context(conn=conn, county=county, gazetteer=gazetteer, settings=settings, msg=msg, conv=conv,
                  now=msg.received_at)
    if before is not None:
        before(msg, ctx.session)
    # a photo, a voice or a video is recorded before anything else: WeChat keeps it three days,
    # a worker downloads it after this commit, whatever the conversation does with the message
    media_ids = [media.record(conn, msg.kind, msg.media_id, msg.url, msg.inbound_id, msg.received_at,
                              county_id=county.id)] \
        if msg.media_id and msg.inbound_id and msg.kind in MEDIA_KINDS else []
    person = officials.identify(ctx) if msg.kind in ("text", "voice", "location") \
        else None
    if person is not None:
        ctx.as_citys_own()       # at the city's own entrance: the city's person, its own places
        if _rate_limited(ctx):
            reply = texts.RATE_LIMITED
        elif msg.kind == "location":
            reply = evenings.location(ctx, person)
        else:
            reply = officials.handle(ctx, person, msg.text or "")
    elif msg.channel == "wecom":   # the county's staff app: nobody petitions there
        reply = "" if msg.kind == "event" else T.WECOM_TEXT_ONLY if conv.official_id else T.WECOM_UNKNOWN
    else:
        reply = _route(ctx)
        # the citizen is here: what failed goes again (the lock said whether anything did)
        if conv.resend_waiting and (msg.kind != "event" or msg.event != "unsubscribe"):
            ctx.outbox_ids.extend(outbox_rows.resend_failed(conn, msg.channel, msg.sender, ctx.now))
    if conv.state in INTAKE and msg.inbound_id:
        # every message of an intake is filed with the petition, and all it said is screened for
        # whom it accuses — also words the conversation did not take as the story
        data = ctx.data()
        ids = list(data.get("inbound_ids") or []) + [msg.inbound_id]
        said = list(data.get("said") or []) + ([msg.text[:500]] if msg.text else [])
        ctx.put(inbound_ids=ids[-500:], said=said[-50:])
    conv.updated_at = ctx.now
    ctx.flush()
    if media_ids and ctx.petition_id:   # sent about a petition (补充, a voice 答复): kept with it
        media.link(conn, [msg.inbound_id], ctx.petition_id)
    if ctx.reply_params is None and reply:   # the reply as its template: its own, or where to read it
        ctx.reply_params = OFFICIAL_OTHER if person is not None else \
            REPLY_OTHER if ctx.notes else params_of(reply, REPLY_OTHER)
    return Outcome(reply=ctx.fit(reply) if reply else "", outbox_ids=ctx.outbox_ids, petition_id=ctx.petition_id,
                   asks=ctx.asks, county_id=county.id, conversation=conv, media_ids=media_ids, reply_params=ctx.reply_params)


def _route(ctx: Context) -> str:
    msg = ctx.msg
    if msg.kind == "event":
        return _event(ctx)
    if _rate_limited(ctx):
        return texts.RATE_LIMITED
    conversation.expired(ctx)
    if msg.kind == "voice":
        # kept all the same (core.store.media): in an intake it joins the petition
        return _text(ctx, msg.text) if msg.text else conversation.answer(ctx, "voice")
    if msg.kind in ("image", "video"):
        return conversation.answer(ctx, "media")
    if msg.kind == "location":
        return conversation.answer(ctx, "location")
    if msg.kind != "text":
        return texts.other_message(ctx.channel)
    return _text(ctx, msg.text)


def _text(ctx: Context, text: str) -> str:
    text = text.strip()
    if not text:
        return conversation.answer(ctx, "empty")
    if len(text) > ctx.settings.max_content_chars:
        return texts.TOO_LONG.format(limit=ctx.settings.max_content_chars)
    if text.startswith("绑定") and (bound := officials.try_bind(ctx, text)) is not None:
        return bound
    if text.startswith(evenings.MEMBER_VERBS) and (visit := evenings.external_member(ctx, text)) is not None:
        return visit
    # 扬言, wherever it is said: warned at once
    return threats.hear(ctx, text, conversation.answer(ctx, "text", text))


def _event(ctx: Context) -> str:
    msg = ctx.msg
    if msg.event == "subscribe":
        ctx.conv.subscribed = True
        return texts.welcome(ctx.county.name, ctx.channel)
    if msg.event == "unsubscribe":
        ctx.conv.subscribed = False
        ctx.conv.unsubscribed_at = ctx.now
        return ""
    if msg.event == "click":
        cmd = CITIZEN.clicked(msg.event_key or "")
        if cmd is not None:
            return conversation.run_command(ctx, cmd) or texts.help_text(ctx.channel)
    return texts.help_text(ctx.channel)


def _rate_limited(ctx: Context) -> bool:
    """At most ``rate_limit_count`` messages per sender in a window of ``rate_limit_window``
    seconds. The window is counted on the (locked) conversation row, not by counting messages."""
    s, conv = ctx.settings, ctx.conv
    started = conv.window_started_at
    if started is None or (ctx.now - started).total_seconds() >= s.rate_limit_window or ctx.now < started:
        conv.window_started_at, conv.window_count = ctx.now, 1
        return False
    conv.window_count = (conv.window_count or 0) + 1
    return conv.window_count > s.rate_limit_count
