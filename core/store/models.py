"""The domain model (SQLAlchemy 2 typed models).

Glossary: docs/glossary.md maps every class and status to its Chinese term.
Every schema change comes with an Alembic migration in core/migrations/versions.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    case,
    func,
    insert,
    select,
)
from sqlalchemy import false as sa_false
from sqlalchemy import text
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from core.clock import SHANGHAI
from core.facts import facts_of, handling_days
from core.outbound import DEFAULT_DAY, DayTime, before_window_closes, hold_until
from core.text import spaced_numbers


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware Asia/Shanghai datetimes out; stored as UTC on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware one")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(SHANGHAI)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


# --- the county (loaded from the county TOML file) -------------------------------------------

class County(Base):
    """A county this deployment serves, or the city over its counties (docs/city.md): ``kind``
    "county" — whose cases, people, units and messages every county-owned row belongs to — or
    "city", the city's own bureau; a county's ``parent_id`` is its city (None: a deployment of one
    county, as every deployment was before the city)."""

    __tablename__ = "county"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    prefix: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    kind: Mapped[str] = mapped_column(String(8), default="county", server_default="county")   # county | city
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("county.id"))


# The deployment's only county, as SQL: what a county-owned row written without a county is given
# (a deployment of one county, where every row is that county's). With two counties or more it is
# NULL, which the NOT NULL column refuses: there the county is always said — a session bound to one
# stamps its new objects (core.store.scope), the hot path's statements write their county's id.
ONLY_COUNTY = (select(case((func.count() == 1, func.max(County.id))))
               .where(County.kind == "county").scalar_subquery())


class CountyOwned:
    """A row of one county's data (docs/city.md): every query of it in a session bound to a county
    is filtered by ``county_id`` (core.store.scope), and a new one gets the county's id."""

    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), default=ONLY_COUNTY)


class Township(CountyOwned, Base):
    """乡镇 / 街道."""

    __tablename__ = "township"
    __table_args__ = (UniqueConstraint("county_id", "name", name="uq_township_county_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))   # unique in its county (two counties may both have a 城关镇)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    villages: Mapped[list[Village]] = relationship(back_populates="township", order_by="Village.id")


class Village(Base):
    """村 / 社区."""

    __tablename__ = "village"
    __table_args__ = (UniqueConstraint("township_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"))
    name: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    township: Mapped[Township] = relationship(back_populates="villages")


class Unit(CountyOwned, Base):
    """责任单位: a township government or a county department."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("county_id", "code", name="uq_unit_county_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))   # unique in its county
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # township | department | bureau
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Person(CountyOwned, Base):
    """A cadre (干部), bureau staff member or county leader (县领导) from the county file."""

    __tablename__ = "person"
    __table_args__ = (Index("uq_person_wecom", "wecom_userid", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str] = mapped_column(String(20), unique=True)  # E.164
    openid: Mapped[str | None] = mapped_column(String(64), unique=True)
    # their WeCom (企业微信 / 政务微信) user id, when the county reaches them there (the county file's
    # ``wecom``): their texts go as app messages, by SMS when WeCom fails (notifications.outbox)
    wecom_userid: Mapped[str | None] = mapped_column(String(64))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    role: Mapped[str] = mapped_column(String(16))  # staff | liaison | cadre | head | leader | admin (no cases)
    title: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())   # the console's 管理
    # who keeps this person: "file" — the county file (`xinfang init` applies it); "console" — an
    # administrator changed them there, and the file leaves them be until handed back
    managed: Mapped[str] = mapped_column(String(8), default="file", server_default="file")


class DirectoryLoad(CountyOwned, Base):
    """Each load of the county file (`xinfang init`): when, which file (its SHA-256), what it
    changed, and whom it left to the console — the county file's state on the 管理 page."""

    __tablename__ = "directory_load"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(255))
    digest: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text)
    kept: Mapped[int] = mapped_column(default=0)       # people the console holds, not changed by the file


# --- messages in ------------------------------------------------------------------------------

class InboundMessage(CountyOwned, Base):
    """Every message received, stored raw before it is interpreted (nothing is ever lost).

    ``dedupe_key`` is the channel's own id (WeChat MsgId, or FromUserName+CreateTime for events;
    Twilio MessageSid): a retry finds the first row and gets the same reply.
    """

    __tablename__ = "inbound_message"
    __table_args__ = (
        UniqueConstraint("channel", "dedupe_key", name="uq_inbound_dedupe"),
        Index("ix_inbound_sender_time", "channel", "sender", "received_at"),
        Index("ix_inbound_pending", "status", "next_attempt_at", postgresql_where=text("status <> 'done'"),
              sqlite_where=text("status <> 'done'")),
        Index("uq_inbound_request", "channel", "request_key", unique=True,
              postgresql_where=text("request_key IS NOT NULL"), sqlite_where=text("request_key IS NOT NULL")),
        Index("ix_inbound_petition", "petition_id"),   # a case's messages as they came (the console)
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))  # wechat | sms | console
    dedupe_key: Mapped[str] = mapped_column(String(128))
    sender: Mapped[str] = mapped_column(String(64))
    msg_type: Mapped[str] = mapped_column(String(32))
    raw: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default="processing")  # processing | done | failed
    reply: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petition.id"))
    # handling taken over (its handler died) or tried again (it failed): when, how many times, next
    claimed_at: Mapped[datetime | None]          # None: claimed when received
    attempts: Mapped[int | None]                 # None: one
    next_attempt_at: Mapped[datetime | None]     # a failed message is tried again then
    # what signed the request, where the signature does not cover the body (WeChat's plaintext
    # mode: timestamp and nonce): a second body under the same signature is a forgery (unique)
    request_key: Mapped[str | None] = mapped_column(String(64))


