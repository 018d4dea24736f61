"""The officials' commands, each declared once: its words, who may send it, whether it acts on a
case, the function that does the work, and its line of help.

A module declares its verbs with :meth:`Registry.verb` (handlers.officials, handlers.evenings);
:func:`route` answers a message with them. For a verb that takes a case, the router does what
every such command needs, once: read the number ("请写上事项编号"), lock the case, check it is
the sender's to see (their unit's, or any for the bureau; never one that accuses them — the
same words as an unknown number, so nobody learns it exists), call the verb, and turn a domain
error into its sentence. A verb's function returns the reply, or a :class:`core.usecases.base.Done`:
then the router also tells whoever the use case names (handlers.notify) and replies with the
verb's sentence (core.words.officials.REPLIES). Help is generated from the declarations.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

from core.usecases.base import Act, Done
from core.usecases.cases import provisional
from core.cases import CaseError, lock_by_number, may_act
from core.evenings import EveningError
from core.store.models import Person, Petition
from core.tracking import split_tracking_no
from handlers import notify
from core.words import refusals as errors
from core.words import officials as T
from handlers.context import Context

CADRES = frozenset({"liaison", "cadre", "head"})
OFFICIALS = CADRES | {"staff", "leader"}
MEMBER = "member"   # a 七晚 task-force member outside the directory, known by the SMS number
HELP_SECTIONS = {"cadre": ("cadre",), "staff": ("cadre", "staff"), "leader": ("leader",)}


@dataclass(frozen=True)
class Verb:
    name: str
    words: tuple[str, ...]
    run: Callable                        # (ctx, person, rest) — or (ctx, person, petition, rest) with a case
    roles: frozenset[str] = OFFICIALS    # who may send it
    case: str = "none"                   # "none" | "required" | "optional" (without a number: run_alone)
    scope: str = "unit"                  # "unit": the bureau any case, a unit its own; "any": any case
    run_alone: Callable | None = None    # "optional": (ctx, person, rest) when no case is named
    refusal: str | None = None           # said to a role not in ``roles``; "help": that role's help
    need_number: Callable | None = None  # (ctx, word) -> the format when the number is missing
    help: tuple[tuple[str, int, str], ...] = ()   # (section, order, line): cadre | staff | leader


# what a cadre on a phone says before the command ("收到，受理 LS-…", "好的 办结 LS-…")
ACK = r"^(?:(?:收到|好的|好|明白|知道了|您好|你好)[，,。.！!\s]*)?"


class Registry:
    def __init__(self) -> None:
        self.verbs: dict[str, Verb] = {}
        self.by_word: dict[str, Verb] = {}

    def add(self, verb: Verb) -> Verb:
        if verb.name in self.verbs:
            raise ValueError(f"verb {verb.name!r} declared twice")
        for word in verb.words:
            if word in self.by_word:
                raise ValueError(f"the word {word!r} belongs to {self.by_word[word].name!r} already")
            self.by_word[word] = verb
        self.verbs[verb.name] = verb
        self.__dict__.pop("_pattern", None)
        return verb

    def verb(self, name: str, *words: str, **options) -> Callable:
        """Declare the decorated function as the verb ``name`` said with ``words``."""
        def declare(fn: Callable) -> Callable:
            self.add(Verb(name, words, fn, **options))
            return fn
        return declare

    @cached_property
    def _pattern(self) -> re.Pattern:
        words = sorted(self.by_word, key=len, reverse=True)   # 批准延期 before 延期
        return re.compile(ACK + "(" + "|".join(re.escape(w) for w in words) + r")\s*(.*)$", re.S)

    def match(self, text: str) -> tuple[Verb, str, str] | None:
        """(verb, the word used, the rest) of a command, or None."""
        m = self._pattern.match(text.strip())
        return (self.by_word[m.group(1)], m.group(1), m.group(2)) if m else None

    def help(self, role: str) -> str:
        """The commands a role may send, from their declarations."""
        sections = HELP_SECTIONS["staff" if role == "staff" else "leader" if role == "leader" else "cadre"]
        lines = []
        for section in sections:
            lines += [line for _, line in sorted((order, line) for v in self.verbs.values()
                                                 for s, order, line in v.help if s == section)]
        return T.commands_help(lines, leader=role == "leader")


COMMANDS = Registry()


def role_of(person: Person | None) -> str:
    return person.role if person is not None else MEMBER


def route(ctx: Context, person: Person | None, text: str, registry: Registry = COMMANDS) -> str:
    """The reply to an official's message (or a task-force member's 开始/结束)."""
    role = role_of(person)
    found = registry.match(text)
    if found is None:
        return registry.help(role)
    verb, word, rest = found
    if role not in verb.roles:
        if verb.refusal == "help" or (verb.refusal is None and role == "leader"):
            return registry.help(role)
        return verb.refusal or T.STAFF_ONLY
    if verb.case == "none" or (verb.case == "optional" and not rest.strip()):
        return (verb.run_alone or verb.run)(ctx, person, rest)
    number, after = split_tracking_no(rest)
    after = after.strip(" ：:，,")
    if number is None:
        return verb.need_number(ctx, word) if verb.need_number else T.need_number(word, ctx.county.prefix, ctx.now)
    p = lock_by_number(ctx.session, number)
    if p is None or not visible(ctx, person, p, verb.scope):
        return T.not_found(number, role, verb.scope)
    try:
        was_provisional = p.deadline_provisional
        result = verb.run(ctx, person, p, after)
        if isinstance(result, Done):
            provisional(act(ctx, person), result, was_provisional)
            notify.deliver(ctx, result)
            if verb.name in T.DONE_WORDS:   # by a template-only SMS provider: the case and what was done
                ctx.reply_params = {"t": "official_done", "v": [result.petition.tracking_no, T.DONE_WORDS[verb.name]]}
            return T.REPLIES[verb.name](ctx, result.petition, **result.data)
        return result
    except (CaseError, EveningError) as exc:
        return errors.say(exc)


def visible(ctx: Context, person: Person | None, p: Petition, scope: str) -> bool:
    if scope == "unit":
        return person is not None and may_act(ctx.session, person, p)
    return person is None or not ctx.barred(p).bars(person)


def citizen_act(ctx: Context) -> Act:
    """The use cases' Act for the sender acting as the petitioner."""
    return Act(ctx.session, ctx.rules, ctx.now, f"{ctx.channel}:citizen", None, ctx.msg.inbound_id, ctx.msg.sender)


