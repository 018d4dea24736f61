"""The states of a citizen's conversation (``Conversation.state``), named once.

What each state accepts and where it leads is declared in one table, handlers.conversation;
handlers name a state only through this enum, and dispatch checks every move against the table.
"""
from __future__ import annotations

from enum import Enum


class State(str, Enum):
    """A conversation's state; its value is what the ``conversation`` row stores."""

    IDLE = "idle"
    # the intake's steps, in the order they are asked (a message fills what it can: the next
    # step is the first still missing; SMS skips the phone, the sender's number is proven)
    NAME = "name"
    PHONE = "phone"
    PLACE = "place"
    VILLAGE = "village"
    CONTENT = "content"
    CONFIRM = "confirm"
    # the intake's side states
    CHOOSE_PLACE = "choose_place"   # several places fit: which one
    EDIT = "edit"                   # 返回 at the summary: which part to change
    REPEAT = "repeat"               # the same matter as an earlier petition: joined, or new
    # after a petition
    SUPPLEMENT = "supplement"       # 补充 编号: what follows is added to the case
    WITHDRAW = "withdraw"           # 撤回 编号: asked to confirm
    RATE_WHY = "rate_why"           # rated 不满意: asked why


INTAKE_STEPS = (State.NAME, State.PHONE, State.PLACE, State.VILLAGE, State.CONTENT, State.CONFIRM)
INTAKE = frozenset(INTAKE_STEPS + (State.CHOOSE_PLACE, State.EDIT, State.REPEAT))   # a draft is under way