class Conversation(CountyOwned, Base):
    """Per-sender conversation state, in the database so any web process takes the next message."""

    __tablename__ = "conversation"
    # one per address and county: a number texting two counties' numbers has a conversation with
    # each (an OpenID is one account's, hence one county's, already); led by the address, which
    # the lookups by (channel, sender) use (docs/city.md)
    __table_args__ = (UniqueConstraint("channel", "sender", "county_id", name="uq_conversation_county_sender"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))
    sender: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(24), default="idle")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    started_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    subscribed: Mapped[bool] = mapped_column(Boolean, default=True)
    unsubscribed_at: Mapped[datetime | None]
    # flood limit: messages received since window_started_at (a fixed window, reset when it ends)
    window_started_at: Mapped[datetime | None]
    window_count: Mapped[int] = mapped_column(default=0, server_default="0")


class PhoneVerification(CountyOwned, Base):
    """A code sent by SMS to a phone number given over WeChat; answered = the number is trusted."""

    __tablename__ = "phone_verification"
    __table_args__ = (Index("ix_phone_verification_owner", "openid", "phone"),
                      Index("ix_phone_verification_phone_sent", "phone", "sent_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(20))
    code_hash: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    verified_at: Mapped[datetime | None]


# --- petitions --------------------------------------------------------------------------------

class TrackingCounter(Base):
    """The last sequence number used for one prefix and day (LS-20261122 → 7)."""

    __tablename__ = "tracking_counter"
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


TO_MEET = "status = 'accepted' AND met_at IS NULL AND due_meet IS NOT NULL"   # ix_petition_to_meet's predicate
FOLLOW_UP = "status = 'closed' AND (rating IS NULL OR rating = 'unsatisfied')"    # ix_petition_follow_up's
UNSATISFIED_OPEN = "status = 'replied' AND rating = 'unsatisfied'"                # ix_petition_unsatisfied_open's

# what a county's tallies read of each case (core.reports.measures), carried by its index on PostgreSQL
COUNTY_MEASURES = ["unit_id", "channel", "category", "facts", "people", "handling_days", "status"]

ONE_DIALECT: dict[str, str] = {}   # an index only one database has: its name → that database


def only(dialect: str, index: Index) -> Index:
    """``index`` on ``dialect``'s databases alone (created there, by the models and the migrations;
    core.store.words.modelled_on leaves it out of the comparison elsewhere)."""
    ONE_DIALECT[index.name] = dialect
    return index.ddl_if(dialect=dialect)



class Petition(CountyOwned, Base):
    """信访事项: one matter raised by one petitioner."""

    __tablename__ = "petition"
    __table_args__ = (
        Index("ix_petition_openid", "openid"),
        Index("ix_petition_phone", "phone"),
        # by status, covering the open cases per unit (月考评's cases, the console's shelves)
        Index("ix_petition_status", "status", "unit_id", "assigned_at"),
        # the lists narrowed by days (事项检索's filters, the 台账): on PostgreSQL the filters' columns
        # ride along, so a month's count is an index-only scan, not a heap read per case
        Index("ix_petition_received", "received_at",
              postgresql_include=["channel", "category", "unit_id", "status"]),
        Index("ix_petition_repeat_of", "repeat_of_id"),
        Index("ix_petition_lead", "lead_person_id"),          # a 包案 leader's cases (daily 访情)
        # the open cases flagged overdue (daily 访情, 挂牌 / 超期); PostgreSQL: by county first, below
        only("sqlite", Index("ix_petition_flagged", "overdue", "status")),
        Index("ix_petition_closed", "closed_at", "status", "unit_id", "assigned_at"),   # closed since (月考评's cases)
        Index("ix_petition_name", "name"),                    # the console's lookup by name
        Index("ix_petition_extension", "due_next", postgresql_where=text("pending_extension IS NOT NULL"),
              sqlite_where=text("pending_extension IS NOT NULL")),   # 延期待批
        # 回访: closed cases not rated, or rated 不满意 (the console's shelf, core.cases.followup)
        only("sqlite", Index("ix_petition_follow_up", "closed_at", "unit_id", sqlite_where=text(FOLLOW_UP))),
        # 回访 too: answered, 不满意, and not yet closed (the unit has still to 办结 it)
        only("sqlite", Index("ix_petition_unsatisfied_open", "rated_at", "unit_id", sqlite_where=text(UNSATISFIED_OPEN))),
        # the measures read only this index (core.reports.measures): group columns first, then the rest
        Index("ix_petition_measures", "unit_id", "channel", "category", "received_at", "facts", "people",
              "handling_days"),
        # 待见面: accepted, the meeting due and not yet held (the 工作台's shelf, in deadline order)
        only("sqlite", Index("ix_petition_to_meet", "due_meet", "unit_id", sqlite_where=text(TO_MEET))),
        # 扬言: the cases marked (the 工作台's 预警 shelf)
        Index("ix_petition_threat", "threat_at", postgresql_where=text("threat_at IS NOT NULL"),
              sqlite_where=text("threat_at IS NOT NULL")),
        Index("ix_petition_from_city", "from_city_id", "status", postgresql_where=text("from_city_id IS NOT NULL"),
              sqlite_where=text("from_city_id IS NOT NULL")),
        # a county's cases among a city's (docs/city.md): the bureau's lists by day and by status;
        # a unit's lists need no county first (a unit is one county's)
        # — on PostgreSQL the measures' columns ride along (core.reports.measures.tallies: a county's
        # month among a city's is an index-only scan, as ix_petition_measures is for a county alone)
        Index("ix_petition_county_received", "county_id", "received_at", postgresql_include=COUNTY_MEASURES),
        Index("ix_petition_county_status", "county_id", "status"),
        # PostgreSQL: the 工作台's shelves by county first (docs/city.md; bench/city.py: a county's
        # 工作台 among ten counties of a million cases each 470 → 30 ms). Its planner, which has
        # statistics, would otherwise AND a whole county's ix_petition_county_received with the
        # partial index of every county. SQLite holds one county and filters it with ``+county_id``,
        # which no index serves: it keeps the indexes above, without the county.
        only("postgresql", Index("ix_petition_county_flagged", "county_id", "overdue", "status")),
        only("postgresql", Index("ix_petition_county_follow_up", "county_id", "closed_at", "unit_id",
                                 postgresql_where=text(FOLLOW_UP))),
        only("postgresql", Index("ix_petition_county_unsatisfied_open", "county_id", "rated_at", "unit_id",
                                 postgresql_where=text(UNSATISFIED_OPEN))),
        only("postgresql", Index("ix_petition_county_to_meet", "county_id", "due_meet", "unit_id",
                                 postgresql_where=text(TO_MEET))),
        # the nearest deadline: the sweep's claim (core.cases.sweep) and the 工作台's 即将到期 — by
        # county first on PostgreSQL, and only the cases that have one (a city's ten million cases,
        # most of them closed, hold a few thousand); SQLite's one county keeps its plain index
        only("sqlite", Index("ix_petition_due_next", "due_next")),
        only("postgresql", Index("ix_petition_county_due_next", "county_id", "due_next",
                                 postgresql_where=text("due_next IS NOT NULL"))),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_no: Mapped[str] = mapped_column(String(32), unique=True)
    channel: Mapped[str] = mapped_column(String(8))  # wechat | sms | visit (走访) | letter (来信)
    openid: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(20))
    phone_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str] = mapped_column(String(32))
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"))
    content: Mapped[str] = mapped_column(Text)
    location: Mapped[dict[str, Any] | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="registered")
    received_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    repeat_of_id: Mapped[int | None] = mapped_column(ForeignKey("petition.id"))
    people: Mapped[int] = mapped_column(default=1, server_default="1")        # 人数; > 1 is 集体访
    category: Mapped[str | None] = mapped_column(String(32))                  # from [[county.routes]]
    accusation: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())  # 检举/揭发/控告
    # 扬言 (core.cases.threats): the gravest threat the petitioner made — self_harm | violence | blocking |
    # trip — and when its last 【预警】 went (once a day unless graver); its words are the 'warning' events
    threat: Mapped[str | None] = mapped_column(String(16))
    threat_at: Mapped[datetime | None]
    # the city whose bureau registered it and handed it down (到市访, 来信; core.cases.usecases.hand_down)
    from_city_id: Mapped[int | None] = mapped_column(ForeignKey("county.id"))
    # the entrance it came by when it is not the case's county's own: the city's single Official
    # Account or number (docs/city.md) — what is said to the petitioner goes back through it
    entrance_id: Mapped[int | None] = mapped_column(ForeignKey("county.id"))

    # --- the case (issue 3): who handles it, what happened when, and what is due ---------------
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    lead_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))   # 包案领导
    assigned_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    met_at: Mapped[datetime | None]
    replied_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    complexity: Mapped[str | None] = mapped_column(String(8))          # simple | normal | complex
    extension_days: Mapped[int] = mapped_column(default=0, server_default="0")
    # {"days", "reason", "by"} while a 延期 waits for the bureau; SQL NULL otherwise (ix_petition_extension)
    pending_extension: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    reply_text: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[str | None] = mapped_column(String(16))              # satisfied | basic | unsatisfied
    rated_at: Mapped[datetime | None]
    meet_confirmed: Mapped[bool | None] = mapped_column(Boolean)        # the petitioner's answer
    due_assign: Mapped[datetime | None]
    due_accept: Mapped[datetime | None]
    due_meet: Mapped[datetime | None]
    due_reply: Mapped[datetime | None]
    due_finish: Mapped[datetime | None]
    due_next: Mapped[datetime | None] = mapped_column()      # the nearest open deadline (its indexes: above)
    deadline_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    overdue: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())   # 挂牌
    # a 七晚 plan is under way: the plan is how the case is handled; its answer and closing are held
    # to the law's bounds (core.cases.lifecycle.recompute), not to the county's short targets
    under_evenings: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # 复查 / 复核: the petitioner's review of the reply (条例 Art. 35, 36)
    review_level: Mapped[str | None] = mapped_column(String(10))        # review (复查) | re_review (复核)
    review_requested_at: Mapped[datetime | None]
    due_review: Mapped[datetime | None]
    review_answered_at: Mapped[datetime | None]
    # derived on every flush for the measures (core.facts)
    facts: Mapped[int] = mapped_column(default=0, server_default="0")
    handling_days: Mapped[float | None] = mapped_column(Float)

    township: Mapped[Township] = relationship()
    unit: Mapped[Unit | None] = relationship()
    village: Mapped[Village | None] = relationship()
    events: Mapped[list[PetitionEvent]] = relationship(back_populates="petition", order_by="PetitionEvent.id")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="petition", order_by="Attachment.id")
    repeat_of: Mapped[Petition | None] = relationship(remote_side="Petition.id")

    @property
    def is_first(self) -> bool:
        """初信初访: not linked to an earlier petition on the same matter."""
        return self.repeat_of_id is None


