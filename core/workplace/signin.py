"""Signing in to the console (bot/console/sign_in.py): the one-time codes and the sessions — no Flask here.

**Codes.** A person of the county file gives their number and gets a six-digit code by SMS. What
an outsider can learn or spoil (issue 29, 7):

- *Nothing about who is on file.* Every request is counted and stored alike — a row of
  ``console_code`` for a number nobody has as for one on file (its person empty, its code never
  sent) — and every limit is on the number *as typed* and the requesting address, never on the
  person: a number on file and one that is not get the same answer, "too frequent" included,
  after the same statements (the same queries, one insert, the same hashes).
- *No locking an official out.* The limits are per (number, address) — one a minute, five a
  day —, per address (ten requests in ten minutes, any numbers; an IPv6 address counts by its
  /64), and overall (300 in ten minutes, against a flood of SMS). A flood from one address for an
  official's number stops that address, never the official asking from theirs; only a flood
  from hundreds of addresses reaches the overall ceiling, which stops everyone for minutes and
  no one in particular.
- *No spoiling or using another's code.* A code answers only in the browser that asked for it
  (``asker``: a random value of that browser's session, kept hashed): an outsider's wrong
  answers count against their own codes, never the official's, and a code read over a shoulder
  is no use in another browser. Five wrong answers void a code; it is good for 10 minutes.
- The number, the browser and the code are kept as keyed hashes (HMAC with the app's secret),
  never in clear — the SMS itself is sealed in the outbox (notifications.sealed).

**Sessions.** Held by the server (``console_session``): the browser's cookie carries a random id,
the row its SHA-256. A session ends when its person signs out, after 30 minutes idle or 12 hours
(the county's clock), when the person is stopped, and when their role, unit or 管理 differs from
what they had when signing in — checked on every request, so no path that changes a person
(the 管理 page, ``xinfang admin``, a reload of the county file) leaves an old session open.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.store.models import ConsoleCode, ConsoleSession, Person

CONSOLE_ROLES = ("staff", "liaison", "cadre", "head", "leader", "admin")   # admin: the directory only
CODE_VALID = timedelta(minutes=10)
TRIES = 5                              # wrong answers to one code before it is void
EVERY = timedelta(minutes=1)           # a number from one address: one code a minute …
A_DAY = 5                              # … and five a day
ADDRESS_WINDOW = timedelta(minutes=10)
ADDRESS_MAX = 10                       # requests from one address (any numbers) in ten minutes
OVERALL_WINDOW = timedelta(minutes=10)
OVERALL_MAX = 300                      # requests from everywhere in ten minutes
IDLE = timedelta(minutes=30)
LONGEST = timedelta(hours=12)
SEEN_EVERY = timedelta(minutes=1)      # a session's last use is written at most once a minute


def keyed(key: bytes, kind: str, value: str) -> str:
    """The keyed hash (HMAC-SHA-256) of a number, a browser's value or a code: without the
    app's secret, a six-digit code or an eleven-digit number cannot be found from it."""
    return hmac.new(key, f"{kind}|{value}".encode(), hashlib.sha256).hexdigest()


