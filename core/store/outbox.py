"""The outbox's claim: which rows one deliverer takes (with SKIP LOCKED on PostgreSQL); and the
withdrawal of texts not yet sent."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, bindparam, func, literal, or_, select, update
from sqlalchemy.orm import Session

from core.clock import local
from core.outbound import RESENT_WHEN_THEY_WRITE
from core.store.models import OutboundMessage

OUTBOX = OutboundMessage.__table__


def claim(s: Session, ids: list[int] | None, now: datetime, limit: int, lease: timedelta,
          channels: tuple[str, ...] = ("sms",)) -> list[tuple]:
    """Claim up to ``limit`` due rows of the outbox (``ids``: of these only) for one deliverer:
    queued ones whose time has come, and those a deliverer claimed more than ``lease`` ago and
    never finished (taken over). Returns (id, to, body, attempts, purpose, petition_id, channel,
    taken over?, the last attempt's error) in id order; on PostgreSQL two deliverers never claim
    the same row."""
    due = or_(and_(OUTBOX.c.status == "queued",
                   or_(OUTBOX.c.next_attempt_at.is_(None), OUTBOX.c.next_attempt_at <= now)),
              and_(OUTBOX.c.status == "sending", OUTBOX.c.claimed_at < now - lease))
    query = select(OUTBOX.c.id, OUTBOX.c.status).where(OUTBOX.c.channel.in_(channels), due)
    if ids is not None:
        query = query.where(OUTBOX.c.id.in_(ids))
    query = query.order_by(OUTBOX.c.id).limit(limit)
    if s.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)   # two deliverers never claim the same row
    found = s.connection().execute(query).all()
    if not found:
        return []
    taken_over = {i for i, status in found if status == "sending"}
    rows = s.connection().execute(
        update(OUTBOX).where(OUTBOX.c.id.in_([i for i, _ in found]))
        .values(status="sending", claimed_at=now, attempts=OUTBOX.c.attempts + 1)
        .returning(OUTBOX.c.id, OUTBOX.c.to, OUTBOX.c.body, OUTBOX.c.attempts, OUTBOX.c.purpose,
                   OUTBOX.c.petition_id, OUTBOX.c.channel, OUTBOX.c.error)).all()
    return [(*row[:7], row[0] in taken_over, row[7]) for row in sorted(rows)]


RESENT = "sent again when the citizen wrote, once; it had failed: "
UNDELIVERED = ("failed", "undelivered")


def resend_failed(conn, channel: str, address: str, now: datetime) -> list[int]:
    """The citizen ``address`` writes on ``channel``: their notices that failed for good and were
    never sent again are queued once more, to go at once (on WeChat the 48 hours open again with
    this message). ``resent_at`` marks them: a notice is sent again once, never a third time; the
    first failure's reason stays in its error until the outcome of this try replaces it. Their
    ids, for delivery after the commit. One statement by ix_outbound_to_sent; on the hot path only
    when the conversation's lock found one (core.store.conversations: ``resend_waiting``)."""
    return list(conn.execute(_RESEND, {"r_to": address, "r_channel": channel, "r_now": now}).scalars())


def to_resend(to, channel):
    """The condition of a notice to ``to`` on ``channel`` (columns or parameters) that
    :func:`resend_failed` sends again. Its lists are bound one value each, not as an expanding IN,
    which SQLAlchemy would render again at every execution."""
    return and_(OUTBOX.c.to == to, OUTBOX.c.channel == channel,
                OUTBOX.c.status.in_([literal(status) for status in UNDELIVERED]), OUTBOX.c.resent_at.is_(None),
                OUTBOX.c.purpose.in_([literal(purpose) for purpose in sorted(RESENT_WHEN_THEY_WRITE)]))


_RESEND = update(OUTBOX).where(to_resend(bindparam("r_to"), bindparam("r_channel"))).values(
    status="queued", resent_at=bindparam("r_now"), attempts=0, next_attempt_at=None, claimed_at=None,
    error=literal(RESENT) + func.coalesce(OUTBOX.c.error, "")).returning(OUTBOX.c.id)


def awaiting_resend(purpose: str, resent_at) -> bool:
    """A failed notice that will be sent again when its citizen next writes."""
    return resent_at is None and purpose in RESENT_WHEN_THEY_WRITE


WITHDRAWN = "withdrawn"   # a text taken back before it was sent (never sent, never retried)


def withdraw(s: Session, petition_ids: list[int], addresses: list[str]) -> int:
    """Take back the texts about these petitions (one matter) still waiting for ``addresses``
    (phones, OpenIDs): a person or unit just marked 被反映 must not get what was queued for them
    before. A text a deliverer has already claimed is in flight and cannot be taken back. Returns
    how many."""
    if not addresses or not petition_ids:
        return 0
    result = s.connection().execute(
        update(OUTBOX).where(OUTBOX.c.petition_id.in_(petition_ids), OUTBOX.c.to.in_(addresses),
                             OUTBOX.c.status == "queued")
        .values(status=WITHDRAWN, error="withdrawn: the recipient was marked 被反映", next_attempt_at=None))
    return result.rowcount or 0


def backlog(conn, channel: str, now: datetime) -> tuple[int, float | None]:
    """How many texts of a channel wait to be sent, and how long the longest-waiting has been due
    (seconds), for /healthz."""
    due = func.coalesce(OUTBOX.c.next_attempt_at, OUTBOX.c.created_at, type_=OUTBOX.c.created_at.type)
    n, oldest = conn.execute(select(func.count(), func.min(due)).where(
        OUTBOX.c.status == "queued", OUTBOX.c.channel == channel)).one()
    if oldest is None:
        return n, None
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=timezone.utc)
    return n, max(0.0, (now - oldest).total_seconds())


def sent_to(s: Session, numbers: set[str], since: datetime) -> dict[str, list[datetime]]:
    """When each of these numbers was sent texts since ``since`` (a provider's limits per number:
    core.outbound.NumberLimits), by ix_outbound_to_sent."""
    out: dict[str, list[datetime]] = {}
    for to, at in s.connection().execute(select(OUTBOX.c.to, OUTBOX.c.sent_at).where(
            OUTBOX.c.to.in_(numbers), OUTBOX.c.sent_at >= since, OUTBOX.c.channel == "sms")):
        out.setdefault(to, []).append(local(at))
    return out
