"""A petition's status and the one table of the steps that move it.

Every rule about "may this step happen now?" reads :data:`STEPS`; the sets other code needs
(open, handling, finished …) are derived from the statuses here, never written out again.
A ``Status`` is a ``str`` (StrEnum), so it compares equal to the text stored in the column.
"""
from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    REGISTERED = "registered"   # with the bureau, to be assigned (登记)
    ASSIGNED = "assigned"       # with a unit (交办)
    ACCEPTED = "accepted"       # the unit accepted it (受理)
    REPLIED = "replied"         # the unit answered the petitioner (答复)
    CLOSED = "closed"           # 办结
    WITHDRAWN = "withdrawn"     # 撤回 by the petitioner
    REJECTED = "rejected"       # 不予受理
    RETURNED = "returned"       # the unit sent it back to the bureau (退回)
    REVIEWING = "reviewing"     # 复查 / 复核 under way
    JOINED = "joined"           # a repeat joined to the open petition on its matter (并案): handled there


S = Status

# step → (the statuses it may start from, the status it leaves; None: the status stays)
STEPS: dict[str, tuple[frozenset[Status], Status | None]] = {
    "assign": (frozenset({S.REGISTERED, S.RETURNED}), S.ASSIGNED),
    "reassign": (frozenset({S.ASSIGNED}), None),     # 改派: to another unit, not yet accepted
    "urge": (frozenset({S.ASSIGNED, S.ACCEPTED, S.REPLIED}), None),   # 催办: the bureau presses the unit
    "accept": (frozenset({S.ASSIGNED}), S.ACCEPTED),
    "not_accept": (frozenset({S.REGISTERED, S.RETURNED, S.ASSIGNED}), S.REJECTED),
    "meet": (frozenset({S.ACCEPTED, S.REPLIED}), None),
    "reply": (frozenset({S.ACCEPTED}), S.REPLIED),
    "close": (frozenset({S.REPLIED}), S.CLOSED),
    "send_back": (frozenset({S.ASSIGNED, S.ACCEPTED}), S.RETURNED),
    "extend": (frozenset({S.ACCEPTED}), None),
    "take_back": (frozenset({S.ASSIGNED, S.ACCEPTED, S.REPLIED}), S.REGISTERED),
    "request_review": (frozenset({S.REPLIED, S.CLOSED}), S.REVIEWING),
    "answer_review": (frozenset({S.REVIEWING}), S.CLOSED),
    "withdraw": (frozenset({S.REGISTERED, S.ASSIGNED, S.ACCEPTED, S.REPLIED, S.RETURNED, S.REVIEWING}),
                 S.WITHDRAWN),
}

FINISHED = (S.CLOSED, S.WITHDRAWN, S.REJECTED, S.JOINED)          # nothing more is due (on this row)
OPEN = tuple(s for s in Status if s not in FINISHED)               # still being handled
HANDLING = tuple(sorted(STEPS["take_back"][0], key=list(Status).index))   # with a unit
WITH_BUREAU = tuple(sorted(STEPS["assign"][0], key=list(Status).index))   # to be (re)assigned
UNANSWERED = (S.REGISTERED, S.ASSIGNED, S.ACCEPTED)                # no reply yet (a repeat joins it)
DROPPED = (S.WITHDRAWN, S.REJECTED, S.JOINED)                      # ended before their steps were due


def may(step: str, status: str | None) -> bool:
    """Whether ``step`` may start from ``status``."""
    return status in STEPS[step][0]


def after(step: str, status: str) -> Status:
    """The status ``step`` leaves a petition in."""
    to = STEPS[step][1]
    return Status(status) if to is None else to
