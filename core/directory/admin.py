"""Administering the directory from the console (管理, bot/console/admin.py): people, their roles and
units, their WeChat binding, who may administer — and the county file's state.

The county file stays where the directory comes from (`xinfang init`, core.county). A person an
administrator adds or changes here is kept by the console (``managed = "console"``): the next
load of the file leaves them as they are, and says so, until an administrator hands them back to
the file. Nothing is deleted: a person who leaves is made inactive, and their history stays.

Every refusal is a :class:`DirectoryError` (a code and its values; the words are the front end's,
core.words.refusals) and changes nothing. The first administrator is made from the command line
(`xinfang admin`), since nobody can sign in to make them.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.directory.lookup import WECOM_USERID, unreachable_units
from core.directory.lookup import ROLES, UNIT_ROLES
from core.phones import InvalidPhone, normalize_phone
from core.store.models import DirectoryLoad, Person, Unit

ADMIN_ONLY = "admin"      # the role of an administrator who is nobody of the file: sees no case


class DirectoryError(Exception):
    """A change to the directory that is not allowed; nothing of it is kept."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code, params)
        self.code, self.params = code, params


@dataclass(frozen=True)
class Entry:
    """What the form says of a person."""

    name: str
    phone: str
    role: str
    unit_id: int | None = None
    title: str | None = None
    wecom: str | None = None     # their WeCom member id (账号), when the county reaches them there


def _check(s: Session, entry: Entry, person: Person | None) -> tuple[str, Unit | None]:
    name = entry.name.strip()
    if not 1 <= len(name) <= 32:
        raise DirectoryError("name_needed")
    try:
        phone = normalize_phone(entry.phone)
    except InvalidPhone:
        raise DirectoryError("bad_phone", phone=entry.phone.strip() or "（空）") from None
    roles = ROLES + ((ADMIN_ONLY,) if person is not None and (person.role == ADMIN_ONLY or person.admin) else ())
    if entry.role not in roles:
        raise DirectoryError("bad_role")
    unit = s.get(Unit, entry.unit_id) if entry.unit_id else None
    if unit is not None and not unit.active:
        raise DirectoryError("unit_inactive", unit=unit.name)
    if entry.role in UNIT_ROLES and unit is None:
        raise DirectoryError("unit_needed")
    other = s.scalars(select(Person).where(Person.phone == phone)).first()
    if other is not None and other is not person:
        raise DirectoryError("phone_taken", phone=phone, name=other.name, active=other.active)
    wecom = wecom_of(entry)
    if wecom is not None:
        if not WECOM_USERID.fullmatch(wecom):
            raise DirectoryError("bad_wecom", wecom=wecom)
        other = s.scalars(select(Person).where(func.lower(Person.wecom_userid) == wecom.lower())).first()
        if other is not None and other is not person:
            raise DirectoryError("wecom_taken", wecom=wecom, name=other.name)
    return phone, unit


def wecom_of(entry: Entry) -> str | None:
    return (entry.wecom or "").strip() or None


def add_person(s: Session, entry: Entry) -> Person:
    """A new person of the directory, kept by the console."""
    phone, unit = _check(s, entry, None)
    person = Person(name=entry.name.strip(), phone=phone, role=entry.role, unit_id=unit.id if unit else None,
                    title=(entry.title or "").strip() or None, wecom_userid=wecom_of(entry), active=True, admin=False,
                    managed="console")
    s.add(person)
    s.flush()
    return person


RIGHTS = ("role", "unit_id", "phone")   # what decides which cases a person sees (and where the sign-in code goes)


