"""Staff of the bureau and cadres of the units: who they are, and the commands they send.

A sender is an official when their SMS number or bound WeChat OpenID belongs to an active person
of the county file; everyone else is a citizen. A WeChat OpenID is bound with a one-time code
printed by ``xinfang bind NAME`` and sent as "绑定 CODE".

The commands are declared below on handlers.registry (words, who may send them, help); each
reads its arguments and calls one use case of an area (core.cases.usecases …). A command from the wrong person, for
an unknown case, or out of order gets a clear reply and changes nothing (core.cases.lifecycle raises, the
transaction writes nothing of it). The 七晚 commands are declared in handlers.evenings.
"""
from __future__ import annotations

import re


from core import actions


from core.cases import audience, lifecycle as cases
from core.cases import registration, usecases
from core.clock import SHANGHAI, with_weekday
from core.reports.digest import LEVEL_OF_WORD
from notifications.digest_text import details as digest_details
from core.reports.digest import register_escalation as register_escalation_row
from core.directory.lookup import bind, find_person, find_unit
from core.store.models import Person, Township
from core.phones import find_mobile
from core.workplace.workbench import audit
from handlers import notify
from core.words import officials as T
from handlers.context import Context
from handlers.registry import CADRES, COMMANDS, OFFICIALS, act, filing_act, route

STAFF_ONLY, UNITS_AND_STAFF = actions.STAFF, actions.UNITS_AND_STAFF
BIND_RE = re.compile(r"^\s*绑定\s*([A-Za-z0-9]{6,12})\s*$")


# --- who is writing ---------------------------------------------------------------------------

def identify(ctx: Context) -> Person | None:
    """The directory's person writing, or None for a citizen (most messages): the conversation's
    lock has read who it is (handlers.context.lock_conversation); the ORM only for officials."""
    person_id = ctx.conv.official_id
    return ctx.session.get(Person, person_id) if person_id is not None else None


def try_bind(ctx: Context, text: str) -> str | None:
    """"绑定 CODE" from WeChat: the reply, or None when the text is not a bind command."""
    m = BIND_RE.match(text)
    if not m:
        return None
    if ctx.channel != "wechat":
        return T.BIND_WECHAT_ONLY
    person, problem = bind(ctx.session, m.group(1), ctx.msg.sender, ctx.now)
    if person is None:
        return T.BIND_TAKEN if problem == "taken" else T.BIND_CODE_INVALID
    return T.bound(person.name, COMMANDS.help("staff" if person.role == "staff" else "cadre"))


# --- commands -----------------------------------------------------------------------------------

def handle(ctx: Context, person: Person, text: str) -> str:
    """The reply to an official's message: routed by the declared commands (handlers.registry)."""
    return route(ctx, person, text)


def help_for(person: Person) -> str:
    return COMMANDS.help(person.role)


# --- the commands -------------------------------------------------------------------------------

@COMMANDS.verb("help", "帮助", "?", "？", roles=OFFICIALS)
def _help(ctx: Context, person: Person, rest: str) -> str:
    if person.role in CADRES:   # by a template-only SMS provider: the commands a cadre uses most
        ctx.reply_params = {"t": "official_help", "v": []}
    return help_for(person)


@COMMANDS.verb("next", "下一页", "更多", roles=OFFICIALS)
def _next(ctx: Context, person: Person, rest: str) -> str:
    return ctx.next_page()


# --- the case actions of core.actions: each reads its words into the action's arguments ---------

@COMMANDS.action("accept", "受理", "接收", help=(("cadre", 10, "受理 编号 [简单/一般/复杂]"),))
def read_accept(ctx, person, p, rest):
    complexity = cases.COMPLEXITY_WORDS.get(rest.strip()[:2]) if rest.strip() else None
    if rest.strip() and complexity is None:
        return T.COMPLEXITY_FORMAT
    return actions.Complexity(complexity)


@COMMANDS.verb("look", "查询", "查看", roles=UNITS_AND_STAFF, case="required",
               help=(("cadre", 75, "查询 编号"),))
def do_look(ctx, person, p, rest):
    """A case of the sender's unit as its file says it: the petitioner's number with it (a 交办 by
    text says to look here for it), each look recorded as the console records a reveal."""
    audit(ctx.session, person, ctx.now, "reveal", p.id, detail=f"查询 by {ctx.channel}")
    ctx.reply_params = {"t": "official_done", "v": [p.tracking_no, T.DONE_WORDS["look"]]}
    return T.case_card(ctx, p, cases.next_due(p))


