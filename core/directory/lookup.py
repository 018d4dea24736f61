"""The county's directory: a unit by code or name, a person by name or phone (as officials write
them), and the one-time codes that bind a WeChat OpenID to a person."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.store import scope
from core.store.models import BindCode, County, Person, Unit

BIND_TTL = timedelta(days=3)
WECOM_USERID = re.compile(r"[A-Za-z0-9_.@-]{1,64}")   # a WeCom member's 账号 (UserID)
# the roles of the directory, in the order forms offer them; a unit's people; who may lead (包案)
ROLES = ("staff", "liaison", "cadre", "head", "leader")
UNIT_ROLES = ("liaison", "cadre", "head")
LEAD_ROLES = ("leader", "head")


# what people add to or leave out of a unit's name: 下汤镇政府, 下汤镇党委 for 下汤镇人民政府
NAME_NOISE = re.compile(r"人民政府|政府|办事处|党委|党工委|^鲁山县|^县")


def _core_name(name: str) -> str:
    return NAME_NOISE.sub("", name.strip())


def find_unit(session: Session, text: str) -> Unit | None:
    """An active unit by code, full name, an alias from the county file ("住建局"), or a name as
    people write it (下汤镇政府, 水利局) that only one unit fits."""
    name = text.strip()
    if not name:
        return None
    units = list(session.scalars(select(Unit).where(Unit.active.is_(True), or_(
        Unit.code == name, Unit.name == name, Unit.name.contains(name)))))
    exact = [u for u in units if u.code == name or u.name == name]
    if exact:
        return exact[0]
    if len(units) == 1:
        return units[0]
    aliases = (current_county(session).options or {}).get("unit_aliases") or {}
    if name in aliases:
        return session.scalars(select(Unit).where(Unit.code == aliases[name], Unit.active.is_(True))).first()
    core = _core_name(name)
    if len(core) >= 2:
        fits = [u for u in session.scalars(select(Unit).where(Unit.active.is_(True))) if _core_name(u.name) == core]
        if len(fits) == 1:
            return fits[0]
    return None


def find_person(session: Session, name: str, roles: tuple[str, ...] | None = None) -> Person | None:
    """An active person of the directory by exact name (or phone); None when unknown or ambiguous."""
    if not name:
        return None
    query = select(Person).where(Person.active.is_(True), or_(Person.name == name, Person.phone == name))
    if roles:
        query = query.where(Person.role.in_(roles))
    found = list(session.scalars(query.limit(2)))
    return found[0] if len(found) == 1 else None


def person_by_phone(session: Session, phone: str) -> Person | None:
    return session.scalars(select(Person).where(Person.phone == phone, Person.active.is_(True))).first()


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.upper().encode()).hexdigest()


def new_bind_code(session: Session, person: Person, now: datetime) -> str:
    """A one-time code for ``person`` to send from WeChat ("绑定 CODE"), valid 3 days; only its
    hash is kept."""
    code = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8))
    session.add(BindCode(person_id=person.id, code_hash=_code_hash(code), created_at=now, expires_at=now + BIND_TTL))
    return code


def bind(session: Session, code: str, openid: str, now: datetime) -> tuple[Person | None, str | None]:
    """Bind ``openid`` to the person whose code this is: (the person, None), or (None, why not:
    "invalid" — unknown, used or expired — or "taken" by another person)."""
    row = session.scalars(select(BindCode).where(BindCode.code_hash == _code_hash(code))).first()
    if row is None or row.used_at is not None or row.expires_at < now:
        return None, "invalid"
    person = session.get(Person, row.person_id)
    taken = session.scalars(select(Person).where(Person.openid == openid, Person.id != person.id)).first()
    if taken is not None:
        return None, "taken"
    person.openid, row.used_at = openid, now
    return person, None

def current_county(session: Session) -> County:
    """The county of ``session``: the one it is bound to (core.store.scope), else — unbound, in a
    deployment of one — its county."""
    bound = scope.county_of(session)
    county = session.get(County, bound) if bound is not None else \
        session.scalars(select(County).where(County.kind == "county").order_by(County.id)).first()
    if county is None:
        raise LookupError("no county loaded: run `xinfang init COUNTY.toml` first")
    return county


def unreachable_units(session: Session) -> list[str]:
    """Active units (not the bureau) that no text can reach: nobody active in them — petitions
    routed there would reach no one (the bureau is told, but a new user's first try looks broken)."""
    staffed = set(session.scalars(select(Person.unit_id).where(Person.active.is_(True), Person.unit_id.is_not(None),
                                                               Person.role.in_(UNIT_ROLES))))
    return [u.name for u in session.scalars(select(Unit).where(Unit.active.is_(True), Unit.kind != "bureau")
                                            .order_by(Unit.id)) if u.id not in staffed]
