"""Delivering the outbox.

A message to send is written to ``outbound_message`` in the same transaction as the change that
causes it (``queued``). A deliverer — an RQ worker (``notifications.jobs``), or the request
itself in the inline set-up — claims due rows (``sending``, with the time of the claim), sends
each outside any transaction, and records the outcome:

- ``sent`` with the provider's id and the parts billed; Twilio's status callback later says
  ``delivered`` or ``undelivered`` (``record_status``);
- a temporary error (429, 5xx, a time-out, the network) puts it back to ``queued`` with the
  next attempt after a growing pause (``BACKOFF``), until ``MAX_ATTEMPTS``;
- a permanent error (invalid number, unsubscribed) is ``failed`` at once and the bureau's staff
  are told — never retried.

A deliverer killed mid-send leaves its rows ``sending``; after ``LEASE`` another deliverer takes
them over and sends again, noting on the row that the first attempt may have gone out: a message
is never lost, and never sent twice without saying so. States: docs/outbox.md.
"""
from __future__ import annotations

from core.words import jobs as words

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from core.cases import audience
from core.county import sms_param_limit
from core.outbound import CONTACT_PURPOSES, DayTime, NumberLimits, limit_wait, sms_segments, wechat_template
from core.phones import mask_phone, redact
from core.store import outbox as outbox_rows
from core.store import scope
from core.store.db import transaction
from core.store.models import Conversation, County, OutboundMessage, Person, Petition
from core.words.lengths import REFUSED_REASON
from core.words.templates import fit
from notifications import sealed
from notifications.sms import PARAM_TOO_LONG, SendError, SmsBackend, Templated
from notifications.wechat import WINDOW, WindowClosed

log = logging.getLogger(__name__)
OUTBOX = OutboundMessage.__table__
LEASE = timedelta(minutes=5)
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30),
           timedelta(hours=2))
MAX_ATTEMPTS = 8
WINDOW_FELL_BACK = "wechat's 48 hours over and no template: sent by SMS to the number the petitioner proved"
TAKEN_OVER = "sent again after an interrupted attempt: the earlier one may also have been delivered"
FAILED_PURPOSE = "send_failed"
# the same text as a domestic provider's registered template (core.words.templates lists it)
BATCH = 500   # rows one delivery claims at most
NO_ACCOUNT_WAIT = timedelta(hours=1)   # a WeChat row whose county has no account to send with: looked at again


