"""The county's directory looked up by what officials write: a unit by code or name, a person by
name or phone."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.store.models import Person, Unit


def find_unit(session: Session, text: str) -> Unit | None:
    """An active unit by code, full name, or a part of its name that only one unit has."""
    name = text.strip()
    if not name:
        return None
    units = list(session.scalars(select(Unit).where(Unit.active.is_(True), or_(
        Unit.code == name, Unit.name == name, Unit.name.contains(name)))))
    exact = [u for u in units if u.code == name or u.name == name]
    if exact:
        return exact[0]
    return units[0] if len(units) == 1 else None


def find_person(session: Session, name: str, roles: tuple[str, ...] | None = None) -> Person | None:
    """An active person of the directory by exact name (or phone); None when unknown or ambiguous."""
    if not name:
        return None
    query = select(Person).where(Person.active.is_(True), or_(Person.name == name, Person.phone == name))
    if roles:
        query = query.where(Person.role.in_(roles))
    found = list(session.scalars(query.limit(2)))
    return found[0] if len(found) == 1 else None
