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
from dataclasses import dataclass
from datetime import datetime
from typing import Callable


from notifications.services import Services
from core.store import inbox
from core.store.db import queues_writers, write, writer_turn
from core.store.models import InboundMessage
from core.phones import mask_phone, redact
from handlers import texts
from handlers.asks import record as record_asks
from core.store.conversations import save_conversation
from handlers.dispatch import handle
from handlers.message import Inbound

log = logging.getLogger(__name__)
INBOUND = InboundMessage.__table__

@dataclass
class Received:
    reply: str | None     # None: the first delivery is still being handled; answer nothing yet
    duplicate: bool = False
    inbound_id: int | None = None


def receive(svc: Services, channel: str, dedupe_key: str, sender: str, msg_type: str, raw: str,
            build: Callable[[int, datetime], Inbound]) -> Received:
    now = svc.clock.now()
    key = dedupe_key[:128]
    engine = svc.engine
    inbound_id = outcome = None
    if queues_writers(engine) and (stored := _find(svc, channel, key)) is not None:
        return _await_first(svc, channel, sender, key, stored)   # a retry: on SQLite it need not queue with the writers
    try:
        # on SQLite one turn in the writers' queue for both commits; one pooled connection
        with writer_turn(engine), engine.connect() as conn:
            inbound_id, before = inbox.store(conn, dict(channel=channel, dedupe_key=key, sender=sender, msg_type=msg_type,
                                                   raw=raw, received_at=now, status="processing"))
            if inbound_id is not None:
                with conn.begin():
                    county, gazetteer = svc.county(conn)
                    outcome = handle(conn, build(inbound_id, now), svc.settings, gazetteer, county,
                                     before=svc.before_handle)
                    save_conversation(conn, outcome.conversation, then=inbox.finished(
                        inbound_id, "done", outcome.reply, outcome.petition_id))
    except Exception:
        if inbound_id is None:
            raise    # not stored: the channel gets an error and sends the message again
        log.exception("handling inbound %s (%s from %s) failed", inbound_id, channel, _who(channel, sender))
        with write(engine) as conn:
            conn.execute(*inbox.finished(inbound_id, "failed", texts.SORRY, None, error=redact(traceback.format_exc())[-4000:]))
        return Received(texts.SORRY, inbound_id=inbound_id)
    if outcome is None:       # stored before: a retry
        return _await_first(svc, channel, sender, key, before)

    if outcome.asks:   # before delivery: an answer must find its question
        try:
            with write(engine) as conn:
                record_asks(conn, outcome.asks, now)
        except Exception:
            log.exception("recording the questions of inbound %s failed", inbound_id)
    svc.send_later(outcome.outbox_ids, now)
    return Received(outcome.reply, inbound_id=inbound_id)


def _await_first(svc: Services, channel: str, sender: str, dedupe_key: str, row=None) -> Received:
    """The first delivery's reply, once it has one. Rather than look again and again, wait for the
    first delivery's own transaction (core.store.inbox.await_handler); only if it has not yet begun, or
    failed and is being marked so, look again after a short pause."""
    deadline = time.monotonic() + svc.retry_wait
    waited = False
    while True:
        row = row or _find(svc, channel, dedupe_key)
        if row.status != "processing":
            return Received(row.reply or "", duplicate=True, inbound_id=row.id)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return Received(None, duplicate=True, inbound_id=row.id)
        if waited:
            time.sleep(min(0.02, remaining))
        _await_handler(svc, channel, sender, remaining)
        waited, row = True, None


def _find(svc: Services, channel: str, key: str):
    return inbox.find(svc.engine, channel, key)


def _await_handler(svc: Services, channel: str, sender: str, timeout: float) -> None:
    """Wait until no transaction is handling a message of this sender (core.store.inbox.await_handler)."""
    inbox.await_handler(svc.engine, channel, sender, timeout, svc.clock.now())


def _who(channel: str, sender: str) -> str:
    return mask_phone(sender) if channel == "sms" else sender[:6] + "…"
