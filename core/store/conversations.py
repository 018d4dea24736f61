"""A sender's conversation and their own petitions: the statements of every message's path.

The conversation row is locked, read and written with hand-built Core statements (an upsert that
locks and returns the row, one UPDATE back, on PostgreSQL folded into the message's last
statement): the ORM's unit of work for this one row cost more than the rest of a typical message
(bench/inbound.py). Handlers use the plain :class:`ConversationRow` and the functions here.
"""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Executable, Integer, bindparam, case, exists, false, func, select, union_all, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from core.store.db import upsert
from core.store.models import ONLY_COUNTY, Conversation, County, Person, Petition, PhoneVerification
from core.store.outbox import to_resend


def verified_phones(conn: Connection, openid: str, county_id: int) -> set[str]:
    """Numbers a WeChat OpenID has proven its own with a code, at its county's entrance."""
    return set(conn.scalars(_VERIFIED_PHONES, {"openid": openid, "county": county_id}))


def own_petitions(s: Session, channel: str, sender: str, county_id: int, city: bool = False) -> list[Petition]:
    """The sender's petitions at the entrance of ``county_id``, newest first (at most 200); ``city``:
    the entrance is the city's own (``county_id`` the city's), its petitions those of every county
    of the city."""
    return list(s.scalars(_own_petitions(channel, city), {"own": sender, "county": county_id}))


def find_own(s: Session, channel: str, sender: str, tracking_no: str, county_id: int,
             city: bool = False) -> Petition | None:
    """The petition with this number if the sender may see it at the entrance of ``county_id``;
    else None (same as not existing: another county's case too); ``city`` as own_petitions."""
    return s.scalars(_own_petition(channel, city), {"own": sender, "no": tracking_no, "county": county_id}).first()


REGISTERED = ("letter", "visit", "phone")   # channels of petitions the bureau's staff registered


@lru_cache(maxsize=8)
def whose(channel: str, city: bool = False):
    """The condition "a petition of the sender", on the parameters ``own`` (the sender's OpenID or
    number) and ``county`` (the county whose entrance the sender wrote to: an address is read
    within its county, docs/city.md): by SMS, the petitions carrying the sender's number verified, and those the bureau
    registered with it — a letter's number is its petitioner's once it texts us (the SMS proves
    it; the receipt invited it to, issue 18, 5), while a number typed on WeChat without its code
    may be anyone's and shows nothing; on
    WeChat, those sent from the OpenID and those carrying a number the OpenID has proven its own
    with a code — as ids from two index searches, not an OR, which SQLite's planner answers by
    walking every open petition (ix_petition_status) when the query also filters on status.
    ``city``: ``county`` is a city's, whose own account or number the sender wrote to — the
    petitions of every county of the city (codes proven at the city's entrance)."""
    own, county = bindparam("own"), bindparam("county")
    if channel == "wecom":   # officials only: nobody petitions from WeCom
        return false()
    in_county = Petition.county_id.in_(select(County.id).where(County.parent_id == county)) if city \
        else Petition.county_id == county
    if channel == "sms":
        return in_county & (Petition.phone == own) & \
            (Petition.phone_verified.is_(True) | Petition.channel.in_(REGISTERED))
    proven = select(PhoneVerification.phone).where(PhoneVerification.openid == own, PhoneVerification.county_id == county,
                                                  PhoneVerification.verified_at.is_not(None))
    return in_county & Petition.id.in_(union_all(
        select(Petition.id).where(Petition.openid == own),
        select(Petition.id).where(Petition.phone.in_(proven), Petition.phone_verified.is_(True))))


NEWEST_FIRST = (Petition.received_at.desc(), Petition.id.desc())


@lru_cache(maxsize=8)
def _own_petitions(channel: str, city: bool = False):
    statement = select(Petition).where(whose(channel, city)).order_by(*NEWEST_FIRST).limit(200)
    # at the city's own entrance the session is the city's: the condition holds the counties
    return statement.execution_options(all_counties=True) if city else statement