def act(ctx: Context, person: Person | None) -> Act:
    """The use cases' :class:`~core.usecases.base.Act` for this message's sender."""
    actor = f"{person.role}:{person.id}" if person is not None else f"member:{ctx.msg.sender[-4:]}"
    return Act(ctx.session, ctx.rules, ctx.now, actor, person, ctx.msg.inbound_id, ctx.msg.sender)


# --- the citizen's commands ------------------------------------------------------------------------

@dataclass(frozen=True)
class Command:
    """A citizen's command as read from a message (or a WeChat menu click)."""

    name: str
    tracking_no: str | None = None
    rest: str = ""


@dataclass(frozen=True)
class CitizenVerb:
    name: str
    words: tuple[str, ...]
    run: Callable                  # (ctx, command) -> the reply, or None: here the words are an answer
    numbered: bool = False         # "查询 编号": a tracking number may follow the word
    free_text: bool = False        # numbered: without a number the rest is still this command's (补充 内容)
    pattern: str | None = None     # the whole message has this form (a 6-digit code)
    click: str | None = None       # the WeChat menu key that sends it
    moves: tuple[tuple[str, str], ...] = ()   # (from state, to state) it takes the conversation


class CitizenCommands:
    """The citizen's commands: understood in any state of the conversation, each deciding whether
    in the sender's state its words are a command or an ordinary answer ("返回" outside an
    intake is just text)."""

    def __init__(self) -> None:
        self.verbs: dict[str, CitizenVerb] = {}

    def verb(self, name: str, *words: str, **options) -> Callable:
        def declare(fn: Callable) -> Callable:
            if name in self.verbs:
                raise ValueError(f"citizen verb {name!r} declared twice")
            taken = {w for v in self.verbs.values() for w in v.words} & set(words)
            if taken:
                raise ValueError(f"words {sorted(taken)} belong to another citizen verb already")
            self.verbs[name] = CitizenVerb(name, words, fn, **options)
            self.__dict__.pop("_numbered", None)
            return fn
        return declare

    @cached_property
    def _numbered(self) -> tuple[re.Pattern, dict[str, CitizenVerb]]:
        by_word = {w: v for v in self.verbs.values() if v.numbered for w in v.words}
        words = sorted(by_word, key=len, reverse=True)
        return re.compile("^(" + "|".join(re.escape(w) for w in words) + r")\s*[:：]?\s*(.*)$", re.S), by_word

    def parse(self, text: str) -> Command | None:
        """The command in a message, or None (a message is mostly an answer or a story)."""
        t = text.strip()
        plain = t.rstrip("。.!！")
        for v in self.verbs.values():
            if not v.numbered and (plain in v.words or plain.lower() in v.words):
                return Command(v.name)
        for v in self.verbs.values():
            if v.pattern and re.fullmatch(v.pattern, plain):
                return Command(v.name, rest=plain)
        pattern, by_word = self._numbered
        m = pattern.match(t)
        if m:
            verb, rest = by_word[m.group(1)], m.group(2)
            number, after = split_tracking_no(rest)
            if number:
                rest = after.strip(" ：:，,")
            elif rest and not verb.free_text:
                return None   # "查询一下我的低保" is not a command: it is text
            return Command(verb.name, number, rest)
        return None

    def clicked(self, key: str) -> Command | None:
        """The command a WeChat menu key sends."""
        return next((Command(v.name) for v in self.verbs.values() if v.click and v.click == key), None)

    def run(self, ctx: Context, command: Command) -> str | None:
        return self.verbs[command.name].run(ctx, command)


CITIZEN = CitizenCommands()
