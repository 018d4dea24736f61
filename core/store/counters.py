"""Counters that must never give two transactions the same value (tracking numbers)."""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import bindparam
from sqlalchemy.engine import Connection

from core.store.db import upsert
from core.store.models import TrackingCounter


def next_value(conn: Connection, key: str) -> int:
    """The counter ``key`` moved on by one (1 when new): one atomic upsert (INSERT … ON CONFLICT
    DO UPDATE … RETURNING) on SQLite and PostgreSQL alike."""
    return conn.execute(_next(conn.dialect.name), {"key": key}).scalar_one()


@lru_cache(maxsize=2)
def _next(dialect: str):
    counter = TrackingCounter.__table__
    return (upsert(dialect, counter).values(key=bindparam("key"), last=1)
            .on_conflict_do_update(index_elements=[counter.c.key], set_={"last": counter.c.last + 1})
            .returning(counter.c.last))


def can_write(conn: Connection) -> bool:
    """Whether the database accepts a write now (a full disk, a read-only replica: no): one tiny
    committed upsert on the counters' own row for it."""
    next_value(conn, "healthz")
    return True
