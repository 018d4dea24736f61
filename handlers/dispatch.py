"""The one entry point: an :class:`Inbound` in, an :class:`Outcome` out.

Order of questions for every message: an event? over the sender's rate limit? a stale draft to
close? then by kind (voice, image, location, text); a text is a command (declared in ``handlers.commands``)
or an answer in the sender's current state (``intake``, supplement, withdraw).
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy.engine import Connection

from core.words.said import params_of
from core.store import media
from core.store import outbox as outbox_rows
from core.store.models import County
from core.places import Gazetteer
from core.settings import Settings
from handlers import asks, commands, evenings, intake, officials, threats
from core.words import citizens as texts
from core.words import officials as T
from handlers import checks  # noqa: F401  (declares 排查 on the registry)
from core.store.conversations import lock_conversation
from handlers.context import Context, md
from handlers.message import Inbound, Outcome
from handlers.extract import is_thanks
from handlers.registry import CITIZEN

INTAKE_STATES = intake.STATES
OFFICIAL_OTHER = {"t": "official_other", "v": []}
REPLY_OTHER = {"t": "reply_other", "v": []}     # a citizen's answer with no template of its own


MEDIA_KINDS = ("image", "voice", "video")


def handle(conn: Connection, msg: Inbound, settings: Settings, gazetteer: Gazetteer, county: County,
           before: Callable | None = None) -> Outcome:
    """Handle one message in the caller's write transaction (``conn``); ``before(msg, session)``
    is a test hook run first. The caller writes the conversation back (``Outcome.conversation``:
    handlers.context.save_conversation), with its own record of the message."""
    conv = lock_conversation(conn, msg.channel, msg.sender, msg.received_at)
    ctx = Context(conn=conn, county=county, gazetteer=gazetteer, settings=settings, msg=msg, conv=conv,
                  now=msg.received_at)
    if before is not None:
        before(msg, ctx.session)
    # a photo, a voice or a video is recorded before anything else: WeChat keeps it three days,
    # a worker downloads it after this commit, whatever the conversation does with the message
    media_ids = [media.record(conn, msg.kind, msg.media_id, msg.url, msg.inbound_id, msg.received_at)] \
        if msg.media_id and msg.inbound_id and msg.kind in MEDIA_KINDS else []
    person = officials.identify(ctx) if msg.kind in ("text", "voice", "location") \
        else None
    if person is not None:
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
    if conv.state in INTAKE_STATES and msg.inbound_id:
        # every message of an intake is filed with the petition, and all it said is screened for
        # whom it accuses — also words the conversation did not take as the story
        data = ctx.data()
        ids = list(data.get("inbound_ids") or []) + [msg.inbound_id]
        said = list(data.get("said") or []) + ([msg.text[:500]] if msg.text else [])
        ctx.set_state(conv.state, inbound_ids=ids[-500:], said=said[-50:])
    conv.updated_at = ctx.now
    ctx.flush()
    if media_ids and ctx.petition_id:   # sent about a petition (补充, a voice 答复): kept with it
        media.link(conn, [msg.inbound_id], ctx.petition_id)
    if ctx.reply_params is None and reply:   # the reply as its template: its own, or where to read it
        ctx.reply_params = OFFICIAL_OTHER if person is not None else \
            REPLY_OTHER if ctx.notes else params_of(reply, REPLY_OTHER)
    return Outcome(reply=ctx.fit(reply) if reply else "", outbox_ids=ctx.outbox_ids, petition_id=ctx.petition_id,
                   asks=ctx.asks, conversation=conv, media_ids=media_ids, reply_params=ctx.reply_params)


def _route(ctx: Context) -> str:
    msg = ctx.msg
    if msg.kind == "event":
        return _event(ctx)
    if _rate_limited(ctx):
        return texts.RATE_LIMITED
    _expire_draft(ctx)
    state = ctx.conv.state
    if msg.kind == "voice":
        if not msg.text:   # kept all the same (core.store.media): in an intake it joins the petition
            if state == "supplement" and (target := commands.supplement_target(ctx)):
                commands.add_media(ctx, target)
                return texts.VOICE_KEPT_UNRECOGNISED + texts.supplement_saved(target.tracking_no)
            return texts.VOICE_KEPT_UNRECOGNISED + (intake.reprompt(ctx) if state in INTAKE_STATES else "")
        return _text(ctx, msg.text)
    if msg.kind in ("image", "video"):
        if state in INTAKE_STATES:
            return intake.attach_image(ctx) if msg.kind == "image" else intake.attach_video(ctx)
        if state == "supplement" and (target := commands.supplement_target(ctx)):
            commands.add_media(ctx, target)
            return texts.supplement_saved(target.tracking_no)
        if msg.inbound_id:   # kept for the petition they may be about to start (within a day)
            ctx.set_state(state, pending_media=(intake.recent_media(ctx)
                                                + [[msg.inbound_id, ctx.now.isoformat(), msg.kind]])[-20:])
        return texts.media_when_idle(msg.kind)
    if msg.kind == "location":
        if state in INTAKE_STATES:
            return intake.attach_location(ctx)
        ctx.set_state(state, pending_location=msg.location)
        return texts.location_when_idle()
    if msg.kind != "text":
        return texts.other_message(ctx.channel)
    return _text(ctx, msg.text)


def _text(ctx: Context, text: str) -> str:
    state = ctx.conv.state
    text = text.strip()
    if not text:
        return intake.reprompt(ctx) if state in INTAKE_STATES else texts.help_text(ctx.channel)
    if len(text) > ctx.settings.max_content_chars:
        return texts.TOO_LONG.format(limit=ctx.settings.max_content_chars)
    if text.startswith("绑定") and (bound := officials.try_bind(ctx, text)) is not None:
        return bound
    if text.startswith(evenings.MEMBER_VERBS) and (visit := evenings.external_member(ctx, text)) is not None:
        return visit
    return threats.hear(ctx, text, _answer(ctx, text))   # 扬言, wherever it is said: warned at once


def _answer(ctx: Context, text: str) -> str:
    """A citizen's text: an answer to a question put to them, a command, or a step of what they are doing."""
    state = ctx.conv.state
    if state in ("idle", "rate_why") and (answer := asks.answer(ctx, text)) is not None:
        return answer
    cmd = CITIZEN.parse(text) or commands.asked_within(text)
    if cmd is not None:
        answer = CITIZEN.run(ctx, cmd)
        if answer is not None:
            return answer
    if state in INTAKE_STATES:
        return intake.handle(ctx, text)
    if state == "supplement":
        target = commands.supplement_target(ctx)
        if target is None:
            ctx.reset()
            return texts.help_text(ctx.channel)
        commands.add_text(ctx, target, text)
        return texts.supplement_saved(target.tracking_no)
    if state == "withdraw":
        return texts.ANSWER_WITHDRAW
    if state == "idle" and (said := asks.about_the_case(ctx, text)) is not None:
        return said
    if is_thanks(text):
        return texts.YOU_ARE_WELCOME
    return intake.start(ctx, text)


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
            return CITIZEN.run(ctx, cmd) or texts.help_text(ctx.channel)
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


def _expire_draft(ctx: Context) -> None:
    conv = ctx.conv
    if conv.state in INTAKE_STATES and conv.updated_at and ctx.now - conv.updated_at >= intake.DRAFT_TTL:
        started = conv.started_at or conv.updated_at
        ctx.reset()
        ctx.notes.append(texts.draft_expired(md(started)))
