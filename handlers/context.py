"""What a handler works with: the session, the county, the message, the sender's conversation.

Also the helpers every handler shares: fitting replies to the channel (WeChat's 2048 bytes, two
SMS segments), paging long lists ("回复 下一页"), and writing to the outbox.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from core.cases.lifecycle import barred

from core.rules import Rules
from core.evenings.visits import EveningRules
from core.outbound import DayTime
from core.clock import month_day
from core.text import spaced_numbers
from core.store import conversations, scope
from core.store.conversations import ConversationRow
from core.store.models import County, OutboundMessage, Petition
from core.directory.places import CityGazetteer, Gazetteer
from core.settings import Settings
from core.words import citizens as texts
from handlers.message import Inbound
from handlers.states import State


KEPT_ON_RESET = frozenset({"pending_location", "pending_media", "asks", "call_back_asked", "threat_told"})


class Writer:
    """What a use case's notices are written through (handlers.notify): the outbox rows of the
    caller's transaction, the questions put to others, the county's words for places and 七晚.
    A message's Context is one; handlers.notify.Outbox is the CLI's and the console's."""

    county: County
    gazetteer: Gazetteer
    now: datetime
    outbox_ids: list[int]
    asks: list[tuple[str, str, dict]]

    @property
    def writes_to(self):
        """The Session or Connection the outbox rows go to."""
        raise NotImplementedError

    def queue(self, channel: str, to: str, body: str, purpose: str, petition_id: int | None = None,
              params: list | None = None) -> None:
        """An outbound message (SMS to a number, WeChat to an OpenID), sent after the commit;
        ``params``: its template's parameters, for a provider that sends templates only."""
        self.outbox_ids.append(OutboundMessage.enqueue(self.writes_to, channel, to, body, purpose, self.now,
                                                       petition_id, self.day_time, params, self.county.id))

    def queue_sms(self, to: str, body: str, purpose: str, petition_id: int | None = None,
                  params: list | None = None) -> None:
        self.queue("sms", to, body, purpose, petition_id, params)

    def ask(self, channel: str, to: str, ask: dict) -> None:
        """Put a question to someone else (the petitioner: "回复1是 2否"): their next answer is read
        against it. Recorded on their conversation after this transaction commits, never inside
        it: this transaction may hold a case's row, and a transaction answering an earlier
        question holds that conversation first and then wants the case — the two would deadlock."""
        self.asks.append((channel, to, ask))

    def place_of(self, p: Petition, village: bool = True) -> str:
        """"下汤镇林楼村" (or the township alone): core.directory.places.Gazetteer.place_of."""
        return self.gazetteer.place_of(p, village)

    @cached_property
    def day_time(self) -> DayTime:
        """The county's day time: when a text that may wait is sent (core.outbound)."""
        return DayTime.from_options(self.county.options)

    @cached_property
    def evening_rules(self) -> EveningRules:
        """The county's 七晚 rules (window, minimum hours, judging time …)."""
        return EveningRules.from_options(self.county.options)