@dataclass
class DeliveryReport:
    claimed: int = 0
    sent: int = 0
    retry: int = 0
    failed: int = 0
    taken_over: int = 0

    def add(self, other: DeliveryReport) -> DeliveryReport:
        for name in ("claimed", "sent", "retry", "failed", "taken_over"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    def summary(self) -> str:
        return words.delivery_summary(self.claimed, self.sent, self.retry, self.failed, self.taken_over)


def backoff(attempts: int) -> timedelta:
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def _claim(s: Session, ids: list[int] | None, now: datetime, limit: int,
           channels: tuple[str, ...] = ("sms",)) -> list[tuple]:
    """The rows this deliverer sends (core.store.outbox.claim, with this module's lease)."""
    return outbox_rows.claim(s, ids, now, limit, LEASE, channels)


def deliver(factory: sessionmaker[Session], sms: SmsBackend, ids: list[int] | None, now: datetime,
            limit: int = BATCH, throttle: Callable[[str], None] | None = None,
            status_callback: str | None = None, wechat=None, wecom=None,
            wechat_of: Callable[[int], object | None] | None = None,
            wecom_of: Callable[[int], object | None] | None = None) -> DeliveryReport:
    """Send the due messages of the outbox (only ``ids`` when given): SMS, WeChat when a WeChat
    sender is given (``notifications.wechat``; else WeChat rows wait for one) — in a city whose
    counties have their own Official Accounts, ``wechat_of(county_id)``: the sender of the
    county's account (None: its rows wait) —, and — with a WeCom sender (``notifications.wecom``)
    — every text to an official the county reaches by WeCom, by SMS when WeCom fails; in a city
    whose counties have their own WeCom apps, ``wecom_of(county_id)`` (None: its officials by SMS)."""
    report = DeliveryReport()
    by_wechat = wechat is not None or wechat_of is not None
    by_wecom = wecom is not None or wecom_of is not None
    channels = ("sms",) + (("wechat",) if by_wechat else ()) + (("wecom",) if by_wecom else ())
    with transaction(factory) as s:
        scope.bind(s, None)   # the outbox's worker sends every county's texts (docs/city.md)
        claimed = _claim(s, ids, now, limit, channels)
        context = _wechat_context(s, claimed, now) if by_wechat else None
        routes = _wecom_routes(s, claimed) if by_wecom else None
        needs_templates = getattr(sms, "needs_templates", False)
        # each row's county, and each county's file: its SMS signature and templates, its limits per
        # number, its day time
        county_of = dict(s.execute(select(OUTBOX.c.id, OUTBOX.c.county_id).where(
            OUTBOX.c.id.in_([row[0] for row in claimed]))).all()) if claimed else {}
        # the entrance each text goes by: a petitioner who wrote to the city's own account or number
        # is answered through it (its account, its SMS signature and templates), else the text's county
        via_of = {**county_of, **_entrances(s, claimed)} if claimed else {}
        options_of = {cid: options or {} for cid, options in s.execute(
            select(County.id, County.options).where(County.id.in_(set(county_of.values()) | set(via_of.values()))))} \
            if claimed else {}
        for row in claimed:   # an entrance whose file gives no SMS signature of its own: its county's texts
            if row[6] == "sms" and not options_of[via_of[row[0]]].get("sms"):
                via_of[row[0]] = county_of[row[0]]
        opened = _open_sealed(s, claimed)
        templated = {}
        if needs_templates:
            for cid in set(via_of.values()):
                templated.update(_templates(s, [row for row in claimed if via_of[row[0]] == cid], options_of[cid], opened))
        limits_of = {cid: NumberLimits.from_options(options) for cid, options in options_of.items()}
        day_of = {cid: DayTime.from_options(options) for cid, options in options_of.items()}
        any_limits = any(limits.any for limits in limits_of.values())
        numbers = {row[1] for row in claimed if row[6] == "sms"} | set(routes.phone_of.values() if routes else ())
        sent_lately = outbox_rows.sent_to(s, numbers, now - timedelta(days=1)) if any_limits and numbers else {}
    report.claimed = len(claimed)

    def by_sms(message_id: int, to: str, body: str) -> str:
        limits, day = limits_of[county_of[message_id]], day_of[county_of[message_id]]
        if limits.any and (until := limits.held_until(sent_lately.get(to, []), now, day)) is not None:
            raise Held(until, f"{HELD}: {sms.name}'s limit of texts to one number, until {until.isoformat()}")
        if throttle is not None:
            throttle(getattr(sms, "sender", sms.name))
        provider_id = sms.send(to, body, status_callback, templated.get(message_id))
        if limits.any:
            sent_lately.setdefault(to, []).append(now)
        return provider_id

    for message_id, to, body, attempts, purpose, petition_id, channel, taken_over, before in claimed:
        status, provider_id, error, next_at, sent_by, counted = "sent", None, None, None, channel, attempts
        try:
            if message_id in opened:   # a sealed text: its real words, here only (notifications.sealed)
                body = opened[message_id].body
                if opened[message_id].problem:
                    raise SendError(opened[message_id].problem, permanent=True)
            if channel == "wechat":
                wrote_lately, _, tracking_nos, phones = context
                county = via_of[message_id]   # the account the petitioner wrote to
                account = wechat_of(county) if wechat_of is not None else wechat
                if account is None:   # the county has no account to send with (yet): the row waits
                    raise Held(now + NO_ACCOUNT_WAIT, f"{HELD}: no WeChat account of its county to send with")
                template = wechat_template(options_of[county])   # the county's own template message
                try:
                    provider_id = account.send(to, body, to in wrote_lately, template, tracking_nos.get(petition_id))
                except WindowClosed as exc:   # past the 48 hours with no template: the number they proved
                    phone = phones.get((petition_id, to))
                    if phone is None:
                        raise
                    provider_id, sent_by = by_sms(message_id, phone, body), "sms"
                    error = f"{WINDOW_FELL_BACK} ({exc})"
            elif routes is not None and (channel == "wecom" or to in routes.userid_of):
                app = wecom_of(county_of[message_id]) if wecom_of is not None else wecom
                provider_id, sent_by, note = _by_wecom(app, routes, message_id, to, body, purpose, petition_id,
                                                       channel, by_sms)
                error = note
            else:
                provider_id = by_sms(message_id, to, body)
        except Held as exc:    # held by the provider's limit per number, in advance: not an attempt
            status, error, next_at, counted = "queued", str(exc), exc.until, attempts - 1
        except SendError as exc:
            status, error = ("failed" if exc.permanent else "queued"), str(exc)
            wait = limit_wait(error, now, day_of[county_of[message_id]])
            if wait is not None:   # refused for the number's frequency limit: when it has room, not an attempt
                status, next_at, counted = "queued", wait, attempts - 1
        except Exception as exc:  # the network, a time-out: try again later
            status, error = "queued", f"{type(exc).__name__}: {exc}"
            if _timed_out(exc):   # the provider may have taken it before the answer was lost
                error = f"{MAYBE_SENT}: {error}"
        if status == "queued" and counted >= MAX_ATTEMPTS:
            status, error = "failed", f"gave up after {attempts} attempts; last: {error}"
        if status == "queued":
            next_at = next_at or now + backoff(attempts)
            report.retry += 1
            log.warning("outbound %s to %s not sent (attempt %s), again at %s: %s", message_id, mask_phone(to),
                        attempts, next_at.isoformat(), error)
        elif status == "failed":
            report.failed += 1
            log.warning("outbound %s to %s failed for good: %s", message_id, mask_phone(to), error)
        else:
            report.sent += 1
            if taken_over:
                report.taken_over += 1
                error = TAKEN_OVER
            elif before and before.startswith(MAYBE_SENT):
                error = SENT_AGAIN
        # each result is recorded as soon as it is known: a deliverer killed mid-batch sends again
        # at most the one text it had in flight (not every text of its batch)
        result = {"mid": message_id, "status": status, "provider_id": provider_id, "attempts": counted,
                  "error": redact(error) if error else error,   # stored errors never carry a number in clear
                  "sent_at": now if status == "sent" else None, "next_at": next_at,
                  "segments": sms_segments(body) if sent_by == "sms" else None}
        with transaction(factory) as s:
            scope.bind(s, county_of[message_id])   # the bureau told is the text's county's
            s.connection().execute(_RECORD, result)
            if message_id in opened and status in ("sent", "failed"):   # done with: only the masked words stay
                s.connection().execute(update(OUTBOX).where(OUTBOX.c.id == message_id)
                                       .values(params=opened[message_id].erased))
            if status == "failed" and purpose != FAILED_PURPOSE:
                tell_staff_of_failures(s, [(message_id, to, petition_id, error)], now)
    return report


def _entrances(s: Session, claimed: list[tuple]) -> dict[int, int]:
    """The rows to a petitioner who came by an entrance not their case's county's (the city's own
    account or number: ``Petition.entrance_id``): row id → that entrance's county id."""
    cases = {row[5] for row in claimed if row[5] and row[6] in ("wechat", "sms")}
    if not cases:
        return {}
    came = {pid: (entrance, openid, phone) for pid, entrance, openid, phone in s.execute(
        select(Petition.id, Petition.entrance_id, Petition.openid, Petition.phone)
        .where(Petition.id.in_(cases), Petition.entrance_id.is_not(None)))}
    out = {}
    for message_id, to, _, _, _, petition_id, channel, *_ in claimed:
        if petition_id in came:
            entrance, openid, phone = came[petition_id]
            if to == (openid if channel == "wechat" else phone):
                out[message_id] = entrance
    return out


@dataclass
class WeComRoutes:
    """For the rows claimed: the WeCom user id of each official's number, each WeCom user's number
    (to fall back to SMS) and the petitioner's number of a 交办 (WeCom may carry it)."""
    userid_of: dict[str, str]
    phone_of: dict[str, str]
    contacts: dict[int, str | None]


def _wecom_routes(s: Session, claimed: list[tuple]) -> WeComRoutes:
    phones = {row[1] for row in claimed if row[6] == "sms"}
    users = {row[1].lower() for row in claimed if row[6] == "wecom"}   # WeCom's ids: case-insensitive
    userid_of, phone_of = {}, {}
    if phones or users:
        for phone, userid in s.execute(select(Person.phone, Person.wecom_userid).where(
                Person.active.is_(True), Person.wecom_userid.is_not(None),
                Person.phone.in_(phones) | func.lower(Person.wecom_userid).in_(users))):
            userid_of[phone], phone_of[userid.lower()] = userid, phone
    cases = {row[5] for row in claimed if row[4] in CONTACT_PURPOSES and row[5]
             and (row[6] == "wecom" or row[1] in userid_of)}
    contacts = dict(s.execute(select(Petition.id, Petition.phone).where(Petition.id.in_(cases))).all()) if cases else {}
    return WeComRoutes(userid_of, phone_of, contacts)


def _by_wecom(wecom, routes: WeComRoutes, message_id: int, to: str, body: str, purpose: str,
              petition_id: int | None, channel: str, by_sms: Callable[[int, str, str], str]) -> tuple[str, str, str | None]:
    """A text to an official the county reaches by WeCom: (provider id, the channel it went by, a
    note). By WeCom — a 交办 with the petitioner's number in it —, else by SMS to their number (the
    note says why); a WeCom user with no number of the directory left: WeCom's refusal stands."""
    userid = to if channel == "wecom" else routes.userid_of[to]
    text = words.with_contact(body, routes.contacts.get(petition_id)) if purpose in CONTACT_PURPOSES else body
    phone = to if channel == "sms" else routes.phone_of.get(to.lower())
    if wecom is None:   # the text's county has no WeCom app (a city's): by SMS, as such a county always did
        if phone is None:
            raise SendError(NO_APP, permanent=True)
        return by_sms(message_id, phone, body), "sms", None
    try:
        return wecom.send(userid, text), "wecom", None
    except Exception as exc:
        if phone is None:
            raise
        why = str(exc) if isinstance(exc, SendError) else f"wecom: {type(exc).__name__}: {exc}"
        log.warning("outbound %s: WeCom refused (%s); sending it by SMS", message_id, why)
        return by_sms(message_id, phone, body), "sms", f"{WECOM_FELL_BACK}: {why}"


WECOM_FELL_BACK = "sent by SMS: WeCom did not take it"
NO_APP = "no WeCom app of its county to send with"
HELD = "held"


class Held(Exception):
    """A text the provider would refuse now for its limit per number: to send at ``until``."""

    def __init__(self, until: datetime, why: str):
        super().__init__(why)
        self.until = until


_RECORD = update(OUTBOX).where(OUTBOX.c.id == bindparam("mid")).values(
    status=bindparam("status"), attempts=bindparam("attempts"), provider_id=bindparam("provider_id"), error=bindparam("error"),
    sent_at=bindparam("sent_at"), next_attempt_at=bindparam("next_at"), segments=bindparam("segments"))
MAYBE_SENT = "timed out, may have been sent"
SENT_AGAIN = "sent again after a timed-out attempt: the earlier one may also have been delivered"


def _timed_out(exc: Exception) -> bool:
    return isinstance(exc, TimeoutError) or "timeout" in type(exc).__name__.lower() \
        or "timed out" in str(exc).lower()


@dataclass(frozen=True)
class Opened:
    """A sealed row's real words, for the moment of sending; its params once done with."""

    body: str
    values: list[str]
    erased: dict
    problem: str | None = None     # it could not be opened: failed for good, staff told


def _open_sealed(s: Session, claimed: list[tuple]) -> dict[int, Opened]:
    """The real body and parameters of the claimed rows written sealed (notifications.sealed)."""
    rows = [row[0] for row in claimed if row[4] in sealed.PURPOSES]
    out = {}
    if rows:
        for message_id, body, params in s.execute(select(OUTBOX.c.id, OUTBOX.c.body, OUTBOX.c.params)
                                                  .where(OUTBOX.c.id.in_(rows))):
            if not sealed.is_sealed(params):
                continue
            try:
                out[message_id] = Opened(*sealed.open_sealed(params), sealed.erased(params))
            except ValueError as exc:
                out[message_id] = Opened(body, params.get("v") or [], sealed.erased(params), str(exc))
    return out


def _templates(s: Session, claimed: list[tuple], county_options: dict,
               opened: dict[int, Opened] | None = None) -> dict[int, Templated]:
    """For a template-only provider: each SMS row's registered template (the county file's
    ``[county.sms]``: ``sign`` and ``templates``, purpose → id) with the row's parameters (a
    sealed row's real ones); a row whose purpose has none is left out (the provider refuses it,
    and staff are told)."""
    rows = [row[0] for row in claimed if row[6] in ("sms", "wechat")]   # a WeChat notice may go by SMS
    if not rows:
        return {}
    options = county_options.get("sms") or {}
    ids, sign = options.get("templates") or {}, options.get("sign") or ""
    limit = sms_param_limit(county_options)
    out = {}
    for message_id, purpose, params in s.execute(select(OUTBOX.c.id, OUTBOX.c.purpose, OUTBOX.c.params)
                                                 .where(OUTBOX.c.id.in_(rows))):
        key, values = (params.get("t"), params.get("v")) if isinstance(params, dict) else (purpose, params)
        if opened and message_id in opened:
            values = opened[message_id].values
        if values is None or not ids.get(key):
            continue
        values = _fitted(message_id, key, [str(v) for v in values], limit)
        instead = ANSWER_OTHER[key.startswith("official_")] if purpose in ANSWERS else None
        if instead and ids.get(instead) and limit is not None and any(len(v) > limit for v in values):
            # an answer whose number or date would not fit: where to read it, rather than nothing
            log.info("outbound %s template %s goes as %s: a value over param_limit %s", message_id, key, instead, limit)
            key, values = instead, []
        out[message_id] = Templated(str(ids[key]), values, sign, limit)
    return out


# an answer (to a citizen, or to an official) that cannot go as its template: where to read it
ANSWERS = ("reply", "late_reply")
ANSWER_OTHER = {False: "reply_other", True: "official_other"}


def _fitted(message_id: int, key: str, values: list[str], limit: int | None) -> list[str]:
    """The values cut to the account's variable length where a cut still says something true
    (core.words.templates.fit); one that cannot be is left as it is: a notice is then refused
    (notifications.sms.too_long: the bureau is told, as for any refused text), an answer goes as
    the template that says where to read it."""
    out = []
    for i, value in enumerate(values, 1):
        cut = fit(value, limit)
        if cut is not None and cut != value:
            log.info("outbound %s template %s variable {%s} cut from %s to %s characters (param_limit %s)",
                     message_id, key, i, len(value), len(cut), limit)
        out.append(value if cut is None else cut)
    return out


def _wechat_context(s: Session, claimed: list[tuple], now: datetime) -> tuple[set[str], None, dict, dict]:
    """For the WeChat rows claimed: which citizens wrote to the account in the last 48 hours (a
    customer-service message may go to them), None (the template is each row's county's: deliver
    reads it), the cases' numbers, and the number each petitioner proved by its code ((case,
    OpenID) → number: where a notice goes when WeChat takes it no more)."""

    openids = {row[1] for row in claimed if row[6] == "wechat"}
    if not openids:
        return set(), None, {}, {}
    recent = set(s.scalars(select(Conversation.sender).where(
        Conversation.channel == "wechat", Conversation.sender.in_(openids), Conversation.updated_at >= now - WINDOW)))
    cases = {row[5] for row in claimed if row[6] == "wechat" and row[5]}
    numbers, phones = {}, {}
    if cases:
        for pid, no, openid, phone, verified in s.execute(select(
                Petition.id, Petition.tracking_no, Petition.openid, Petition.phone, Petition.phone_verified)
                .where(Petition.id.in_(cases))):
            numbers[pid] = no
            if phone and verified and openid in openids:
                phones[(pid, openid)] = phone
    return recent, None, numbers, phones


def tell_staff_of_failures(s: Session, failures: list[tuple[int, str, int | None, str]], now: datetime) -> list[int]:
    """A message that cannot be delivered is shown to the bureau's staff (a text each, written to
    the outbox), with the case it was about and the number masked."""
    if not failures:
        return []
    staff = audience.staff(s)
    numbers = dict(s.execute(select(Petition.id, Petition.tracking_no).where(
        Petition.id.in_({pid for _, _, pid, _ in failures if pid}))).all()) if any(f[2] for f in failures) else {}
    texts = []
    for message_id, to, petition_id, error in failures:
        who = words.failed_to(to, (error or "").startswith("wecom"))
        said = words.failed_notice(to, who, numbers.get(petition_id), _reason(error))
        texts += [(phone, said, FAILED_PURPOSE, petition_id, list(said.values)) for phone in staff if phone != to]
    return OutboundMessage.enqueue_many(s, texts, now)


def _reason(error: str | None) -> str:
    text = error or ""
    for code, reason in words.SMS_REASONS:
        if code in text:
            return reason
    if text.startswith("wechat"):
        return words.WECHAT_REASONS.get(text.split()[1].rstrip(":"), words.WECHAT_REFUSED) \
            if "48 hours" not in text else words.WECHAT_WINDOW_CLOSED
    if text.startswith("wecom"):
        return words.WECOM_INVALID_USER if "invaliduser" in text or "81013" in text else words.WECOM_REFUSED
    if PARAM_TOO_LONG in text:
        return REFUSED_REASON
    return words.GAVE_UP if text.startswith("gave up") else words.CARRIER_REFUSED


# --- Twilio's status callbacks ---------------------------------------------------------------------

STATUS_RANK = {"queued": 0, "sending": 1, "sent": 2, "delivered": 3, "undelivered": 3, "failed": 3}


def record_status(factory: sessionmaker[Session], provider_id: str, status: str, error_code: str | None,
                  now: datetime, provider: str = "twilio") -> list[int] | None:
    """Twilio's word on a message it accepted: ``delivered``, ``undelivered`` or ``failed`` settle
    it (the latter two are shown to staff); earlier states never move it back. The outbox rows of
    the notices to staff it wrote (the caller sends them at once: services.send_later); None when
    the message is unknown."""
    with transaction(factory) as s:
        row = s.scalars(select(OutboundMessage).where(OutboundMessage.provider_id == provider_id)
                        .with_for_update()).first()
        if row is None:
            return None
        if status not in ("delivered", "undelivered", "failed") or \
                STATUS_RANK.get(row.status, 0) >= STATUS_RANK[status]:
            return []
        row.status = status
        if status == "delivered":
            row.delivered_at = now
            return []
        row.error = f"{provider} {status}" + (f" {error_code}" if error_code else "")
        return tell_staff_of_failures(s, [(row.id, row.to, row.petition_id, row.error)], now) \
            if row.purpose != FAILED_PURPOSE else []
