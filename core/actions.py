"""The case actions, each declared once: the catalogue both front ends read.

An official acts on a case by an SMS / WeChat / WeCom command (handlers.officials reads the words)
or by a form of the console's case file (bot.console reads the fields). Both roads end here: each
reads what the person gave into the action's arguments — a typed value, whose rules (延期 1–30
days …) are checked when it is made — and calls :func:`perform`, which locks the case, checks
that this person may take the action on it (their role; their unit's case, or any for the bureau;
never a case that accuses them), runs the use case, tells the bureau of a deadline that rests on
an unpublished year, and returns the :class:`~core.acts.Done` with what is said to the
actor (``done.said``: core.words.officials.REPLIES, a :class:`~core.words.said.Said` for a
template-only SMS provider). A refusal is a :class:`~core.cases.lifecycle.CaseError`, worded by
core.words.refusals; the transaction writes nothing of it.

An entry says what a front end needs to offer the action: its label and fields (the console's
form, :func:`offered`), who may take it (``roles``, ``scope``), and the status step it takes
(core.status.STEPS). The SMS help and the console's forms are generated from it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from core.cases.lifecycle import CaseError, barred, check_extension, lock_by_number, may_act
from core.status import OPEN, may
from core.timelines import COMPLEXITY_DAYS
from core.store.models import Person, Petition, Unit
from core.cases import supervision, usecases
from core.cases import petitioner as citizen_usecases
from core.evenings import usecases as ev_usecases
from core.acts import Act, Done
from core.words import console as W
from core.words import officials as T
from core.words.citizens import CALL_OUTCOME_NAMES
from core.words.said import Said

CADRES = frozenset({"liaison", "cadre", "head"})
STAFF = frozenset({"staff"})
LEADERS = frozenset({"leader"})
UNITS_AND_STAFF = CADRES | STAFF
OFFICIALS = CADRES | STAFF | LEADERS


# --- the arguments: typed values, their rules checked when made ----------------------------------

@dataclass(frozen=True)
class Nothing:
    """An action that takes nothing but the case (办结, 批准延期)."""


@dataclass(frozen=True)
class Text:
    """A text: a reason, an answer, a note (whether one is needed is the step's rule, core.cases.lifecycle)."""
    text: str = ""


@dataclass(frozen=True)
class Complexity:
    """受理's 简单 / 一般 / 复杂 (None: 一般)."""
    complexity: str | None = None

    def __post_init__(self) -> None:
        if self.complexity is not None and self.complexity not in COMPLEXITY_DAYS:
            raise CaseError("complexity_unknown")


@dataclass(frozen=True)
class Extension:
    """延期: days (1 to the 条例's 30) and a reason."""
    days: int
    text: str

    def __post_init__(self) -> None:
        check_extension(self.days, self.text)


@dataclass(frozen=True)
class ToUnit:
    """A unit a case goes to (交办, 改派)."""
    unit: Unit


@dataclass(frozen=True)
class Lead:
    """包案: a county leader or a unit's head."""
    lead: Person


@dataclass(frozen=True)
class Accused:
    """被反映: the unit or the person a case accuses."""
    unit: Unit | None = None
    person: Person | None = None


@dataclass(frozen=True)
class Campaign:
    """列入七晚: the unit whose task force goes, and its 包案 leader if named."""
    unit: Unit
    lead: Person | None = None


@dataclass(frozen=True)
class Call:
    """电话回访: what came of the call (one of core.words.citizens.CALL_OUTCOME_NAMES) and a note."""
    outcome: str
    text: str = ""

    def __post_init__(self) -> None:
        if self.outcome not in CALL_OUTCOME_NAMES:
            raise CaseError("follow_up_outcome")


@dataclass(frozen=True)
class Supervise:
    """挂牌督办: working days (1 to core.cases.supervision.MOST_DAYS) and a reason."""
    days: int
    text: str

    def __post_init__(self) -> None:
        if not 1 <= self.days <= supervision.MOST_DAYS:
            raise CaseError("supervise_days", most=supervision.MOST_DAYS)
        if not self.text.strip():
            raise CaseError("supervise_reason")


# what a 电话回访 about a case may record, for the forms: a rating only where the petitioner gave none
call_outcomes = citizen_usecases.call_outcomes


# --- the catalogue ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    """What an action asks for: ``kind`` names the value (text, note — a text that may be left
    empty —, unit, lead, days, outcome, accused, complexity), ``label`` the console's field."""
    kind: str
    label: str
    required: bool = True


