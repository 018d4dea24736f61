"""The raw inbound messages: stored first, found again by a retry, finished with the reply.

Built once, on the hot path (bench/inbound.py): building a Core statement per message costs more
than running it (about 0.1 ms each), and the ORM's unit of work more still. The branches for
PostgreSQL (one round trip to store or find; waiting on the sender's conversation row) and
SQLite (waiting for the writers' turn) are here.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import Executable, bindparam, exists, func, literal_column, null, select, union_all, update
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from core.store.conversations import await_conversation
from core.store.db import await_writer, one_statement, read, upsert
from core.store.models import InboundMessage

INBOUND = InboundMessage.__table__

_FINISH = update(INBOUND).where(INBOUND.c.id == bindparam("iid"))
_FIND = select(INBOUND.c.id, INBOUND.c.status, INBOUND.c.reply, INBOUND.c.received_at, INBOUND.c.claimed_at).where(
    INBOUND.c.channel == bindparam("channel"), INBOUND.c.dedupe_key == bindparam("key"))


_RAW_COLUMNS = ("channel", "dedupe_key", "sender", "msg_type", "raw", "received_at", "status", "request_key")
# with the entrance's county said (docs/city.md); without it, the column's default: the deployment's only county
_RAW_WITH_COUNTY = _RAW_COLUMNS + ("county_id",)


class ReusedRequest(Exception):
    """Another message was stored under this request's signature (``request_key``): a replay of a
    signed request with another body. Nothing was stored."""
_STORED = "stored"   # the status _store_raw answers for a row stored now (else the row stored before)


@lru_cache(maxsize=4)
def _store_raw(dialect: str, columns: tuple[str, ...] = _RAW_COLUMNS):
    """The raw message's insert, returning its id; nothing when it was stored before. On
    PostgreSQL the same statement also answers a retry: it returns the row stored before (as
    _FIND), read in the insert's snapshot — one round trip instead of two for every retry. A row
    whose first delivery committed it while this insert waited is not in that snapshot: then
    nothing, and the caller looks again."""
    store = (upsert(dialect, INBOUND).values({c: bindparam(c) for c in columns})
             .on_conflict_do_nothing(index_elements=["channel", "dedupe_key"]))
    stored_now = (INBOUND.c.id, literal_column(f"'{_STORED}'").label("status"))
    if dialect != "postgresql":   # a row stored before is looked up apart (_FIND): the id is all it needs
        return store.returning(*stored_now)
    store = store.returning(*stored_now, null().label("reply"), INBOUND.c.received_at, INBOUND.c.claimed_at)
    stored = store.cte("stored")
    before = select(INBOUND.c.id, INBOUND.c.status, INBOUND.c.reply, INBOUND.c.received_at, INBOUND.c.claimed_at).where(
        INBOUND.c.channel == bindparam("channel"), INBOUND.c.dedupe_key == bindparam("dedupe_key"),
        ~exists(stored.select()))
    return union_all(select(stored), before)



def find(engine: Engine, channel: str, key: str) -> Row | None:
    """The stored message (id, status, reply) of this channel and dedupe key, if any."""
    with read(engine, single=True) as conn:
        return conn.execute(_FIND, dict(channel=channel, key=key)).first()


def finished(inbound_id: int, status: str, reply: str | None, petition_id: int | None,
             error: str | None = None, next_attempt_at: datetime | None = None) -> tuple[Executable, dict]:
    """The statement and parameters that mark a message handled ("done") or "failed" (to be tried
    again at ``next_attempt_at``), with its reply."""
    values = dict(iid=inbound_id, status=status, reply=reply, petition_id=petition_id)
    if error is not None:
        values["error"] = error
    if status == "failed":
        values["next_attempt_at"] = next_attempt_at
    return _FINISH, values


_CLAIMED = func.coalesce(INBOUND.c.claimed_at, INBOUND.c.received_at, type_=INBOUND.c.received_at.type)


def claimed_at(row) -> datetime:
    """When a stored message was last claimed for handling (when received, unless taken over)."""
    return row.claimed_at or row.received_at


def take_over(conn: Connection, inbound_id: int, seen: datetime, now: datetime) -> int | None:
    """Claim a message whose handling died (still "processing" with nobody handling it) or failed,
    as last claimed at ``seen``: one of any number of takers wins. Its new attempt number, or None
    when another took it (or it was handled meanwhile)."""
    row = conn.execute(
        update(INBOUND).where(INBOUND.c.id == inbound_id, INBOUND.c.status.in_(("processing", "failed")),
                              _CLAIMED == seen)
        .values(status="processing", claimed_at=now, attempts=func.coalesce(INBOUND.c.attempts, 1) + 1,
                next_attempt_at=None)
        .returning(INBOUND.c.attempts)).first()
    return row.attempts if row is not None else None


def pending(conn: Connection, now: datetime, dead_after: timedelta, limit: int = 100) -> list[Row]:
    """Stored messages nobody will handle unless asked: "processing" and claimed longer ago than a
    handler may live (it died), or "failed" and due to be tried again."""
    return list(conn.execute(
        select(INBOUND.c.id, INBOUND.c.channel, INBOUND.c.sender, INBOUND.c.msg_type, INBOUND.c.raw,
               INBOUND.c.status, INBOUND.c.received_at, INBOUND.c.claimed_at, INBOUND.c.attempts, INBOUND.c.county_id)
        .where(INBOUND.c.status.in_(("processing", "failed")),
               ((INBOUND.c.status == "processing")
                & (_CLAIMED < now - dead_after))
               | ((INBOUND.c.status == "failed") & INBOUND.c.next_attempt_at.is_not(None)
                  & (INBOUND.c.next_attempt_at <= now)))
        .order_by(INBOUND.c.id).limit(limit)))


def store(conn: Connection, values: dict) -> tuple[int | None, Row | None]:
    """The raw message, committed on its own: (its id, None); or, when it was stored before,
    (None, the row stored before if this statement read it — on PostgreSQL — else None). A
    ``request_key`` already stored with another message raises ReusedRequest. On
    PostgreSQL one statement in autocommit: one round trip, not three (BEGIN, INSERT, COMMIT).
    A connection the database has dropped (a restart) is replaced once, so no message is refused
    for a stale connection in the pool (core.store.db pings only connections that were idle)."""
    if values.get("county_id") is None:   # the column's default: the deployment's only county
        values = {k: v for k, v in values.items() if k != "county_id"}
    statement = _store_raw(conn.dialect.name, _RAW_WITH_COUNTY if "county_id" in values else _RAW_COLUMNS)
    for attempt in (1, 2):
        try:
            with one_statement(conn):
                row = conn.execute(statement, values).first()
            break
        except IntegrityError as error:
            if "request_key" in str(error.orig) or "uq_inbound_request" in str(error.orig):
                raise ReusedRequest() from None
            raise
        except DBAPIError as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
    if row is None:
        return None, None
    return (row.id, None) if row.status == _STORED else (None, row)


def await_handler(engine: Engine, channel: str, sender: str, timeout: float, now: datetime,
                  county_id: int | None = None) -> None:
    """Wait until no transaction is handling a message of this sender. On SQLite the first delivery
    holds the writers' turn from storing to its reply (core.store.db.await_writer); on PostgreSQL the
    sender's conversation row, which handling locks first (core.store.conversations.await_conversation
    waits for it, also for a row not yet committed, for at most ``timeout`` seconds). A sync web
    worker waiting here is woken the moment the first finishes, instead of sleeping through a
    polling interval (WeChat retries when a reply is late: under load)."""
    if engine.dialect.name != "postgresql":
        await_writer(engine)
        return
    with engine.connect() as conn:
        try:
            with conn.begin():   # commits: await_conversation changes nothing, and a rollback is dear
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = {max(1, int(timeout * 1000))}")
                await_conversation(conn, channel, sender, now, county_id)   # waits for the first's lock
        except OperationalError:   # the lock timed out: the caller looks once more and gives up
            pass


def pending_count(conn: Connection) -> int:
    """Stored messages not handled yet (being handled, failed or abandoned), for /healthz."""
    return conn.execute(select(func.count()).where(INBOUND.c.status != "done")).scalar_one()


def given_up(conn: Connection, county_id: int | None = None) -> list[Row]:
    """Stored messages that failed on every try (no next attempt): the bureau's to look at —
    ``county_id``'s (None: every county's, a deployment of one)."""
    where = [INBOUND.c.status == "failed", INBOUND.c.next_attempt_at.is_(None)]
    if county_id is not None:
        where.append(INBOUND.c.county_id == county_id)
    return list(conn.execute(select(INBOUND.c.id, INBOUND.c.channel, INBOUND.c.received_at)
                             .where(*where).order_by(INBOUND.c.id)))
