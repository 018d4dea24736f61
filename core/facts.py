"""A petition's settled facts as bits, kept on the row (``petition.facts``) for the measures.

The measures (core.reports.measures) read these bits and ``handling_days`` from one covering index
instead of comparing nine timestamps per row, which keeps a year of a county's cases (a million
rows) well under two seconds on SQLite. The bits are derived from the row's own columns by
:func:`facts_of` every time a petition is flushed (a ``before_flush`` hook in core.store.models), so
no code path has to remember them — except ``REPEATED``, which says that a *later* petition was
linked to this one as its repeat and is set by :func:`mark_repeated` when that link is made.

Whether a step "was due" depends on the moment the measures are taken only while the case is
open; the measures look at open cases' deadlines directly. A finished case (closed, withdrawn,
rejected) counts every step that had a deadline as due: a case closed without a meeting counts
as a missed meeting — except the steps a withdrawn or rejected case never reached.
"""
from __future__ import annotations

from core import status

REPEAT = 1 << 0            # this petition repeats an earlier one (重复访)
OPEN = 1 << 1              # still being handled (its deadlines are compared with "now" at query time)
CLOSED = 1 << 2            # 办结
RATED = 1 << 3
SATISFIED = 1 << 4         # 满意 or 基本满意
OVERDUE = 1 << 5           # 挂牌
REVIEWED = 1 << 6          # went to 复查 (or 复核)
REPEATED = 1 << 7          # a later petition was linked to this one (kept, not derived)
MEASURED_STEPS = ("accept", "meet", "reply")
HAS_DUE = {s: 1 << (8 + 3 * i) for i, s in enumerate(MEASURED_STEPS)}       # the step has a deadline
DONE = {s: 1 << (9 + 3 * i) for i, s in enumerate(MEASURED_STEPS)}          # the step was done
ON_TIME = {s: 1 << (10 + 3 * i) for i, s in enumerate(MEASURED_STEPS)}      # … by its deadline
DONE_AT = {"accept": "accepted_at", "meet": "met_at", "reply": "replied_at"}
DROPPED = status.DROPPED   # steps not done by then were never due
OPEN_STATUSES = status.OPEN   # a case in one of these is still being handled


def facts_of(p) -> int:
    """The bits for a petition (any object with the Petition's attributes)."""
    bits = getattr(p, "facts", 0) or 0
    bits &= REPEATED
    if p.repeat_of_id is not None:
        bits |= REPEAT
    if p.status in OPEN_STATUSES:
        bits |= OPEN
    if p.status == "closed" and p.closed_at is not None:
        bits |= CLOSED
    if p.rating is not None:
        bits |= RATED
        if p.rating in ("satisfied", "basic"):
            bits |= SATISFIED
    if p.overdue:
        bits |= OVERDUE
    if p.review_level is not None:
        bits |= REVIEWED
    dropped = p.status in DROPPED
    # an accusation held for the bureau to decide (核定) is with no unit yet: no unit's step is due
    held = bool(getattr(p, "accusation", False)) and getattr(p, "assigned_at", None) is None
    for step in MEASURED_STEPS:
        due, done = getattr(p, f"due_{step}"), getattr(p, DONE_AT[step])
        if held and done is None:
            continue
        if due is not None and (done is not None or not dropped):
            bits |= HAS_DUE[step]
        if done is not None:
            bits |= DONE[step]
            if due is not None and done <= due:
                bits |= ON_TIME[step]
    return bits


def handling_days(p) -> float | None:
    """Days from receipt to 办结, for a closed petition."""
    if p.status != "closed" or p.closed_at is None:
        return None
    return (p.closed_at - p.received_at).total_seconds() / 86400


def mark_repeated(original) -> None:
    """A later petition was linked to ``original`` as its repeat: it was not resolved at once."""
    original.facts = (original.facts or 0) | REPEATED
