"""Receiving one message, whatever the channel: store raw → de-duplicate → handle → reply.

1. The raw message is committed first, in its own transaction, under the unique key
   (channel, dedupe_key). Nothing received is lost, even if handling fails.
2. A duplicate (a WeChat retry, a repeated Twilio MessageSid) finds that row and waits for its
   reply: the same reply is returned and no second petition can be created. It changes nothing
   and does not poll: it waits for the first delivery's transaction to end (on SQLite the
   writers' turn, on PostgreSQL the sender's conversation row), then reads. On SQLite, where
   every write waits for the one writer, a retry is recognised by reading first and never joins
   the writers' queue (WeChat retries when a reply is late: under load).
3. Handling runs in one transaction with the outbox rows it writes; the reply is stored with
   the raw message. If handling raises, the row is marked failed, kept, and an apology is sent.

This is the hot path (bench/inbound.py): Core statements built once, on a Core connection; the
handlers open an ORM session only when they need one (handlers.context.Context.session).
"""
from __future__ import annotations

import logging
import time
import traceback
import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable


from flask import Response, abort
from sqlalchemy.engine import Connection

from core.clock import local
from notifications.services import Services
from core.store import inbox
from core.store.db import queues_writers, write, writer_turn
from core.store.models import InboundMessage, OutboundMessage
from core.phones import mask_phone, redact
from core.words import citizens as texts
from handlers.asks import record as record_asks
from core.store.conversations import save_conversation
from handlers.dispatch import handle
from handlers.dispatch import REPLY_OTHER
from handlers.message import Inbound

log = logging.getLogger(__name__)
# a message still "processing" this long after its claim, with no transaction handling it, lost its
# handler (killed: a worker's time-out, kill -9): a retry takes it over. Handling takes
# milliseconds; the margin covers a first delivery not yet in its transaction.
TAKE_OVER_AFTER = timedelta(seconds=8)
RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
               timedelta(hours=6))   # a failed message is tried again after these, then left to staff
INBOUND = InboundMessage.__table__

@dataclass(frozen=True)
class Entrance:
    """A county's own entrance (its Official Account, its SMS number: /county/<prefix>/…):
    the county its messages are for (docs/city.md)."""

    county_id: int
    prefix: str
    city: bool = False   # the city's single account or number: the place the citizen names decides the county


def entrance(svc: Services, prefix: str, city: bool = False) -> Entrance:
    """The county of an entrance's path (/county/ls/…: its tracking prefix, any case); 404 when
    this deployment has no such county. ``city``: the path may also be the city's own (its single
    Official Account and number, /county/pds/…: docs/city.md)."""
    found = svc.county_by_prefix(prefix, city=city) if prefix.isalpha() and len(prefix) <= 6 else None
    if found is None:
        abort(Response("no such county", status=404, mimetype="text/plain"))
    county_id, kind = found
    return Entrance(county_id, prefix.upper(), city=kind == "city")


# the deployment's one entrance, in a deployment of several counties: whose would it be?
SEVERAL_COUNTIES = "this deployment holds several counties: each has its own entrance, /county/<prefix>/…"


@dataclass
class Received:
    reply: str | None     # None: the first delivery is still being handled; answer nothing yet
    duplicate: bool = False
    inbound_id: int | None = None
    params: dict | None = None   # the reply as a template (Outcome.reply_params), when handled here


def receive(svc: Services, channel: str, dedupe_key: str, sender: str, msg_type: str, raw: str,
            build: Callable[[int, datetime], Inbound], request_key: str | None = None,
            reply_by_text: bool = False, county: Entrance | None = None) -> Received:
    """``request_key``: what signed the request when the signature does not cover the body; a
    second message under it raises core.store.inbox.ReusedRequest (a forgery) and stores nothing.
    ``reply_by_text``: the channel cannot answer in its response (a domestic provider's reply
    callback): the reply is written to the outbox in the message's own transaction.
    ``county``: the county whose own entrance the message came to (docs/city.md) — the raw
    message, its conversation and all it writes are that county's, its dedupe key is kept apart
    from another county's; None: the deployment's only county (a deployment of several refuses:
    core.store.scope.ScopeError)."""
    now = svc.clock.now()
    county_id = county.county_id if county is not None else None
    key = (f"{county.prefix}:{dedupe_key}" if county is not None else dedupe_key)[:128]
    engine = svc.engine
    inbound_id = outcome = None
    if queues_writers(engine) and (stored := _find(svc, channel, key)) is not None:
        # a retry: on SQLite it need not queue with the writers
        return _await_first(svc, channel, sender, key, stored, build, county_id)
    try:
        # on SQLite one turn in the writers' queue for both commits; one pooled connection
        with writer_turn(engine), engine.connect() as conn:
            inbound_id, before = inbox.store(conn, dict(channel=channel, dedupe_key=key, sender=sender, msg_type=msg_type,
                                                   raw=raw, received_at=now, status="processing",
                                                   request_key=request_key, county_id=county_id))
            if inbound_id is not None:
                outcome = _handle(svc, conn, inbound_id, build, now, reply_by_text, county_id)
    except Exception:
        if inbound_id is None:
            raise    # not stored: the channel gets an error and sends the message again
        return _failed(svc, inbound_id, channel, sender, 1, now)
    if outcome is None:       # stored before: a retry
        return _await_first(svc, channel, sender, key, before, build, county_id)
    return _after(svc, inbound_id, outcome, now)