@lru_cache(maxsize=8)
def _own_petition(channel: str, city: bool = False):
    statement = select(Petition).where(whose(channel, city), Petition.tracking_no == bindparam("no"))
    return statement.execution_options(all_counties=True) if city else statement


class ConversationRow:
    """A sender's conversation (the ``conversation`` row) as handlers use it: plain attributes,
    written back with one UPDATE (:func:`save_conversation`) — the ORM's unit of work for this
    one row cost more than the rest of a typical message."""

    CONVERSATION_COLUMNS = tuple(c.name for c in Conversation.__table__.columns)
    # not columns, read with the lock to save every message a statement: the directory's person
    # who writes from this address (a cadre, staff, a leader), or None for a citizen; and, for a
    # citizen, whether a notice to them failed and goes again when they write (core.store.outbox)
    __slots__ = CONVERSATION_COLUMNS + ("official_id", "resend_waiting")

    def __init__(self, **values: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, values.get(name))


def lock_conversation(conn: Connection, channel: str, sender: str, now: datetime,
                      county_id: int | None = None) -> ConversationRow:
    """A sender's conversation row, created if new — the county's whose entrance they wrote to
    (None: the deployment's only county) —, locked until the transaction ends: one statement, an
    insert that on conflict touches the row (which locks it on PostgreSQL, as FOR UPDATE would)
    and returns it either way — with the id of the county's person writing from this address, if
    any (handlers.officials.identify)."""
    row = conn.execute(_lock_statement(conn.dialect.name, channel),
                       {"channel": channel, "sender": sender, "now": now, "county": county_id}).one()
    return ConversationRow(**row._mapping)


def await_conversation(conn: Connection, channel: str, sender: str, now: datetime, county_id: int | None = None) -> None:
    """Wait, in the caller's transaction, until no other transaction holds the sender's
    conversation row (handling locks it first, :func:`lock_conversation`) — also one inserting it,
    not yet committed. Nothing is changed: on conflict the row is locked and not updated (``DO
    UPDATE ... WHERE false`` locks the conflicting row all the same); a sender without one gets
    the idle row their first message would have made. So the caller can COMMIT, where a ROLLBACK
    would cost more than it looks: psycopg drops every statement it has prepared on the
    connection at a rollback (bench/: the web connections re-planned their statements for ever)."""
    conn.execute(_await_statement(conn.dialect.name), {"channel": channel, "sender": sender, "now": now,
                                                       "county": county_id})


def save_conversation(conn: Connection, conv: ConversationRow, then: tuple[Executable, dict] | None = None) -> None:
    """Write the conversation back. ``then``: the caller's last statement of the transaction (an
    UPDATE whose parameters are not named ``v_*``) and its parameters; on PostgreSQL both run as
    one statement (a data-modifying WITH: a round trip fewer for every message), elsewhere one
    after the other."""
    params = {f"v_{name}": getattr(conv, name) for name in ConversationRow.CONVERSATION_COLUMNS}
    if then is None:
        conn.execute(_SAVE_CONVERSATION, params)
        return
    statement, values = then
    if conn.dialect.name == "postgresql":
        conn.execute(_saving_with(statement), {**params, **values})
    else:
        conn.execute(_SAVE_CONVERSATION, params)
        conn.execute(statement, values)


@lru_cache(maxsize=4)
def _saving_with(statement: Executable) -> Executable:
    return statement.add_cte(_SAVE_CONVERSATION.cte("saved_conversation"))


# built once (the hot path): building a statement costs more than running it
CONVERSATION = Conversation.__table__
_SAVE_CONVERSATION = update(CONVERSATION).where(CONVERSATION.c.id == bindparam("v_id")).values(
    {name: bindparam(f"v_{name}") for name in ConversationRow.CONVERSATION_COLUMNS if name != "id"})
