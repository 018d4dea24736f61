"""What the outbox needs to know about a message before any backend sees it: how many SMS parts
it costs, and whether it must wait for day time.

Texts that are not urgent wait for day time (08:00–21:30 in the county unless its file says
otherwise, ``[county.day_time]``): to citizens (receipts, progress, rating requests) and to
officials (reminders, overdue alerts, requests to the bureau); the same-day 交办 and 七晚 checks,
verification codes and the daily 访情 go at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from core.clock import SHANGHAI, clock_time

DAY_STARTS, DAY_ENDS = time(8, 0), time(21, 30)


@dataclass(frozen=True)
class DayTime:
    """When texts that may wait are sent: from ``starts`` to ``ends``, county time."""

    starts: time = DAY_STARTS
    ends: time = DAY_ENDS

    @classmethod
    def from_options(cls, options: dict | None) -> DayTime:
        """``[county.day_time]``: ``from = "08:00"``, ``until = "21:30"``. Raises ValueError naming
        the bad key: an unknown one, a time that is not one, or a day shorter than four hours
        (a reminder held for a day that never comes would never be sent)."""
        raw = dict((options or {}).get("day_time") or {})
        unknown = sorted(set(raw) - {"from", "until"})
        if unknown:
            raise ValueError(f"day_time: unknown setting {', '.join(unknown)} (known: from, until)")
        values = {}
        for key, field_name in (("from", "starts"), ("until", "ends")):
            if key in raw:
                try:
                    values[field_name] = clock_time(raw[key])
                except ValueError as exc:
                    raise ValueError(f"day_time.{key}: {exc}") from None
        day = cls(**values)
        length = (datetime.combine(datetime.min, day.ends) - datetime.combine(datetime.min, day.starts))
        if length < timedelta(hours=4):
            raise ValueError(f"day_time: from {day.starts:%H:%M} until {day.ends:%H:%M} is shorter than four hours")
        return day


DEFAULT_DAY = DayTime()
# purposes of texts to citizens that may wait for the morning
CITIZEN_NOT_URGENT = frozenset({
    "receipt", "case_accepted", "case_replied", "rating", "case_closed", "case_extended", "review_opened",
    "review_answered", "withdrawn", "follow_up",
})
# notices about a citizen's case that, failed for good (WeChat's 48 hours over with no template
# and no proven number, a refused number …), are sent again once when the citizen next writes
# (core.store.outbox.resend_failed) — not a reply to a message long past, not a code, not a
# 七晚 check whose evening is over, nor "withdrawn" (a unit's purpose too)
RESENT_WHEN_THEY_WRITE = (CITIZEN_NOT_URGENT - {"withdrawn"}) | {"case_not_accepted", "meet_check"}
GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
           "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXT = set("^{}\\[~]|€")


# purposes of texts to officials that may wait for the morning: a cadre's phone should not buzz
# at 00:05 for a reminder or an alert (the miss itself is recorded at once). 交办 under the
# same-day rule, 七晚 checks and reminders, codes and the daily 访情 still go at once.
OFFICIAL_NOT_URGENT = frozenset({
    "reminder", "overdue", "progress_due", "deadline_provisional", "extension_request", "extension_approved",
    "returned", "not_accepted", "lead_set", "review_requested", "taken_back", "no_contact", "unsatisfied",
})


def hold_until(purpose: str, now: datetime, day: DayTime = DEFAULT_DAY) -> datetime | None:
    """When a message written at ``now`` may first be sent (None: at once)."""
    if purpose not in CITIZEN_NOT_URGENT and purpose not in OFFICIAL_NOT_URGENT:
        return None
    local = now.astimezone(SHANGHAI)
    if day.starts <= local.time() < day.ends:
        return None
    date = local.date() if local.time() < day.starts else local.date() + timedelta(days=1)
    return datetime.combine(date, day.starts, SHANGHAI)


# WeChat takes a customer-service message (the full text) only within 48 hours of the citizen's
# last message to the account (notifications.wechat); after, a template, or SMS to a proven number
WECHAT_WINDOW = timedelta(hours=48)
WINDOW_MARGIN = timedelta(minutes=15)
WECHAT_TEMPLATE_KEY = "notice"   # [county.wechat_templates] notice = "template id"


def wechat_template(options: dict | None) -> str | None:
    """The county's WeChat template message for a notice past the 48 hours (None: none configured)."""
    return ((options or {}).get("wechat_templates") or {}).get(WECHAT_TEMPLATE_KEY) or None