@dataclass(frozen=True)
class Action:
    name: str
    label: str                           # the console's button (core.words.console.ACTIONS)
    run: Callable[[Act, Petition, object], Done]
    args: type                           # the typed value of its arguments
    asks: tuple[Field, ...] = ()         # the console form's fields, in order
    roles: frozenset[str] = UNITS_AND_STAFF
    scope: str = "unit"                  # "unit": a unit's people their unit's cases, the bureau any; "any"
    step: str | None = None              # core.status.STEPS: offered only when the step may start
    ready: Callable[[Petition], bool] | None = None   # another condition for offering it
    refusal: str = "not_yours"           # core.words.refusals: said to a role not in ``roles``
    group: str = ""                      # the case file's section (core.words.console.GROUPS): handle,
                                         # transfer, oversee, record
    destructive: bool = False            # ends the case or hands it away: set apart, asked before it is sent
    city: bool = False                   # the city's, on a county's case (督办); every other action is
                                         # taken on a case of one's own county (or the city's own)


def _entries() -> tuple[Action, ...]:
    L = W.ACTIONS
    return (
        Action("assign", L["assign"], lambda a, p, x: usecases.assign(a, p, x.unit), ToUnit,
               (Field("unit", L["assign_unit"]),), STAFF, step="assign", group="transfer"),
        Action("reassign", L["reassign"], lambda a, p, x: usecases.reassign(a, p, x.unit), ToUnit,
               (Field("unit", L["reassign_unit"]),), STAFF, step="reassign", group="transfer",
               destructive=True),
        Action("urge", L["urge"], lambda a, p, x: usecases.urge(a, p, x.text), Text,
               (Field("note", L["urge_note"], required=False),), STAFF, step="urge", group="oversee"),
        Action("supervise", L["supervise"],
               lambda a, p, x: supervision.supervise(a, p, x.text, supervision.due_in(a, x.days)), Supervise,
               (Field("days", L["supervise_days"]), Field("text", L["supervise_reason"])), STAFF,
               ready=lambda p: p.status in OPEN, group="oversee", city=True),
        Action("lead", L["lead"], lambda a, p, x: usecases.set_lead(a, p, x.lead), Lead,
               (Field("lead", L["lead_person"]),), STAFF, ready=lambda p: p.status in OPEN, group="oversee"),
        Action("select", L["select"], lambda a, p, x: ev_usecases.select(a, p, x.unit, x.lead), Campaign,
               (Field("unit", L["select_unit"]), Field("lead", L["select_lead"], required=False)), STAFF,
               ready=lambda p: p.status in OPEN and not p.under_evenings, group="transfer"),
        Action("accept", L["accept"], lambda a, p, x: usecases.accept(a, p, x.complexity), Complexity,
               (Field("complexity", L["accept_complexity"], required=False),), step="accept", group="handle"),
        Action("not_accept", L["not_accept"], lambda a, p, x: usecases.not_accept(a, p, x.text), Text,
               (Field("text", L["not_accept_reason"]),), step="not_accept", group="handle", destructive=True),
        Action("meet", L["meet"], lambda a, p, x: usecases.meet(a, p, x.text), Text,
               (Field("note", L["meet_note"], required=False),), step="meet", group="handle"),
        Action("extend", L["extend"], lambda a, p, x: usecases.extend(a, p, x.days, x.text), Extension,
               (Field("days", L["extend_days"]), Field("text", L["extend_reason"])), step="extend", group="handle"),
        Action("approve", L["approve"], lambda a, p, x: usecases.approve_extension(a, p), Nothing, (), STAFF,
               ready=lambda p: bool(p.pending_extension), group="handle"),
        Action("send_back", L["send_back"], lambda a, p, x: usecases.send_back(a, p, x.text), Text,
               (Field("text", L["send_back_reason"]),), step="send_back", group="transfer", destructive=True),
        Action("reply", L["reply"], lambda a, p, x: usecases.reply(a, p, x.text), Text,
               (Field("text", L["reply_text"]),), step="reply", group="handle"),
        Action("close", L["close"], lambda a, p, x: usecases.close(a, p), Nothing, step="close", group="handle"),
        Action("recuse", L["recuse"], lambda a, p, x: usecases.recuse(a, p, unit=x.unit, person=x.person), Accused,
               (Field("accused", W.ACCUSED_FIELD),), STAFF, group="oversee", destructive=True),
        Action("note", L["note"], lambda a, p, x: usecases.note(a, p, x.text), Text, (Field("text", L["note_text"]),),
               group="record"),
        Action("instruct", L["instruct"], lambda a, p, x: usecases.instruct(a, p, x.text), Text,
               (Field("text", L["instruct_text"]),), LEADERS, scope="any", ready=lambda p: p.status in OPEN,
               refusal="leaders_only", group="oversee"),
        Action("follow_up_call", L["follow_up_call"],
               lambda a, p, x: citizen_usecases.phone_follow_up(a, p, x.outcome, x.text), Call,
               (Field("outcome", L["call_outcome"]), Field("note", L["call_note"], required=False)), STAFF,
               ready=lambda p: p.status in ("replied", "closed"), group="record"),
    )


