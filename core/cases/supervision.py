"""督办 by the city (issue 31, 3; seed 004: the city supervises its counties' cases).

The city's bureau marks a county's open case 挂牌督办: a reason and a deadline by which the case
must be answered (答复) or closed. The county's bureau (its staff) and the unit's head are told at
once — never a person the case accuses (信访工作条例 Art. 30). One 督办 stands at a time on a case;
a case already answered or closed needs none.

The sweep (:func:`sweep_supervisions`, with the deadline sweep) looks at the 督办 whose deadline
has come, by a partial index of those still standing: answered or closed by then — met; not —
missed: the county's leaders, its bureau and the unit head are told, and the miss is recorded
for the unit's 月考评 (``supervision_missed`` in the county's ``[county.scores]``) and counts
against the county in the city's monthly ranking (core.reports.ranking).

The case stays its county's: a 督办 row is the case's county's (core.store.scope), written in a
session bound to it; the city's person who marked it is named on it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from core.acts import PHONES, STAFF, Act, Done, Tell
from core.cases import audience
from core.cases.lifecycle import CaseError, event, recused_people
from core.clock import local, month_day
from core.rules import Rules
from core.timelines import end_of
from core.status import OPEN
from core.store.models import County, OutboundMessage, Person, Petition, ScoreEvent, Supervision
from core.words import jobs as words

REASON_MAX = 200


STANDING = and_(Supervision.met_at.is_(None), Supervision.missed_at.is_(None))   # neither met nor missed


def standing(s: Session, p: Petition) -> Supervision | None:
    """The 督办 standing on a case, if any."""
    return s.scalar(select(Supervision).where(Supervision.petition_id == p.id, STANDING).limit(1))


MOST_DAYS = 30   # a 督办's time, in working days


def due_in(act: Act, days: int) -> datetime:
    """The end of the ``days``-th working day after today (the case's county's calendar)."""
    if not 1 <= days <= MOST_DAYS:
        raise CaseError("supervise_days", most=MOST_DAYS)
    return end_of(act.rules.calendar.add_workdays(local(act.now).date(), days).date)


def supervise(act: Act, p: Petition, reason: str, due: datetime) -> Done:
    """督办: the city marks ``p`` 挂牌督办 until ``due`` for ``reason``. Only the city's own
    people may (a county's staff 催办 their own units); the county's bureau and the unit head are told."""
    s, now, person = act.session, act.now, act.person
    city = s.get(County, person.county_id) if person is not None else None
    county = s.get(County, p.county_id)
    if city is None or city.kind != "city" or county is None or county.parent_id != city.id:
        raise CaseError("supervise_city_only")
    if p.status not in OPEN:
        raise CaseError("supervise_not_open", no=p.tracking_no, status=p.status)
    reason = " ".join(reason.split())
    if not reason:
        raise CaseError("supervise_reason")
    if len(reason) > REASON_MAX:
        raise CaseError("supervise_reason_long", most=REASON_MAX)
    if due <= now:
        raise CaseError("supervise_due_past", due=due)
    already = standing(s, p)
    if already is not None:
        raise CaseError("supervised_already", no=p.tracking_no, due=already.due_at)
    s.add(Supervision(petition_id=p.id, county_id=p.county_id, reason=reason, due_at=due, at=now,
                      by_person_id=person.id, by_name=city.name))
    event(s, p, now, "supervised", act.actor, words.supervised_event(city.name, month_day(due), reason), act.inbound_id)
    heads = tuple(audience.heads(s, p))
    done = Done(p, {"city": city.name, "due": due})
    done.tells.append(Tell(STAFF, "case_supervised", {"city": city.name, "due": due, "reason": reason}))
    if heads:
        done.tells.append(Tell(PHONES, "case_supervised", {"city": city.name, "due": due, "reason": reason},
                               phones=heads))
    return done


@dataclass
class SupervisionReport:
    met: int = 0
    missed: int = 0
    messages: list[int] = field(default_factory=list)


def sweep_supervisions(s: Session, now: datetime, rules: Rules) -> SupervisionReport:
    """The 督办 whose deadline has come: met (answered or closed by then) or missed — told and
    scored. Each is settled once: the row is claimed by the UPDATE that settles it."""
    report = SupervisionReport()
    due = list(s.execute(
        select(Supervision, Petition).join(Petition, Petition.id == Supervision.petition_id)
        .where(Supervision.due_at <= now, STANDING)
        .order_by(Supervision.due_at, Supervision.id).with_for_update(skip_locked=True, of=Supervision)))
    for sup, p in due:
        answered = min((t for t in (p.replied_at, p.closed_at) if t is not None), default=None)
        if answered is not None and answered <= sup.due_at:
            report.met += _settle(s, sup, met_at=answered)
            continue
        if not _settle(s, sup, missed_at=now):
            continue
        report.missed += 1
        event(s, p, now, "supervision_missed", "sweep", words.supervision_missed_event(sup.by_name, month_day(sup.due_at)), None)
        points = rules.scores.of("supervision_missed")
        if p.unit_id and points:
            s.add(ScoreEvent(county_id=p.county_id, unit_id=p.unit_id, petition_id=p.id, at=now,
                             kind="supervision_missed", points=points,
                             note=words.supervision_missed_note(p.tracking_no, sup.by_name)))
        said = words.supervision_missed(sup.by_name, p.tracking_no, p.unit.name if p.unit else "", month_day(sup.due_at))
        phones = list(dict.fromkeys(audience.leaders(s) + audience.staff(s, p) + audience.heads(s, p)))
        barred = _barred_phones(s, p)
        report.messages += OutboundMessage.enqueue_many(
            s, [(phone, said, "supervision_missed", p.id, said.params) for phone in phones if phone not in barred], now)
    return report


def _settle(s: Session, sup: Supervision, **settled) -> int:
    """Settle a standing 督办 (met_at or missed_at): 1, or 0 when another sweep settled it first."""
    return s.execute(update(Supervision).where(Supervision.id == sup.id, STANDING).values(**settled)
                     .execution_options(synchronize_session=False)).rowcount


def _barred_phones(s: Session, p: Petition) -> set[str]:
    """The numbers of the people the case accuses (a leader among them is not told of it)."""
    barred = recused_people(s, p)
    return set(s.scalars(select(Person.phone).where(Person.id.in_(barred)))) if barred else set()


def supervisions_of(s: Session, p: Petition) -> list[Supervision]:
    """Every 督办 of a case, the latest first (the case file)."""
    return list(s.scalars(select(Supervision).where(Supervision.petition_id == p.id)
                          .order_by(Supervision.at.desc(), Supervision.id.desc())))


def marked_in(s: Session, start: datetime, end: datetime) -> int:
    """督办 the city marked in [start, end) in the session's county (the city's 每日访情)."""
    return s.scalar(select(func.count()).select_from(Supervision).where(
        Supervision.at >= start, Supervision.at < end)) or 0


def missed_in(s: Session, start: datetime, end: datetime) -> int:
    """督办 missed in [start, end) in the session's county (the city's ranking and 每日访情)."""
    return s.scalar(select(func.count()).select_from(Supervision).where(
        Supervision.missed_at >= start, Supervision.missed_at < end)) or 0

