"""Tracking numbers (受理编号): PREFIX-YYYYMMDD-NNNN, unique under concurrent submissions.

One atomic upsert per number (INSERT … ON CONFLICT DO UPDATE … RETURNING) on both SQLite and
PostgreSQL: two transactions can never read the same counter value. The petition table's unique
constraint on ``tracking_no`` backs it up.
"""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from core.store.counters import next_value


def next_tracking_no(db: Session | Connection, prefix: str, day: datetime) -> str:
    key = f"{prefix}-{day:%Y%m%d}"
    conn = db.connection() if isinstance(db, Session) else db
    return f"{key}-{next_value(conn, key):04d}"


# as typed: spaces and full-width dashes allowed between the parts
TYPED_RE = re.compile(r"([A-Za-z]{1,6})\s*[-－—]?\s*(\d{8})\s*[-－—]?\s*(\d{1,6})(?!\d)")


def split_tracking_no(text: str) -> tuple[str | None, str]:
    """The first tracking number in what a person typed, in canonical form, and the text after it
    ("LS-20261122-0007", "ls202611220007" and "LS－20261122－7" all count)."""
    m = TYPED_RE.search(text)
    if not m:
        return None, text
    prefix, day, seq = m.groups()
    return f"{prefix.upper()}-{day}-{int(seq):04d}", text[m.end():]


def normalize_tracking_no(text: str) -> str | None:
    return split_tracking_no(text)[0]
