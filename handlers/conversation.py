"""The citizen's conversation in one table: for each state, what it accepts — in order, for a
text, a voice WeChat could not read, a photo or video, a location, an empty text — and the states
each handler may lead to; what a citizen's command means in that state when not what it means
anywhere (the fallbacks, handlers.commands); and the timeout (a draft untouched for
handlers.intake.DRAFT_TTL is closed).

The model is python-telegram-bot's ConversationHandler (states, fallbacks, conversation_timeout),
with two differences: the citizen's commands are tried before a state's catch-all answer (取消 at
the name step cancels; it is not a name), so each state says where they come (COMMANDS); and a
handler declares the states it may lead to, which dispatch checks after it runs (a dict and a set
lookup): a move the table does not declare is an error, not a new path.

docs/conversation.md's diagram is drawn from this table: ``python3 -m handlers.conversation
--write`` rewrites it, and tests/test_conversation_table.py fails when doc and table differ.
"""
from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Mapping

from core.words import citizens as texts
from handlers import asks, commands, intake
from handlers.context import Context, md
from handlers.extract import is_thanks
from handlers.registry import CITIZEN, Command
from handlers.states import INTAKE, INTAKE_STEPS, State

Run = Callable[[Context, str], "str | None"]


@dataclass(frozen=True)
class Handler:
    """What a state accepts: ``run(ctx, text)`` (a command's: ``run(ctx, command)``) answers, or
    returns None — not accepted here, the next handler is tried. ``to``: each state it may lead to,
    with the words the diagram draws on the move; staying is always allowed."""

    run: Callable
    to: Mapping[State, str] = field(default_factory=dict)


COMMANDS = Handler(lambda ctx, text: None)   # in a state's text handlers: where the commands are tried