class Recusal(Base):
    """A unit or person a petition accuses (被反映): never assigned, shown or digested to them
    (条例 Art. 30; a cadre with an interest in the matter is recused, Art. 28)."""

    __tablename__ = "recusal"
    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))


class PetitionEvent(CountyOwned, Base):
    """One step in a petition's life; the record is append-only (信访材料 is never lost)."""

    __tablename__ = "petition_event"
    __table_args__ = (Index("ix_petition_event_kind_at", "kind", "at"),)   # a kind in a period (预警)
    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_message.id"))
    petition: Mapped[Petition] = relationship(back_populates="events")


class Reminder(Base):
    """A reminder or overdue alert sent for one deadline of one case: the unique key makes the
    sweep idempotent (two sweeps at once cannot both send it)."""

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("petition_id", "milestone", "kind", "due_at", name="uq_reminder_once"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"))
    milestone: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(8))       # remind | overdue
    due_at: Mapped[datetime]
    at: Mapped[datetime]


class ScoreEvent(CountyOwned, Base):
    """A deduction or bonus for a unit's monthly score (月考评), recorded when it happens."""

    __tablename__ = "score_event"
    __table_args__ = (Index("ix_score_unit_at", "unit_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petition.id"))
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(24))      # late_accept | late_meet | late_reply | late_finish | …
    points: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class Supervision(CountyOwned, Base):
    """督办 by the city (issue 31, 3; core.cases.supervision): the city's bureau marks a county's
    case 挂牌督办 with a reason and a deadline for its answer. Met when the case is answered (答复)
    or closed by then; missed — the sweep — the county's leaders are told and it counts against
    the unit's 月考评 and the county's place in the city's ranking. One open at a time a case."""

    __tablename__ = "supervision"
    __table_args__ = (Index("ix_supervision_petition", "petition_id"),
                      Index("ix_supervision_due", "due_at",
                            postgresql_where=text("met_at IS NULL AND missed_at IS NULL"),
                            sqlite_where=text("met_at IS NULL AND missed_at IS NULL")))
    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"))
    reason: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime]                        # the answer is due by then
    at: Mapped[datetime]                            # when the city marked it
    by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))   # the city's staff member
    by_name: Mapped[str] = mapped_column(String(64))    # "平顶山市信访局" — who, in the county's words
    met_at: Mapped[datetime | None]                 # answered or closed by the deadline: when
    missed_at: Mapped[datetime | None]              # the sweep found the deadline passed without it


