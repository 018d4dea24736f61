"""Receiving one message, whatever the channel: store raw → de-duplicate → handle → reply.

1. The raw message is committed first, in its own transaction, under the unique key
   (channel, dedupe_key). Nothing received is lost, even if handling fails.
2. A duplicate (a WeChat retry, a repeated Twilio MessageSid) finds that row and waits for its
   reply: the same reply is returned and no second petition can be created.
3. Handling runs in one transaction with the outbox rows it writes; the reply is stored with
   the raw message. If handling raises, the row is marked failed, kept, and an apology is sent.
"""
from __future__ import annotations

import logging
import time
import traceback
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.services import Services
from core.db import transaction
from core.models import InboundMessage
from core.phones import mask_phone
from handlers import texts
from handlers.dispatch import handle
from handlers.message import Inbound
from notifications.outbox import deliver

log = logging.getLogger(__name__)


@dataclass
class Received:
    reply: str | None     # None: the first delivery is still being handled; answer nothing yet
    duplicate: bool = False
    inbound_id: int | None = None


def receive(svc: Services, channel: str, dedupe_key: str, sender: str, msg_type: str, raw: str,
            build: Callable[[int, datetime], Inbound]) -> Received:
    now = svc.clock.now()
    try:
        with transaction(svc.sessions) as s:
            row = InboundMessage(channel=channel, dedupe_key=dedupe_key[:128], sender=sender, msg_type=msg_type,
                                 raw=raw, received_at=now, status="processing")
            s.add(row)
            s.flush()
            inbound_id = row.id
    except IntegrityError:
        return _await_first(svc, channel, dedupe_key[:128])

    msg = build(inbound_id, now)
    try:
        with transaction(svc.sessions) as s:
            if svc.before_handle:
                svc.before_handle(msg)
            county, gazetteer = svc.county(s)
            outcome = handle(s, msg, svc.settings, gazetteer, county)
            s.execute(update(InboundMessage).where(InboundMessage.id == inbound_id).values(
                status="done", reply=outcome.reply, petition_id=outcome.petition_id))
    except Exception:
        log.exception("handling inbound %s (%s from %s) failed", inbound_id, channel, _who(channel, sender))
        with transaction(svc.sessions) as s:
            s.execute(update(InboundMessage).where(InboundMessage.id == inbound_id).values(
                status="failed", reply=texts.SORRY, error=traceback.format_exc()[-4000:]))
        return Received(texts.SORRY, inbound_id=inbound_id)

    if outcome.outbox_ids:
        deliver(svc.sessions, svc.sms, outcome.outbox_ids, now)
    return Received(outcome.reply, inbound_id=inbound_id)


def _await_first(svc: Services, channel: str, dedupe_key: str) -> Received:
    deadline = time.monotonic() + svc.retry_wait
    while True:
        with transaction(svc.sessions) as s:
            row = s.execute(select(InboundMessage.id, InboundMessage.status, InboundMessage.reply).where(
                InboundMessage.channel == channel, InboundMessage.dedupe_key == dedupe_key)).one()
        if row.status != "processing":
            return Received(row.reply or "", duplicate=True, inbound_id=row.id)
        if time.monotonic() >= deadline:
            return Received(None, duplicate=True, inbound_id=row.id)
        time.sleep(0.05)


def _who(channel: str, sender: str) -> str:
    return mask_phone(sender) if channel == "sms" else sender[:6] + "…"