@COMMANDS.action("meet", "见面", "已见面", help=(("cadre", 20, "见面 编号 [备注]"),))
@COMMANDS.action("reply", "答复", "回复", help=(("cadre", 30, "答复 编号 内容"),))
@COMMANDS.action("send_back", "退回", help=(("cadre", 60, "退回 编号 理由"),))
def read_text(ctx, person, p, rest):
    return actions.Text(rest)


@COMMANDS.action("close", "办结", "结案", help=(("cadre", 40, "办结 编号"),))
@COMMANDS.action("approve", "批准延期", "同意延期", help=(("staff", 60, "批准延期 编号"),))
def read_nothing(ctx, person, p, rest):
    return actions.Nothing()


@COMMANDS.action("not_accept", "不予受理", help=(("cadre", 45, "不予受理 编号 理由"),))
def read_not_accept(ctx, person, p, rest):
    return actions.Text(rest) if rest.strip() else T.NOT_ACCEPT_FORMAT


@COMMANDS.action("extend", "延期", help=(("cadre", 50, "延期 编号 天数 理由"),))
def read_extend(ctx, person, p, rest):
    m = re.match(r"^\s*(\d{1,3})\s*(?:天|日)?\s*(.*)$", rest, re.S)
    if not m:
        return T.EXTEND_FORMAT
    return actions.Extension(int(m.group(1)), m.group(2))


@COMMANDS.action("assign", "交办", "转办", help=(("staff", 30, "交办 编号 单位"),))
@COMMANDS.action("reassign", "改派", help=(("staff", 35, "改派 编号 单位（单位尚未受理）"),))
def read_unit(ctx, person, p, rest):
    unit = find_unit(ctx.session, rest)
    return actions.ToUnit(unit) if unit is not None else T.unit_not_found(rest.strip())


@COMMANDS.action("urge", "催办", help=(("staff", 36, "催办 编号 说明（可不填）"),))
def read_note(ctx, person, p, rest):
    return actions.Text(rest.strip())


@COMMANDS.action("recuse", "被反映", "回避", help=(("staff", 40, "被反映 编号 单位/人"),))
def read_accused(ctx, person, p, rest):
    """被反映 编号 单位|人: the petition accuses this unit or person."""
    name = rest.strip()
    if not name:
        return T.recuse_format(p.tracking_no)
    found = find_unit(ctx.session, name)
    who = None if found is not None else find_person(ctx.session, name)
    if found is None and who is None:
        return T.unit_or_person_not_found(name)
    return actions.Accused(unit=found, person=who)


@COMMANDS.action("lead", "包案", help=(("staff", 50, "包案 编号 领导"),))
def read_lead(ctx, person, p, rest):
    lead = find_person(ctx.session, rest.strip())
    return actions.Lead(lead) if lead is not None else T.leader_not_found(rest.strip(), p.tracking_no)


@COMMANDS.verb("answer_review", "复查答复", "复核答复", roles=STAFF_ONLY, case="required",
               help=(("staff", 70, "复查答复 编号 内容"),))
def do_answer_review(ctx, person, p, rest):
    return usecases.answer_review(act(ctx, person), p, rest)


@COMMANDS.verb("progress", "进展", "进展报告", roles=UNITS_AND_STAFF, case="required",
               help=(("cadre", 70, "进展 编号 内容（批示事项）"),))
def do_progress(ctx, person, p, rest):
    """进展 编号 内容: the unit's progress on a case a leader instructed on."""
    return usecases.progress(act(ctx, person), p, rest)


def _instruct_format(ctx: Context, word: str) -> str:
    return T.instruct_format(T.example_no(ctx.county.prefix, ctx.now))


@COMMANDS.action("instruct", "批示", need_number=_instruct_format, help=(("leader", 20, "批示 编号 内容"),))
def read_instruction(ctx, person, p, rest):
    """批示 编号 内容 (a county leader)."""
    return actions.Text(rest)


# --- 登记: petitions received in person (走访) or by letter (来信) -----------------------------------

REGISTER_KINDS = {"走访": "visit", "来访": "visit", "来信": "letter", "来电": "phone", "电话访": "phone", "电话": "phone"}


@COMMANDS.verb("register", "登记", roles=STAFF_ONLY,
               help=(("staff", 10, "登记 走访/来信 乡镇 姓名 电话 人数 内容"), ("staff", 20, "登记 到市/赴省/进京 [乡镇] 人数 事由")))
