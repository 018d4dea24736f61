"""What failed for good, for the bureau's operator (``xinfang failures``): citizens' messages
handled on no try, texts the provider refused, media WeChat would not give. Newest first."""
from __future__ import annotations

from sqlalchemy import select, true
from sqlalchemy.engine import Connection, Row

from core.store.models import Attachment, InboundMessage, OutboundMessage, Petition

INBOUND, OUTBOUND, ATTACHMENT = InboundMessage.__table__, OutboundMessage.__table__, Attachment.__table__


def _of(table, county_id: int | None):
    """The rows of one county (None: the deployment's — a city's operator reads every county's)."""
    return true() if county_id is None else table.c.county_id == county_id


def messages(conn: Connection, limit: int = 50, county_id: int | None = None) -> list[Row]:
    return list(conn.execute(
        select(INBOUND.c.id, INBOUND.c.channel, INBOUND.c.sender, INBOUND.c.received_at, INBOUND.c.attempts,
               INBOUND.c.error)
        .where(INBOUND.c.status == "failed", INBOUND.c.next_attempt_at.is_(None), _of(INBOUND, county_id))
        .order_by(INBOUND.c.id.desc()).limit(limit)))


def texts(conn: Connection, limit: int = 50, county_id: int | None = None) -> list[Row]:
    return list(conn.execute(
        select(OUTBOUND.c.id, OUTBOUND.c.channel, OUTBOUND.c.to, OUTBOUND.c.purpose, OUTBOUND.c.created_at,
               OUTBOUND.c.status, OUTBOUND.c.error, OUTBOUND.c.resent_at, Petition.tracking_no)
        .outerjoin(Petition, Petition.id == OUTBOUND.c.petition_id)
        .where(OUTBOUND.c.status.in_(("failed", "undelivered")), _of(OUTBOUND, county_id))
        .order_by(OUTBOUND.c.id.desc()).limit(limit)))


def media(conn: Connection, limit: int = 50, county_id: int | None = None) -> list[Row]:
    return list(conn.execute(
        select(ATTACHMENT.c.id, ATTACHMENT.c.kind, ATTACHMENT.c.at, ATTACHMENT.c.fetch_attempts,
               ATTACHMENT.c.fetch_error, Petition.tracking_no)
        .outerjoin(Petition, Petition.id == ATTACHMENT.c.petition_id)
        .where(ATTACHMENT.c.fetch_status == "failed", _of(ATTACHMENT, county_id))
        .order_by(ATTACHMENT.c.id.desc()).limit(limit)))