# --- 七晚工作法: seven evening home visits (core.evenings.visits) -------------------------------------

class EveningPlan(CountyOwned, Base):
    """A task force's (工作专班) plan of seven consecutive evening home visits for one backlog case.

    Status: ``selected`` (chosen by the bureau, the unit has not filed the plan yet) → ``filed``
    (报备: members and first evening known; evenings run) → ``completed`` (seven valid evenings in a
    row) → ``resolved`` (化解, 销号) | ``unresolved`` (未化解). 化解/未化解 may also come earlier.
    """

    __tablename__ = "evening_plan"
    __table_args__ = (Index("ix_evening_plan_status", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    lead_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))   # 包案领导
    campaign: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="selected")
    selected_at: Mapped[datetime]
    filed_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    first_evening: Mapped[date | None] = mapped_column(Date)
    chain_start: Mapped[date | None] = mapped_column(Date)       # first evening of the current run
    settled_through: Mapped[date | None] = mapped_column(Date)   # every evening up to this one is judged
    in_a_row: Mapped[int] = mapped_column(default=0)             # valid evenings in the current run
    evenings_done: Mapped[int] = mapped_column(default=0)        # valid evenings, all runs
    evenings_missed: Mapped[int] = mapped_column(default=0)
    restarts: Mapped[int] = mapped_column(default=0)
    agreement: Mapped[bool] = mapped_column(Boolean, default=False)   # 息访息诉协议 signed
    outcome_note: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))
    petition: Mapped[Petition] = relationship()
    unit: Mapped[Unit] = relationship()
    members: Mapped[list[PlanMember]] = relationship(back_populates="plan", order_by="PlanMember.id")


