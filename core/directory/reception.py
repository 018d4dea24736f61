"""接访日程 — the leaders' reception schedule (seed 001: 次月县乡两级党政领导接访日程公开).

The bureau's staff put each reception on the schedule in the console (day, hours, the leader,
the place); citizens read the next ones by sending "接访" or from the WeChat menu. A reception is
cancelled, never deleted (the schedule that was published stays on record).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.store.models import Person, ReceptionSlot

HOURS = re.compile(r"^\s*([01]?\d|2[0-3])[:：]([0-5]\d)\s*[-–—~至到]\s*([01]?\d|2[0-3])[:：]([0-5]\d)\s*$")


class ReceptionError(ValueError):
    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code, self.values = code, values


def hours_of(text: str) -> tuple[str, str]:
    """"9:00-12:00" → ("09:00", "12:00"); a range that ends before it starts is refused."""
    m = HOURS.match(text or "")
    if not m:
        raise ReceptionError("reception_hours", text=text)
    starts, ends = f"{int(m[1]):02d}:{m[2]}", f"{int(m[3]):02d}:{m[4]}"
    if ends <= starts:
        raise ReceptionError("reception_hours", text=text)
    return starts, ends


def add(s: Session, day: date, hours: str, leader: Person, place: str, note: str | None, today: date,
        now: datetime, actor: str) -> ReceptionSlot:
    if day < today:
        raise ReceptionError("reception_past", day=day)
    if day > today + timedelta(days=120):
        raise ReceptionError("reception_far", day=day)
    if leader.role not in ("leader", "head") or not leader.active:
        raise ReceptionError("reception_leader", name=leader.name)
    if not place.strip():
        raise ReceptionError("reception_place")
    starts, ends = hours_of(hours)
    slot = ReceptionSlot(day=day, starts=starts, ends=ends, person_id=leader.id,
                         leader=f"{leader.title or ''}{leader.name}"[:64], place=place.strip()[:128],
                         note=(note or "").strip()[:500] or None, active=True, created_at=now, actor=actor)
    s.add(slot)
    s.flush()
    return slot


def cancel(s: Session, slot_id: int) -> ReceptionSlot | None:
    slot = s.get(ReceptionSlot, slot_id)
    if slot is None or not slot.active:
        return None
    slot.active = False
    return slot


def upcoming(s: Session, today: date, days: int = 62, limit: int = 20) -> list[ReceptionSlot]:
    """The receptions from today on (the rest of this month and the next), in order."""
    return list(s.scalars(select(ReceptionSlot).where(
        ReceptionSlot.active.is_(True), ReceptionSlot.day >= today, ReceptionSlot.day <= today + timedelta(days=days))
        .order_by(ReceptionSlot.day, ReceptionSlot.starts, ReceptionSlot.id).limit(limit)))