def register(ctx: Context, person: Person, rest: str) -> str:
    """Staff register a petition received at the bureau; it then follows the path of any other
    (assignment, deadlines, receipt to the petitioner by SMS). A phone given in person is taken
    as the petitioner's; a phone written in a letter is not trusted until it texts us (004)."""
    if rest.split(maxsplit=1)[:1] and rest.split(maxsplit=1)[0] in LEVEL_OF_WORD:
        return register_escalation(ctx, person, rest)
    parts = rest.split(maxsplit=5)
    if len(parts) < 6:
        return T.REGISTER_FORMAT
    kind_word, place, name, phone_text, people_text, content = parts
    kind = REGISTER_KINDS.get(kind_word)
    if kind is None:
        return T.REGISTER_KIND
    found = ctx.gazetteer.match(place).unique
    if found is None:
        return T.township_not_found(place)
    phone = None
    if phone_text not in ("无", "-", "没有"):
        phone = find_mobile(phone_text)
        if phone is None:
            return T.register_bad_phone(phone_text)
    if not people_text.isdigit() or not 1 <= int(people_text) <= 10_000:
        return T.REGISTER_PEOPLE
    done = registration.register_received(filing_act(ctx, f"staff:{person.id}"), ctx.county, registration.Received(
        kind, name, phone, int(people_text), content, found.township_id, found.village_id),
        ctx.gazetteer.directory_names)
    ctx.petition_id = done.data["petition_id"]
    notify.deliver(ctx, done)
    unit = done.data["unit"]
    ctx.reply_params = {"t": "official_done", "v": [done.petition.tracking_no, "已登记" if unit is None else "已登记并交办"]}
    return T.registered(done.petition, kind, unit.name if unit is not None else None)


def register_escalation(ctx: Context, person: Person, rest: str) -> str:
    """越级访 learned of by the bureau (到市/赴省/进京): counted in the daily 访情 and named to the
    township's unit."""
    word, _, after = rest.strip().partition(" ")
    tokens = after.split(maxsplit=1)
    township = None
    if tokens and not tokens[0].isdigit():
        found = ctx.gazetteer.match(tokens[0]).unique
        if found is None:
            return T.township_not_found(tokens[0], full=False) + T.ESCALATION_FORMAT
        township = ctx.session.get(Township, found.township_id)
        tokens = tokens[1].split(maxsplit=1) if len(tokens) > 1 else []
    if len(tokens) < 2 or not tokens[0].isdigit() or not 1 <= int(tokens[0]) <= 10_000:
        return T.ESCALATION_FORMAT
    people, matter = int(tokens[0]), tokens[1].strip()
    level = LEVEL_OF_WORD[word]
    day = ctx.now.astimezone(SHANGHAI).date()
    row = register_escalation_row(ctx.session, level, township, people, matter[:2000], day, ctx.now,
                                  f"staff:{person.id}", ctx.rules.scores.of(f"escalation_{level}"))
    told = []
    if not ctx.rules.calendar.is_workday(day):   # no daily 访情 today: the leaders hear of it now
        said = T.escalation_now(with_weekday(day), word, people, township.name if township else None, matter)
        told = list(dict.fromkeys(audience.leaders(ctx.session) + (
            audience.heads(ctx.session, None, row.unit_id) if row.unit_id is not None else [])))
        for phone in told:
            ctx.queue_sms(phone, said, "escalation_now", params=list(said.values))
    return T.escalation_registered(word, people, township.name if township else None, matter, len(told))


@COMMANDS.verb("details", "详情", roles=frozenset({"leader", "head", "staff"}), refusal="help",
               help=(("leader", 10, "详情（今日访情要点）"),))
def details(ctx: Context, person: Person, rest: str = "") -> str:
    """"详情" from a leader or a unit head: today's petitions and the flagged cases, names masked."""
    items = digest_details(ctx.session, ctx.now, person)
    if not items:
        return T.NO_DETAILS
    return ctx.paginate([T.DETAILS_HEAD], [f"{i}. {x}" for i, x in enumerate(items, 1)])


@COMMANDS.verb("todo", "待办", "我的待办", roles=UNITS_AND_STAFF, help=(("cadre", 80, "待办"),))
def todo(ctx: Context, person: Person, rest: str = "") -> str:
    rows = cases.todo(ctx.session, person)
    if not rows:
        return T.NOTHING_PENDING
    items = [T.todo_item(i, p, cases.next_due(p)) for i, p in enumerate(rows, 1)]
    first = rows[0]   # by a template-only SMS provider: how many, and the nearest
    ctx.reply_params = {"t": "official_todo", "v": [str(len(rows)), first.tracking_no, T.when(cases.next_due(first))]}
    return ctx.paginate([T.todo_head(len(rows))], items)