class PlanMember(Base):
    """A member of a task force: a person of the directory, or a name and phone (五老人员, a village
    party secretary). A directory member who leaves the unit or the directory stops being one."""

    __tablename__ = "plan_member"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("evening_plan.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))   # the person's unit when filed
    name: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str] = mapped_column(String(20), index=True)
    label: Mapped[str | None] = mapped_column(String(16))               # 五老 / 村支书 / 包片干部 …
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    added_at: Mapped[datetime]
    plan: Mapped[EveningPlan] = relationship(back_populates="members")
    person: Mapped[Person | None] = relationship()


class EveningVisit(Base):
    """One evening of a plan: a visit (started, ended, confirmed) or a missed evening.

    Status: ``open`` (started) → ``ended`` → judged ``counted`` | ``missed``; an evening nobody
    started is a ``missed`` row with no times. One row per plan and evening (the unique key makes
    the sweep idempotent); a visit after midnight belongs to the evening it started."""

    __tablename__ = "evening_visit"
    __table_args__ = (UniqueConstraint("plan_id", "evening", name="uq_evening_visit_once"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("evening_plan.id"))
    evening: Mapped[date] = mapped_column(Date)
    number: Mapped[int | None] = mapped_column()          # 第N晚 of the current run, when started
    status: Mapped[str] = mapped_column(String(8))
    started_at: Mapped[datetime | None]
    started_by: Mapped[int | None] = mapped_column(ForeignKey("plan_member.id"))
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("plan_member.id"))
    summary: Mapped[str | None] = mapped_column(Text)     # 纪要
    location: Mapped[dict[str, Any] | None] = mapped_column()
    distance_m: Mapped[float | None] = mapped_column(Float)
    petitioner_start: Mapped[bool | None] = mapped_column(Boolean)
    petitioner_end: Mapped[bool | None] = mapped_column(Boolean)
    excuse: Mapped[str | None] = mapped_column(Text)      # the bureau accepted why a confirmation is missing
    reason: Mapped[str | None] = mapped_column(Text)      # why it did not count
    judged_at: Mapped[datetime | None]


class Escalation(CountyOwned, Base):
    """越级访: petitioners from the county who went beyond it — to the city (到市), the province
    (赴省) or Beijing (进京) — registered by the bureau's staff ("登记 进京 [乡镇] 人数 事由"). The
    township's unit is named for the monthly score."""

    __tablename__ = "escalation"
    __table_args__ = (Index("ix_escalation_day", "occurred_on"),
                      Index("ix_escalation_county_day", "county_id", "occurred_on"))   # a county's, in a city
    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(8))            # city | province | beijing
    occurred_on: Mapped[date] = mapped_column(Date)
    people: Mapped[int] = mapped_column(default=1)
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    matter: Mapped[str] = mapped_column(Text)
    registered_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))