def bucket(address: str) -> str:
    """Where a request comes from, as the limits count it: an IPv4 address, an IPv6 address's
    /64 (one subscriber's whole network: changing the last 64 bits is free)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "")[:64]
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class CodeAsked:
    person_id: int | None         # None: the number is nobody of the directory (told the same as the others)
    code: str | None = None       # to send: a person of the directory, within the limits
    retry_at: datetime | None = None    # refused: when to try again
    limit: str | None = None      # refused by: "number" (this number from this address), "address", "overall"


def _window(s: Session, where: list, since: datetime) -> tuple[int, datetime | None]:
    return s.execute(select(func.count(), func.min(ConsoleCode.sent_at)).where(ConsoleCode.sent_at > since,
                                                                                *where)).one()


def ask_code(s: Session, phone: str, address: str, asker: str, now: datetime, key: bytes) -> CodeAsked:
    """A one-time code for the person with this number (``phone``, normalized), asked from
    ``address`` by the browser holding ``asker``, within the limits; the caller sends it by SMS
    and says the same to everyone, known or not. The same statements run either way."""
    phone_key, where, asker_hash = keyed(key, "phone", phone), bucket(address), keyed(key, "asker", asker)
    code = f"{secrets.randbelow(1_000_000):06d}"
    code_hash = keyed(key, "code", code)
    person_id = s.scalar(select(Person.id).where(Person.phone == phone, Person.active.is_(True),   # an id: no
                                                 Person.role.in_(CONSOLE_ROLES)).limit(1))          # object built
    n, first = _window(s, [], now - OVERALL_WINDOW)
    if n >= OVERALL_MAX:
        return CodeAsked(person_id, retry_at=first + OVERALL_WINDOW, limit="overall")
    n, first = _window(s, [ConsoleCode.address == where], now - ADDRESS_WINDOW)
    if n >= ADDRESS_MAX:
        return CodeAsked(person_id, retry_at=first + ADDRESS_WINDOW, limit="address")
    sent = list(s.scalars(select(ConsoleCode.sent_at).where(
        ConsoleCode.phone_key == phone_key, ConsoleCode.address == where, ConsoleCode.sent_at > now - timedelta(days=1))
        .order_by(ConsoleCode.sent_at)))
    if sent and sent[-1] > now - EVERY:
        return CodeAsked(person_id, retry_at=sent[-1] + EVERY, limit="number")
    if len(sent) >= A_DAY:
        return CodeAsked(person_id, retry_at=sent[-A_DAY] + timedelta(days=1), limit="number")
    s.add(ConsoleCode(person_id=person_id, phone_key=phone_key, address=where, asker_hash=asker_hash,
                      code_hash=code_hash, sent_at=now, attempts=0))
    s.flush()
    return CodeAsked(person_id, code if person_id is not None else None)


def check_code(s: Session, phone: str, code: str, asker: str, now: datetime, key: bytes) -> Person | None:
    """The person signing in, when ``code`` answers the latest unused code this browser
    (``asker``) asked for this number, within 10 minutes and fewer than five wrong tries; a wrong
    answer counts against that code only. The same statements for a number nobody has (its
    requests have rows too; none can be answered)."""
    row = s.scalars(select(ConsoleCode).where(
        ConsoleCode.asker_hash == keyed(key, "asker", asker), ConsoleCode.phone_key == keyed(key, "phone", phone),
        ConsoleCode.used_at.is_(None)).order_by(ConsoleCode.sent_at.desc()).limit(1).with_for_update()).first()
    right = hmac.compare_digest(row.code_hash if row is not None else "", keyed(key, "code", code.strip()))
    if row is None or row.sent_at < now - CODE_VALID or row.attempts >= TRIES:
        return None
    if not right or row.person_id is None:
        row.attempts += 1
        return None
    person = s.get(Person, row.person_id)
    if person is None or not person.active or person.role not in CONSOLE_ROLES or person.phone != phone:
        return None
    row.used_at = now
    return person


# --- sessions --------------------------------------------------------------------------------------

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(s: Session, person: Person, now: datetime, address: str | None) -> str:
    """A new session for ``person``, holding what they are granted now; its id, for the cookie
    (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    s.add(ConsoleSession(token_hash=token_hash(token), person_id=person.id, role=person.role, unit_id=person.unit_id,
                         admin=bool(person.admin), address=(address or "")[:64] or None, began_at=now, seen_at=now))
    s.flush()
    return token


def find_session(s: Session, token: str) -> tuple[ConsoleSession, Person | None] | None:
    """The session this id opens (live or not) and its person as the directory has them now."""
    row = s.scalars(select(ConsoleSession).where(ConsoleSession.token_hash == token_hash(token))).first()
    return None if row is None else (row, s.get(Person, row.person_id))


def why_over(row: ConsoleSession, person: Person | None, now: datetime) -> str | None:
    """Why this session no longer lets anyone in, or None while it does."""
    if row.ended_at is not None:
        return row.ended_why or "ended"
    if person is None or not person.active or person.role not in CONSOLE_ROLES:
        return "stopped"
    if (person.role, person.unit_id, bool(person.admin)) != (row.role, row.unit_id, bool(row.admin)):
        return "changed"
    if now - row.began_at > LONGEST:
        return "expired"
    if now - row.seen_at > IDLE:
        return "idle"
    return None


def seen(s: Session, session_id: int, now: datetime) -> None:
    s.execute(update(ConsoleSession).where(ConsoleSession.id == session_id, ConsoleSession.ended_at.is_(None))
              .values(seen_at=now))


def end(s: Session, session_id: int, now: datetime, why: str) -> None:
    s.execute(update(ConsoleSession).where(ConsoleSession.id == session_id, ConsoleSession.ended_at.is_(None))
              .values(ended_at=now, ended_why=why))
