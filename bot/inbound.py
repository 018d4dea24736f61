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
from functools import lru_cache
from typing import Callable

from sqlalchemy import bindparam, exists, literal_column, null, select, union_all, update
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import DBAPIError, OperationalError

from notifications.services import Services
from core.db import await_writer, one_statement, queues_writers, read, upsert, write, writer_turn
from core.models import InboundMessage
from core.phones import mask_phone
from handlers import texts
from handlers.asks import record as record_asks
from handlers.context import await_conversation, save_conversation
from handlers.dispatch import handle
from handlers.message import Inbound

log = logging.getLogger(__name__)
INBOUND = InboundMessage.__table__

# Statements on the hot path are built once: building a Core statement per message costs more
# than running it (bench/: about 0.1 ms each), and the ORM's unit of work more still.
_FINISH = update(INBOUND).where(INBOUND.c.id == bindparam("iid"))
_FIND = select(INBOUND.c.id, INBOUND.c.status, INBOUND.c.reply).where(
    INBOUND.c.channel == bindparam("channel"), INBOUND.c.dedupe_key == bindparam("key"))


_RAW_COLUMNS = ("channel", "dedupe_key", "sender", "msg_type", "raw", "received_at", "status")
_STORED = "stored"   # the status _store_raw answers for a row stored now (else the row stored before)


@lru_cache(maxsize=2)
def _store_raw(dialect: str):
    """The raw message's insert, returning its id; nothing when it was stored before. On
    PostgreSQL the same statement also answers a retry: it returns the row stored before (as
    _FIND), read in the insert's snapshot — one round trip instead of two for every retry. A row
    whose first delivery committed it while this insert waited is not in that snapshot: then
    nothing, and the caller looks again."""
    store = (upsert(dialect, INBOUND).values({c: bindparam(c) for c in _RAW_COLUMNS})
             .on_conflict_do_nothing(index_elements=["channel", "dedupe_key"])
             .returning(INBOUND.c.id, literal_column(f"'{_STORED}'").label("status"), null().label("reply")))
    if dialect != "postgresql":
        return store
    stored = store.cte("stored")
    before = select(INBOUND.c.id, INBOUND.c.status, INBOUND.c.reply).where(
        INBOUND.c.channel == bindparam("channel"), INBOUND.c.dedupe_key == bindparam("dedupe_key"),
        ~exists(stored.select()))
    return union_all(select(stored), before)


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
            inbound_id, before = _store(conn, dict(channel=channel, dedupe_key=key, sender=sender, msg_type=msg_type,
                                                   raw=raw, received_at=now, status="processing"))
            if inbound_id is not None:
                with conn.begin():
                    county, gazetteer = svc.county(conn)
                    outcome = handle(conn, build(inbound_id, now), svc.settings, gazetteer, county,
                                     before=svc.before_handle)
                    save_conversation(conn, outcome.conversation, then=(_FINISH, dict(
                        iid=inbound_id, status="done", reply=outcome.reply, petition_id=outcome.petition_id)))
    except Exception:
        if inbound_id is None:
            raise    # not stored: the channel gets an error and sends the message again
        log.exception("handling inbound %s (%s from %s) failed", inbound_id, channel, _who(channel, sender))
        with write(engine) as conn:
            conn.execute(_FINISH, dict(iid=inbound_id, status="failed", reply=texts.SORRY, petition_id=None,
                                       error=traceback.format_exc()[-4000:]))
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


def _store(conn: Connection, values: dict) -> tuple[int | None, Row | None]:
    """The raw message, committed on its own: (its id, None); or, when it was stored before,
    (None, the row stored before if this statement read it — on PostgreSQL — else None). On
    PostgreSQL one statement in autocommit: one round trip, not three (BEGIN, INSERT, COMMIT).
    A connection the database has dropped (a restart) is replaced once, so no message is refused
    for a stale connection in the pool (core.db pings only connections that were idle)."""
    statement = _store_raw(conn.dialect.name)
    for attempt in (1, 2):
        try:
            with one_statement(conn):
                row = conn.execute(statement, values).first()
            break
        except DBAPIError as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
    if row is None:
        return None, None
    return (row.id, None) if row.status == _STORED else (None, row)


def _find(svc: Services, channel: str, key: str):
    with read(svc.engine, single=True) as conn:
        return conn.execute(_FIND, dict(channel=channel, key=key)).first()


def _await_first(svc: Services, channel: str, sender: str, dedupe_key: str, row=None) -> Received:
    """The first delivery's reply, once it has one. Rather than look again and again, wait for the
    first delivery's own transaction (:func:`_await_handler`); only if it has not yet begun, or
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


def _await_handler(svc: Services, channel: str, sender: str, timeout: float) -> None:
    """Wait until no transaction is handling a message of this sender. On SQLite the first delivery
    holds the writers' turn from storing to its reply (core.db.await_writer); on PostgreSQL the
    sender's conversation row, which handling locks first (handlers.context.await_conversation
    waits for it, also for a row not yet committed, for at most ``timeout`` seconds). A sync web
    worker waiting here is woken the moment the first finishes, instead of sleeping through a
    polling interval (WeChat retries when a reply is late: under load)."""
    engine = svc.engine
    if engine.dialect.name != "postgresql":
        await_writer(engine)
        return
    with engine.connect() as conn:
        try:
            with conn.begin():   # commits: await_conversation changes nothing, and a rollback is dear
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = {max(1, int(timeout * 1000))}")
                await_conversation(conn, channel, sender, svc.clock.now())   # waits for the first's lock
        except OperationalError:   # the lock timed out: the caller looks once more and gives up
            pass


def _who(channel: str, sender: str) -> str:
    return mask_phone(sender) if channel == "sms" else sender[:6] + "…"