@dataclass
class Context(Writer):
    conn: Connection            # the handling transaction (Core: the hot path's statements)
    county: County
    gazetteer: Gazetteer
    settings: Settings
    msg: Inbound
    conv: ConversationRow
    now: datetime
    outbox_ids: list[int] = field(default_factory=list)
    petition_id: int | None = None
    notes: list[str] = field(default_factory=list)  # said before the reply (e.g. "draft expired")
    # the reply as a registered template ({"t": key, "v": [...]}, core.words.templates), when the
    # handler knows it — an official's command done; else the reply's shape decides
    reply_params: dict | None = None
    asks: list[tuple[str, str, dict]] = field(default_factory=list)   # see ask()

    _session: Session | None = field(default=None, repr=False)
    # at the city's own account or number (docs/city.md): the city and every county's places; the
    # county the conversation decides (enter) is then ``county`` and ``gazetteer``
    city: County | None = None
    city_places: CityGazetteer | None = None

    def __post_init__(self) -> None:
        if self.county.kind == "city" and isinstance(self.gazetteer, CityGazetteer):
            self.city, self.city_places = self.county, self.gazetteer

    @property
    def entrance_id(self) -> int:
        """The county whose entrance the sender wrote to (the city's, at its own account): its
        conversation, its verification codes, the reads of the sender's own petitions."""
        return self.city.id if self.city is not None else self.county.id

    def as_citys_own(self) -> None:
        """At the city's own entrance, one of the city's own people (its bureau, its departments):
        they work the city's own cases — its own places (市本级) and people, not every county's, and
        nothing they write is entered into a county (a 登记 by text is the city's)."""
        if self.city_places is not None and self.city_places.own is not None:
            self.gazetteer = self.city_places.own
            self.city = self.city_places = None

    def enter(self, county_id: int | None) -> None:
        """At the city's own entrance: go on as the county ``county_id`` of the city — the one the
        place named decided, or a case's — its rules, its places, the session bound to it (a case
        is filed and handled in its county). Nothing elsewhere."""
        if self.city_places is None or county_id is None or county_id == self.county.id \
                or county_id not in self.city_places.counties:
            return
        self.county, self.gazetteer = self.city_places.counties[county_id]
        for name in ("rules", "day_time", "evening_rules"):
            self.__dict__.pop(name, None)
        if self._session is not None:
            scope.bind(self._session, county_id)

    def case(self, petition_id: int | None) -> Petition | None:
        """The petition of this id the conversation is about (an ask's, a repeat's); at the city's
        own entrance read in any county of the city, and entered (:meth:`enter`)."""
        if petition_id is None:
            return None
        if self.city_places is None:
            return self.session.get(Petition, petition_id)
        p = self.session.get(Petition, petition_id, execution_options={scope.ALL_COUNTIES: True})
        if p is None or p.county_id not in self.city_places.counties:
            return None
        self.enter(p.county_id)
        return p

    @property
    def channel(self) -> str:
        return self.msg.channel

    @property
    def session(self) -> Session:
        """An ORM session in the same transaction, made on first use: most messages (a step of
        the intake, a retry) never need one, and it costs more than their statements."""
        if self._session is None:
            self._session = Session(bind=self.conn, expire_on_commit=False, info={scope.COUNTY: self.county.id})
        return self._session

    @property
    def writes_to(self) -> Connection:
        return self.conn

    @property
    def reader(self):
        """Where to read in this transaction: the ORM session once there is one (it flushes what it
        holds first), else the Core connection — a read alone never makes a session."""
        return self._session if self._session is not None else self.conn

    def flush(self) -> None:
        """Write what the ORM session holds (before the transaction commits)."""
        if self._session is not None:
            self._session.flush()

    @cached_property
    def rules(self) -> Rules:
        """The county's deadline policy and working-day calendar."""
        return Rules.for_county(self.county)

    # --- conversation state --------------------------------------------------------------------

    def data(self) -> dict:
        return dict(self.conv.data or {})

    def set_state(self, state: State, **data) -> None:
        """Move to ``state`` (one the table of handlers.conversation lets the handler that runs
        lead to: dispatch checks) with ``data``; data keys given as None are removed."""
        self.put(**data)
        self.conv.state = state.value

    def put(self, **data) -> None:
        """Keep ``data`` on the conversation, the state unchanged; keys given as None are removed."""
        merged = self.data()
        for key, value in data.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        self.conv.data = merged

    def draft(self) -> dict:
        return dict(self.data().get("draft") or {})

    def save_draft(self, draft: dict, state: State | None = None) -> None:
        if state is None:
            self.put(draft=draft)
        else:
            self.set_state(state, draft=draft)

    def reset(self) -> None:
        # what outlives a conversation: questions put to the person (asks), what they sent
        # before one began (a location, photos), the day they asked for a call back
        keep = {k: v for k, v in self.data().items() if k in KEPT_ON_RESET}
        self.conv.state = State.IDLE.value
        self.conv.data = keep
        self.conv.started_at = None

    # --- replies ----------------------------------------------------------------------------------

    def fit(self, text: str) -> str:
        """Join notes and reply, keep within the channel's limit (paging what does not fit); a
        tracking number never runs into what follows (core.text.spaced_numbers)."""
        text = spaced_numbers(text)
        if self.notes:
            text = "\n".join(self.notes + [text]) if self.channel != "sms" else "".join(self.notes + [text])
        limit_ok = (lambda s: len(s.encode("utf-8")) <= texts.WECHAT_LIMIT_BYTES - 64) if self.channel != "sms" \
            else (lambda s: len(s) <= texts.SMS_LIMIT)
        if limit_ok(text):
            return text
        return self.paginate(text.split("\n")[:1], text.split("\n")[1:])

    def paginate(self, head: list[str], items: list[str]) -> str:
        """First page now; the rest kept in the conversation for "下一页"."""
        sms = self.channel == "sms"
        budget = texts.SMS_LIMIT - 14 if sms else texts.WECHAT_LIMIT_BYTES - 160

        def size(s: str) -> int:
            return len(s) if sms else len(s.encode("utf-8"))

        sep = "；" if sms else "\n"    # items never run together ("…断了4. LS-…")
        pages: list[str] = []
        current = sep.join(head)
        for item in items:
            if size(item) > budget:
                item = _cut(item, budget - 4, sms)
            joint = "" if sms and current.endswith(("：", ":", "；")) else sep
            candidate = (current + joint + item) if current else item
            if size(candidate) > budget and current:
                pages.append(current)
                current = item
            else:
                current = candidate
        if current:
            pages.append(current)
        if len(pages) <= 1:
            self.put(pages=None)
            return pages[0] if pages else ""
        rest = pages[1:]
        self.put(pages=rest)
        return pages[0] + sep + texts.more_pages(len(rest))

    def next_page(self) -> str:
        pages = list(self.data().get("pages") or [])
        if not pages:
            return texts.NO_MORE_PAGES
        page = pages.pop(0)
        self.put(pages=pages or None)
        return page + (("" if self.channel == "sms" else "\n") + texts.more_pages(len(pages)) if pages else "")

    # --- outbox -----------------------------------------------------------------------------------


    def barred(self, p: Petition):
        """Whom ``p`` accuses (core.cases.lifecycle.Barred)."""
        return barred(self.session, p)

    # --- whose petitions ------------------------------------------------------------------------

    def verified_phones(self) -> set[str]:
        """Numbers this sender has proven to own: the SMS sender itself, or codes answered on WeChat."""
        if self.channel == "sms":
            return {self.msg.sender}
        return conversations.verified_phones(self.conn, self.msg.sender, self.entrance_id)

    @property
    def own(self) -> dict:
        """The parameters of core.store.conversations.whose for this sender at this entrance."""
        return {"own": self.msg.sender, "county": self.entrance_id}

    def own_petitions(self) -> list[Petition]:
        """The sender's petitions (of the county whose entrance they wrote to; at the city's own
        entrance, of every county of the city), newest first (at most 200)."""
        return conversations.own_petitions(self.session, self.channel, self.msg.sender, self.entrance_id,
                                           city=self.city is not None)

    def find_own(self, tracking_no: str) -> Petition | None:
        """The petition with this number if the sender may see it; else None (same as not existing,
        also another county's). At the city's own entrance: in any county of the city, entered."""
        p = conversations.find_own(self.session, self.channel, self.msg.sender, tracking_no, self.entrance_id,
                                   city=self.city is not None)
        if p is not None:
            self.enter(p.county_id)
        return p


def _cut(text: str, budget: int, sms: bool) -> str:
    if sms:
        return text[:budget] + "…"
    out = text.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    return out + "…"


md = month_day   # "11月30日"
