"""回访: going back to the petitioner after 办结 (seeds 000, 002 measure satisfaction this way).

A closed case the petitioner has not rated is asked once more, two working days after 办结, on
the channel they used (the question is kept on their conversation like the first: a bare digit
answers it). Each case is asked again once (its ``follow_up`` event). What is left for the
bureau to telephone — answered cases still unrated after that, and the dissatisfied — is listed
by :func:`to_phone` (``xinfang follow-ups``). 参评率 (rated / answered) is in core.reports.measures.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from core.cases import audience
from core.clock import day_start, local
from core.store import scope
from core.store.conversations import put_asks
from core.store.models import OutboundMessage, Petition, PetitionEvent
from core.words import jobs as words
from core.workdays import WorkCalendar

AFTER_WORKDAYS = 2
BATCH = 500


@dataclass
class FollowUps:
    asked: int = 0
    messages: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return words.follow_up_summary(self.asked)


def _asked_before():
    return exists().where(PetitionEvent.petition_id == Petition.id, PetitionEvent.kind == "follow_up")


def follow_up(s: Session, now: datetime, calendar: WorkCalendar) -> FollowUps:
    """Ask again every closed, unrated case closed ``AFTER_WORKDAYS`` working days ago or more,
    once. In the caller's transaction; the questions are put on the conversations after it."""
    report = FollowUps()
    today = local(now).date()
    rows = list(s.scalars(select(Petition).where(
        Petition.status == "closed", Petition.rating.is_(None), Petition.closed_at.is_not(None),
        Petition.closed_at < day_start(today), ~_asked_before()).order_by(Petition.closed_at).limit(BATCH)))
    asks = []
    for p in rows:
        if calendar.workdays_between(local(p.closed_at).date(), today) < AFTER_WORKDAYS:
            continue
        channel, to = audience.petitioner(p)
        if not to:
            continue
        s.add(PetitionEvent(petition_id=p.id, at=now, kind="follow_up", actor="system", text=words.FOLLOW_UP_ASKED))
        question = words.follow_up(p.tracking_no)
        report.messages.append(OutboundMessage.enqueue(s, channel, to, question, "follow_up", now, p.id,
                                                       params=list(question.values)))
        ask = {"kind": "rate", "petition_id": p.id}
        asks.append((channel, to, {**ask, "entrance": p.entrance_id} if p.entrance_id else ask))   # the city's account
        report.asked += 1
    s.flush()
    put_asks(s.connection(), asks, now, scope.county_of(s))
    return report


def to_phone(s: Session, limit: int = 100) -> list[Petition]:
    """Answered cases the bureau should telephone: dissatisfied, or still unrated after 回访."""
    return list(s.scalars(select(Petition).where(
        (Petition.rating == "unsatisfied")
        | ((Petition.status == "closed") & Petition.rating.is_(None) & _asked_before()))
        .order_by(Petition.closed_at.desc().nulls_last(), Petition.id.desc()).limit(limit)))