_VERIFIED_PHONES = select(PhoneVerification.phone).where(
    PhoneVerification.openid == bindparam("openid"), PhoneVerification.county_id == bindparam("county"),
    PhoneVerification.verified_at.is_not(None))


def _new_conversation(dialect: str):
    """The insert of a sender's idle conversation, for the upserts below."""
    return upsert(dialect, CONVERSATION).values(
        channel=bindparam("channel"), sender=bindparam("sender"), state="idle", data={}, updated_at=bindparam("now"),
        subscribed=True, window_count=0,
        # the entrance's county; none said (a question put after the commit, a retry's wait): the
        # deployment's only county, refused (NULL) in a deployment of several
        county_id=func.coalesce(bindparam("county", type_=Integer), ONLY_COUNTY))


_TOUCH = {"window_count": CONVERSATION.c.window_count}   # on conflict: the row locked, its values kept
CONFLICT = ["channel", "sender", "county_id"]   # uq_conversation_county_sender: an address's conversation in a county


@lru_cache(maxsize=8)
def _lock_statement(dialect: str, channel: str):
    if channel == "wecom":   # WeCom's member ids are case-insensitive: the file may spell one otherwise
        who = func.lower(Person.wecom_userid) == func.lower(bindparam("sender"))
    else:
        who = (Person.phone if channel == "sms" else Person.openid) == bindparam("sender")
    # the county's own people: at another county's entrance a cadre writes as anyone does
    official = select(Person.id).where(who, Person.active.is_(True),
                                       Person.county_id == func.coalesce(bindparam("county", type_=Integer), ONLY_COUNTY)
                                       ).limit(1).scalar_subquery()
    # asked only of a citizen (CASE goes no further for an official, whose address may have been
    # sent thousands of texts); none is resent on WeCom
    resend = false() if channel == "wecom" else case(
        (official.is_(None), exists().where(to_resend(bindparam("sender"), bindparam("channel")))), else_=false())
    return (_new_conversation(dialect).on_conflict_do_update(index_elements=CONFLICT, set_=_TOUCH)
            .returning(*(CONVERSATION.c[name] for name in ConversationRow.CONVERSATION_COLUMNS),
                       official.label("official_id"), resend.label("resend_waiting")))


@lru_cache(maxsize=2)
def _await_statement(dialect: str):
    return _new_conversation(dialect).on_conflict_do_update(index_elements=CONFLICT, set_=_TOUCH,
                                                            where=false())


ASKS_KEPT = 10   # open questions kept per person (the oldest dropped beyond)


def ask_key(ask: dict) -> tuple:
    """What makes a question the same question: its kind and its case (and 七晚 visit)."""
    return ask.get("kind"), ask.get("petition_id"), ask.get("visit_id"), ask.get("phase")


def open_asks(data: dict) -> list[dict]:
    """The questions open for a person, oldest first (a conversation from before several could be
    open kept one, under "ask")."""
    asks = list(data.get("asks") or [])
    if data.get("ask"):
        asks.append(data["ask"])
    return asks


def put_asks(conn: Connection, asks: list[tuple[str, str, dict]], now: datetime, county_id: int | None = None) -> None:
    """Put questions on their recipients' conversations, after the transaction that asked them
    committed: a question replaces only the same question (kind and case), the others stay open.
    Locked in one order, so two recorders cannot deadlock (handlers.asks reads them)."""
    for channel, to, ask in sorted(asks, key=lambda a: (a[0], a[1], a[2].get("entrance") or 0)):
        # a question to a petitioner who came by the city's own account or number: on that conversation
        ask = dict(ask)
        conv = lock_conversation(conn, channel, to, now, ask.pop("entrance", None) or county_id)
        data = dict(conv.data or {})
        kept = [a for a in open_asks(data) if ask_key(a) != ask_key(ask)]
        data["asks"] = (kept + [{**ask, "asked_at": now.isoformat()}])[-ASKS_KEPT:]
        data.pop("ask", None)
        conv.data = data
        save_conversation(conn, conv)
