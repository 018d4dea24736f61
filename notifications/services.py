"""What a running process holds: settings, the database, the clock, outbound backends."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy.engine import Connection, Engine
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from core.cases.accusations import DirectoryNames
from core.clock import Clock
from core.directory.lookup import current_county
from core.directory.places import CityGazetteer, Gazetteer
from core.settings import Settings
from core.store import scope
from core.store.db import make_engine, make_sessionmaker, read
from core.store.models import County
from notifications.outbox import deliver
from notifications import exports
from notifications.queue import (EXPORT_JOB, EXPORT_TIMEOUT, FETCH_MEDIA_JOB, REPORT_JOB, connect, kick_delivery, queue,
                                 reports)
from notifications.sms import ConsoleSms, SmsBackend, TencentSms, TwilioSms
from notifications.throttle import Throttle
from notifications.wechat import WeChatSender
from notifications.wecom import WeComSender

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    sms: SmsBackend
    # how long a retry waits for the first delivery of the same message to finish (seconds)
    retry_wait: float = 4.0
    # test hook: called with (message, session) inside the handling transaction, before the handler
    before_handle: Callable | None = None
    gazetteer_ttl: float = 60.0
    _gazetteer: tuple[float, tuple[County, Gazetteer]] | None = field(default=None, repr=False)
    _by_county: dict = field(default_factory=dict, repr=False)   # county id (or ("entrance", id)) → as _gazetteer
    _prefixes: dict = field(default_factory=dict, repr=False)    # an entrance's prefix → its county's id
    _several: tuple = field(default=(None, False), repr=False)   # (when read, several_counties())
    _wechat_of: dict = field(default_factory=dict, repr=False)   # county id → its account's sender (wechat_of)
    _wecom_of: dict = field(default_factory=dict, repr=False)    # county id → its WeCom app's sender (wecom_of)
    _own_settings: dict = field(default_factory=dict, repr=False)   # county id → its own settings (_own)
    _redis: object | None = field(default=None, repr=False)
    _kick_promise: float = field(default=0.0, repr=False)   # notifications.queue.kick_delivery
    _wechat: object | None = field(default=None, repr=False)
    _wecom: object | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def county(self, conn: Connection, county_id: int | None = None,
               entrance: bool = False) -> tuple[County, Gazetteer]:
        """The county and its places, cached per process (re-read every ``gazetteer_ttl`` seconds,
        so an edited county file reaches running workers within a minute): the county of
        ``county_id`` (an entrance's, a job's), or the deployment's only county — in a deployment
        of several, core.store.scope.ScopeError: the caller must say which. ``entrance``: for a
        message that came to that county's entrance — the city's own account and number read every
        county's places (core.directory.places.CityGazetteer); all else of the city (its console,
        its jobs, its own cases) reads the city's own places (市本级) and people."""
        key = ("entrance", county_id) if entrance else county_id
        cached = self._gazetteer if county_id is None else self._by_county.get(key)
        if cached is None or time.monotonic() - cached[0] > self.gazetteer_ttl:
            with self._lock, Session(bind=conn) as session:
                cid = county_id if county_id is not None else scope.deployment_county(conn)
                county = session.get(County, cid) if cid is not None else current_county(session)   # none: LookupError
                session.expunge(county)
                if entrance and county.kind == "city":   # the city's own entrance: every county's places
                    gazetteer = self._city_places(conn, session, county)
                else:
                    gazetteer = _own_places(session, county.id)
                cached = (time.monotonic(), (county, gazetteer))
                if county_id is None:
                    self._gazetteer = cached
                else:
                    self._by_county[key] = cached
        return cached[1]

    def _city_places(self, conn: Connection, session: Session, city: County) -> CityGazetteer:
        """The places of every county of ``city`` in one gazetteer (the city's own account and number:
        the place named decides the county), with each county and its own places."""
        ids = list(session.scalars(select(County.id).where(County.parent_id == city.id, County.kind == "county")
                                   .order_by(County.id)))
        places = CityGazetteer(city, [self._county_unlocked(conn, cid) for cid in ids])
        places.own = _own_places(session, city.id)       # and the city's own, for its officials writing there
        return places

    def _county_unlocked(self, conn: Connection, county_id: int) -> tuple[County, Gazetteer]:
        """self.county's read of one county, under the lock already held."""
        with Session(bind=conn) as session:
            county = session.get(County, county_id)
            session.expunge(county)
            gazetteer = _own_places(session, county.id)
        self._by_county[county_id] = (time.monotonic(), (county, gazetteer))
        return county, gazetteer

    def several_counties(self) -> bool:
        """Whether this deployment holds several counties (its one entrance is then nobody's:
        each county has its own); re-read every ``gazetteer_ttl`` seconds."""
        at, several = self._several
        if at is None or time.monotonic() - at > self.gazetteer_ttl:
            with read(self.engine, single=True) as conn:
                several = conn.scalar(select(func.count()).select_from(County).where(County.kind == "county")) > 1
            self._several = (time.monotonic(), several)
        return several

    def county_by_prefix(self, prefix: str, city: bool = False) -> tuple[int, str] | None:
        """The id and kind of the county whose tracking prefix is ``prefix`` (an entrance's path:
        /county/ls/…), None when no county of this deployment has it — nor, unless ``city``, when
        it is the city's own; read once per process."""
        prefix = prefix.upper()
        if prefix not in self._prefixes:
            with read(self.engine, single=True) as conn:
                found = conn.execute(select(County.id, County.kind).where(County.prefix == prefix)).first()
            if found is None:
                return None
            self._prefixes[prefix] = (found.id, found.kind)
        found = self._prefixes[prefix]
        return found if found[1] == "county" or city and found[1] == "city" else None

    # --- outbound -------------------------------------------------------------------------------

    @property
    def redis(self):
        if self._redis is None:
            self._redis = connect(self.settings)
        return self._redis

    @property
    def wechat(self):
        """WeChat to citizens (customer-service or template messages); None without the account's
        AppID and secret — WeChat rows then wait in the outbox."""
        if self._wechat is None and self.settings.wechat_outbound:
            self._wechat = WeChatSender(self.settings.wechat_app_id, self.settings.wechat_app_secret, self.redis,
                                        api_base=self.settings.wechat_api_base)
        return self._wechat

    @property
    def wecom(self):
        """WeCom to officials (the county app's messages); None without its corp id, agent id and
        secret — the officials' texts then go by SMS."""
        if self._wecom is None and self.settings.wecom_outbound:
            s = self.settings
            self._wecom = WeComSender(s.wecom_corp_id, s.wecom_agent_id, s.wecom_secret, self.redis,
                                      api_base=s.wecom_api_base)
        return self._wecom

    def _own(self, county_id: int) -> Settings | None:
        """A county's own settings (Settings.for_county: its prefix read once); None: no such county."""
        if county_id not in self._own_settings:
            with read(self.engine, single=True) as conn:
                prefix = conn.scalar(select(County.prefix).where(County.id == county_id))
            self._own_settings[county_id] = self.settings.for_county(prefix) if prefix else None
        return self._own_settings[county_id]

    def wechat_of(self, county_id: int):
        """The sender of a county's own Official Account (WECHAT_APP_ID_<PREFIX> and
        WECHAT_APP_SECRET_<PREFIX>: docs/city.md), built once; None when the county has none."""
        if county_id not in self._wechat_of:
            own = self._own(county_id)
            self._wechat_of[county_id] = WeChatSender(
                own.wechat_app_id, own.wechat_app_secret, self.redis, api_base=self.settings.wechat_api_base) \
                if own is not None and own.wechat_outbound else None
        return self._wechat_of[county_id]

    def wecom_of(self, county_id: int):
        """The sender of a county's own WeCom app (WECOM_AGENT_ID_<PREFIX>, WECOM_SECRET_<PREFIX>, in
        its corp: docs/city.md), built once; None when the county has none (its officials are
        then reached by SMS)."""
        if county_id not in self._wecom_of:
            own = self._own(county_id)
            self._wecom_of[county_id] = WeComSender(
                own.wecom_corp_id, own.wecom_agent_id, own.wecom_secret, self.redis,
                api_base=self.settings.wecom_api_base) if own is not None and own.wecom_outbound else None
        return self._wecom_of[county_id]

    @property
    def counties_own_accounts(self) -> bool:
        """Whether the counties send with their own Official Accounts (a city's), not the deployment's one."""
        return any("WECHAT_APP_SECRET" in own for own in self.settings.counties.values())

    def deliver(self, ids: list[int] | None, now, limit: int = 500):
        own = self.counties_own_accounts
        apps = any("WECOM_SECRET" in its for its in self.settings.counties.values())   # the counties' own apps
        return deliver(self.sessions, self.sms, ids, now, limit=limit, throttle=self.throttle(),
                       status_callback=self.settings.status_callback_url, wechat=None if own else self.wechat,
                       wecom=None if apps else self.wecom, wechat_of=self.wechat_of if own else None,
                       wecom_of=self.wecom_of if apps else None)

    def throttle(self):
        """Sends per second per sender number (SMS_RATE), shared through Redis; None when off."""
        if self.settings.sms_rate <= 0 or self.sms.name == "console":
            return None
        return Throttle(self.redis, self.settings.sms_rate)

    def send_later(self, ids: list[int], now) -> None:
        """After a commit: have a worker deliver the outbox rows written (OUTBOX_DELIVERY=queue:
        one waiting job takes every row due, so a busy web process asks Redis once in a while,
        not an enqueue per message) or send them here (inline). With Redis away the rows stay
        queued, and the outbox flush a worker runs every minute sends them: nothing is lost."""
        if not ids:
            return
        if self.settings.outbox_delivery == "inline":
            self.deliver(ids, now)
            return
        try:
            # the promise is between processes: real time, the moment after the commit
            _, self._kick_promise = kick_delivery(self.redis, time.time(), self._kick_promise)
        except Exception as exc:
            log.warning("outbox rows %s…: queue unavailable (%s); the next outbox flush sends them", ids[:3], exc)


    def fetch_later(self, attachment_ids: list[int], now) -> None:
        """After a commit: have a worker download the media just recorded (notifications.media).
        Never in the web request, even with inline delivery: a video may take seconds. With Redis
        away, the schedule's minute takes them."""
        if not attachment_ids or self.settings.outbox_delivery == "inline":
            return
        try:
            queue(self.redis).enqueue(FETCH_MEDIA_JOB, attachment_ids, job_timeout=600, result_ttl=3600)
        except Exception as exc:
            log.warning("media %s…: queue unavailable (%s); the schedule fetches them within a minute",
                        attachment_ids[:3], exc)


    def export_later(self, export_id: int) -> None:
        """After a commit: the reports' worker builds the 台账 export — never the texts' queue,
        never the web request (inline delivery, the tests' and the demo's way without workers:
        here, now). Raises when Redis is away (the console then marks it failed and says so)."""
        if self.settings.outbox_delivery == "inline":
            exports.build(self, export_id)
            return
        reports(self.redis).enqueue(EXPORT_JOB, export_id, job_timeout=EXPORT_TIMEOUT, result_ttl=3600,
                                    failure_ttl=86400)

    def report_later(self, name: str, run_id: int, now) -> None:
        """The tick hands a slow scheduled job (the weekly and monthly analyses, the exports'
        sweep) to the reports' worker, so the texts' queue goes on (notifications.schedule)."""
        reports(self.redis).enqueue(REPORT_JOB, name, run_id, now.isoformat(), job_timeout=EXPORT_TIMEOUT,
                                    result_ttl=86400)


def build_services(settings: Settings, clock: Clock | None = None, sms: SmsBackend | None = None) -> Services:
    engine = make_engine(settings.database_url)
    if sms is None:
        if settings.sms_sender == "tencent":
            sms = TencentSms(settings.tencent_secret_id, settings.tencent_secret_key, settings.tencent_sms_app_id,
                             settings.tencent_sms_region, api_base=settings.tencent_sms_api_base,
                             timeout=settings.twilio_timeout)
        elif settings.sms_sender == "twilio" and settings.twilio_outbound:
            sms = TwilioSms(settings.twilio_account_sid, settings.twilio_auth_token, settings.twilio_from,
                            base_url=settings.twilio_api_base, timeout=settings.twilio_timeout)
        else:
            sms = ConsoleSms()
    return Services(settings=settings, engine=engine, sessions=make_sessionmaker(engine), clock=clock or Clock(), sms=sms)


def _own_places(session: Session, county_id: int) -> Gazetteer:
    """A county's (or the city's) own places and people, ``session`` bound to it: not another's."""
    scope.bind(session, county_id)
    gazetteer = Gazetteer.from_session(session)
    gazetteer.directory_names = DirectoryNames.load(session)   # who a new petition may name
    return gazetteer