def before_window_closes(held: datetime | None, now: datetime, last_wrote: datetime | None,
                         day: DayTime = DEFAULT_DAY) -> datetime | None:
    """When a WeChat notice written at ``now`` and held for the morning (``held``: hold_until) goes,
    if the citizen's 48 hours (from ``last_wrote``) close before the morning: still inside them, at
    the moment nearest day time — at once in the evening, ``WINDOW_MARGIN`` before they close in
    the small hours — rather than by template or SMS (or not at all) after. None: at once."""
    if held is None or last_wrote is None:
        return held
    closes = last_wrote + WECHAT_WINDOW
    if closes >= held or closes <= now:    # open in the morning still, or closed already: the morning
        return held
    latest = max(now, closes - WINDOW_MARGIN)
    night_began = datetime.combine(held.astimezone(SHANGHAI).date() - timedelta(days=1), day.ends, SHANGHAI)

    def into_the_night(t: datetime) -> timedelta:
        return min(t - night_began, held - t)

    return None if into_the_night(now) <= into_the_night(latest) else latest


def sms_segments(body: str) -> int:
    """Parts an SMS is billed as: GSM-7 160 (153 each when split), else UCS-2 70 (67 each);
    a character outside the basic plane takes two UCS-2 units."""
    if all(c in GSM7 or c in GSM7_EXT for c in body):
        units = sum(2 if c in GSM7_EXT else 1 for c in body)
        single, part = 160, 153
    else:
        units = sum(2 if ord(c) > 0xFFFF else 1 for c in body)
        single, part = 70, 67
    if units <= single:
        return 1
    return -(-units // part)


# A 交办 carries the petitioner's number only where the channel allows it (issue 21): by SMS —
# carriers hold texts with numbers, and a text may be read by anyone at the cadre's side — it
# says where to read it; sent by WeCom, the outbox puts the number in its place
# (core.words.jobs.with_contact).
CONTACT_PURPOSES = frozenset({"case_assigned"})


# --- a provider's frequency limits per number (issue 21) ------------------------------------------
# Tencent Cloud SMS holds texts to one number beyond its limits (by default one in 30 seconds, five
# an hour, ten a day; a county may have them raised in Tencent's console and say so in its file,
# ``[county.sms.per_number]``). The outbox knows them in advance — a text beyond them waits, unsent,
# until the window has room — and a refusal for them (``LimitExceeded.PhoneNumber…``) waits the
# same way: neither counts as a failed attempt, so a held text is sent later, never given up on.

LIMIT_KEYS = ("thirty_seconds", "hour", "day")


@dataclass(frozen=True)
class NumberLimits:
    thirty_seconds: int | None = None
    hour: int | None = None
    day: int | None = None

    @classmethod
    def from_options(cls, options: dict | None) -> NumberLimits:
        """``[county.sms.per_number]``: ``thirty_seconds``, ``hour``, ``day`` — texts to one number
        at most (unset: not held in advance). Raises ValueError naming the bad key."""
        raw = dict(((options or {}).get("sms") or {}).get("per_number") or {})
        unknown = sorted(set(raw) - set(LIMIT_KEYS))
        if unknown:
            raise ValueError(f"sms.per_number: unknown setting {', '.join(unknown)} (known: {', '.join(LIMIT_KEYS)})")
        for key, value in raw.items():
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 1000:
                raise ValueError(f"sms.per_number.{key}: texts to one number, from 1 to 1000, got {value!r}")
        return cls(**raw)

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.thirty_seconds, self.hour, self.day))

    def held_until(self, sent: list[datetime], now: datetime, day: DayTime = DEFAULT_DAY) -> datetime | None:
        """When a text to a number that was sent texts at ``sent`` (the last day's) may go, if not
        now: the moment the fullest window has room (a day's limit: the next day's day time)."""
        out = None
        for limit, span in ((self.thirty_seconds, timedelta(seconds=30)), (self.hour, timedelta(hours=1))):
            recent = sorted(t for t in sent if t > now - span)
            if limit is not None and len(recent) >= limit:
                free = recent[len(recent) - limit] + span
                out = max(out, free) if out else free
        today = now.astimezone(SHANGHAI).date()
        if self.day is not None and sum(1 for t in sent if t.astimezone(SHANGHAI).date() == today) >= self.day:
            out = next_morning(now, day)
        return out


def next_morning(now: datetime, day: DayTime = DEFAULT_DAY) -> datetime:
    """The county's next day, at its day time's start."""
    tomorrow = now.astimezone(SHANGHAI).date() + timedelta(days=1)
    return datetime.combine(tomorrow, day.starts, tzinfo=SHANGHAI)


def limit_wait(error: str, now: datetime, day: DayTime = DEFAULT_DAY) -> datetime | None:
    """For a provider's refusal for a number's frequency limit: when to try again (else None)."""
    for marker, wait in (("ThirtySecondLimit", timedelta(seconds=30)), ("DeliveryFrequencyLimit", timedelta(seconds=30)),
                         ("OneHourLimit", timedelta(hours=1))):
        if marker in error:
            return now + wait
    if "PhoneNumberDailyLimit" in error or "SameContentDailyLimit" in error:
        return next_morning(now, day)
    return None
