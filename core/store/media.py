"""The media people send (images, voice, video): recorded when they arrive, linked to their
petition once it is known, and the download's progress (notifications.media does the download).

WeChat keeps a follower's media for three days only; a record made in the message's own
transaction is what guarantees the download is tried — whatever the conversation then does
with the message (an abandoned draft, an image sent while idle).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Connection, Row

from core.store.models import Attachment, Petition

ATTACHMENT = Attachment.__table__
PENDING, STORED, FAILED = "pending", "stored", "failed"

_RECORD = insert(ATTACHMENT).returning(ATTACHMENT.c.id)
_LINK = (update(ATTACHMENT).where(ATTACHMENT.c.inbound_id.in_(bindparam("ids", expanding=True)),
                                  ATTACHMENT.c.petition_id.is_(None))
         .values(petition_id=bindparam("pid")))


def record(conn: Connection, kind: str, media_id: str, url: str | None, inbound_id: int | None,
           now: datetime, petition_id: int | None = None, county_id: int | None = None) -> int:
    """A medium just received (at the entrance of ``county_id``; None: the deployment's only
    county), to be downloaded at once; its id."""
    values = dict(kind=kind, media_id=media_id, url=url, inbound_id=inbound_id, at=now, petition_id=petition_id,
                  fetch_status=PENDING, fetch_attempts=0, fetch_next_at=now)
    if county_id is not None:
        values["county_id"] = county_id
    return conn.execute(_RECORD, values).scalar_one()


def link(conn: Connection, inbound_ids: list[int], petition_id: int) -> None:
    """The media of these messages belong to this petition (those not already in one)."""
    if inbound_ids:
        conn.execute(_LINK, {"ids": list(inbound_ids), "pid": petition_id})


def due(conn: Connection, now: datetime, ids: list[int] | None = None, limit: int = 50) -> list[Row]:
    """Media to download now (``ids``: only these, if still due)."""
    query = (select(ATTACHMENT.c.id, ATTACHMENT.c.kind, ATTACHMENT.c.media_id, ATTACHMENT.c.at,
                    ATTACHMENT.c.fetch_attempts, ATTACHMENT.c.fetch_next_at, ATTACHMENT.c.petition_id,
                    ATTACHMENT.c.county_id)
             .where(ATTACHMENT.c.fetch_status == PENDING, ATTACHMENT.c.fetch_next_at <= now)
             .order_by(ATTACHMENT.c.fetch_next_at, ATTACHMENT.c.id).limit(limit))
    if ids is not None:
        query = query.where(ATTACHMENT.c.id.in_(ids))
    return list(conn.execute(query))


def claim(conn: Connection, row: Row, until: datetime) -> bool:
    """Take a due medium for one download (another worker's claim, or a finished one, wins):
    it is not due again before ``until`` unless the download records otherwise."""
    return conn.execute(
        update(ATTACHMENT).where(ATTACHMENT.c.id == row.id, ATTACHMENT.c.fetch_status == PENDING,
                                 ATTACHMENT.c.fetch_next_at == row.fetch_next_at)
        .values(fetch_next_at=until, fetch_attempts=ATTACHMENT.c.fetch_attempts + 1)).rowcount == 1


def stored(conn: Connection, attachment_id: int, sha256: str, size: int, content_type: str, now: datetime) -> None:
    conn.execute(update(ATTACHMENT).where(ATTACHMENT.c.id == attachment_id).values(
        fetch_status=STORED, sha256=sha256, size=size, content_type=content_type[:64], stored_at=now,
        fetch_next_at=None, fetch_error=None))


def retry(conn: Connection, attachment_id: int, error: str, at: datetime) -> None:
    conn.execute(update(ATTACHMENT).where(ATTACHMENT.c.id == attachment_id).values(
        fetch_error=error[:2000], fetch_next_at=at))


def failed(conn: Connection, attachment_id: int, error: str) -> None:
    conn.execute(update(ATTACHMENT).where(ATTACHMENT.c.id == attachment_id).values(
        fetch_status=FAILED, fetch_error=error[:2000], fetch_next_at=None))


def tracking_numbers(conn: Connection, attachment_ids: list[int]) -> list[str]:
    """The tracking numbers of the petitions these media belong to (those that have one)."""
    if not attachment_ids:
        return []
    return list(conn.scalars(
        select(Petition.tracking_no).join(ATTACHMENT, ATTACHMENT.c.petition_id == Petition.id)
        .where(ATTACHMENT.c.id.in_(attachment_ids)).distinct().order_by(Petition.tracking_no)))


def backlog(conn: Connection, now: datetime) -> tuple[int, int | None]:
    """Media not yet stored, and how long the oldest has waited (seconds), for /healthz."""
    count, oldest = conn.execute(select(func.count(), func.min(ATTACHMENT.c.at))
                                 .where(ATTACHMENT.c.fetch_status == PENDING)).one()
    if not count:
        return 0, None
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=now.tzinfo)
    return count, max(0, int((now - oldest) / timedelta(seconds=1)))