def change_person(s: Session, person: Person, entry: Entry, by: Person | None = None) -> list[str]:
    """The person as the form says; what changed (field names), and the console now keeps them.
    Nobody changes their own role, unit or number (``by``: who asks): an administrator does not
    widen their own rights — another administrator must. An administrator made staff (or anything
    else) may be made an administrator only again."""
    phone, unit = _check(s, entry, person)
    values = {"name": entry.name.strip(), "phone": phone, "role": entry.role, "unit_id": unit.id if unit else None,
              "title": (entry.title or "").strip() or None, "wecom_userid": wecom_of(entry)}
    changed = [k for k, v in values.items() if getattr(person, k) != v]
    if by is not None and by.id == person.id and any(k in RIGHTS for k in changed):
        raise DirectoryError("own_rights")
    for k in changed:
        setattr(person, k, values[k])
    if changed:
        person.managed = "console"
    return changed


def set_active(s: Session, person: Person, active: bool, by: Person) -> None:
    """停用 / 启用. Nobody stops themselves, nor the last active administrator."""
    if not active and person.id == by.id:
        raise DirectoryError("not_yourself")
    if not active and person.admin and _admins(s) <= 1:
        raise DirectoryError("last_admin")
    person.active, person.managed = active, "console"


def set_admin(s: Session, person: Person, admin: bool, by: Person) -> None:
    if not admin and person.id == by.id:
        raise DirectoryError("not_yourself")
    if admin and not person.active:
        raise DirectoryError("inactive", name=person.name)
    if not admin and person.admin and _admins(s) <= 1:
        raise DirectoryError("last_admin")
    person.admin = admin


def unbind(person: Person) -> bool:
    """Forget the person's WeChat (a lost phone, a changed account): whether one was bound."""
    was = person.openid is not None
    person.openid = None
    return was


def hand_back(person: Person) -> None:
    """The county file keeps this person again: the next `xinfang init` applies it to them."""
    person.managed = "file"


def _admins(s: Session) -> int:
    return s.scalar(select(func.count()).select_from(Person).where(Person.admin.is_(True),
                                                                   Person.active.is_(True))) or 0


def make_admin(s: Session, phone: str, name: str | None) -> tuple[Person, bool]:
    """`xinfang admin`: the person with this number administers the console — a person of the
    file keeps their role; a number nobody has becomes an administrator who sees no case (needs a
    name). (the person, whether they were created)."""
    try:
        phone = normalize_phone(phone)
    except InvalidPhone:
        raise DirectoryError("bad_phone", phone=phone) from None
    person = s.scalars(select(Person).where(Person.phone == phone)).first()
    if person is not None:
        person.admin, person.active = True, True
        return person, False
    if not (name or "").strip():
        raise DirectoryError("name_needed")
    person = Person(name=name.strip(), phone=phone, role=ADMIN_ONLY, active=True, admin=True, managed="console")
    s.add(person)
    s.flush()
    return person, True


@dataclass
class Directory:
    """The 管理 page: everyone, the units with who can be reached there, the file's loads."""

    people: list[Person]
    units: list[Unit]
    reach: dict[int, dict[str, int]]      # unit id → role → active people
    unreachable: set[str]                 # units no text can reach (core.directory.lookup.unreachable_units)
    loads: list[DirectoryLoad]
    kept: int                             # people the console keeps


def directory(s: Session, unit_id: int | None = None) -> Directory:
    query = select(Person).order_by(Person.active.desc(), Person.unit_id.is_(None), Person.unit_id, Person.role,
                                    Person.id)
    if unit_id:
        query = query.where(Person.unit_id == unit_id)
    people = list(s.scalars(query))
    units = list(s.scalars(select(Unit).order_by(Unit.active.desc(), Unit.id)))
    reach: dict[int, dict[str, int]] = {}
    for uid, role, n in s.execute(select(Person.unit_id, Person.role, func.count()).where(
            Person.active.is_(True), Person.unit_id.is_not(None)).group_by(Person.unit_id, Person.role)):
        reach.setdefault(uid, {})[role] = n
    loads = list(s.scalars(select(DirectoryLoad).order_by(DirectoryLoad.id.desc()).limit(10)))
    kept = s.scalar(select(func.count()).select_from(Person).where(Person.managed == "console")) or 0
    return Directory(people, units, reach, set(unreachable_units(s)), loads, kept)
