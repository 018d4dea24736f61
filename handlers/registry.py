"""The officials' commands, each declared once: its words, who may send it, whether it acts on a
case, the function that does the work, and its line of help.

A module declares its verbs with :meth:`Registry.verb` (handlers.officials, handlers.evenings);
:func:`route` answers a message with them. A case action of the catalogue (core.actions: 受理,
交办, 改派 …) is declared with :meth:`Registry.action`: who may send it is the catalogue's, and
its function only reads the words into the action's arguments (or answers the format); the router
then calls :func:`core.actions.perform`, as the console's form does. For every verb that takes a
case, the router does what each needs, once: read the number ("请写上事项编号"), open the case
(core.actions.open_case: locked, the sender's to act on — their unit's, or any for the bureau;
never one that accuses them, with the same words as an unknown number), call the verb, and turn a
domain error into its sentence. Help is generated from the declarations, for the sender's role.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

from core import actions
from core.actions import CADRES, OFFICIALS
from core.acts import Act, Done
from core.cases.lifecycle import CaseError
from core.evenings.visits import EveningError
from core.store.models import Person
from core.cases.tracking import split_tracking_no
from core.words.said import Said
from handlers import notify
from core.words import refusals as errors
from core.words import officials as T
from handlers.context import Context

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
    action: str | None = None            # a case action of core.actions: ``run`` reads its arguments


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

    def action(self, name: str, *words: str, **options) -> Callable:
        """Declare the decorated function as the words of the catalogue's action ``name``
        (core.actions.ACTIONS): ``(ctx, person, petition, rest)`` -> its arguments, or the reply
        when the words do not fit. Who may send it is the catalogue's."""
        entry = actions.ACTIONS[name]
        refusal = None if entry.refusal == "not_yours" else errors.say(CaseError(entry.refusal))
        return self.verb(name, *words, roles=entry.roles, case="required", scope=entry.scope, refusal=refusal,
                         action=name, **options)

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
    doing = act(ctx, person)
    try:
        p = actions.open_case(doing, number, verb.scope)
        was_provisional = p.deadline_provisional
        result = verb.run(ctx, person, p, after)
        if verb.action is not None and not isinstance(result, str):   # the words read: the catalogue does it
            result = actions.perform(doing, p, verb.action, result)
        elif isinstance(result, Done):   # a command outside the catalogue (七晚's, 进展 …): said the same way
            actions.finish(doing, verb.name, result, was_provisional, ctx)
        if not isinstance(result, Done):
            return result
        notify.deliver(ctx, result)
        if isinstance(result.said, Said):   # by a template-only SMS provider: the case and what was done
            ctx.reply_params = result.said.params
        return result.said
    except (CaseError, EveningError) as exc:
        return errors.say(exc)


def citizen_act(ctx: Context) -> Act:
    """The use cases' Act for the sender acting as the petitioner."""
    return Act(ctx.session, ctx.rules, ctx.now, f"{ctx.channel}:citizen", None, ctx.msg.inbound_id, ctx.msg.sender)


def filing_act(ctx: Context, actor: str) -> Act:
    """The Act of filing a new petition: on the message's Core connection, an ORM session only if
    the filing needs one (a repeat, an accusation)."""
    return Act(lambda: ctx.session, ctx.rules, ctx.now, actor, None, ctx.msg.inbound_id, ctx.msg.sender, ctx.conn)


def act(ctx: Context, person: Person | None) -> Act:
    """The use cases' :class:`~core.acts.Act` for this message's sender."""
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