class DailyCheck(CountyOwned, Base):
    """日排查日报告 (seed 003): a township's report of its daily check, one row per report — "排查
    无新情况", or one matter found (village, people, what, and 动向: where they plan to go). Each
    belongs to one of the day's report rounds (``[county.daily_checks] report_at``)."""

    __tablename__ = "daily_check"
    __table_args__ = (Index("ix_daily_check_round", "day", "round", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    day: Mapped[date] = mapped_column(Date)
    round: Mapped[int] = mapped_column()                    # 0: the first report time of the day
    at: Mapped[datetime]
    nothing_new: Mapped[bool] = mapped_column(Boolean, default=False)
    village: Mapped[str | None] = mapped_column(String(64))
    people: Mapped[int | None] = mapped_column()
    matter: Mapped[str | None] = mapped_column(Text)
    movement: Mapped[str | None] = mapped_column(String(10))   # county | city | province | beijing
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_message.id"))
    unit: Mapped[Unit] = relationship()


class Instruction(CountyOwned, Base):
    """批示: a county leader's instruction on a case, forwarded to the unit; the unit reports
    progress ("进展 编号 …") every ``PROGRESS_DAYS`` days until the case is closed."""

    __tablename__ = "instruction"
    __table_args__ = (Index("ix_instruction_due", "closed_at", "next_report_due"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]
    next_report_due: Mapped[datetime]
    last_report_at: Mapped[datetime | None]
    reports: Mapped[int] = mapped_column(default=0)
    closed_at: Mapped[datetime | None]
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_message.id"))


class BindCode(Base):
    """A one-time code binding a person's WeChat OpenID ("绑定 CODE"), printed by `xinfang bind`."""

    __tablename__ = "bind_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Attachment(CountyOwned, Base):
    """An image, voice recording or video a person sent (WeChat MediaId, PicUrl), recorded when it
    arrives — with the petition it belongs to once known — and downloaded by a worker within
    WeChat's three days (notifications.media): then ``sha256`` names the stored copy.

    Fetch states: ``pending`` (to be downloaded at ``fetch_next_at``) → ``stored`` | ``failed``
    (WeChat no longer has it, or every try for a day failed: staff were told). None: nothing to
    fetch (no MediaId)."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_fetch", "fetch_status", "fetch_next_at",
                            postgresql_where=text("fetch_status = 'pending'"),
                            sqlite_where=text("fetch_status = 'pending'")),
                      Index("ix_attachment_inbound", "inbound_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petition.id"), index=True)   # None: not yet in one
    kind: Mapped[str] = mapped_column(String(12))      # image | voice | video
    media_id: Mapped[str | None] = mapped_column(String(128))
    url: Mapped[str | None] = mapped_column(Text)
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_message.id"))
    at: Mapped[datetime]
    fetch_status: Mapped[str | None] = mapped_column(String(10))
    fetch_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    fetch_next_at: Mapped[datetime | None]
    fetch_error: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))          # the stored copy's name (content-addressed)
    size: Mapped[int | None]
    content_type: Mapped[str | None] = mapped_column(String(64))
    stored_at: Mapped[datetime | None]
    petition: Mapped[Petition | None] = relationship(back_populates="attachments")


# --- messages out -----------------------------------------------------------------------------

class OutboundMessage(CountyOwned, Base):
    """The outbox: written in the same transaction as the change that causes it.

    States: queued → sending → sent (→ delivered | undelivered) | failed. See docs/outbox.md.
    """

    __tablename__ = "outbound_message"
    __table_args__ = (Index("ix_outbound_status", "status", "created_at"),
                      Index("ix_outbound_due", "status", "next_attempt_at"),
                      Index("ix_outbound_provider", "provider_id"),
                      Index("ix_outbound_petition", "petition_id"),   # a case's texts (the console's case file)
                      Index("ix_outbound_to_sent", "to", "sent_at"))   # texts to a number lately (a provider's limits)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))  # sms | wechat
    to: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    provider_id: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petition.id"))
    # delivery (notifications.outbox): attempts so far, when the next may start (retry backoff,
    # or day time for a citizen's non-urgent text), the claim of the attempt under way
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    segments: Mapped[int | None] = mapped_column()        # SMS parts billed (UCS-2: 70, or 67 each when split)
    delivered_at: Mapped[datetime | None]
    # a domestic provider's template parameters, in order (core.words.templates), when the purpose has
    # one: a list — or {"t": template, "v": [...]} where a purpose has more than one template
    params: Mapped[list | dict | None] = mapped_column(JSON)
    # a notice to a citizen that failed for good, queued again when the citizen next wrote (once:
    # never a third time; core.store.outbox.resend_failed)
    resent_at: Mapped[datetime | None]

    @staticmethod
    def queued_row(channel: str, to: str, body: str, purpose: str, now: datetime,
                   petition_id: int | None = None, day: DayTime = DEFAULT_DAY, params: list | None = None,
                   county_id: int | None = None) -> dict:
        body = spaced_numbers(body)     # a tracking number never runs into what follows
        row = {"channel": channel, "to": to, "body": body, "purpose": purpose, "status": "queued", "created_at": now,
               "attempts": 0, "next_attempt_at": hold_until(purpose, now, day), "petition_id": petition_id,
               "params": params}
        if county_id is not None:   # else the column's default: the deployment's only county
            row["county_id"] = county_id
        return row

    @classmethod
    def enqueue(cls, db, channel: str, to: str, body: str, purpose: str, now: datetime,
                petition_id: int | None = None, day: DayTime = DEFAULT_DAY, params: list | None = None,
                county_id: int | None = None) -> int:
        """Write a queued message in the caller's transaction (``db``: a session, or the Core
        connection of the inbound hot path); its id, for delivery after commit. ``day``: the
        county's day time (core.outbound.DayTime), when a text that may wait is sent; ``county_id``:
        whose text it is (None: a session's county, or the deployment's only one)."""
        conn = db.connection() if isinstance(db, Session) else db
        if county_id is None and isinstance(db, Session):
            county_id = _bound_county(db)
        row = cls.queued_row(channel, to, body, purpose, now, petition_id, day, params, county_id)
        if channel == "wechat" and row["next_attempt_at"] is not None:
            _inside_the_window(conn, [row], now, day)
        return conn.execute(_ENQUEUE, row).scalar_one()

    @classmethod
    def enqueue_many(cls, session, messages, now: datetime, channel: str = "sms") -> list[int]:
        """Many queued messages ``(to, body, purpose, petition_id[, params])`` in one statement, in the caller's
        transaction (the sweeps and scheduled reports); their ids, for delivery after commit. The
        county's day time is read here (one small query per batch): the session's county's, or the
        deployment's only one."""
        if not messages:
            return []
        county_id = _bound_county(session)
        counties = select(County.options).where(County.kind == "county")
        options = session.scalar(counties.where(County.id == county_id) if county_id else counties.limit(1))
        day = DayTime.from_options(options)
        rows = [cls.queued_row(channel, to, body, purpose, now, m[3], day, m[4] if len(m) > 4 else None, county_id)
                for m in messages for to, body, purpose in [m[:3]]]
        if not rows:
            return []
        if channel == "wechat":
            _inside_the_window(session.connection(), rows, now, day)
        return list(session.scalars(insert(cls).returning(cls.id), rows))


_ENQUEUE = insert(OutboundMessage.__table__).returning(OutboundMessage.__table__.c.id)   # built once (hot path)


def _bound_county(session: Session) -> int | None:
    """The county a session is bound to, when known (core.store.scope keeps it in session.info
    under "county_id"; "deployment" — the only county — is the column's default already)."""
    county = session.info.get("county_id")
    return county if isinstance(county, int) else None


def _inside_the_window(conn, rows: list[dict], now: datetime, day: DayTime) -> None:
    """WeChat rows held for the morning whose citizen's 48 hours close first go before they close
    (core.outbound.before_window_closes): when each citizen last wrote, from their conversation."""
    held = {row["to"] for row in rows if row["next_attempt_at"] is not None}
    if not held:
        return
    last = dict(conn.execute(select(Conversation.sender, Conversation.updated_at).where(
        Conversation.channel == "wechat", Conversation.sender.in_(held))).all())
    for row in rows:
        row["next_attempt_at"] = before_window_closes(row["next_attempt_at"], now, last.get(row["to"]), day)


class ConsoleCode(Base):
    """A request for a one-time code to sign in to the console (bot/console/sign_in.py): every request
    counted, for a number of the directory and for one nobody has alike (the limits are on the
    number as typed and the address, so the answers cannot tell the two apart); a code goes by
    SMS only to a person of the directory. Kept: the number's keyed hash (never the number), the
    requesting address (an IPv6 address's /64), the browser that asked (only it may answer),
    the code's keyed hash, when, how many wrong tries, when used."""

    __tablename__ = "console_code"
    __table_args__ = (Index("ix_console_code_number", "phone_key", "address", "sent_at"),
                      Index("ix_console_code_address", "address", "sent_at"),
                      Index("ix_console_code_sent", "sent_at"),
                      Index("ix_console_code_asker", "asker_hash"))
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))   # None: nobody of the directory
    phone_key: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(64))
    asker_hash: Mapped[str | None] = mapped_column(String(64))
    code_hash: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]


