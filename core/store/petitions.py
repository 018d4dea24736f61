"""Statements on petitions and verification codes: the intake's are built once (the hot path,
bench/inbound.py, runs them for every submission); the rest read a petition's record."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.engine import Connection

from core.store.conversations import NEWEST_FIRST, whose
from core.store.scope import county_key
from core.store.models import Attachment, InboundMessage, Petition, PetitionEvent, PhoneVerification


def last_phone(conn: Connection, openid: str, county_id: int) -> str | None:
    """The number on the newest petition sent from this OpenID (to the county's account: an OpenID
    is one account's)."""
    return conn.scalar(_LAST_PHONE, {"openid": openid, "county": county_id})


def new_code(conn: Connection, values: dict) -> None:
    """A verification code sent to a number (its hash, the OpenID, when, the entrance's ``county_id``)."""
    conn.execute(_NEW_CODE, values)


def file_inbound(conn: Connection, inbound_ids: list[int], petition_id: int) -> None:
    """Every message of an intake kept with the petition it made (信访材料 are never lost)."""
    conn.execute(_FILE_INBOUND, {"pid": petition_id, "ids": inbound_ids})


def open_in_township(conn: Connection, channel: str, sender: str, township_id: int, since: datetime,
                     statuses: tuple[str, ...], county_id: int, city: bool = False):
    """The sender's petitions (at the entrance of ``county_id``; ``city``: the city's own, its
    counties' petitions) of a township in ``statuses`` received since a moment (id, tracking_no,
    received_at, content; newest first, at most 20)."""
    return conn.execute(_open_in_township(channel, statuses, city),
                        {"own": sender, "township_id": township_id, "since": since, "county": county_id})


@dataclass(frozen=True)
class CodeUsage:
    """How much the codes of a number and of a sender have been used since a moment."""

    number_sent: int       # codes sent to the number
    number_last: datetime | None   # the last one sent to it
    number_wrong: int      # wrong answers to the number's codes, across resends
    sender_sent: int       # codes the sender asked for, to any number


def code_usage(conn: Connection, openid: str, phone: str, since: datetime) -> CodeUsage:
    return CodeUsage(*conn.execute(_CODE_USAGE, {"phone": phone, "openid": openid, "since": since}).one())


def pending_code(s: Session, openid: str) -> PhoneVerification | None:
    """The newest verification code sent for this OpenID and not yet answered."""
    return s.scalars(select(PhoneVerification).where(PhoneVerification.openid == openid,
                                                     PhoneVerification.verified_at.is_(None))
                     .order_by(PhoneVerification.id.desc())).first()


def unproven_with(s: Session, openid: str, phone: str) -> list[Petition]:
    """The OpenID's petitions carrying ``phone`` not yet proven its own."""
    return list(s.scalars(select(Petition).where(Petition.openid == openid, Petition.phone == phone,
                                                 Petition.phone_verified.is_(False))))


def events_of(s: Session, p: Petition) -> list[PetitionEvent]:
    """A petition's record, in order."""
    return list(s.scalars(select(PetitionEvent).where(PetitionEvent.petition_id == p.id).order_by(PetitionEvent.id)))


def image_count(s: Session, p: Petition) -> int:
    return s.scalar(select(func.count()).select_from(Attachment).where(Attachment.petition_id == p.id))


_LAST_PHONE = (select(Petition.phone).where(county_key(Petition.county_id) == bindparam("county"),
                                            Petition.openid == bindparam("openid"))
               .order_by(Petition.id.desc()).limit(1))
_NEW_CODE = insert(PhoneVerification)
_NUMBER = PhoneVerification.phone == bindparam("phone")
_CODE_USAGE = select(   # built once: every phone number given runs it (building it cost more than running it)
    func.count().filter(_NUMBER), func.max(PhoneVerification.sent_at).filter(_NUMBER),
    func.coalesce(func.sum(PhoneVerification.attempts).filter(_NUMBER), 0),
    func.count().filter(PhoneVerification.openid == bindparam("openid"))
).where(PhoneVerification.sent_at >= bindparam("since"), _NUMBER | (PhoneVerification.openid == bindparam("openid")))
_FILE_INBOUND = update(InboundMessage).where(InboundMessage.id.in_(bindparam("ids", expanding=True))).values(
    petition_id=bindparam("pid"))


@lru_cache(maxsize=8)
def _open_in_township(channel: str, statuses: tuple[str, ...], city: bool = False):
    # the status as an expression (status || ''), which no index serves: SQLite's planner, without
    # statistics, would otherwise walk ix_petition_status (status, unit_id, assigned_at) through
    # every answered petition of the year (1.4 ms a submission over a year's 20,000; the sender's
    # few petitions by their ids: 10 µs)
    return (select(Petition.id, Petition.tracking_no, Petition.received_at, Petition.content, Petition.status)
            .where(whose(channel, city), Petition.status.concat("").in_(statuses),
                   Petition.township_id == bindparam("township_id"),
                   Petition.received_at >= bindparam("since"))
            .order_by(*NEWEST_FIRST).limit(20))