@dataclass(frozen=True)
class Node:
    """One state: its handlers by what arrives, and what a command means here (None: its words are
    an ordinary answer here) when not what it means anywhere."""

    text: tuple[Handler, ...]
    voice: tuple[Handler, ...]          # a voice without recognised words (kept all the same)
    media: tuple[Handler, ...]          # a photo or a video
    location: tuple[Handler, ...]
    empty: tuple[Handler, ...]          # a text of nothing but spaces
    commands: Mapping[str, Handler | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Timeout:
    """A state in ``states`` untouched for ``after`` is left for ``to``; the next message says so."""

    after: timedelta
    states: frozenset[State]
    to: State
    says: str


class UndeclaredMove(RuntimeError):
    """A handler moved the conversation where the table does not say it may."""


# An undeclared move fails the tests (tests/conftest.py sets this); in service it is logged and the
# citizen's message is answered all the same — a gap in the table must not lose what they wrote.
STRICT = False
log = logging.getLogger(__name__)


def _stays(run: Run) -> Handler:
    return Handler(run)


def _moves(run: Callable, **to: str) -> Handler:
    return Handler(run, {State[name]: words for name, words in to.items()})


def _after(step: State) -> list[State]:
    return list(INTAKE_STEPS[INTAKE_STEPS.index(step) + 1:])


def _to(states, words: str) -> dict[str, str]:
    return {s.name: words for s in states}


# --- what arrives outside an intake ----------------------------------------------------------------

def _thanks(ctx: Context, text: str) -> str | None:
    return texts.YOU_ARE_WELCOME if is_thanks(text) else None


def _help(ctx: Context, text: str) -> str:
    return texts.help_text(ctx.channel)


def _voice_kept(ctx: Context, text: str) -> str:
    return texts.VOICE_KEPT_UNRECOGNISED


def _voice_kept_in_intake(ctx: Context, text: str) -> str:
    return texts.VOICE_KEPT_UNRECOGNISED + intake.reprompt(ctx)


def _media_in_intake(ctx: Context, text: str) -> str:
    return intake.attach_image(ctx) if ctx.msg.kind == "image" else intake.attach_video(ctx)


def _voice_to_the_case(ctx: Context, text: str) -> str | None:
    said = commands.supplement_with_media(ctx)
    return texts.VOICE_KEPT_UNRECOGNISED + said if said is not None else None


START = _moves(intake.start, NAME="any text",
               **_to(INTAKE_STEPS[1:], "any text that already says what is asked before"))
ELSEWHERE = dict(voice=(_stays(_voice_kept),), media=(_stays(intake.keep_media),),
                 location=(_stays(intake.keep_location),), empty=(_stays(_help),))

# --- an intake: every state but the steps' own answer is alike --------------------------------------

BACK_TO_EDIT = _moves(lambda ctx, cmd: intake.back_to_edit(ctx), EDIT="返回")
INTAKE_COMMANDS: dict[str, Handler | None] = {
    "cancel": _moves(commands.cancel_draft, IDLE="取消"),
    "report": _stays(commands.draft_not_submitted),
    "supplement": _stays(commands.supplement_during_intake),
    "withdraw": _stays(commands.withdraw_during_intake),
    "review": None, "re_review": None,                       # words of the story here
    "person": _stays(commands.then_ask_again("person")),
    "reception": _stays(commands.then_ask_again("reception")),
    "code": _stays(commands.code_during_intake),
}
IN_INTAKE = dict(voice=(_stays(_voice_kept_in_intake),), media=(_stays(_media_in_intake),),
                 location=(_stays(intake.attach_location),), empty=(_stays(lambda ctx, text: intake.reprompt(ctx)),))


def _back_from(step: State) -> Handler:
    """返回 at a step: the one before (past the phone by SMS, past the village when none is asked)."""
    i = INTAKE_STEPS.index(step)
    before = [s for s in INTAKE_STEPS[max(0, i - 2):i] if s is INTAKE_STEPS[i - 1] or INTAKE_STEPS[i - 1] in (State.PHONE, State.VILLAGE)]
    return _moves(lambda ctx, cmd: intake.back_a_step(ctx, step), **_to(before, "返回"))


def _step(step: State) -> Node:
    later = _after(step)
    answered = _moves(intake.answer_step, **_to(later[:1], "answered"),
                      **_to(later[1:], "answered, and the steps between said before"),
                      **({"CHOOSE_PLACE": "several places fit (\"张\")"} if step is State.PLACE else {}))
    kinds = {**IN_INTAKE, "location": (_moves(intake.answer_where, **_to(later, "a location naming the place")),)} \
        if step is State.PLACE else IN_INTAKE
    return Node(text=(COMMANDS, answered), commands={**INTAKE_COMMANDS, "back": _back_from(step)}, **kinds)


SUBMITTED = dict(IDLE="确认 → tracking number",
                 REPEAT="确认: a petition of the same person, place and matter: open (30 days), or answered (90 days)",
                 **_to(INTAKE_STEPS[:-1], "确认 with it still missing"))


def _intake_side(run: Callable, to: dict[str, str], back: Handler = BACK_TO_EDIT) -> Node:
    return Node(text=(COMMANDS, _moves(run, **to)), commands={**INTAKE_COMMANDS, "back": back}, **IN_INTAKE)


# --- the table --------------------------------------------------------------------------------------

TABLE: Mapping[str, Node] = MappingProxyType({state.value: node for state, node in {
    State.IDLE: Node(
        text=(_moves(asks.answer, RATE_WHY="a rating 不满意 asked for (3)"), COMMANDS,
              _stays(asks.about_the_case), _stays(_thanks), START),
        **ELSEWHERE),
    **{step: _step(step) for step in INTAKE_STEPS[:-1]},
    State.CONFIRM: _intake_side(intake.at_summary, {**SUBMITTED, "CONFIRM": "more text or images: added to the story"}),
    State.CHOOSE_PLACE: Node(
        text=(COMMANDS, _moves(intake.answer_choice, **_to(_after(State.PLACE), "1 / 2 / the name"))),
        commands={**INTAKE_COMMANDS, "back": _back_from(State.PLACE)},
        **{**IN_INTAKE, "location": (_moves(intake.answer_where,
                                            **_to(_after(State.PLACE), "a location naming the place")),)}),
    State.EDIT: _intake_side(intake.answer_edit, back=_stays(BACK_TO_EDIT.run), to={
        **SUBMITTED, **_to((State.NAME, State.PHONE, State.PLACE, State.CONTENT),
                           "1 姓名 2 电话 3 地点 4 问题: that step again, the old answer kept until a new one"),
        "CONFIRM": "more of the story"}),
    State.REPEAT: _intake_side(intake.answer_repeat, {
        "IDLE": "1 joined to the open one (并案) · linked as 重复访 · 复查 of the answer, in its window / 2 new 初信初访"}),
    State.SUPPLEMENT: Node(
        text=(COMMANDS, _moves(commands.supplement_words, IDLE="the case closed meanwhile")),
        voice=(_stays(_voice_to_the_case), _stays(_voice_kept)),
        media=(_stays(lambda ctx, text: commands.supplement_with_media(ctx)), _stays(intake.keep_media)),
        location=ELSEWHERE["location"], empty=ELSEWHERE["empty"],
        commands={"cancel": _moves(commands.cancel_draft, IDLE="取消"),
                  "done": _moves(commands.finish_supplement, IDLE="完成")}),
    State.WITHDRAW: Node(
        text=(COMMANDS, _stays(lambda ctx, text: texts.ANSWER_WITHDRAW)),
        commands={"cancel": _moves(commands.keep_the_case, IDLE="取消: the case stays"),
                  "confirm_withdraw": _moves(commands.confirm_withdraw, IDLE="确认撤回")},
        **ELSEWHERE),
    State.RATE_WHY: Node(
        text=(_moves(asks.why, IDLE="the reason, for the bureau (a command: the question left)"), COMMANDS,
              _stays(_thanks), START),
        **ELSEWHERE),
}.items()})

# the citizen's commands, valid in every state unless its node says otherwise: where each may lead
FALLBACK_MOVES: Mapping[str, tuple[State, ...]] = MappingProxyType({
    "report": (State.NAME,), "supplement": (State.SUPPLEMENT,), "withdraw": (State.WITHDRAW,),
    "rate": (State.RATE_WHY,)})


def _words(verb) -> str:
    word = min(verb.words, key=len) + (" 编号" if verb.numbered else "")
    return word + (f" (menu {verb.click})" if verb.click else "")


FALLBACKS: Mapping[str, Handler] = MappingProxyType({
    name: Handler(verb.run, {to: _words(verb) for to in FALLBACK_MOVES.get(name, ())})
    for name, verb in CITIZEN.verbs.items()})
TIMEOUT = Timeout(intake.DRAFT_TTL, INTAKE, State.IDLE, "untouched for 24 hours: closed, said on the next message")


# --- reading the table ---------------------------------------------------------------------------

def answer(ctx: Context, kind: str, text: str = "") -> str:
    """What arrives (``kind``: text, voice, media, location, empty) in the sender's state: its
    handlers in the table's order, the first that answers."""
    for handler in getattr(TABLE[ctx.conv.state], kind):
        said = command(ctx, text) if handler is COMMANDS else _run(ctx, handler, text)
        if said is not None:
            return said
    raise UndeclaredMove(f"nothing in state {ctx.conv.state!r} answers a {kind}")


def command(ctx: Context, text: str) -> str | None:
    """A citizen's command in the text, as it reads in the sender's state; None: no command, or
    here its words are an ordinary answer."""
    cmd = CITIZEN.parse(text) or commands.asked_within(text)
    return run_command(ctx, cmd) if cmd is not None else None


def run_command(ctx: Context, cmd: Command) -> str | None:
    here = TABLE[ctx.conv.state].commands
    handler = here[cmd.name] if cmd.name in here else FALLBACKS[cmd.name]
    return _run(ctx, handler, cmd) if handler is not None else None


def _run(ctx: Context, handler: Handler, arg) -> str | None:
    before = ctx.conv.state
    said = handler.run(ctx, arg)
    after = ctx.conv.state
    if after != before and after not in handler.to:
        gap = f"{handler.run.__qualname__} moved {before!r} to {after!r}: not in handlers.conversation"
        if STRICT:
            raise UndeclaredMove(gap)
        log.error("undeclared move: %s", gap)
    return said


def expired(ctx: Context) -> bool:
    """The draft timed out (TIMEOUT): left, and the next reply says so."""
    conv = ctx.conv
    if conv.state in TIMEOUT.states and conv.updated_at and ctx.now - conv.updated_at >= TIMEOUT.after:
        started = conv.started_at or conv.updated_at
        ctx.reset()
        ctx.notes.append(texts.draft_expired(md(started)))
        return True
    return False


# --- the diagram -------------------------------------------------------------------------------

DOC = Path(__file__).resolve().parents[1] / "docs" / "conversation.md"
BLOCK = re.compile(r"(<!-- drawn from handlers/conversation.py[^>]*-->\n)```mermaid\n.*?```", re.S)
KINDS = ("text", "voice", "media", "location", "empty")


def moves() -> list[tuple[State, State, str]]:
    """Every move the table declares: (from, to, words), in the table's order."""
    out: list[tuple[State, State, str]] = []
    for value, node in TABLE.items():
        state = State(value)
        handlers = [h for kind in KINDS for h in getattr(node, kind)]
        handlers += [h for h in node.commands.values() if h is not None]
        handlers += [FALLBACKS[name] for name in FALLBACKS if name not in node.commands]
        out += [(state, to, words) for h in handlers for to, words in h.to.items()]
    out += [(state, TIMEOUT.to, TIMEOUT.says) for state in STATE_ORDER if state in TIMEOUT.states]
    return list(dict.fromkeys(out))


STATE_ORDER = tuple(State)


def mermaid() -> str:
    """The table as a Mermaid state diagram; a move made alike from every state of the intake is
    drawn once, from the first step."""
    lines = ["stateDiagram-v2", f"    [*] --> {State.IDLE.value}"]
    drawn: dict[tuple[State, str], set[State]] = {}
    for a, b, words in moves():
        drawn.setdefault((b, words), set()).add(a)
    for a, b, words in moves():
        sources = drawn[(b, words)]
        if INTAKE <= sources and a in INTAKE:
            if a is not INTAKE_STEPS[0]:
                continue
            words += " (from any intake state)"
        lines.append(f"    {a.value} --> {b.value}: {words}")
    return "```mermaid\n" + "\n".join(dict.fromkeys(lines)) + "\n```"


def main(argv: list[str]) -> int:
    """Print the diagram; ``--write``: rewrite docs/conversation.md's block with it."""
    if "--write" in argv:
        text = DOC.read_text(encoding="utf-8")
        new, n = BLOCK.subn(lambda m: m.group(1) + mermaid(), text, count=1)
        if n != 1:
            sys.stderr.write("docs/conversation.md: no block marked <!-- drawn from handlers/conversation.py -->\n")
            return 1
        DOC.write_text(new, encoding="utf-8")
    sys.stdout.write(mermaid() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
