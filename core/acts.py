"""What every use case of every area takes and gives (core.cases.usecases, core.cases.petitioner,
core.evenings.usecases, core.checks.usecases): an :class:`Act` in, a :class:`Done` out.

An SMS or WeChat command (handlers.registry), the CLI and the web console all perform an action
the same way: find the case (locked), then call one use case with an :class:`Act` — who acts,
when, under which rules — and the action's arguments, already understood (a unit, a number of
days, a text). The function checks the step is allowed (core.cases.lifecycle / core.evenings.visits raise, and the
caller's transaction writes nothing of it), changes the case and its events, and returns
:class:`Done`: what happened, and who must be told of what (:class:`Tell`: an audience of
core.cases.audience, the purpose of the message and the values its sentence needs). No parsing, no
wording: the sentences are the front end's (core.words.officials), so the console can show
the same facts its own way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable

from core.rules import Rules

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session

    from core.store.models import Person, Petition


@dataclass(frozen=True)
class Act:
    """Who acts, when, under which rules, in which transaction. ``db``: the ORM session, or a
    function that makes it on first use (the hot path makes none unless it needs one); ``conn``:
    the transaction's Core connection, where the caller has one."""

    db: Session | Callable[[], Session]
    rules: Rules
    now: datetime
    actor: str                      # "staff:3", "cadre:7", "leader:2", "system", "campaign"
    person: Person | None = None    # the directory's person acting (None: the system)
    inbound_id: int | None = None   # the message that asked for it, kept on the events
    sender: str | None = None       # the address it came from: told by the reply, not sent a copy
    conn: Connection | None = None

    @property
    def session(self) -> Session:
        return self.db() if callable(self.db) else self.db

    @property
    def reader(self) -> Session | Connection:
        """Where to read in this transaction without making a session."""
        return self.conn if self.conn is not None else self.session


# audiences of a Tell
PETITIONER = "petitioner"   # on the channel they used (ask: their next 1/2/3 answers it)
CHECK = "check"             # the petitioner themselves: a number they proved, else WeChat (七晚 checks)
UNIT = "unit"               # the case's unit's contacts (core.cases.audience.unit), or ``phones``
STAFF = "staff"             # the bureau's staff (core.cases.audience.staff)
PHONES = "phones"           # exactly ``phones``


@dataclass(frozen=True)
class Tell:
    to: str                          # PETITIONER | UNIT | STAFF | PHONES
    what: str                        # the purpose: names the sentence and is kept on the outbox row
    data: dict = field(default_factory=dict)   # the values the sentence needs
    phones: tuple[str, ...] | None = None      # UNIT: these contacts (read earlier); PHONES: these
    ask: dict | None = None          # PETITIONER, CHECK: the question their next answer is read against
    sentence: str | None = None      # the sentence, when not the one named by ``what``


@dataclass
class Done:
    """What an action did: the case, values for the reply to the actor, and who is told what."""

    petition: Petition | None      # None: an action on no case (a 日排查 report)
    data: dict[str, Any] = field(default_factory=dict)
    tells: list[Tell] = field(default_factory=list)
    said: str | None = None        # what the actor is told (core.actions.perform)