def _handle(svc: Services, conn: Connection, inbound_id: int, build: Callable[[int, datetime], Inbound],
            now: datetime, reply_by_text: bool = False, county_id: int | None = None):
    """Handle a stored message in one transaction with its outbox rows and its reply, for the
    county of its entrance (``county_id``; None: the deployment's only county)."""
    with conn.begin():
        county, gazetteer = svc.county(conn, county_id, entrance=True)
        msg = build(inbound_id, now)
        outcome = handle(conn, msg, svc.settings, gazetteer, county, before=svc.before_handle)
        if reply_by_text and outcome.reply:
            outcome = dataclasses.replace(outcome, outbox_ids=[*outcome.outbox_ids, OutboundMessage.enqueue(
                conn, msg.channel, msg.sender, outcome.reply, "reply", now,
                params=outcome.reply_params or REPLY_OTHER, county_id=county.id)])
        save_conversation(conn, outcome.conversation, then=inbox.finished(
            inbound_id, "done", outcome.reply, outcome.petition_id))
    return outcome


def _failed(svc: Services, inbound_id: int, channel: str, sender: str, attempt: int, now: datetime) -> Received:
    """Handling raised: the message is kept, marked failed with the (scrubbed) error and tried again
    later (core.store.inbox.pending); the sender is told it is saved."""
    log.exception("handling inbound %s (%s from %s) failed", inbound_id, channel, _who(channel, sender))
    again = now + RETRY_AFTER[attempt - 1] if attempt <= len(RETRY_AFTER) else None
    with write(svc.engine) as conn:
        conn.execute(*inbox.finished(inbound_id, "failed", texts.SORRY, None,
                                     error=redact(traceback.format_exc())[-4000:], next_attempt_at=again))
    return Received(texts.SORRY, inbound_id=inbound_id)


def _after(svc: Services, inbound_id: int, outcome, now: datetime) -> Received:
    if outcome.asks:   # before delivery: an answer must find its question
        try:
            with write(svc.engine) as conn:
                record_asks(conn, outcome.asks, now, outcome.county_id)
        except Exception:
            log.exception("recording the questions of inbound %s failed", inbound_id)
    svc.send_later(outcome.outbox_ids, now)
    svc.fetch_later(outcome.media_ids, now)
    return Received(outcome.reply, inbound_id=inbound_id, params=outcome.reply_params)


def take_over(svc: Services, row, channel: str, sender: str,
              build: Callable[[int, datetime], Inbound], county_id: int | None = None) -> Received | None:
    """Handle a stored message its first handler never finished (it died) or that failed: claimed
    first, so however many try, one handles it. None: another took it, or it was handled."""
    now = svc.clock.now()
    with writer_turn(svc.engine), svc.engine.connect() as conn:
        with conn.begin():
            attempt = inbox.take_over(conn, row.id, inbox.claimed_at(row), now)
        if attempt is None:
            return None
        log.warning("inbound %s: taking over its handling, attempt %s", row.id, attempt)
        try:
            outcome = _handle(svc, conn, row.id, build, now, county_id=county_id)
        except Exception:
            return _failed(svc, row.id, channel, sender, attempt, now)
    return _after(svc, row.id, outcome, now)


def _await_first(svc: Services, channel: str, sender: str, dedupe_key: str, row=None,
                 build: Callable[[int, datetime], Inbound] | None = None, county_id: int | None = None) -> Received:
    """The first delivery's reply, once it has one. Rather than look again and again, wait for the
    first delivery's own transaction (core.store.inbox.await_handler); only if it has not yet begun, or
    failed and is being marked so, look again after a short pause. A message still "processing"
    when nobody is handling it any more (its handler died: the wait went through) and claimed
    longer ago than TAKE_OVER_AFTER is taken over and handled here (exactly once: take_over)."""
    deadline = time.monotonic() + svc.retry_wait
    waited = False
    while True:
        row = row or _find(svc, channel, dedupe_key)
        if row.status != "processing":
            return Received(row.reply or "", duplicate=True, inbound_id=row.id)
        if waited and build is not None and svc.clock.now() - local(inbox.claimed_at(row)) >= TAKE_OVER_AFTER:
            taken = take_over(svc, row, channel, sender, build, county_id)
            if taken is not None:
                return taken
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return Received(None, duplicate=True, inbound_id=row.id)
        if waited:
            time.sleep(min(0.02, remaining))
        _await_handler(svc, channel, sender, remaining, county_id)
        waited, row = True, None


def _find(svc: Services, channel: str, key: str):
    return inbox.find(svc.engine, channel, key)


def _await_handler(svc: Services, channel: str, sender: str, timeout: float, county_id: int | None = None) -> None:
    """Wait until no transaction is handling a message of this sender (core.store.inbox.await_handler)."""
    inbox.await_handler(svc.engine, channel, sender, timeout, svc.clock.now(), county_id)


def _who(channel: str, sender: str) -> str:
    return mask_phone(sender) if channel == "sms" else sender[:6] + "…"
