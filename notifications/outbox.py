"""Delivering the outbox.

A message to send is written to ``outbound_message`` in the same transaction as the change that
causes it (status ``queued``); delivery claims it (``sending``), sends, and records ``sent`` or
``failed``. Until the RQ workers of the notifications issue take over, delivery runs right after
the request's commit. States are documented in docs/outbox.md.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session, sessionmaker

from core.db import transaction
from core.models import OutboundMessage
from core.phones import mask_phone
from notifications.sms import SendError, SmsBackend

log = logging.getLogger(__name__)
OUTBOX = OutboundMessage.__table__


def deliver(factory: sessionmaker[Session], sms: SmsBackend, ids: list[int], now: datetime) -> None:
    """Send the queued messages ``ids``: claim them all in one statement, send, record each outcome.
    Only SMS is sent here; WeChat messages stay queued for the notification workers."""
    with transaction(factory) as s:
        claimed = s.connection().execute(update(OUTBOX).where(
            OUTBOX.c.id.in_(ids), OUTBOX.c.status == "queued", OUTBOX.c.channel == "sms").values(status="sending")
            .returning(OUTBOX.c.id, OUTBOX.c.channel, OUTBOX.c.to, OUTBOX.c.body)).all()
    results = []
    for message_id, channel, to, body in sorted(claimed):
        status, provider_id, error = "sent", None, None
        try:
            if channel != "sms":
                raise SendError(f"no backend for channel {channel}", permanent=False)
            provider_id = sms.send(to, body)
        except SendError as exc:
            status, error = ("failed" if exc.permanent else "queued"), str(exc)
            log.warning("outbound %s to %s not sent: %s", message_id, mask_phone(to), exc)
        except Exception as exc:  # network trouble: leave it queued for the next attempt
            status, error = "queued", f"{type(exc).__name__}: {exc}"
            log.exception("outbound %s to %s: unexpected error", message_id, mask_phone(to))
        results.append({"mid": message_id, "status": status, "provider_id": provider_id, "error": error,
                        "sent_at": now if status == "sent" else None})
    if results:
        with transaction(factory) as s:
            s.connection().execute(update(OUTBOX).where(OUTBOX.c.id == bindparam("mid")).values(
                status=bindparam("status"), provider_id=bindparam("provider_id"), error=bindparam("error"),
                sent_at=bindparam("sent_at")), results)