class ConsoleSession(Base):
    """A signed-in console session, held by the server (the browser's cookie carries only its
    random id; the row keeps the id's SHA-256): who, what they were granted at sign-in (role, unit,
    管理), when it began and was last seen, and when and why it ended — signed out, idle, too
    old, the person stopped, or their role, unit or 管理 changed. Only a live row lets a cookie in."""

    __tablename__ = "console_session"
    __table_args__ = (Index("uq_console_session_token", "token_hash", unique=True),
                      Index("ix_console_session_person", "person_id", "ended_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column()
    admin: Mapped[bool] = mapped_column(Boolean, default=False)
    address: Mapped[str | None] = mapped_column(String(64))   # where it signed in from
    began_at: Mapped[datetime]
    seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_why: Mapped[str | None] = mapped_column(String(16))   # signed_out | idle | expired | stopped | changed


class AuditEvent(CountyOwned, Base):
    """What a person did or looked at in the console: every view of a case file, every reveal of
    a petitioner's number, every action — who, when, what (visible to the bureau)."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_petition", "petition_id", "at"), Index("ix_audit_event_at", "at"),
                      Index("ix_audit_event_county_at", "county_id", "at"),   # a county's record (docs/city.md)
                      Index("ix_audit_event_subject", "subject_id", postgresql_where=text("subject_id IS NOT NULL"),
                            sqlite_where=text("subject_id IS NOT NULL")))
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))   # the person an administrator changed
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(32))        # sign_in | view | reveal | assign | close | …
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petition.id"))
    detail: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(64))   # the client's address, as the proxy gives it


class ReceptionSlot(CountyOwned, Base):
    """A leader's reception (领导接访) on the schedule the bureau publishes (seed 001: 次月县乡两级党政
    领导接访日程公开): day, hours, who, where. Cancelled slots stay (``active`` false)."""

    __tablename__ = "reception_slot"
    __table_args__ = (Index("ix_reception_day", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    starts: Mapped[str] = mapped_column(String(5))          # "09:00", county time
    ends: Mapped[str] = mapped_column(String(5))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    leader: Mapped[str] = mapped_column(String(64))         # as published: "县委书记陈国栋"
    place: Mapped[str] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))


class AnalysisNote(CountyOwned, Base):
    """What the bureau's staff write into a weekly or monthly analysis before it goes to the 常委
    (seed 001: 舆情预判, 下一步工作). Every version is kept; the newest is the one shown."""

    __tablename__ = "analysis_note"
    __table_args__ = (Index("ix_analysis_note_period", "kind", "first", "section", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))             # weekly | monthly
    first: Mapped[date] = mapped_column(Date)                # the period's first day
    section: Mapped[str] = mapped_column(String(16))         # outlook (舆情预判) | next (下一步工作)
    text: Mapped[str] = mapped_column(Text)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    at: Mapped[datetime]


class CityFigures(CountyOwned, Base):
    """The figures of a city's text as they were sent (core.reports.kept): its 每日访情 by county, its
    weekly and monthly analyses' lines, its monthly ranking — what the city's pages show for that
    day or period (the text says 在工作台查看: the page says what the text said), instead of a
    month of ten counties read again. ``county_id`` is the city's. Kept; a job run again for the
    same period replaces its figures."""

    __tablename__ = "city_figures"
    __table_args__ = (UniqueConstraint("county_id", "kind", "period", name="uq_city_figures_period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))             # daily | weekly | monthly | ranking
    period: Mapped[str] = mapped_column(String(10))          # 2026-11-23 (a day, a week's first), 2026-11 (a month)
    figures: Mapped[dict] = mapped_column(JSON)
    computed_at: Mapped[datetime]


class LedgerExport(CountyOwned, Base):
    """A 台账 export built by a worker (notifications.exports): who asked, for which days, how far
    it has got, and the file once written (under EXPORT_DIR). Status: queued → running → done |
    failed; a ``running`` one not touched for 10 minutes lost its worker and may be built again."""

    __tablename__ = "ledger_export"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    first: Mapped[date] = mapped_column(Date)
    last: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default="queued")
    rows_total: Mapped[int | None] = mapped_column()
    rows_done: Mapped[int] = mapped_column(default=0)
    file: Mapped[str | None] = mapped_column(String(128))     # its name under EXPORT_DIR
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    touched_at: Mapped[datetime | None]     # the builder's last sign of life: a dead one's export is taken over
    finished_at: Mapped[datetime | None]
    # a city's export of its counties' 台账 (issue 31, 4): their prefixes, "LS,BF"; None: its own county's
    counties: Mapped[str | None] = mapped_column(String(200))


class ScheduledRun(Base):
    """One run of a scheduled job for one period (notifications.schedule): the unique key lets it
    happen once however many workers and cron processes tick at once."""

    __tablename__ = "scheduled_run"
    __table_args__ = (UniqueConstraint("name", "period", name="uq_scheduled_run_once"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    result: Mapped[str | None] = mapped_column(Text)


@event.listens_for(Session, "before_flush")
def _refresh_facts(session, _context, _instances) -> None:
    """Every petition written carries its facts for the measures (core.facts)."""
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Petition):
            _settle_facts(obj)


def _settle_facts(p: Petition) -> None:
    p.facts = facts_of(p)
    p.handling_days = handling_days(p)


# --- new rows without the unit of work (the hot path) ------------------------------------------

def insert_new(conn, obj) -> int:
    """Write a new, never-added object with one Core INSERT, as a flush would: the columns'
    defaults are filled in on it first, a petition's facts settled; sets and returns its id.
    Every submission stores its petition this way (core.cases.petitioner.file): the
    unit of work for one row costs more than the rest of the message."""
    values = _row_values(obj)
    obj.id = conn.execute(_insert_returning_id(type(obj)), values).scalar_one()
    return obj.id


def insert_all(conn, objs) -> None:
    """Write new objects of one class with one Core statement (an executemany)."""
    if objs:
        conn.execute(_insert(type(objs[0])), [_row_values(o) for o in objs])


def _row_values(obj) -> dict:
    # attribute = column name here; a SQL default (ONLY_COUNTY) left unsaid is the statement's own
    columns = [c for c in obj.__table__.columns if not c.primary_key
               and not (c.default is not None and c.default.is_clause_element and getattr(obj, c.key) is None)]
    for column in columns:
        if getattr(obj, column.key) is None and column.default is not None:
            default = column.default
            setattr(obj, column.key, default.arg if default.is_scalar else default.arg(None))
    if isinstance(obj, Petition):
        _settle_facts(obj)
    return {column.key: getattr(obj, column.key) for column in columns}


@lru_cache(maxsize=None)
def _insert_returning_id(cls):
    return _insert(cls).returning(cls.__table__.c.id)


@lru_cache(maxsize=None)
def _insert(cls):
    return insert(cls.__table__)