ACTIONS: dict[str, Action] = {a.name: a for a in _entries()}


# --- who may take an action on which case -------------------------------------------------------

def visible(s, person: Person | None, p: Petition, scope: str) -> bool:
    """Whether ``person`` may act on ``p``: "unit" — the bureau any case, a unit's people their
    unit's — or "any" case; never one that accuses them (None: a 七晚 member known by number)."""
    if scope == "unit":
        return person is not None and may_act(s, person, p)
    return person is None or not barred(s, p).bars(person)


def open_case(act: Act, number: str, scope: str = "unit") -> Petition:
    """The case ``number`` locked for the transaction, if ``act.person`` may act on it; else the
    refusal of an unknown number (the same words: nobody learns that a case exists)."""
    p = lock_by_number(act.session, number)
    if p is None or not visible(act.session, act.person, p, scope):
        role = act.person.role if act.person is not None else None
        raise CaseError("not_found", number=number, role=role, scope=scope)
    return p


def offered(s, person: Person, p: Petition) -> list[Action]:
    """The actions ``person`` may take on ``p`` now, in the catalogue's order (the console's forms)."""
    scopes: dict[str, bool] = {}
    out = []
    for a in ACTIONS.values():
        if person.role not in a.roles or (a.step is not None and not may(a.step, p.status)):
            continue
        if a.city != across(person, p):
            continue
        if a.ready is not None and not a.ready(p):
            continue
        if a.scope not in scopes:
            scopes[a.scope] = visible(s, person, p, a.scope)
        if scopes[a.scope]:
            out.append(a)
    return out


def across(person: Person, p: Petition) -> bool:
    """Whether ``p`` is another county's than ``person``'s: the city's people on a county's case."""
    return p.county_id is not None and person.county_id is not None and p.county_id != person.county_id


# --- doing it -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _At:
    now: datetime   # what the replies' sentences read of their context


def perform(act: Act, case: Petition | str, name: str, args) -> Done:
    """Take the action ``name`` on ``case`` (its number, or the petition already opened) with its
    typed ``args``: lock, check the role, scope and recusal, run the use case, and say it."""
    action = ACTIONS[name]
    if not isinstance(args, action.args):
        raise TypeError(f"{name} takes {action.args.__name__}, not {type(args).__name__}")
    if act.person is None or act.person.role not in action.roles:
        raise CaseError(action.refusal)
    p = open_case(act, case if isinstance(case, str) else case.tracking_no, action.scope)
    if action.city != across(act.person, p):    # 督办 on one's own county's case; a county's action from the city
        raise CaseError("supervise_city_only" if action.city else action.refusal)
    was_provisional = p.deadline_provisional
    return finish(act, name, action.run(act, p, args), was_provisional)


def finish(act: Act, name: str, done: Done, was_provisional: bool, context=None) -> Done:
    """After an action on a case: the bureau told once of a deadline that now rests on an
    unpublished year (core.cases.usecases.provisional), and ``done.said`` — the sentence for
    whoever acted (core.words.officials.REPLIES, read in ``context``: the message's, else the
    act's time)."""
    usecases.provisional(act, done, was_provisional)
    text = T.REPLIES[name](context if context is not None else _At(act.now), done.petition, **done.data)
    done.said = Said(text, "official_done", done.petition.tracking_no, T.DONE_WORDS[name]) \
        if name in T.DONE_WORDS else text
    return done
